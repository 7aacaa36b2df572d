"""The JSON API of Today, the circle, briefs, strength and fading.

`GET /api/today`, `POST /api/today/snooze`, `POST /api/today/dismiss`; `GET /api/circle`,
`POST /api/circle`, `DELETE /api/circle/{id}`, `PUT /api/circle/{id}/cadence`,
`PUT /api/circle/settings`, `PUT /api/circle/tags/{tag}`, `GET /api/circle/suggestions`;
`GET /api/brief/{id}`, `GET /api/briefs/tomorrow`; `GET /api/strength/{id}`; `GET /api/fading`.
The bodies are the same JSON as the CLI's `--json`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kithkin import clock
from kithkin.model import to_jsonable
from kithkin.practices import brief, circle, refresh, strength, today
from kithkin.store import circle as store_circle
from kithkin.store import people
from kithkin.web.render import database
from kithkin.web.schemas import ErrorOut

router = APIRouter(
    prefix="/api",
    tags=["today"],
    responses={
        400: {"model": ErrorOut, "description": "Invalid input"},
        403: {"model": ErrorOut, "description": "Cross-origin write refused"},
        404: {"model": ErrorOut, "description": "Not found"},
        415: {"model": ErrorOut, "description": "Writes must be sent as application/json"},
    },
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonRef(BaseModel):
    id: int
    display_name: str


class ItemOut(BaseModel):
    key: str = Field(description='"circle:12", "waiting:40", "fading:7", "meeting:i123"')
    section: str
    kind: str
    reason: str
    advice: str
    at: datetime | None
    people: list[PersonRef]
    briefs: list[dict[str, Any]]
    actions: dict[str, Any]


class SectionOut(BaseModel):
    name: str
    title: str
    items: list[ItemOut]


class TodayOut(BaseModel):
    now: datetime
    sections: list[SectionOut]
    hidden: int
    warnings: list[str]


class MuteIn(_In):
    key: str
    days: int = Field(today.SNOOZE_DAYS, ge=1, le=365)


class DismissIn(_In):
    key: str


class MuteOut(BaseModel):
    key: str
    action: Literal["snooze", "dismiss"]
    message: str


class MemberOut(BaseModel):
    person_id: int
    display_name: str
    organisation: str | None
    tags: list[str]
    cadence: int
    cadence_from: str
    state: Literal["ok", "due", "overdue"]
    due_at: datetime | None
    dropped: bool
    last_touch_at: datetime | None
    last_mutual_at: datetime | None
    waiting_since: datetime | None
    score: float
    tier: str
    reason: str


class CircleOut(BaseModel):
    cap: int
    default_cadence: int
    tag_cadences: dict[str, int]
    warning: str | None
    members: list[MemberOut]


class MemberIn(_In):
    person: str = Field(description="A name, an email address or #id")
    cadence_days: int | None = Field(None, ge=1, le=3660)


class CadenceIn(_In):
    days: int | None = Field(description="null: back to the tag's or the default cadence")


class SettingsIn(_In):
    cap: int | None = Field(None, ge=1, le=1000)
    default_cadence: int | None = Field(None, ge=1, le=3660)


class SuggestionOut(BaseModel):
    person_id: int
    display_name: str
    action: Literal["add", "remove"]
    score: float
    reason: str


class StrengthOut(BaseModel):
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


@router.get("/today", summary="Today's agenda: meetings, waiting, circle due, fading")
def get_today(request: Request) -> TodayOut:
    return TodayOut.model_validate(today.to_json(today.load(database(request))))


@router.post("/today/snooze", summary="Put an agenda item away for some days")
def snooze(request: Request, body: MuteIn) -> MuteOut:
    item = today.mute(database(request), body.key, "snooze", days_=body.days)
    message = f"snoozed for {body.days} days, or until its reason changes"
    return MuteOut(key=item.key, action="snooze", message=message)


@router.post("/today/dismiss", summary="Dismiss an agenda item until its reason changes")
def dismiss(request: Request, body: DismissIn) -> MuteOut:
    item = today.mute(database(request), body.key, "dismiss")
    return MuteOut(key=item.key, action="dismiss", message="dismissed until its reason changes")


def _circle(request: Request) -> CircleOut:
    return CircleOut.model_validate(circle.to_json(circle.load(database(request))))


@router.get("/circle", summary="The circle: members, cadences, due and overdue, the cap")
def get_circle(request: Request) -> CircleOut:
    return _circle(request)


@router.post("/circle", summary="Put a person in the circle")
def add_member(request: Request, body: MemberIn) -> CircleOut:
    with database(request).write() as conn:
        person_id = people.resolve(conn, body.person)
        store_circle.add_member(conn, person_id, cadence_days=body.cadence_days)
    return _circle(request)


@router.delete("/circle/{person_id}", summary="Take a person out of the circle")
def remove_member(request: Request, person_id: int) -> CircleOut:
    with database(request).write() as conn:
        store_circle.remove_member(conn, person_id)
    return _circle(request)


@router.put("/circle/settings", summary="The circle's cap and default cadence")
def settings(request: Request, body: SettingsIn) -> CircleOut:
    with database(request).write() as conn:
        if body.cap is not None:
            store_circle.set_cap(conn, body.cap)
        if body.default_cadence is not None:
            store_circle.set_default_cadence(conn, body.default_cadence)
    return _circle(request)


@router.put("/circle/tags/{tag}", summary="The cadence of members with this tag")
def tag_cadence(request: Request, tag: str, body: CadenceIn) -> CircleOut:
    with database(request).write() as conn:
        store_circle.set_tag_cadence(conn, tag, body.days)
    return _circle(request)


@router.put("/circle/{person_id}/cadence", summary="A member's own cadence")
def member_cadence(request: Request, person_id: int, body: CadenceIn) -> CircleOut:
    with database(request).write() as conn:
        store_circle.set_cadence(conn, person_id, body.days)
    return _circle(request)


@router.get("/circle/suggestions", summary="Who deserves a place; who dropped out")
def suggestions(
    request: Request, limit: Annotated[int, Query(ge=1, le=50)] = 5
) -> list[SuggestionOut]:
    found = circle.suggestions(database(request), limit=limit)
    return [SuggestionOut.model_validate(to_jsonable(s)) for s in found]


@router.get("/brief/{person_id}", summary="A person's brief: story, loops, starters, exit line")
def get_brief(request: Request, person_id: int) -> dict[str, Any]:
    found: dict[str, Any] = to_jsonable(brief.load(database(request), person_id))
    return found


@router.get("/briefs/tomorrow", summary="Briefs for every attendee of tomorrow's meetings")
def briefs_tomorrow(request: Request) -> list[dict[str, Any]]:
    found = brief.for_day(database(request), "tomorrow")
    return [{"meeting": to_jsonable(m), "briefs": to_jsonable(b)} for m, b in found]


@router.get("/strength/{person_id}", summary="How strong a relationship is, and why")
def get_strength(request: Request, person_id: int) -> StrengthOut:
    now = clock.now()
    with database(request).read() as conn:
        people.get_person(conn, person_id)
        s = refresh.of_person(conn, person_id, now)
    return StrengthOut.model_validate(strength.report(person_id, s, now))


@router.get("/fading", summary="Conversations that are fading, and why")
def get_fading(request: Request) -> list[ItemOut]:
    agenda = today.load(database(request))
    items = [i for i in [*agenda.items, *agenda.muted] if i.section == "fading"]
    return [ItemOut.model_validate(today.item_json(i)) for i in items]
