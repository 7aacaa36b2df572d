"""Calendar events in the store: meetings read from calendars, their attendees, the
interactions past meetings became, and the meetings of a day (what briefs are made for).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.orm import aliased

from kithkin import clock
from kithkin.model import Meeting, MeetingAttendee, Record, record
from kithkin.store.bulk import chunks
from kithkin.store.schema import interaction, of_member, person
from kithkin.store.schema_calendar import calendar_attendee, calendar_event

EVENT_FIELDS: Final = (
    "uid",
    "summary",
    "location",
    "start_at",
    "end_at",
    "all_day",
    "recurring",
    "status",
    "my_partstat",
    "counted",
    "organizer_address",
    "organizer_name",
    "source_file",
)


@record
class StoredEvent(Record):
    id: int
    source_id: str
    fields: dict[str, Any]
    attendees: frozenset[tuple[str, str | None, str | None, str | None]]
    interaction_id: int | None
    member_id: int | None = None  # whose calendar it came from (team mode)


def stored_events(conn: Connection, source_ids: Iterable[str]) -> dict[str, StoredEvent]:
    """The events stored under `source_ids`, with their attendees."""
    rows: list[Any] = []
    for part in chunks(list(dict.fromkeys(source_ids))):
        rows += conn.execute(select(calendar_event).where(calendar_event.c.source_id.in_(part)))
    people: dict[int, set[tuple[str, str | None, str | None, str | None]]] = {}
    for part in chunks([row.id for row in rows]):
        for a in conn.execute(
            select(calendar_attendee).where(calendar_attendee.c.event_id.in_(part))
        ):
            people.setdefault(a.event_id, set()).add((a.address, a.name, a.partstat, a.role))
    return {
        row.source_id: StoredEvent(
            id=row.id,
            source_id=row.source_id,
            fields={name: getattr(row, name) for name in EVENT_FIELDS},
            attendees=frozenset(people.get(row.id, ())),
            interaction_id=row.interaction_id,
            member_id=row.member_id,
        )
        for row in rows
    }


def events_of_file(
    conn: Connection,
    source_file: str,
    start: datetime,
    end: datetime,
    *,
    member_id: int | None = None,
) -> dict[str, int]:
    """{source_id: id} of the events stored from a file that start in [start, end) (in team
    mode, of the member's own)."""
    rows = conn.execute(
        select(calendar_event.c.source_id, calendar_event.c.id).where(
            calendar_event.c.source_file == source_file,
            calendar_event.c.start_at >= start,
            calendar_event.c.start_at < end,
            *of_member(member_id, calendar_event),
        )
    )
    return {str(sid): int(eid) for sid, eid in rows}


def save_event(
    conn: Connection,
    *,
    event_id: int | None,
    source_id: str,
    fields: dict[str, Any],
    attendees: Sequence[tuple[str, str | None, str | None, str | None, int | None]],
    member_id: int | None = None,
) -> int:
    """Insert an event (event_id None: the member's, in team mode) or rewrite it; its
    attendees (address, name, partstat, role, person id) replace those stored."""
    now = clock.now()
    if event_id is None:
        key = conn.execute(
            insert(calendar_event).values(
                source_id=source_id, imported_at=now, member_id=member_id, **fields
            )
        ).inserted_primary_key
        assert key is not None
        event_id = int(key[0])
    else:
        conn.execute(
            update(calendar_event)
            .where(calendar_event.c.id == event_id)
            .values(imported_at=now, **fields)
        )
        conn.execute(delete(calendar_attendee).where(calendar_attendee.c.event_id == event_id))
    if attendees:
        conn.execute(
            insert(calendar_attendee),
            [
                {
                    "event_id": event_id,
                    "address": address,
                    "name": name,
                    "partstat": partstat,
                    "role": role,
                    "person_id": person_id,
                }
                for address, name, partstat, role, person_id in attendees
            ],
        )
    return event_id


def link_interaction(conn: Connection, event_id: int, interaction_id: int | None) -> None:
    conn.execute(
        update(calendar_event)
        .where(calendar_event.c.id == event_id)
        .values(interaction_id=interaction_id)
    )


def drop_interactions(conn: Connection, ids: Sequence[int]) -> None:
    """Delete interactions of meetings that no longer happen (cancelled, declined, gone)."""
    for part in chunks(list(ids)):
        conn.execute(delete(interaction).where(interaction.c.id.in_(part)))


def drop_events(conn: Connection, ids: Sequence[int]) -> list[int]:
    """Delete events (gone from their calendar); returns the interactions they had."""
    had: list[int] = []
    for part in chunks(list(ids)):
        had += [
            int(i)
            for i in conn.scalars(
                select(calendar_event.c.interaction_id).where(
                    calendar_event.c.id.in_(part), calendar_event.c.interaction_id.is_not(None)
                )
            )
        ]
        conn.execute(delete(calendar_event).where(calendar_event.c.id.in_(part)))
    return had


def meetings_between(
    conn: Connection,
    start: datetime,
    end: datetime,
    *,
    counted_only: bool = True,
    member_id: int | None = None,
) -> list[Meeting]:
    """The meetings that start in [start, end), earliest first, with their attendees (the
    people they are, following merges); in team mode the member's own. What a brief for
    tomorrow's meetings reads."""
    mine = of_member(member_id, calendar_event)
    query = select(calendar_event).where(
        calendar_event.c.start_at >= start, calendar_event.c.start_at < end, *mine
    )
    if counted_only:
        query = query.where(calendar_event.c.counted.is_(True))
    events = list(conn.execute(query.order_by(calendar_event.c.start_at, calendar_event.c.id)))
    merged = aliased(person)
    attendees: dict[int, list[MeetingAttendee]] = {}
    for part in chunks([e.id for e in events]):
        rows = conn.execute(
            select(
                calendar_attendee,
                func.coalesce(merged.c.id, person.c.id).label("current"),
                person.c.deleted_at,
            )
            .outerjoin(person, person.c.id == calendar_attendee.c.person_id)
            .outerjoin(merged, merged.c.id == person.c.merged_into_id)
            .where(calendar_attendee.c.event_id.in_(part))
            .order_by(calendar_attendee.c.event_id, calendar_attendee.c.address)
        )
        for a in rows:
            live = a.current if a.deleted_at is None or a.current != a.person_id else None
            attendees.setdefault(a.event_id, []).append(
                MeetingAttendee(
                    address=a.address,
                    name=a.name,
                    partstat=a.partstat,
                    role=a.role,
                    person_id=live,
                )
            )
    return [
        Meeting(
            id=e.id,
            uid=e.uid,
            summary=e.summary,
            location=e.location,
            start=e.start_at,
            end=e.end_at,
            all_day=bool(e.all_day),
            status=e.status,
            my_partstat=e.my_partstat,
            counted=bool(e.counted),
            organizer_address=e.organizer_address,
            interaction_id=e.interaction_id,
            attendees=tuple(attendees.get(e.id, ())),
        )
        for e in events
    ]
