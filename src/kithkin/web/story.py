"""What you learn and what you did: story facts, notes and logged interactions — the forms
of a person's page and their `/api` routes, each over one use case."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from starlette.responses import RedirectResponse

from kithkin.services import interactions
from kithkin.services import story as stories
from kithkin.web import guard
from kithkin.web.render import Form, attempt, checked_form, database, safe_next, shared_box
from kithkin.web.schemas import (
    API_RESPONSES,
    CreatedOut,
    FactIn,
    FactOut,
    Id,
    InteractionIn,
    NoteIn,
    NoteOut,
    PersonOut,
    SharedOut,
    ShareIn,
    TimelineEntryOut,
)

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"], responses=API_RESPONSES)
Posted = Annotated[Form, Depends(checked_form)]
Limit = Annotated[int, Query(ge=1, le=500)]
ShareKind = Literal["note", "fact", "need", "ledger"]


# -- forms ------------------------------------------------------------------------------------


@pages.post("/people/{person_id}/story")
def add_fact_form(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        field = form.text("field")
        stories.add_fact(
            database(request),
            actor=guard.actor(request),
            person=person_id,
            field=field,
            text=form.text("text"),
            learned_on=form.text("learned_on"),
            learned_where=form.optional("learned_where"),
            shared=shared_box(form),
        )
        return f"Added to their story ({field})."

    return attempt(f"/people/{person_id}#story", action)


@pages.post("/people/{person_id}/story/{fact_id}/remove")
def remove_fact_form(
    request: Request, person_id: Id, fact_id: Id, form: Posted
) -> RedirectResponse:
    def action() -> str:
        stories.remove_fact(
            database(request), actor=guard.actor(request), person=person_id, fact_id=fact_id
        )
        return "Story fact removed."

    return attempt(f"/people/{person_id}#story", action)


@pages.post("/people/{person_id}/notes")
def add_note_form(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        stories.add_note(
            database(request),
            actor=guard.actor(request),
            person=person_id,
            text=form.text("text"),
            shared=shared_box(form),
        )
        return "Note added."

    return attempt(f"/people/{person_id}#notes", action)


@pages.post("/people/{person_id}/notes/{note_id}/remove")
def remove_note_form(
    request: Request, person_id: Id, note_id: Id, form: Posted
) -> RedirectResponse:
    def action() -> str:
        stories.remove_note(
            database(request), actor=guard.actor(request), person=person_id, note_id=note_id
        )
        return "Note removed."

    return attempt(f"/people/{person_id}#notes", action)


@pages.post("/sharing/{kind}/{row_id}")
def share_form(request: Request, kind: ShareKind, row_id: Id, form: Posted) -> RedirectResponse:
    """Share a note, story fact, need or ledger entry with the team, or make it private."""
    shared = form.text("shared") == "1"

    def action() -> str:
        stories.share(
            database(request), actor=guard.actor(request), kind=kind, row_id=row_id, shared=shared
        )
        return "Shared with the team." if shared else "Now private: only you see it."

    return attempt(safe_next(form.text("next"), "/"), action)


@pages.post("/people/{person_id}/interactions")
def log_interaction_form(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        kind = form.text("kind")
        interactions.log(
            database(request),
            kind=kind,
            people=[person_id],
            at=form.text("date"),
            at_option="When",
            direction=form.text("direction") or "both",
            subject=form.optional("subject"),
            summary=form.optional("summary"),
            actor=guard.actor(request),
        )
        return f"Logged the {kind}."

    return attempt(f"/people/{person_id}#timeline", action)


# -- the JSON API -----------------------------------------------------------------------------


@api.post("/people/{person_id}/story", status_code=status.HTTP_201_CREATED)
def add_fact(request: Request, person_id: Id, body: FactIn) -> FactOut:
    added = stories.add_fact(
        database(request),
        actor=guard.actor(request),
        person=person_id,
        field=body.field,
        text=body.text,
        learned_on=body.learned_on,
        learned_where=body.learned_where,
        shared=body.shared,
    )
    return FactOut.model_validate(asdict(added.fact))


@api.delete("/people/{person_id}/story/{fact_id}")
def remove_fact(request: Request, person_id: Id, fact_id: Id) -> PersonOut:
    return PersonOut.of(
        stories.remove_fact(
            database(request), actor=guard.actor(request), person=person_id, fact_id=fact_id
        )
    )


@api.post("/people/{person_id}/notes", status_code=status.HTTP_201_CREATED)
def add_note(request: Request, person_id: Id, body: NoteIn) -> NoteOut:
    added = stories.add_note(
        database(request),
        actor=guard.actor(request),
        person=person_id,
        text=body.text,
        shared=body.shared,
    )
    return NoteOut.model_validate(asdict(added.note))


@api.delete("/people/{person_id}/notes/{note_id}")
def remove_note(request: Request, person_id: Id, note_id: Id) -> PersonOut:
    return PersonOut.of(
        stories.remove_note(
            database(request), actor=guard.actor(request), person=person_id, note_id=note_id
        )
    )


@api.put(
    "/sharing/{kind}/{row_id}",
    summary="Share a note, story fact, need or ledger entry with the team, or make it private",
)
def share(request: Request, kind: ShareKind, row_id: Id, body: ShareIn) -> SharedOut:
    done = stories.share(
        database(request), actor=guard.actor(request), kind=kind, row_id=row_id, shared=body.shared
    )
    return SharedOut(kind=kind, id=done.id, person_id=done.person_id, shared=done.shared)


@api.get("/people/{person_id}/timeline")
def timeline(request: Request, person_id: Id, limit: Limit = 100) -> list[TimelineEntryOut]:
    entries = interactions.timeline(
        database(request), person=person_id, limit=limit, actor=guard.actor(request)
    )
    return [TimelineEntryOut.model_validate(asdict(e)) for e in entries]


@api.post("/interactions", status_code=status.HTTP_201_CREATED)
def log_interaction(request: Request, body: InteractionIn) -> CreatedOut:
    logged = interactions.log(
        database(request),
        kind=body.kind,
        people=body.participants,
        at=body.occurred_at,
        naive_is_utc=True,  # as the API documents: a date-time without a zone is UTC
        direction=body.direction,
        subject=body.subject,
        summary=body.summary,
        actor=guard.actor(request),
    )
    return CreatedOut(id=logged.id, created=logged.created)
