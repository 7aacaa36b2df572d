"""The rules of the recurring events of a calendar file: what a gathering picked from a
calendar repeats by (its RRULE, the local start and the time zone it is kept in).

The file is cut into components first (`calendar_text`), each parsed on its own, so a broken
event costs only itself; the file's size is bounded as `read_calendar` bounds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from kithkin.sources.calendar_rules import Limits
from kithkin.sources.calendar_text import split_calendars


@dataclass(frozen=True)
class SeriesRule:
    uid: str
    summary: str | None
    rrule: str  # "FREQ=WEEKLY;BYDAY=TH", as written
    start: datetime  # local wall-clock time (naive) in `tz`
    tz: str | None  # IANA name; None: floating or UTC without X-WR-TIMEZONE
    minutes: int
    location: str | None
    url: str | None


def series_rules(path: Path, limits: Limits | None = None) -> dict[str, SeriesRule]:
    """{UID: its rule} of the recurring events of the .ics file at `path` (the master of
    each, not its moved occurrences); {} when the file cannot be read."""
    limits = limits or Limits()
    try:
        if path.stat().st_size > limits.max_bytes:
            return {}
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return {}
    calendars, _ = split_calendars(text)
    found: dict[str, SeriesRule] = {}
    for calendar in calendars:
        default_tz = _header_zone(calendar.header)
        for block in calendar.blocks:
            if block.name != "VEVENT" or "RRULE" not in block.text.upper():
                continue
            rule = _rule(block.text, default_tz)
            if rule is not None and rule.uid not in found:
                found[rule.uid] = rule
    return found


def _header_zone(header: list[str]) -> str | None:
    for line in header:
        name, _, value = line.partition(":")
        if name.strip().upper() == "X-WR-TIMEZONE" and value.strip():
            return value.strip()
    return None


def _rule(text: str, default_tz: str | None) -> SeriesRule | None:
    from icalendar import Event

    try:
        event: Any = Event.from_ical(text)
        if event.get("RECURRENCE-ID") is not None or event.get("RRULE") is None:
            return None
        if not str(event.get("UID") or "").strip():
            return None  # nothing to pick it by
        raw = event.get("RRULE")
        rule = raw[0] if isinstance(raw, list) else raw
        start = event.decoded("DTSTART")
        if not isinstance(start, datetime):  # an all-day series: no time to gather at
            return None
        zone = _zone_name(start) or default_tz
        if start.tzinfo is not None and zone is not None:
            from zoneinfo import ZoneInfo

            local = start.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        else:
            local = start.replace(tzinfo=None)
        minutes = _minutes(event, start)
        return SeriesRule(
            uid=str(event.get("UID") or ""),
            summary=_text(event.get("SUMMARY")),
            rrule=rule.to_ical().decode(),
            start=local,
            tz=zone,
            minutes=minutes,
            location=_text(event.get("LOCATION")),
            url=_text(event.get("URL")),
        )
    except Exception:
        return None


def _zone_name(start: datetime) -> str | None:
    tz = start.tzinfo
    if tz is None:
        return None
    key = getattr(tz, "key", None) or getattr(tz, "zone", None)
    if key:
        return str(key)
    if start.utcoffset() == timedelta(0):
        return "UTC"
    return None


def _minutes(event: Any, start: datetime) -> int:
    try:
        if event.get("DTEND") is not None:
            end = event.decoded("DTEND")
            if isinstance(end, datetime):
                return max(1, min(24 * 60, int((end - start).total_seconds() // 60)))
        if event.get("DURATION") is not None:
            length = event.decoded("DURATION")
            if isinstance(length, timedelta):
                return max(1, min(24 * 60, int(length.total_seconds() // 60)))
    except (ValueError, TypeError):
        pass
    return 60


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, date):
        return None
    text = " ".join(str(value).split())
    return text[:300] or None
