"""Calendars: `kithkin import calendar`, the web's calendar import, the meetings of a period.

The user's text is parsed here once: which files (paths on this computer: the server is the
user's own), the zone of floating times and all-day events ("Europe/Berlin"; None: this
computer's), and the window of occurrences read: days back, days ahead, and at most how
many occurrences of one event — given for one import, else the `calendar_window` setting
(kept with `remember=True`), else two years back, one year ahead, 2,000.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from kithkin import clock
from kithkin.errors import InvalidInput, NoSuchLocation, UnknownTimeZone
from kithkin.model import SOLO, Actor, Record, record
from kithkin.services.locations import local_path
from kithkin.sources.calendar import Limits

WINDOW_SETTING = "calendar_window"
_BOUNDS = {"past_days": 36_500, "future_days": 3_650, "max_occurrences": 100_000}


@record
class CalendarWindow(Record):
    """Which occurrences an import reads: from `past_days` before now to `future_days` after,
    at most `max_occurrences` of one event (the rest is told as clipped)."""

    past_days: int = Limits.past_days
    future_days: int = Limits.future_days
    max_occurrences: int = Limits.per_event

    def limits(self) -> Limits:
        return Limits(
            past_days=self.past_days,
            future_days=self.future_days,
            per_event=self.max_occurrences,
        )


if TYPE_CHECKING:
    from kithkin.ingest.calendar import CalendarSummary as CalendarSummary
    from kithkin.model import Meeting
    from kithkin.store import Database


def import_calendar(
    db: Database,
    *,
    paths: Sequence[str | Path],
    zone: str | None = None,
    past_days: int | None = None,
    future_days: int | None = None,
    max_occurrences: int | None = None,
    remember: bool = False,
    actor: Actor = SOLO,
) -> CalendarSummary:
    """Import .ics files: meetings with others become interactions once they have happened,
    upcoming ones are kept for their briefs; re-importing updates what changed. A path given
    as text is stripped (blank lines of a form are none). The window given (else the
    setting's) bounds what is read; `remember` keeps it as the setting first."""
    from kithkin.ingest.calendar import import_calendar as run_import

    files = [local_path(p.strip()) if isinstance(p, str) else p for p in paths if str(p).strip()]
    if not files:
        raise InvalidInput("give the path of one or more calendar files (.ics)")
    for path in files:
        if not path.is_file():
            raise NoSuchLocation(f"{path}: no such file on this computer")
    given = {"past_days": past_days, "future_days": future_days, "max_occurrences": max_occurrences}
    chosen = (set_window if remember else _window_with)(db, **given)
    return run_import(
        db, files, zone=time_zone(zone), limits=chosen.limits(), member_id=actor.member_id
    )


def window(db: Database) -> CalendarWindow:
    """The window calendar imports read: the `calendar_window` setting, else the defaults."""
    from kithkin.store import settings

    with db.read() as conn:
        raw = settings.get(conn, WINDOW_SETTING, {})
    known = {k: v for k, v in (raw or {}).items() if k in _BOUNDS and isinstance(v, int)}
    return CalendarWindow(**known)


def set_window(
    db: Database,
    *,
    past_days: int | None = None,
    future_days: int | None = None,
    max_occurrences: int | None = None,
) -> CalendarWindow:
    """Keep the window of later calendar imports (the parts not given stay as they are)."""
    from kithkin.store import activity, settings

    chosen = _window_with(
        db, past_days=past_days, future_days=future_days, max_occurrences=max_occurrences
    )
    with db.write() as conn:
        settings.put(conn, WINDOW_SETTING, vars(chosen))
        activity.record(
            conn,
            "setting.calendar_window",
            f"calendars are read {chosen.past_days} days back, {chosen.future_days} days ahead, "
            f"at most {chosen.max_occurrences} occurrences of an event",
        )
    return chosen


def _window_with(db: Database, **given: int | None) -> CalendarWindow:
    """The stored window with the parts given replaced; InvalidInput for a value out of range."""
    for name, value in given.items():
        if value is None:
            continue
        low = 1 if name == "max_occurrences" else 0
        if not low <= value <= _BOUNDS[name]:
            raise InvalidInput(f"{name} must be between {low} and {_BOUNDS[name]:,}, not {value}")
    current = vars(window(db))
    return CalendarWindow(**{**current, **{k: v for k, v in given.items() if v is not None}})


def meetings(
    db: Database,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    include_all: bool = False,
    actor: Actor = SOLO,
) -> list[Meeting]:
    """The meetings that start in [start, end) (default: the next day from now), earliest
    first; `include_all` adds the cancelled and declined ones. In team mode the acting
    member's own."""
    from kithkin.store import calendar

    begin = start or clock.now()
    finish = end or begin + timedelta(days=1)
    with db.read() as conn:
        return calendar.meetings_between(
            conn, begin, finish, counted_only=not include_all, member_id=actor.member_id
        )


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
