"""Calendars -> meetings, people and interactions: `kithkin import calendar`.

Every occurrence of an event with someone besides me on it is stored (`calendar_event`,
its attendees in `calendar_attendee`), past and upcoming alike, so tomorrow's meetings can
have their briefs. An occurrence counts as a meeting when it is not cancelled and I did not
decline it; its attendees (who did not decline either; rooms and other non-participants
aside) and organiser, me excluded, become people, and once it has started it becomes an
interaction (kind "meeting", direction "both", source "calendar"). Importing the same
calendar again changes nothing; a later export updates what changed: an occurrence cancelled
or declined since loses its interaction, one moved or deleted is removed with it.

Only a window is read (`Limits`: two years back, one year ahead by default), and an event
that repeats too often is kept in part (`ClippedEvent`, told in the summary). Removal is
careful: a file read with problems removes nothing, and the occurrences of a clipped event
that were not read are not taken for deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from kithkin import clock
from kithkin.ingest import knows
from kithkin.ingest.address_book import AddressBook
from kithkin.ingest.correspondents import Role, normal_address
from kithkin.model import count_of
from kithkin.sources.calendar import Attendee, ClippedEvent, EventRecord, Limits
from kithkin.sources.records import SourceProblem
from kithkin.store import Database, activity, settings
from kithkin.store import calendar as store_calendar
from kithkin.store import interactions as store_interactions
from kithkin.store.interactions import NewInteraction

_NOT_THERE = {"DECLINED"}
_NOT_PEOPLE = {"NON-PARTICIPANT"}


@dataclass
class CalendarSummary:
    label: str
    events: int = 0  # occurrences read
    meetings: int = 0  # stored new
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # gone from the calendar since the last import
    interactions: int = 0  # made now
    upcoming: int = 0  # meetings to come
    cancelled: int = 0
    declined: int = 0
    alone: int = 0  # nobody but me on it: not a meeting
    teammates: int = 0  # team mode: already imported from a teammate's calendar, left theirs
    new_people: int = 0
    ties: int = 0  # evidence that two attendees know each other (`ingest.knows`)
    problems: list[SourceProblem] = field(default_factory=list)
    clipped: list[ClippedEvent] = field(default_factory=list)  # events kept in part
    window: tuple[datetime, datetime] | None = None  # the occurrences read
    per_event: int = 0  # at most this many occurrences of one event
    activity_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        told = ("problems", "clipped", "window", "per_event", "activity_id")
        out = {k: v for k, v in vars(self).items() if k not in told}
        start, end = self.window or (None, None)
        return {
            **out,
            "window": {
                "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else None,
                "max_occurrences": self.per_event,
            },
            "problems": [
                {"file": p.source_file, "place": p.place, "message": p.message}
                for p in self.problems
            ],
            "clipped": [
                {
                    "file": c.source_file,
                    "place": c.place,
                    "uid": c.uid,
                    "summary": c.summary,
                    "kept": c.kept,
                    "reason": c.reason,
                }
                for c in self.clipped
            ],
            "activity_id": self.activity_id,
        }


def import_calendar(
    db: Database,
    paths: Sequence[Path],
    *,
    zone: tzinfo | None = None,
    limits: Limits | None = None,
    member_id: int | None = None,
) -> CalendarSummary:
    """Import .ics files, each in one transaction: a member's (their addresses, their
    interactions) in team mode, `member_id` None being the one user of a personal database."""
    from kithkin.sources.calendar import read_calendar

    limits = limits or Limits()
    summary = CalendarSummary(label=", ".join(p.name for p in paths[:2]) + _more(paths))
    now = clock.now()
    start, end = limits.window(now)
    summary.window, summary.per_event = (start, end), limits.per_event
    with db.read() as conn:
        me = frozenset(settings.get_me(conn, member_id).addresses)
    book = AddressBook(source="calendar")
    for path in paths:
        events: list[EventRecord] = []
        clipped: set[str] = set()
        complete = True
        for item in read_calendar(path, start=start, end=end, zone=zone, limits=limits):
            if isinstance(item, SourceProblem):
                summary.problems.append(item)
                complete = False
            elif isinstance(item, ClippedEvent):
                summary.clipped.append(item)
                clipped.add(item.uid)
            else:
                events.append(item)
        # A calendar read only in part removes nothing: what is missing may only be unread.
        window = (start, end) if complete else None
        with db.write() as conn:
            _store_file(conn, str(path), events, me, book, now, window, clipped, summary, member_id)
            summary.ties += knows.from_calendar(conn, me, now)
            summary.new_people = book.created
            _log(conn, summary)
    return summary


def _store_file(
    conn: Connection,
    name: str,
    events: list[EventRecord],
    me: frozenset[str],
    book: AddressBook,
    now: datetime,
    window: tuple[datetime, datetime] | None,
    clipped: set[str],
    summary: CalendarSummary,
    member_id: int | None = None,
) -> None:
    summary.events += len(events)
    book.load(conn)
    stored = store_calendar.stored_events(conn, [e.source_id for e in events])
    before = (
        store_calendar.events_of_file(conn, name, *window, member_id=member_id) if window else {}
    )
    # the occurrences of an event kept in part that were not read are not gone
    before = {sid: eid for sid, eid in before.items() if sid.rsplit("@", 1)[0] not in clipped}
    seen: set[str] = set()
    drop: list[int] = []
    for event in events:
        if event.source_id in seen:
            continue
        seen.add(event.source_id)
        people = _invited(event, me)
        if not people:
            summary.alone += 1
            continue
        mine = event.partstat_of(set(me)) if me else None
        counted = event.status != "CANCELLED" and mine not in _NOT_THERE
        summary.cancelled += event.status == "CANCELLED"
        summary.declined += mine in _NOT_THERE
        fields = _fields(event, mine, counted, name)
        rows = [(a.address or "", a.name, a.partstat, role) for a, role in people]
        known = stored.get(event.source_id)
        if known is not None and member_id is not None and known.member_id != member_id:
            summary.teammates += 1  # a teammate's meeting too: it stays theirs, as they see it
            continue
        if known is not None:  # the same occurrence in two calendars stays with the first
            fields["source_file"] = known.fields["source_file"]
        if known is not None and known.fields == fields and known.attendees == frozenset(rows):
            summary.unchanged += 1
            continue
        if counted:
            book.ensure(
                conn,
                [
                    (a.address or "", _role(role), a.name or "", a.address or "")
                    for a, role in people
                    if _present(a, role)
                ],
            )
        event_id = store_calendar.save_event(
            conn,
            event_id=known.id if known else None,
            source_id=event.source_id,
            fields=fields,
            attendees=[(*row, book.person(row[0])) for row in rows],
            member_id=member_id,
        )
        if known is None:
            summary.meetings += 1
        else:
            summary.updated += 1
        had = known.interaction_id if known is not None else None
        if counted and event.start <= now and had is None:
            made = _interaction(conn, event, people, book, member_id)
            if made is not None:
                store_calendar.link_interaction(conn, event_id, made)
                summary.interactions += 1
        elif not counted and had is not None:
            drop.append(had)
        summary.upcoming += counted and event.start > now
    gone = [eid for sid, eid in before.items() if sid not in seen]
    drop += store_calendar.drop_events(conn, gone)
    summary.removed += len(gone)
    store_calendar.drop_interactions(conn, drop)


def _role(role: str) -> Role:
    return "organizer" if role == "ORGANIZER" else "attendee"


def _present(attendee: Attendee, role: str) -> bool:
    return attendee.partstat not in _NOT_THERE and role not in _NOT_PEOPLE


def _invited(event: EventRecord, me: frozenset[str]) -> list[tuple[Attendee, str]]:
    """Everyone on the invitation but me, once each, the organiser first."""
    out: dict[str, tuple[Attendee, str]] = {}
    if event.organizer is not None:
        key = normal_address(event.organizer.address or "")
        if key is not None and key not in me:
            out[key] = (_keyed(event.organizer, key), "ORGANIZER")
    for attendee in event.attendees:
        key = normal_address(attendee.address or "")
        if key is None or key in me:
            continue
        if key in out:  # the organiser is on the list too: keep their answer
            out[key] = (_keyed(attendee, key), "ORGANIZER")
        else:
            out[key] = (_keyed(attendee, key), attendee.role or "REQ-PARTICIPANT")
    return list(out.values())


def _keyed(attendee: Attendee, key: str) -> Attendee:
    return Attendee(address=key, name=attendee.name, partstat=attendee.partstat, role=attendee.role)


def _fields(event: EventRecord, mine: str | None, counted: bool, name: str) -> dict[str, Any]:
    organizer = event.organizer
    return {
        "uid": event.uid,
        "summary": event.summary,
        "location": event.location,
        "start_at": event.start,
        "end_at": event.end,
        "all_day": event.all_day,
        "recurring": event.recurring,
        "status": event.status,
        "my_partstat": mine,
        "counted": counted,
        "organizer_address": normal_address(organizer.address or "") if organizer else None,
        "organizer_name": organizer.name if organizer else None,
        "source_file": name,
    }


def _interaction(
    conn: Connection,
    event: EventRecord,
    people: list[tuple[Attendee, str]],
    book: AddressBook,
    member_id: int | None = None,
) -> int | None:
    participants: dict[int, str] = {}
    for attendee, role in people:
        person_id = book.person(attendee.address or "")
        if person_id is not None and _present(attendee, role) and person_id not in participants:
            participants[person_id] = _role(role)
    if not participants:
        return None
    ids = store_interactions.add_interactions(
        conn,
        [
            NewInteraction(
                kind="meeting",
                direction="both",
                occurred_at=event.start,
                subject=event.summary,
                thread_key=None,
                source_id=event.source_id,
                participants=tuple(participants.items()),
            )
        ],
        source="calendar",
        member_id=member_id,
    )
    return ids[event.source_id]


def _more(paths: Sequence[Path]) -> str:
    return f" and {len(paths) - 2} more" if len(paths) > 2 else ""


def _log(conn: Connection, summary: CalendarSummary) -> None:
    text = (
        f"imported calendar {summary.label}: {summary.meetings} meetings, "
        f"{count_of(summary.interactions, 'interaction')}, "
        f"{count_of(summary.new_people, 'new person', 'new people')}"
    )
    payload = {k: v for k, v in summary.as_json().items() if isinstance(v, int)}
    payload["clipped"] = len(summary.clipped)
    if summary.activity_id is None:
        summary.activity_id = activity.record(conn, "import.calendar", text, payload=payload)
    else:
        activity.revise(conn, summary.activity_id, text, payload=payload)
