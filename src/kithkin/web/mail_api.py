"""The JSON API of mail and calendars: a person's mail threads, the meetings of a period."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from kithkin import clock
from kithkin.store import calendar, mail_threads, people
from kithkin.web.render import database
from kithkin.web.schemas import ErrorOut

router = APIRouter(
    prefix="/api",
    tags=["mail"],
    responses={404: {"model": ErrorOut, "description": "Not found"}},
)


class ThreadOut(BaseModel):
    id: int
    subject: str | None
    first_at: datetime | None
    last_at: datetime | None
    message_count: int
    last_from_address: str | None
    last_from_name: str | None
    last_from_me: bool
    with_them: int


class AttendeeOut(BaseModel):
    address: str
    name: str | None
    partstat: str | None
    role: str | None
    person_id: int | None


class MeetingOut(BaseModel):
    id: int
    uid: str
    summary: str | None
    location: str | None
    start: datetime
    end: datetime
    all_day: bool
    status: str | None
    my_partstat: str | None
    counted: bool
    organizer_address: str | None
    interaction_id: int | None
    attendees: list[AttendeeOut]


@router.get("/people/{person_id}/threads", summary="A person's mail threads, newest first")
def person_threads(
    request: Request, person_id: int, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[ThreadOut]:
    with database(request).read() as conn:
        people.get_person(conn, person_id)
        found = mail_threads.threads_of(conn, person_id, limit=limit)
    return [ThreadOut.model_validate(asdict(t)) for t in found]


@router.get("/meetings", summary="Meetings from calendars in a period (default: the next day)")
def meetings(
    request: Request,
    start: datetime | None = None,
    end: datetime | None = None,
    include_all: Annotated[bool, Query(description="Also cancelled and declined ones")] = False,
) -> list[MeetingOut]:
    begin = start or clock.now()
    finish = end or begin + timedelta(days=1)
    with database(request).read() as conn:
        found = calendar.meetings_between(conn, begin, finish, counted_only=not include_all)
    return [MeetingOut.model_validate(asdict(m)) for m in found]
