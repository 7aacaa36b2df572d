"""The trash, undo and the activity log: the trash page and its forms, and their `/api` routes.

The trash page and `GET /api/trash` are one view (`services.trash.trash`), two renderings."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin.services import trash
from kithkin.web import guard
from kithkin.web.render import Form, attempt, checked_form, database, render, safe_next
from kithkin.web.schemas import API_RESPONSES, ActivityOut, Id, PersonOut, TrashItemOut, UndoOut

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"], responses=API_RESPONSES)
Posted = Annotated[Form, Depends(checked_form)]
Limit = Annotated[int, Query(ge=1, le=500)]


@pages.get("/trash")
def trash_page(request: Request) -> HTMLResponse:
    actor = guard.actor(request)
    view = trash.trash(database(request), actor=actor)
    recent = trash.activity(database(request), actor=actor, limit=20)
    context = {"deleted": view.deleted, "last_undoable": view.last_undoable, "recent": recent}
    return render(request, "trash.html", context)


@pages.post("/trash/{person_id}/restore")
def restore_form(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        person = trash.restore(database(request), actor=guard.actor(request), person_id=person_id)
        return f"Restored {person.display_name}."

    return attempt("/trash", action)


@pages.post("/undo")
def undo_form(request: Request, form: Posted) -> RedirectResponse:
    back = safe_next(form.text("next"), "/trash")
    return attempt(
        back, lambda: f"Undone: {trash.undo(database(request), actor=guard.actor(request))}"
    )


@api.get("/trash")
def list_trash(request: Request) -> list[TrashItemOut]:
    rows = trash.trash(database(request), actor=guard.actor(request)).deleted
    return [TrashItemOut.model_validate({"person": asdict(s), "deleted_at": at}) for s, at in rows]


@api.post("/undo", summary="Undo the newest undoable action (a delete or a merge)")
def undo(request: Request) -> UndoOut:
    return UndoOut(undone=trash.undo(database(request), actor=guard.actor(request)))


@api.post("/trash/{person_id}/restore", summary="Take a deleted person out of the trash")
def restore(request: Request, person_id: Id) -> PersonOut:
    return PersonOut.of(
        trash.restore(database(request), actor=guard.actor(request), person_id=person_id)
    )


@api.get("/activity", summary="The newest entries of the activity log")
def recent_activity(request: Request, limit: Limit = 50) -> list[ActivityOut]:
    items = trash.activity(database(request), actor=guard.actor(request), limit=limit)
    return [ActivityOut.model_validate(asdict(a)) for a in items]
