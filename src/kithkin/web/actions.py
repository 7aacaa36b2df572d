"""The HTML forms' POST handlers: each checks the CSRF token, writes, then redirects (PRG)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Connection
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin import clock
from kithkin.errors import InvalidInput, KithkinError
from kithkin.store import interactions, people, story, trash
from kithkin.store.people import EDITABLE
from kithkin.web.render import Form, checked_form, database, redirect, render

router = APIRouter(include_in_schema=False)
Posted = Annotated[Form, Depends(checked_form)]


def _write(
    request: Request, back: str, action: Callable[[Connection], str], *, undo: bool = False
) -> RedirectResponse:
    """Run `action` in one write transaction; flash its message (or the error) on `back`."""
    try:
        with database(request).write() as conn:
            message = action(conn)
    except KithkinError as exc:
        return redirect(back, str(exc), kind="error")
    return redirect(back, message, undo=undo)


def _date(value: str, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def _tags(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _local_path(value: str, default: str) -> str:
    """Only ever redirect within the app."""
    if value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return default


@router.post("/people/new", response_model=None)
def add_person(request: Request, form: Posted) -> RedirectResponse | HTMLResponse:
    contacts = [(kind, form.text(kind)) for kind in ("email", "phone", "url") if form.text(kind)]
    try:
        with database(request).write() as conn:
            person_id = people.add_person(
                conn,
                display_name=form.optional("display_name"),
                given_name=form.optional("given_name"),
                family_name=form.optional("family_name"),
                organisation=form.optional("organisation"),
                title=form.optional("title"),
                contacts=contacts,
                tags=_tags(form.text("tags")),
            )
            name = people.get_person(conn, person_id).display_name
    except KithkinError as exc:
        with database(request).read() as conn:
            known = [tag for tag, _ in people.all_tags(conn)]
        context = {"values": form.values(), "error": str(exc), "known_tags": known}
        return render(request, "person_new.html", context, status=exc.http_status)
    return redirect(
        f"/people/{person_id}", f"Added {name}. What do you know of their story? Note it below."
    )


@router.post("/people/{person_id}/edit")
def edit_person(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        changed = people.edit_person(conn, person_id, **{k: form.text(k) for k in EDITABLE})
        return f"Saved {', '.join(changed).replace('_', ' ')}." if changed else "Nothing changed."

    return _write(request, f"/people/{person_id}", action)


@router.post("/people/{person_id}/contacts")
def add_contact(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        kind, value = form.text("kind"), form.text("value")
        people.add_contact(conn, person_id, kind, value, label=form.optional("label"))
        return f"Added {kind} {value}."

    return _write(request, f"/people/{person_id}#contacts", action)


@router.post("/people/{person_id}/contacts/{contact_id}/remove")
def remove_contact(
    request: Request, person_id: int, contact_id: int, form: Posted
) -> RedirectResponse:
    def action(conn: Connection) -> str:
        people.remove_contact(conn, person_id, contact_id)
        return "Contact point removed."

    return _write(request, f"/people/{person_id}#contacts", action)


@router.post("/people/{person_id}/story")
def add_fact(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        field = form.text("field")
        story.add_fact(
            conn,
            person_id,
            field,
            form.text("text"),
            learned_on=_date(form.text("learned_on"), "learned on"),
            learned_where=form.optional("learned_where"),
        )
        return f"Added to their story ({field})."

    return _write(request, f"/people/{person_id}#story", action)


@router.post("/people/{person_id}/story/{fact_id}/remove")
def remove_fact(request: Request, person_id: int, fact_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        story.remove_fact(conn, person_id, fact_id)
        return "Story fact removed."

    return _write(request, f"/people/{person_id}#story", action)


@router.post("/people/{person_id}/notes")
def add_note(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        story.add_note(conn, person_id, form.text("text"))
        return "Note added."

    return _write(request, f"/people/{person_id}#notes", action)


@router.post("/people/{person_id}/interactions")
def log_interaction(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        day = _date(form.text("date"), "date")
        now = clock.now()
        if day is None or day == now.astimezone().date():
            at = now
        else:  # a past or planned day without a time: midday, local time
            at = datetime.combine(day, time(12)).astimezone()
        kind = form.text("kind")
        interactions.log_interaction(
            conn,
            kind=kind,
            direction=form.text("direction") or "both",
            occurred_at=at,
            participants=[person_id],
            subject=form.optional("subject"),
            summary=form.optional("summary"),
        )
        return f"Logged the {kind}."

    return _write(request, f"/people/{person_id}#timeline", action)


@router.post("/people/{person_id}/tags")
def add_tag(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        names = _tags(form.text("tag"))
        if not names:
            raise InvalidInput("which tag?")
        added = [name for name in names if people.add_tag(conn, person_id, name)]
        return f"Tagged {', '.join(added)}." if added else "They already had that tag."

    return _write(request, f"/people/{person_id}", action)


@router.post("/people/{person_id}/tags/remove")
def remove_tag(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        name = form.text("tag")
        removed = people.remove_tag(conn, person_id, name)
        return f"Removed the tag {name}." if removed else f"They were not tagged {name}."

    return _write(request, f"/people/{person_id}", action)


@router.post("/people/{person_id}/delete")
def delete_person(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        name = people.get_person(conn, person_id).display_name
        trash.delete_person(conn, person_id)
        return f"{name} is in the trash for {trash.TRASH_DAYS} days. You can undo this."

    try:
        with database(request).write() as conn:
            message = action(conn)
    except KithkinError as exc:
        return redirect(f"/people/{person_id}", str(exc), kind="error")
    return redirect("/people", message, undo=True)


@router.post("/people/{person_id}/merge")
def merge(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        other_id = people.resolve(conn, form.text("other"))
        other = people.get_person(conn, other_id).display_name
        trash.merge_people(conn, person_id, other_id)
        return f"Merged {other} (#{other_id}) into this person. You can undo this."

    return _write(request, f"/people/{person_id}", action, undo=True)


@router.post("/trash/{person_id}/restore")
def restore(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        trash.restore_person(conn, person_id)
        return f"Restored {people.get_person(conn, person_id).display_name}."

    return _write(request, "/trash", action)


@router.post("/undo")
def undo(request: Request, form: Posted) -> RedirectResponse:
    back = _local_path(form.text("next"), "/trash")
    return _write(request, back, lambda conn: f"Undone: {trash.undo(conn)}")
