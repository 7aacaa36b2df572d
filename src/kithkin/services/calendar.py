"""Calendars: `kithkin import calendar`, the web's calendar import, the meetings of a period.

The user's text is parsed here once: which files (paths on this computer: the server is the
user's own), and the zone of floating times and all-day events ("Europe/Berlin"; None: this
computer's).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from kithkin import clock
from kithkin.errors import InvalidInput, NoSuchLocation, UnknownTimeZone
from kithkin.services.locations import local_path

if TYPE_CHECKING:
    from kithkin.ingest.calendar import CalendarSummary as CalendarSummary
    from kithkin.model import Meeting
    from kithkin.store import Database


def import_calendar(
    db: Database, *, paths: Sequence[str | Path], zone: str | None = None
) -> CalendarSummary:
    """Import .ics files: meetings with others become interactions once they have happened,
    upcoming ones are kept for their briefs; re-importing updates what changed. A path given
    as text is stripped (blank lines of a form are none)."""
    from kithkin.ingest.calendar import import_calendar as run_import

    files = [local_path(p.strip()) if isinstance(p, str) else p for p in paths if str(p).strip()]
    if not files:
        raise InvalidInput("give the path of one or more calendar files (.ics)")
    for path in files:
        if not path.is_file():
            raise NoSuchLocation(f"{path}: no such file on this computer")
    return run_import(db, files, zone=time_zone(zone))


def meetings(
    db: Database,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    include_all: bool = False,
) -> list[Meeting]:
    """The meetings that start in [start, end) (default: the next day from now), earliest
    first; `include_all` adds the cancelled and declined ones."""
    from kithkin.store import calendar

    begin = start or clock.now()
    finish = end or begin + timedelta(days=1)
    with db.read() as conn:
        return calendar.meetings_between(conn, begin, finish, counted_only=not include_all)


def time_zone(name: str | None) -> tzinfo | None:
    """The zone a user named (e.g. Europe/Berlin) for floating times; None for this
    computer's. An unknown name is an `UnknownTimeZone`."""
    if name is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(f"unknown time zone {name!r}") from None
