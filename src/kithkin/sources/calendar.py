"""Calendar files (.ics): every meeting occurrence in a window, with its attendees.

Recurring events are expanded by recurring-ical-events (RRULE, RDATE, EXDATE, RECURRENCE-ID
overrides, time zones); every occurrence becomes one `EventRecord` whose `source_id` is the
event's UID plus the occurrence's start, so re-importing a calendar finds the same records.
Times come out timezone-aware in UTC; floating times and all-day dates are read in the
zone the caller gives (the user's own).

Hostile files are read in bounded time and memory: the file is cut into components first
(`calendar_text`), each parsed on its own, so one broken event or a truncated file costs
only what is broken; rules are bounded before expansion (`calendar_rules`) by the window,
a count per event and a budget of repetitions; attendees and the whole file are capped.
Whatever was cut is told: a `SourceProblem` for what was skipped, a `ClippedEvent` for an
event kept in part.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from time import monotonic as time_now
from typing import Any

from kithkin.sources.calendar_rules import Limits, as_utc, bound_rules
from kithkin.sources.calendar_text import Block, CalendarText, split_calendars
from kithkin.sources.records import SourceProblem

__all__ = ["Attendee", "CalendarItem", "ClippedEvent", "EventRecord", "Limits", "read_calendar"]


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


@dataclass(frozen=True)
class ClippedEvent:
    """An event kept in part: its rule repeats too often, or it lists too many attendees."""

    source_file: str
    place: str  # "line 12 (event standup-1)"
    uid: str
    summary: str | None
    kept: int  # occurrences kept
    reason: str  # "more than 2,000 occurrences in the window", ...

    def __str__(self) -> str:
        what = f"{self.summary!r}" if self.summary else self.uid
        return f"{self.source_file}: {self.place}: {what}: {self.reason}; {self.kept:,} kept"


CalendarItem = EventRecord | SourceProblem | ClippedEvent


def read_calendar(
    path: Path,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    zone: tzinfo | None = None,
    limits: Limits | None = None,
) -> Iterator[CalendarItem]:
    """Every event occurrence of the .ics file at `path` between `start` and `end`.

    The default window is `limits` (two years back, one year ahead) around now. Each
    component is parsed on its own: a broken event, or the end of a truncated file, is one
    SourceProblem naming the line, and the rest is read. An event whose rule repeats too
    often, or with too many attendees, is kept in part and told as a ClippedEvent.
    """
    limits = limits or Limits()
    now = datetime.now(UTC)
    window_start, window_end = limits.window(now)
    start = start or window_start
    end = end or window_end
    zone = zone or datetime.now().astimezone().tzinfo or UTC
    name = str(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            yield SourceProblem(name, "file", f"too large ({size:,} bytes): not read")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield SourceProblem(name, "file", f"cannot read: {exc.strerror or exc}")
        return
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        yield SourceProblem(name, "line 1", "not an iCalendar file (no BEGIN:VCALENDAR)")
        return
    text, problem = _decoded(name, data)
    if problem is not None:
        yield problem
    yield from _Reader(name, start, end, zone, limits).read(text)


def _decoded(name: str, data: bytes) -> tuple[str, SourceProblem | None]:
    """The file's text: UTF-8 as the standard says; otherwise the bad bytes are replaced
    (U+FFFD) and the first is reported."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 (byte 0x{data[exc.start]:02x}): undecodable bytes replaced"
        return data.decode("utf-8", errors="replace"), SourceProblem(name, f"line {line}", message)


class _Reader:
    """One file: its calendars, their time zones, then their events, one UID at a time."""

    def __init__(
        self, name: str, start: datetime, end: datetime, zone: tzinfo, limits: Limits
    ) -> None:
        self.name, self.start, self.end, self.zone, self.limits = name, start, end, zone, limits
        self.steps_left = limits.file_steps
        self.weight = 0  # occurrences and attendees yielded
        self.spent = 0.0  # seconds spent on recurring events
        self.clipped_left = limits.clipped  # occurrences still kept of clipped events

    def read(self, text: str) -> Iterator[CalendarItem]:
        """Every item of the file, at most MAX_PROBLEMS problems told one by one."""
        problems = 0
        for item in self._items(text):
            if isinstance(item, SourceProblem):
                problems += 1
                if problems > MAX_PROBLEMS:
                    continue
            yield item
        if problems > MAX_PROBLEMS:
            more = problems - MAX_PROBLEMS
            yield SourceProblem(self.name, "file", f"{more:,} more problems not listed")

    def _items(self, text: str) -> Iterator[CalendarItem]:
        calendars, troubles = split_calendars(text)
        for trouble in troubles:
            yield SourceProblem(self.name, trouble.place, trouble.message)
        for calendar in calendars:
            header = yield from self._header(calendar)
            yield from self._timezones(calendar)
            series: dict[str, list[tuple[Block, Any]]] = {}
            for block in calendar.blocks:
                if block.name != "VEVENT":
                    continue
                event = self._event(block)
                if isinstance(event, SourceProblem):
                    yield event
                    continue
                uid = str(event.get("UID") or "") or _content_uid(event)
                series.setdefault(uid, []).append((block, event))
            late: list[Block] = []
            for uid, parts in series.items():
                if self.weight >= self.limits.file_weight:
                    yield self._stopped(
                        parts[0][0], f"{self.limits.file_weight:,} occurrences and attendees read"
                    )
                    return
                if not _repeats(parts) and header.get("X-WR-TIMEZONE") is None:
                    yield from self._single(parts[0])
                elif self.spent > self.limits.seconds:
                    late.append(parts[0][0])
                else:
                    began = time_now()
                    items = self._series(uid, parts, header)
                    self.spent += time_now() - began
                    yield from items
            if late:
                why = f"{self.limits.seconds:g} seconds spent on recurring events"
                yield self._stopped(late[0], f"{why}: {len(late):,} more not read")

    def _header(self, calendar: CalendarText) -> Generator[SourceProblem, None, Any]:
        """The calendar's own properties (CALSCALE, X-WR-TIMEZONE, ...), as a Calendar without
        components; an empty one, and a problem, if they cannot be read."""
        import icalendar

        text = "\r\n".join(["BEGIN:VCALENDAR", *calendar.header, "END:VCALENDAR", ""])
        try:
            return icalendar.Calendar.from_ical(text)
        except Exception as exc:  # the library raises many kinds on broken input
            place = f"line {calendar.line}"
            yield SourceProblem(self.name, place, f"calendar properties ignored: {_one_line(exc)}")
            return icalendar.Calendar()

    def _timezones(self, calendar: CalendarText) -> Iterator[SourceProblem]:
        """Parse the calendar's VTIMEZONEs first: icalendar keeps them for the events'
        TZIDs, which may come before them in the file."""
        import icalendar

        for block in calendar.blocks:
            if block.name != "VTIMEZONE":
                continue
            try:
                icalendar.Component.from_ical(block.text)
            except Exception as exc:  # the library raises many kinds on broken input
                yield SourceProblem(self.name, block.place, f"time zone skipped: {_one_line(exc)}")

    def _event(self, block: Block) -> Any:
        """The parsed VEVENT, or the SourceProblem that skips it."""
        import icalendar

        text, listed = _trim_attendees(block.text, self.limits.attendees)
        try:
            event = icalendar.Component.from_ical(text)
        except Exception as exc:  # the library raises many kinds on broken input
            return SourceProblem(self.name, block.place, f"skipped: {_one_line(exc)}")
        broken = [f"bad {prop}: {why}" for prop, why in event.errors if prop in _NEEDED]
        broken += [f"{len(v)} {k} lines" for k in _ONCE if isinstance(v := event.get(k), list)]
        start = event.get("DTSTART")
        if start is None:
            broken.insert(0, "no DTSTART")
        elif not broken and not isinstance(getattr(start, "dt", None), date):
            broken.insert(0, "DTSTART is not a date")
        end = event.get("DTEND")
        if not broken and end is not None and isinstance(getattr(end, "dt", None), date):
            try:
                if as_utc(end.dt, self.zone) < as_utc(start.dt, self.zone):
                    # seen in real calendars: start and end swapped
                    event["DTSTART"], event["DTEND"] = end, start
            except (ValueError, OverflowError) as exc:
                broken.append(f"bad DTEND: {exc}")
        if broken:
            return SourceProblem(self.name, block.place, f"skipped: {_one_line(broken[0])}")
        if listed > self.limits.attendees:
            event["X-KITHKIN-ATTENDEES"] = str(listed)
        return event

    def _single(self, part: tuple[Block, Any]) -> Iterator[CalendarItem]:
        """A plain event (no rule, no moved occurrences): itself, if it meets the window."""
        block, event = part
        try:
            record = _record(self.name, event, self.zone)
        except Exception as exc:  # the library raises many kinds on broken input
            yield SourceProblem(self.name, block.place, f"skipped: {_one_line(exc)}")
            return
        if record is None or record.start >= self.end:
            return
        if record.end > self.start or record.start >= self.start:
            self.weight += 1 + len(record.attendees)
            yield record
        listed = int(str(event.get("X-KITHKIN-ATTENDEES") or 0))
        if listed:
            why = f"{listed:,} attendees: the first {self.limits.attendees:,} kept"
            summary = _text(event.get("SUMMARY"))
            yield ClippedEvent(self.name, block.place, record.uid, summary, 1, why)

    def _series(self, uid: str, parts: list[tuple[Block, Any]], header: Any) -> list[CalendarItem]:
        """The occurrences of one UID (its rule and the occurrences moved or changed), read
        with the calendar's own properties (X-WR-TIMEZONE moves Google's times)."""
        import icalendar
        import recurring_ical_events

        block = parts[0][0]
        out: list[CalendarItem] = []
        reasons: list[str] = []
        calendar = icalendar.Calendar()
        for name, value in header.items():
            calendar[name] = value
        for part, event in parts:
            try:
                cut = bound_rules(
                    event,
                    start=self.start,
                    end=self.end,
                    zone=self.zone,
                    limits=self.limits,
                    steps_left=self.steps_left,
                )
            except Exception as exc:  # EmptyRule, and dateutil's many kinds on broken rules
                out.append(SourceProblem(self.name, part.place, f"skipped: {_one_line(exc)}"))
                continue
            self.steps_left -= cut.steps
            if cut.reason:
                reasons.append(cut.reason)
            calendar.add_component(event)
        if not calendar.subcomponents:
            return out
        records: list[EventRecord] = []
        most = self.limits.per_event
        if reasons and self.clipped_left < most:  # a file of many: the first ones are kept
            most = self.clipped_left
            reasons.append(f"this file's clipped events already gave {self.limits.clipped:,}")
        try:
            query = recurring_ical_events.of(calendar)
            series = query.series if most > 0 else []
            occurrences = (o for s in series for o in s.between(self.start, self.end))
            for occurrence in occurrences:
                if len(records) >= most:
                    if most == self.limits.per_event:
                        reasons.append(f"more than {most:,} occurrences in the window")
                    break
                record = _record(self.name, occurrence.as_component(False), self.zone)
                if record is not None:
                    records.append(record)
        except Exception as exc:  # the library raises many kinds on broken input
            out.append(SourceProblem(self.name, block.place, f"cannot expand: {_one_line(exc)}"))
            return out
        recurring = len(records) > 1
        for record in records:
            self.weight += 1 + len(record.attendees)
            out.append(replace(record, recurring=recurring) if recurring else record)
        listed = max(int(str(e.get("X-KITHKIN-ATTENDEES") or 0)) for _, e in parts)
        if listed:
            reasons.append(f"{listed:,} attendees: the first {self.limits.attendees:,} kept")
        if reasons:
            self.clipped_left = max(0, self.clipped_left - len(records))
            summary = _text(parts[0][1].get("SUMMARY"))
            why = "; ".join(dict.fromkeys(reasons))
            out.append(ClippedEvent(self.name, block.place, uid, summary, len(records), why))
        return out

    def _stopped(self, block: Block, why: str) -> SourceProblem:
        return SourceProblem(self.name, block.place, f"stopped after {why}: the rest is not read")


def _repeats(parts: list[tuple[Block, Any]]) -> bool:
    """Whether the events of one UID are a series: a rule, dates, or moved occurrences."""
    if len(parts) > 1:
        return True
    event = parts[0][1]
    names = ("RRULE", "RDATE", "RECURRENCE-ID", "UID")  # without a UID: named by its occurrence
    if any((event.get(name) is not None) != (name == "UID") for name in names):
        return True
    # a day, or a time ending on a day: the library decides what it means
    end = event.get("DTEND")
    timed = isinstance(event["DTSTART"].dt, datetime)
    return not timed or (end is not None and not isinstance(end.dt, datetime))


MAX_PROBLEMS = 100  # told one by one for a file; the rest are counted
_ONCE = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "UID")  # at most one of each
_NEEDED = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}


def _trim_attendees(text: str, most: int) -> tuple[str, int]:
    """The component's text with at most `most` ATTENDEE lines (the first), and how many it
    listed: a list of 100,000 is not parsed to be thrown away."""
    listed = len(_ATTENDEE_LINE.findall(text))
    if listed <= most:
        return text, listed
    kept: list[str] = []
    seen = 0
    for line in text.split("\r\n"):
        if _ATTENDEE_LINE.match("\n" + line):
            seen += 1
            if seen > most:
                continue
        kept.append(line)
    return "\r\n".join(kept), listed


_ATTENDEE_LINE = re.compile(r"\nATTENDEE[;:]", re.IGNORECASE)


def _content_uid(event: Any) -> str:
    return "sha256:" + hashlib.sha256(event.to_ical()).hexdigest()[:32]


def _one_line(value: object) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= 200 else text[:199] + "…"


def _record(name: str, event: Any, zone: tzinfo) -> EventRecord | None:
    if event.name != "VEVENT":
        return None
    raw_start = event.get("DTSTART")
    if raw_start is None:
        raise ValueError("no DTSTART")
    start_value = raw_start.dt
    raw_end = event.get("DTEND")
    all_day = isinstance(start_value, date) and not isinstance(start_value, datetime)
    start = as_utc(start_value, zone)
    if raw_end is not None:
        end = as_utc(raw_end.dt, zone)
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
        recurring=False,  # told by the caller, who sees every occurrence
    )


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
