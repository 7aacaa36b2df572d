"""Calendar files (.ics): every meeting occurrence in a window, with its attendees.

Recurring events are expanded by recurring-ical-events (RRULE, RDATE, EXDATE, RECURRENCE-ID
overrides, time zones); every occurrence becomes one `EventRecord` whose `source_id` is the
event's UID plus the occurrence's start, so re-importing a calendar finds the same records.
Times come out timezone-aware in UTC; floating times and all-day dates are read in the
zone the caller gives (the user's own).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from kithkin.sources.records import SourceProblem

PAST_YEARS = 10
FUTURE_DAYS = 400


@dataclass(frozen=True)
class Attendee:
    address: str | None  # the mailto: address, lower-case; None when the entry has none
    name: str | None
    partstat: str | None  # ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION, DELEGATED
    role: str | None  # REQ-PARTICIPANT, OPT-PARTICIPANT, CHAIR, NON-PARTICIPANT


@dataclass(frozen=True)
class EventRecord:
    source_file: str
    source_id: str  # "<UID>@<occurrence start, ISO UTC>"
    uid: str
    summary: str | None
    location: str | None
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    all_day: bool
    status: str | None  # CONFIRMED, TENTATIVE, CANCELLED
    organizer: Attendee | None
    attendees: tuple[Attendee, ...]
    recurring: bool

    def partstat_of(self, addresses: set[str]) -> str | None:
        """How one of `addresses` (mine) answered the invitation, if it is on the list."""
        for person in self.attendees:
            if person.address in addresses:
                return person.partstat
        return None


def read_calendar(
    path: Path,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    zone: tzinfo | None = None,
) -> Iterator[EventRecord | SourceProblem]:
    """Every event occurrence of the .ics file at `path` between `start` and `end`.

    The default window is the last ten years to 400 days ahead. A file that is not a
    calendar, or an event that cannot be expanded, is one SourceProblem; the rest goes on.
    """
    import icalendar
    import recurring_ical_events

    now = datetime.now(UTC)
    start = start or now - timedelta(days=365 * PAST_YEARS)
    end = end or now + timedelta(days=FUTURE_DAYS)
    zone = zone or datetime.now().astimezone().tzinfo or UTC
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield SourceProblem(name, "file", f"cannot read: {exc.strerror or exc}")
        return
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        yield SourceProblem(name, "line 1", "not an iCalendar file (no BEGIN:VCALENDAR)")
        return
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        yield SourceProblem(name, "file", f"not a readable iCalendar file: {exc}")
        return
    for number, calendar in enumerate(calendars, start=1):
        try:
            occurrences = list(
                recurring_ical_events.of(calendar, skip_bad_series=True).between(start, end)
            )
        except Exception as exc:  # the library raises many kinds on broken input
            yield SourceProblem(name, f"calendar {number}", f"cannot expand events: {exc}")
            continue
        per_uid: dict[str, int] = {}
        for event in occurrences:
            uid = str(event.get("UID") or "")
            per_uid[uid] = per_uid.get(uid, 0) + 1
        for event in occurrences:
            try:
                record = _record(name, event, zone, per_uid)
            except (ValueError, TypeError, AttributeError, KeyError) as exc:
                uid = str(event.get("UID", "?"))
                yield SourceProblem(name, f"event {uid}", f"skipped: {exc}")
                continue
            if record is not None:
                yield record


def _record(name: str, event: Any, zone: tzinfo, per_uid: dict[str, int]) -> EventRecord | None:
    if event.name != "VEVENT":
        return None
    raw_start = event.get("DTSTART")
    if raw_start is None:
        raise ValueError("no DTSTART")
    start_value = raw_start.dt
    raw_end = event.get("DTEND")
    all_day = isinstance(start_value, date) and not isinstance(start_value, datetime)
    start = _utc(start_value, zone)
    if raw_end is not None:
        end = _utc(raw_end.dt, zone)
    elif event.get("DURATION") is not None:
        end = start + event.get("DURATION").dt
    else:
        end = start + (timedelta(days=1) if all_day else timedelta(0))
    if end < start:  # seen in real calendars: start and end swapped
        start, end = end, start
    uid = str(event.get("UID") or "")
    if not uid:
        digest = hashlib.sha256(event.to_ical()).hexdigest()[:32]
        uid = f"sha256:{digest}"
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    organizer = event.get("ORGANIZER")
    return EventRecord(
        source_file=name,
        source_id=f"{uid}@{start.isoformat()}",
        uid=uid,
        summary=_text(event.get("SUMMARY")),
        location=_text(event.get("LOCATION")),
        start=start,
        end=end,
        all_day=all_day,
        status=_text(event.get("STATUS"), upper=True),
        organizer=_attendee(organizer) if organizer is not None else None,
        attendees=tuple(_attendee(a) for a in attendees),
        recurring=event.get("RRULE") is not None or per_uid.get(str(event.get("UID") or ""), 0) > 1,
    )


def _utc(value: date | datetime, zone: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _attendee(value: Any) -> Attendee:
    params = getattr(value, "params", {})
    text = str(value).strip()
    address = text[7:] if text.lower().startswith("mailto:") else (text if "@" in text else "")
    return Attendee(
        address=address.strip().lower() or None,
        name=_text(params.get("CN")),
        partstat=_text(params.get("PARTSTAT"), upper=True),
        role=_text(params.get("ROLE"), upper=True),
    )


def _text(value: Any, *, upper: bool = False) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    return text.upper() if upper else text
