"""The Today page (the home page, `/`), the Circle page and the Brief page, with their forms.

Every form carries the CSRF token and redirects back with a flash message (POST-redirect-GET),
like the other pages. `router` also carries the JSON API of these pages (`today_api`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Connection
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin import clock
from kithkin.errors import InvalidInput, KithkinError
from kithkin.practices import brief, circle, today
from kithkin.store import circle as store_circle
from kithkin.store import interactions, people
from kithkin.web import today_api
from kithkin.web.render import Form, checked_form, database, redirect, render

TOUCH_KINDS: Final = ("call", "email", "message", "meeting", "coffee", "meal", "note")
SNOOZE_CHOICES: Final = (1, 3, 7, 14, 30)
_DIRECTION: Final = {"email": "from_me", "message": "from_me", "note": "neither"}

pages = APIRouter(include_in_schema=False)
Posted = Annotated[Form, Depends(checked_form)]


def _act(request: Request, back: str, action: Callable[[Connection], str]) -> RedirectResponse:
    try:
        with database(request).write() as conn:
            message = action(conn)
    except KithkinError as exc:
        return redirect(back, str(exc), kind="error")
    return redirect(back, message)


def _days(value: str, what: str = "days") -> int:
    if not value.strip().isdigit():
        raise InvalidInput(f"{what}: {value!r} is not a whole number of days")
    return int(value)


def _back(form: Form, default: str) -> str:
    value = form.text("next")
    return value if value.startswith("/") and not value.startswith(("//", "/\\")) else default


@pages.get("/")
def today_page(request: Request) -> HTMLResponse:
    agenda = today.load(database(request))
    return render(
        request,
        "today.html",
        {
            "agenda": agenda,
            "sections": today.SECTIONS,
            "touch_kinds": TOUCH_KINDS,
            "snooze_choices": SNOOZE_CHOICES,
            "snooze_default": today.SNOOZE_DAYS,
        },
    )


@pages.post("/today/mute")
def mute(request: Request, form: Posted) -> RedirectResponse:
    action = "dismiss" if form.text("do") == "dismiss" else "snooze"
    try:
        days = _days(form.text("days") or str(today.SNOOZE_DAYS))
        item = today.mute(database(request), form.text("key"), action, days_=days)
    except KithkinError as exc:
        return redirect("/", str(exc), kind="error")
    who = ", ".join(name for _, name in item.people)
    if action == "dismiss":
        return redirect("/", f"Dismissed: {who}. It comes back if its reason changes.")
    return redirect("/", f"Snoozed for {days} days: {who}. Sooner if its reason changes.")


@pages.post("/today/log")
def log_touch(request: Request, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        person_id = _days(form.text("person_id"), "person")
        kind = form.text("kind") or "call"
        if kind not in TOUCH_KINDS:
            raise InvalidInput(f"unknown kind {kind!r}")
        name = people.get_person(conn, person_id).display_name
        interactions.log_interaction(
            conn,
            kind=kind,
            direction=_DIRECTION.get(kind, "both"),
            occurred_at=clock.now(),
            participants=[person_id],
            subject=form.optional("subject"),
        )
        return f"Logged a {kind} with {name}: their cadence starts again."

    return _act(request, _back(form, "/"), action)


@pages.get("/circle")
def circle_page(request: Request) -> HTMLResponse:
    db = database(request)
    found = circle.load(db)
    suggestions = circle.suggestions(db)
    return render(
        request,
        "circle.html",
        {"circle": found, "suggestions": suggestions},
    )


@pages.post("/circle/add")
def circle_add(request: Request, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        person_id = people.resolve(conn, form.text("person"))
        cadence = _days(form.text("cadence"), "cadence") if form.text("cadence") else None
        name = people.get_person(conn, person_id).display_name
        added = store_circle.add_member(conn, person_id, cadence_days=cadence)
        warning = circle.cap_warning(len(store_circle.member_ids(conn)), store_circle.cap(conn))
        said = f"Added {name} to your circle." if added else f"{name} is in your circle already."
        return said + (f" Note: {warning}." if warning else "")

    return _act(request, _back(form, "/circle"), action)


@pages.post("/circle/{person_id}/remove")
def circle_remove(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        name = people.get_person(conn, person_id).display_name
        removed = store_circle.remove_member(conn, person_id)
        return f"Took {name} out of your circle." if removed else f"{name} was not in it."

    return _act(request, "/circle", action)


@pages.post("/circle/{person_id}/cadence")
def circle_cadence(request: Request, person_id: int, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        days = _days(form.text("days") or "0", "cadence")
        store_circle.set_cadence(conn, person_id, days or None)
        name = people.get_person(conn, person_id).display_name
        return f"{name}: every {days} days." if days else f"{name}: the usual cadence."

    return _act(request, "/circle", action)


@pages.post("/circle/settings")
def circle_settings(request: Request, form: Posted) -> RedirectResponse:
    def action(conn: Connection) -> str:
        done = []
        if form.text("cap"):
            store_circle.set_cap(conn, _days(form.text("cap"), "cap"))
            done.append(f"cap {form.text('cap')}")
        if form.text("cadence"):
            store_circle.set_default_cadence(conn, _days(form.text("cadence"), "cadence"))
            done.append(f"every {form.text('cadence')} days by default")
        if form.text("tag"):
            days = _days(form.text("tag_days") or "0", "cadence")
            store_circle.set_tag_cadence(conn, form.text("tag"), days or None)
            done.append(f"tag {form.text('tag')}: " + (f"every {days} days" if days else "none"))
        return ("Saved: " + "; ".join(done) + ".") if done else "Nothing changed."

    return _act(request, "/circle", action)


@pages.get("/brief/{person_id}")
def brief_page(request: Request, person_id: int) -> HTMLResponse:
    found = brief.load(database(request), person_id)
    return render(request, "brief.html", {"brief": found, "touch_kinds": TOUCH_KINDS})


router = APIRouter()
router.include_router(pages)
router.include_router(today_api.router)
