"""The JSON API of mail and calendars: a person's mail threads, the meetings of a period.

The domain records are the response models (FastAPI documents and serialises dataclasses).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from kithkin.model import MailThread, Meeting
from kithkin.services import calendar, mail
from kithkin.web.guard import actor
from kithkin.web.render import database
from kithkin.web.schemas import ErrorOut, Id

router = APIRouter(
    prefix="/api",
    tags=["mail"],
    responses={404: {"model": ErrorOut, "description": "Not found"}},
)


@router.get("/people/{person_id}/threads", summary="A person's mail threads, newest first")
def person_threads(
    request: Request, person_id: Id, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[MailThread]:
    return mail.person_threads(database(request), person=person_id, limit=limit)


@router.get("/meetings", summary="Meetings from calendars in a period (default: the next day)")
def meetings(
    request: Request,
    start: datetime | None = None,
    end: datetime | None = None,
    include_all: Annotated[bool, Query(description="Also cancelled and declined ones")] = False,
) -> list[Meeting]:
    return calendar.meetings(
        database(request), start=start, end=end, include_all=include_all, actor=actor(request)
    )
