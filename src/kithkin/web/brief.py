"""Briefs: the Brief page (`/brief/{id}`) and `GET /api/brief/{id}`, one view rendered as HTML
or as JSON; the briefs of tomorrow's meetings, and how strong a relationship is
(`GET /api/strength/{id}`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.responses import HTMLResponse

from kithkin.model import to_jsonable
from kithkin.services import brief as service
from kithkin.services import relationships
from kithkin.services.today import TOUCH_KINDS
from kithkin.web import guard
from kithkin.web.page_cache import kept
from kithkin.web.photos import photo_ids
from kithkin.web.render import database, render
from kithkin.web.schemas import Id
from kithkin.web.today import API_RESPONSES

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["today"], responses=API_RESPONSES)


class StrengthOut(BaseModel):
    """A relationship's strength: the JSON of `Strength.report` (the --json of
    `kithkin strength`), a dict built by `practices.strength.report`, no record's fields."""

    person_id: int
    score: float
    tier: str
    explanation: list[str]
    last_touch_at: datetime | None
    last_inbound_at: datetime | None
    last_mutual_at: datetime | None
    waiting_since: datetime | None
    counts: dict[str, int]
    inputs: dict[str, Any]


def brief_view(request: Request, person_id: Id) -> service.Brief:
    return service.brief(database(request), actor=guard.actor(request), person=person_id)


@pages.get("/brief/{person_id}")
@kept
def brief_page(request: Request, person_id: Id) -> HTMLResponse:
    found = brief_view(request, person_id)
    photos = photo_ids(request, [found.person_id])
    context = {"brief": found, "touch_kinds": TOUCH_KINDS, "photo_ids": photos}
    return render(request, "brief.html", context)


@api.get("/brief/{person_id}", summary="A person's brief: story, loops, starters, exit line")
def get_brief(request: Request, person_id: Id) -> dict[str, Any]:
    found: dict[str, Any] = to_jsonable(brief_view(request, person_id))
    return found


@api.get("/briefs/tomorrow", summary="Briefs for every attendee of tomorrow's meetings")
def briefs_tomorrow(request: Request) -> list[dict[str, Any]]:
    found = service.for_day(database(request), actor=guard.actor(request), day="tomorrow")
    return [{"meeting": to_jsonable(m), "briefs": to_jsonable(b)} for m, b in found]


@api.get("/strength/{person_id}", summary="How strong a relationship is, and why")
def get_strength(request: Request, person_id: Id) -> StrengthOut:
    found = relationships.strength(database(request), person=person_id, actor=guard.actor(request))
    return StrengthOut.model_validate(found.report)
