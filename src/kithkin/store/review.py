"""What the weekly review reads of the store: the interactions of a span (as `Contact`s, one
per interaction and person, like strength reads them), the people added, the story facts
learned, and the meetings of the calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, Select, String, func, select, type_coerce

from kithkin.model import SOLO, Actor, Contact, Record, record
from kithkin.store.bulk import among, chunks
from kithkin.store.privacy import visible
from kithkin.store.rows import by_name
from kithkin.store.schema import (
    interaction,
    interaction_participant,
    of_member,
    person,
    spoken,
    story_fact,
)
from kithkin.store.schema_calendar import calendar_attendee, calendar_event
from kithkin.store.schema_mail import mail_message

_ROLE_RANK = {"with": 0, "from": 1, "to": 2, "cc": 3, "bcc": 4, "list": 5}


@record
class Learned(Record):
    person_id: int
    display_name: str
    field: str
    text: str


@record
class CalendarMeeting(Record):
    id: int
    title: str
    start: datetime
    end: datetime
    interaction_id: int | None


def contacts_between(
    conn: Connection, start: datetime, end: datetime, member_id: int | None = None
) -> dict[int, list[Contact]]:
    """{person id: their interactions in [start, end)}, live people only (merged ones as the
    person they became are not followed: their rows moved with the merge); in team mode the
    member's own interactions (`member_id`)."""
    ip = interaction_participant
    query = (
        select(
            ip.c.person_id,
            interaction.c.id,
            type_coerce(interaction.c.occurred_at, String),
            interaction.c.kind,
            interaction.c.direction,
            ip.c.role,
            mail_message.c.category,
        )
        .select_from(
            interaction.join(ip, interaction.c.id == ip.c.interaction_id).outerjoin(
                mail_message, mail_message.c.interaction_id == interaction.c.id
            )
        )
        .where(
            interaction.c.occurred_at >= start,
            interaction.c.occurred_at < end,
            *of_member(member_id),
        )
    )
    # the trash is left out in Python: asked to, SQLite walks every person by its index on
    # deleted_at and every interaction of each, rather than the span's by their date
    trashed = set(conn.scalars(select(person.c.id).where(person.c.deleted_at.is_not(None))))
    out: dict[int, dict[int, Contact]] = {}
    for pid, iid, at, kind, direction, role, category in conn.execute(query):
        if pid in trashed:
            continue
        mine = out.setdefault(int(pid), {})
        found = mine.get(iid)
        if found is None or _ROLE_RANK.get(role, 3) < _ROLE_RANK.get(found.role, 3):
            mine[iid] = Contact(iid, _utc(at), kind, direction, role, 1, category)
    return {pid: list(rows.values()) for pid, rows in out.items()}


def _utc(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def people_added(conn: Connection, start: datetime, end: datetime) -> list[tuple[int, str]]:
    rows = conn.execute(
        select(person.c.id, person.c.display_name)
        .where(
            person.c.created_at >= start,
            person.c.created_at < end,
            person.c.deleted_at.is_(None),
            person.c.merged_into_id.is_(None),
        )
        .order_by(person.c.created_at, person.c.id)
    )
    return [(int(i), str(n)) for i, n in rows]


def facts_learned(
    conn: Connection, start: datetime, end: datetime, *, actor: Actor = SOLO
) -> list[Learned]:
    """Story facts added by hand (not imported) in [start, end), those the actor may see."""
    rows = conn.execute(
        select(person.c.id, person.c.display_name, story_fact.c.field, story_fact.c.text)
        .join(person, person.c.id == story_fact.c.person_id)
        .where(
            story_fact.c.created_at >= start,
            story_fact.c.created_at < end,
            story_fact.c.source_record_id.is_(None),
            person.c.deleted_at.is_(None),
            visible(story_fact, actor),
        )
        .order_by(story_fact.c.created_at, story_fact.c.id)
    )
    return [Learned(person_id=i, display_name=n, field=f, text=t) for i, n, f, t in rows]


def meetings_between(
    conn: Connection, start: datetime, end: datetime, *, member_id: int | None = None
) -> list[CalendarMeeting]:
    """The calendar meetings with other people in [start, end) that count; in team mode
    those of the member's own calendar."""
    with_people = (
        select(func.count())
        .where(calendar_attendee.c.event_id == calendar_event.c.id)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(
            calendar_event.c.id,
            calendar_event.c.summary,
            calendar_event.c.start_at,
            calendar_event.c.end_at,
            calendar_event.c.interaction_id,
        )
        .where(
            calendar_event.c.start_at >= start,
            calendar_event.c.start_at < end,
            calendar_event.c.counted.is_(True),
            calendar_event.c.all_day.is_(False),
            with_people > 0,
            *of_member(member_id, calendar_event),
        )
        .order_by(calendar_event.c.start_at)
    )
    return [
        CalendarMeeting(id=i, title=s or "(no title)", start=a, end=b, interaction_id=x)
        for i, s, a, b, x in rows
    ]


@record
class Spoken(Record):
    """A meeting, call, coffee, meal or event: what a reflection can be written about."""

    id: int
    kind: str
    title: str
    at: datetime
    people: list[tuple[int, str]]


def spoken_between(
    conn: Connection,
    start: datetime,
    end: datetime,
    ids: list[int] | None = None,
    *,
    member_id: int | None = None,
) -> list[Spoken]:
    """The spoken interactions in [start, end) (or those of `ids`), with their live people;
    in team mode the member's own."""
    query = _spoken(member_id)
    if ids is not None:
        query = query.where(interaction.c.id.in_(ids))
    else:
        query = query.where(interaction.c.occurred_at >= start, interaction.c.occurred_at < end)
    return _with_people(conn, list(conn.execute(query.order_by(interaction.c.occurred_at))))


def spoken_by_day(
    conn: Connection, start: datetime, end: datetime, *, member_id: int | None = None
) -> Iterator[list[Spoken]]:
    """The spoken interactions in [start, end) a local day at a time, the latest day first
    (oldest first within it), their people read a day at a time: a caller wanting
    the latest few stops early, without reading the people of every meeting of the days."""
    query = _spoken(member_id).where(
        interaction.c.occurred_at >= start, interaction.c.occurred_at < end
    )
    rows = list(conn.execute(query.order_by(interaction.c.occurred_at.desc())))
    for _, day in groupby(rows, key=lambda r: r.occurred_at.astimezone().date()):
        yield _with_people(conn, list(day)[::-1])  # in a day oldest first, as spoken_between


def _spoken(member_id: int | None) -> Select[Any]:
    return select(
        interaction.c.id, interaction.c.kind, interaction.c.subject, interaction.c.occurred_at
    ).where(spoken(), *of_member(member_id))


def _with_people(conn: Connection, rows: list[Any]) -> list[Spoken]:
    people: dict[int, list[tuple[int, str]]] = {}
    for part in chunks([r.id for r in rows]):
        found = conn.execute(
            select(
                interaction_participant.c.interaction_id,
                person.c.id,
                person.c.display_name,
                person.c.deleted_at,
            )
            .join(person, person.c.id == interaction_participant.c.person_id)
            .where(among(conn, interaction_participant.c.interaction_id, part))
        ).all()
        for iid, pid, name, trashed in sorted(found, key=by_name):
            # the trashed left out here: asked of SQL, SQLite walks every live person by the
            # deleted_at index and probes their rows (seconds at 5,000,000 interactions)
            if trashed is not None:
                continue
            people.setdefault(int(iid), []).append((int(pid), str(name)))
    return [
        Spoken(
            id=r.id,
            kind=r.kind,
            title=r.subject or _with(r.kind, people.get(r.id, [])),
            at=r.occurred_at,
            people=people.get(r.id, []),
        )
        for r in rows
    ]


def _with(kind: str, people: list[tuple[int, str]]) -> str:
    return f"{kind} with " + ", ".join(name for _, name in people[:3])


def practice_counts(
    conn: Connection, start: datetime, end: datetime, *, member_id: int | None = None
) -> dict[str, int]:
    """The acts of the method in [start, end): introductions made (sent to both, after both
    said yes), things shared (my own or amplified) and favours given (the ledger's "gave");
    in team mode the shares and favours are the member's own."""
    from kithkin.store.schema_amplify import share
    from kithkin.store.schema_intro import intro
    from kithkin.store.schema_service import ledger_entry

    given = of_member(member_id, ledger_entry)

    def count(column: Any, *where: Any) -> int:
        found = conn.execute(
            select(func.count()).where(column >= start, column < end, *where)
        ).scalar_one()
        return int(found)

    return {
        "intros": count(intro.c.introduced_at),
        "shares": count(share.c.occurred_at, *of_member(member_id, share)),
        "favours": count(ledger_entry.c.at, ledger_entry.c.direction == "gave", *given),
    }
