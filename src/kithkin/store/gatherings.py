"""Gatherings in the store: the gatherings, the days I was there, the people I met there,
the calendar events that match them, and the recurring events of imported calendars a
gathering can be picked from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from kithkin import clock
from kithkin.errors import Conflict, NotFound
from kithkin.model import MAX_ID, Gathering, Record, record
from kithkin.store import activity
from kithkin.store.schema import person
from kithkin.store.schema_calendar import calendar_event
from kithkin.store.schema_gathering import gathering, gathering_attendance, gathering_person

FIELDS: Final = (
    "name",
    "rrule",
    "first_day",
    "at_time",
    "tz",
    "minutes",
    "platform",
    "link",
    "hashtag",
    "channel",
    "group_name",
    "calendar_uid",
    "skip_budget",
)


@record
class Series(Record):
    """A recurring event of an imported calendar: what a gathering can be picked from."""

    uid: str
    summary: str | None
    source_file: str
    first: datetime
    last: datetime
    occurrences: int


def _gathering(row: Any) -> Gathering:
    return Gathering(id=row.id, **{name: getattr(row, name) for name in FIELDS})


def all_gatherings(conn: Connection) -> list[Gathering]:
    rows = conn.execute(select(gathering).order_by(func.lower(gathering.c.name)))
    return [_gathering(row) for row in rows]


def find(conn: Connection, ref: str | int) -> Gathering:
    """The gathering `ref` means: its id, its name (any case) or the one name it starts."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().lstrip("#").isdigit()):
        key = int(str(ref).strip().lstrip("#"))
        row = (  # SQL would overflow on an id past MAX_ID; no row has it
            conn.execute(select(gathering).where(gathering.c.id == key)).first()
            if key <= MAX_ID
            else None
        )
        if row is None:
            raise NotFound(f"no gathering #{key}")
        return _gathering(row)
    text = ref.strip().lower()
    rows = list(conn.execute(select(gathering).where(func.lower(gathering.c.name) == text)))
    if not rows:
        like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = list(
            conn.execute(
                select(gathering).where(func.lower(gathering.c.name).like(like, escape="\\"))
            )
        )
    if not rows:
        raise NotFound(f"no gathering named {ref.strip()[:80]!r} (kithkin gathering list)")
    if len(rows) > 1:
        names = ", ".join(repr(r.name) for r in rows[:5])
        raise Conflict(f"{ref.strip()[:80]!r} fits several gatherings: {names}")
    return _gathering(rows[0])


def add(conn: Connection, values: dict[str, Any]) -> Gathering:
    name = values["name"]
    taken = conn.scalar(
        select(gathering.c.id).where(func.lower(gathering.c.name) == name.strip().lower())
    )
    if taken is not None:
        raise Conflict(f"there is a gathering named {name!r} already (#{taken})")
    key = conn.execute(
        insert(gathering).values(created_at=clock.now(), **values)
    ).inserted_primary_key
    assert key is not None
    found = find(conn, int(key[0]))
    activity.record(conn, "gathering.add", f"gathering {found.name!r} added")
    return found


def remove(conn: Connection, gathering_id: int) -> None:
    name = conn.scalar(select(gathering.c.name).where(gathering.c.id == gathering_id))
    conn.execute(delete(gathering).where(gathering.c.id == gathering_id))
    activity.record(conn, "gathering.remove", f"gathering {name!r} removed")


def update_fields(conn: Connection, gathering_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(gathering).where(gathering.c.id == gathering_id).values(**values))


def mark_attended(conn: Connection, gathering_id: int, day: date) -> bool:
    """Say I was there on `day`; False when it was said already."""
    known = conn.scalar(
        select(func.count()).where(
            gathering_attendance.c.gathering_id == gathering_id,
            gathering_attendance.c.on_day == day,
        )
    )
    if known:
        return False
    conn.execute(
        insert(gathering_attendance).values(gathering_id=gathering_id, on_day=day, at=clock.now())
    )
    return True


def unmark_attended(conn: Connection, gathering_id: int, day: date) -> bool:
    done = conn.execute(
        delete(gathering_attendance).where(
            gathering_attendance.c.gathering_id == gathering_id,
            gathering_attendance.c.on_day == day,
        )
    )
    return bool(done.rowcount)


def attended_days(conn: Connection) -> dict[int, set[date]]:
    """{gathering id: the days I said I was there}."""
    out: dict[int, set[date]] = {}
    for gid, day in conn.execute(
        select(gathering_attendance.c.gathering_id, gathering_attendance.c.on_day)
    ):
        out.setdefault(int(gid), set()).add(day)
    return out


def matching_events(
    conn: Connection, gatherings: Sequence[Gathering], before: datetime
) -> dict[int, list[datetime]]:
    """{gathering id: starts of the calendar events that took place before `before` and
    match it}: the occurrences of the event it was picked from, or events of the same name;
    only those that count (not cancelled, not declined by me)."""
    if not gatherings:
        return {}
    by_uid = {g.calendar_uid: g.id for g in gatherings if g.calendar_uid}
    by_name = {g.name.strip().lower(): g.id for g in gatherings}
    conditions = [func.lower(func.trim(calendar_event.c.summary)).in_(list(by_name))]
    if by_uid:
        conditions.append(calendar_event.c.uid.in_(list(by_uid)))
    rows = conn.execute(
        select(calendar_event.c.uid, calendar_event.c.summary, calendar_event.c.start_at).where(
            calendar_event.c.counted.is_(True),
            calendar_event.c.start_at < before,
            or_(*conditions),
        )
    )
    out: dict[int, list[datetime]] = {}
    for uid, summary, start in rows:
        gid = by_uid.get(uid)
        if gid is None:
            gid = by_name.get((summary or "").strip().lower())
        if gid is not None:
            out.setdefault(gid, []).append(start)
    return out


def meet(conn: Connection, gathering_id: int, person_id: int, day: date) -> bool:
    """Say I met a person at a gathering (the first day is kept); False if known already."""
    known = conn.scalar(
        select(func.count()).where(
            gathering_person.c.gathering_id == gathering_id,
            gathering_person.c.person_id == person_id,
        )
    )
    if known:
        return False
    conn.execute(
        insert(gathering_person).values(
            gathering_id=gathering_id, person_id=person_id, on_day=day, at=clock.now()
        )
    )
    return True


def met_at(conn: Connection, person_id: int) -> list[tuple[int, str, date]]:
    """Where I met a person: (gathering id, name, first day), earliest first."""
    rows = conn.execute(
        select(gathering.c.id, gathering.c.name, gathering_person.c.on_day)
        .join(gathering, gathering.c.id == gathering_person.c.gathering_id)
        .where(gathering_person.c.person_id == person_id)
        .order_by(gathering_person.c.on_day)
    )
    return [(int(i), str(n), d) for i, n, d in rows]


def people_met(conn: Connection) -> dict[int, list[tuple[int, str, date]]]:
    """{gathering id: (person id, name, day) of the people I met there}, live people only."""
    rows = conn.execute(
        select(
            gathering_person.c.gathering_id,
            person.c.id,
            person.c.display_name,
            gathering_person.c.on_day,
        )
        .join(person, person.c.id == gathering_person.c.person_id)
        .where(person.c.deleted_at.is_(None))
        .order_by(gathering_person.c.on_day, person.c.display_name)
    )
    out: dict[int, list[tuple[int, str, date]]] = {}
    for gid, pid, name, day in rows:
        out.setdefault(int(gid), []).append((int(pid), str(name), day))
    return out


def series(conn: Connection) -> list[Series]:
    """The recurring events of imported calendars, most occurrences first."""
    rows = conn.execute(
        select(
            calendar_event.c.uid,
            func.max(calendar_event.c.summary),
            func.max(calendar_event.c.source_file),
            func.min(calendar_event.c.start_at),
            func.max(calendar_event.c.start_at),
            func.count(),
        )
        .where(calendar_event.c.recurring.is_(True), calendar_event.c.counted.is_(True))
        .group_by(calendar_event.c.uid)
        .order_by(func.count().desc(), calendar_event.c.uid)
    )
    return [
        Series(
            uid=str(uid),
            summary=summary,
            source_file=str(source),
            first=_aware(first),
            last=_aware(last),
            occurrences=int(n),
        )
        for uid, summary, source, first, last, n in rows
    ]


def series_starts(conn: Connection, uid: str) -> list[datetime]:
    """The starts of the stored occurrences of a calendar event, earliest first."""
    rows = conn.scalars(
        select(calendar_event.c.start_at)
        .where(calendar_event.c.uid == uid)
        .order_by(calendar_event.c.start_at)
    )
    return list(rows)


def _aware(value: Any) -> datetime:
    from datetime import UTC

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
