"""The `relationship` table: a cache of each relationship's strength and signals, and what it
takes to keep it fresh incrementally.

`services.relationships.refresh` computes the rows (with `practices.tally`); this module reads
what it needs and writes the results, and reads them back as typed records
(`model.Relationship`, its `inputs` decoded here). A refresh recomputes only the people
whose interactions changed since the last one:

- interactions added since (their ids are above the interaction mark): these are read alone
  and added to the person's stored tally (`histories(..., after=mark)`),
- people merged, or a merge undone, since (activity rows above the activity mark),
- people whose next planned interaction has now happened (`next_event_at` has passed):
  these are read again from their whole history, and
- everyone, once, when the rows were stored by an earlier strength formula (the mark keeps
  `practices.strength.FORMULA`).

Checking costs two MAX() lookups on primary keys and one indexed range, so a refresh with
nothing to do is nearly free however large the database.

In team mode each member has their own rows (`member_id`, 0 for the one user of a personal
database), computed from their own interactions, with their own mark; every function takes
the member (`member_id` None: the one user of a personal database, who has every
interaction).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    String,
    case,
    delete,
    distinct,
    func,
    or_,
    select,
    type_coerce,
)

from kithkin.model import Contact, Record, Relationship, record
from kithkin.store import settings
from kithkin.store.bulk import Bulk, chunks
from kithkin.store.schema import activity, interaction, interaction_participant, person
from kithkin.store.schema_circle import member_key, relationship, relationship_inputs
from kithkin.store.schema_mail import mail_message

MARK_KEY: Final = "relationships.mark"
GATHERING_KINDS: Final = ("meeting", "call", "coffee", "meal", "event")
_ROLE_RANK: Final = {"with": 0, "from": 0, "to": 0, "cc": 1, "bcc": 1, "list": 2}
COLUMNS: Final = tuple(c.name for c in relationship.columns if c.name != "member_id")
_ADD = Bulk.insert(relationship, ("member_id", *COLUMNS))
_ADD_INPUTS = Bulk.insert(relationship_inputs, ("member_id", "person_id", "inputs"))


def mark_key(member_id: int | None) -> str:
    return MARK_KEY if member_id is None else f"{MARK_KEY}.{member_id}"


def _mine(member_id: int | None) -> list[ColumnElement[bool]]:
    """The condition on `relationship` of a member's rows."""
    return [relationship.c.member_id == member_key(member_id)]


def _their_interactions(member_id: int | None) -> list[ColumnElement[bool]]:
    """The condition on `interaction` of a member's interactions (none: all of them)."""
    return [] if member_id is None else [interaction.c.member_id == member_id]


@record
class Plan(Record):
    """What a refresh has to do, and the marks to record afterwards."""

    added: frozenset[int]  # people with interactions added since the last refresh
    redo: frozenset[int]  # people whose whole history must be read again
    since: int  # the interaction mark of the last refresh: added interactions have greater ids
    interaction_mark: int
    activity_mark: int
    changed: bool  # anything to write (people to recompute, or marks that moved)

    @property
    def person_ids(self) -> frozenset[int]:
        return self.added | self.redo


def plan(
    conn: Connection, now: datetime, *, formula: int = 1, member_id: int | None = None
) -> Plan:
    """Who needs recomputing (read-only; cheap when nothing changed). Rows stored by another
    `formula` (the strength formula's version) are all read again."""
    mark = settings.get(conn, mark_key(member_id), {"interaction": 0, "activity": 0})
    ip = interaction_participant
    theirs = _their_interactions(member_id)
    if mark["interaction"] and mark.get("formula", 1) != formula:
        everyone = select(ip.c.person_id).distinct()
        if theirs:
            everyone = everyone.join(interaction, interaction.c.id == ip.c.interaction_id).where(
                *theirs
            )
        return Plan(
            frozenset(),
            frozenset(conn.scalars(everyone))
            | frozenset(conn.scalars(select(relationship.c.person_id).where(*_mine(member_id)))),
            mark["interaction"],
            int(conn.scalar(select(func.max(interaction.c.id))) or 0),
            int(conn.scalar(select(func.max(activity.c.id))) or 0),
            True,
        )
    top_i = int(conn.scalar(select(func.max(interaction.c.id))) or 0)
    top_a = int(conn.scalar(select(func.max(activity.c.id))) or 0)
    added: set[int] = set()
    redo: set[int] = set()
    if top_i > mark["interaction"]:
        # no DISTINCT: SQLite would walk its whole index on person_id for it
        since = select(ip.c.person_id).where(ip.c.interaction_id > mark["interaction"])
        if theirs:
            since = since.join(interaction, interaction.c.id == ip.c.interaction_id).where(*theirs)
        added.update(conn.scalars(since))
    if top_a > mark["activity"]:
        redo.update(_people_moved(conn, mark["activity"]))
    redo.update(
        conn.scalars(
            select(relationship.c.person_id).where(
                *_mine(member_id),
                relationship.c.next_event_at.is_not(None),
                relationship.c.next_event_at <= now,
            )
        )
    )
    moved = top_i != mark["interaction"] or top_a != mark["activity"]
    return Plan(
        frozenset(added - redo),
        frozenset(redo),
        mark["interaction"],
        top_i,
        top_a,
        bool(added or redo) or moved,
    )


def _people_moved(conn: Connection, since: int) -> set[int]:
    """People whose interactions moved through a merge (or the undo of one) after `since`."""
    out: set[int] = set()
    rows = conn.execute(
        select(activity.c.action, activity.c.person_id, activity.c.payload).where(
            activity.c.id > since, activity.c.action.in_(("person.merge", "undo"))
        )
    )
    for action, person_id, payload in rows:
        if person_id is not None:
            out.add(int(person_id))
        data = json.loads(payload) if payload else {}
        if action == "undo" and "activity_id" in data:
            original = conn.scalar(
                select(activity.c.payload).where(activity.c.id == data["activity_id"])
            )
            data = json.loads(original) if original else {}
        out.update(int(data[k]) for k in ("keep", "other") if isinstance(data.get(k), int))
    return out


def histories(
    conn: Connection,
    person_ids: Iterable[int] | None,
    *,
    after: int | None = None,
    member_id: int | None = None,
) -> dict[int, list[Contact]]:
    """Every interaction of each person (one per interaction, with their strongest role), or
    only those with ids above `after` (the ones added since a refresh; `person_ids` None:
    whoever took part in them).

    Built for refreshing thousands of people at once: dates are read as stored and parsed
    here (SQLAlchemy's per-row conversion would double the time), and participants are
    counted only for interactions of kinds that gather several people.
    """
    out: dict[int, dict[int, Contact]] = {}
    others = interaction_participant.alias("others")
    ip = interaction_participant
    people = case(
        (
            interaction.c.kind.in_(GATHERING_KINDS),
            select(func.count(distinct(others.c.person_id)))
            .where(others.c.interaction_id == interaction.c.id)
            .scalar_subquery(),
        ),
        else_=1,
    )
    parts: Iterable[Sequence[int] | None] = (
        [None] if person_ids is None else chunks(sorted(set(person_ids)), 500)
    )
    for part in parts:
        query = select(
            ip.c.person_id,
            interaction.c.id,
            type_coerce(interaction.c.occurred_at, String),
            interaction.c.kind,
            interaction.c.direction,
            ip.c.role,
            people,
            interaction.c.thread_key,
            mail_message.c.category,
            mail_message.c.size,
        ).select_from(
            ip.join(interaction, interaction.c.id == ip.c.interaction_id).outerjoin(
                mail_message, mail_message.c.interaction_id == interaction.c.id
            )
        )
        if part is not None:
            query = query.where(ip.c.person_id.in_(part))
        if after is not None:
            query = query.where(ip.c.interaction_id > after)
        query = query.where(*_their_interactions(member_id))
        for pid, iid, at, kind, direction, role, n, thread, category, size in conn.execute(query):
            mine = out.setdefault(pid, {})
            found = mine.get(iid)
            if found is None or _ROLE_RANK.get(role, 3) < _ROLE_RANK.get(found.role, 3):
                mine[iid] = Contact(
                    iid, _utc(at), kind, direction, role, n or 1, category, size, thread
                )
    return {pid: list(rows.values()) for pid, rows in out.items()}


def _utc(value: Any) -> datetime:
    """A stored naive-UTC timestamp (a string on SQLite, a datetime elsewhere), made aware."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def save(
    conn: Connection,
    rows: Sequence[dict[str, Any]],
    *,
    forget: Iterable[int] = (),
    member_id: int | None = None,
) -> None:
    """Replace the member's rows of these people (and drop those of `forget`: nobody to
    relate to); each row is the `relationship` columns and its `inputs` (a dict)."""
    ids = [r["person_id"] for r in rows] + list(forget)
    key = member_key(member_id)
    inputs = relationship_inputs.c
    for part in chunks(ids):
        conn.execute(delete(relationship).where(*_mine(member_id), _ID.in_(part)))
        conn.execute(
            delete(relationship_inputs).where(inputs.member_id == key, inputs.person_id.in_(part))
        )
    _ADD.execute(conn, [(key, *(r[c] for c in COLUMNS)) for r in rows])
    _ADD_INPUTS.execute(
        conn,
        [(key, r["person_id"], json.dumps(r["inputs"], separators=(",", ":"))) for r in rows],
    )


def set_mark(
    conn: Connection,
    interaction_mark: int,
    activity_mark: int,
    *,
    formula: int = 1,
    member_id: int | None = None,
) -> None:
    settings.put(
        conn,
        mark_key(member_id),
        {"interaction": interaction_mark, "activity": activity_mark, "formula": formula},
    )


# -- reads ------------------------------------------------------------------------------------

# People in the trash are left out in Python, not in SQL: without statistics, SQLite answers
# "deleted_at IS NULL" with its index on deleted_at — every person in the network.
_ID = relationship.c.person_id
_WHO = person.c.id == _ID


def _live(query: Sequence[ColumnElement[bool]], member_id: int | None) -> Select[Any]:
    return (
        select(relationship, person.c.deleted_at.label("trashed_at"))
        .join(person, _WHO)
        .where(*_mine(member_id), *query)
    )


def _alive(rows: Iterable[Row[Any]]) -> list[Relationship]:
    return [_record(r) for r in rows if r.trashed_at is None]


_FIELDS: Final = tuple(c for c in COLUMNS if c != "person_id")
_INPUTS_OF = (relationship_inputs.c.member_id == relationship.c.member_id) & (
    relationship_inputs.c.person_id == relationship.c.person_id
)


def _record(row: Row[Any], inputs: str | None = None) -> Relationship:
    """A stored row as a typed record; its `inputs` decoded when they were read with it."""
    values = {name: getattr(row, name) for name in _FIELDS}
    return Relationship(
        **values, inputs=json.loads(inputs) if inputs else {}, person_id=int(row.person_id)
    )


def rows_of(
    conn: Connection, person_ids: Iterable[int], *, member_id: int | None = None
) -> dict[int, Relationship]:
    """The member's stored relationships with these people, with their `inputs`."""
    out: dict[int, Relationship] = {}
    for part in chunks(sorted(set(person_ids))):
        for row in conn.execute(
            select(relationship, relationship_inputs.c.inputs)
            .outerjoin(relationship_inputs, _INPUTS_OF)
            .where(*_mine(member_id), _ID.in_(part))
        ):
            out[int(row.person_id)] = _record(row, row.inputs)
    return out


def scores_of(
    conn: Connection, person_ids: Iterable[int], *, member_id: int | None = None
) -> dict[int, Relationship]:
    """The stored relationships of these people, without their `inputs` (a list that
    only shows how strong each is reads no JSON)."""
    out: dict[int, Relationship] = {}
    for part in chunks(sorted(set(person_ids))):
        for row in conn.execute(select(relationship).where(*_mine(member_id), _ID.in_(part))):
            out[int(row.person_id)] = _record(row)
    return out


def _inputs_text(
    conn: Connection, person_ids: Iterable[int], member_id: int | None
) -> dict[int, str]:
    out: dict[int, str] = {}
    inputs = relationship_inputs.c
    for part in chunks(sorted(set(person_ids))):
        for pid, text in conn.execute(
            select(inputs.person_id, inputs.inputs).where(
                inputs.member_id == member_key(member_id), inputs.person_id.in_(part)
            )
        ):
            out[int(pid)] = text
    return out


def waiting(
    conn: Connection,
    since: datetime,
    until: datetime,
    *,
    limit: int = 100,
    member_id: int | None = None,
) -> list[Relationship]:
    """Live people with messages of theirs unanswered, the last of them written between `since`
    and `until`, the strongest relationships first."""
    r = relationship.c
    return _alive(
        conn.execute(
            _live(
                [r.waiting_last_at >= since, r.waiting_last_at <= until, r.waiting_since <= until],
                member_id,
            )
            .order_by(r.score.desc(), r.person_id)
            .limit(limit)
        )
    )


def fading(
    conn: Connection,
    now: datetime,
    active_since: datetime,
    *,
    limit: int = 50,
    member_id: int | None = None,
) -> list[Relationship]:
    """Live people whose conversation is fading at `now` (the strongest bounds first), whose
    last message was written since `active_since`, and with whom I have not met or talked
    since my first unanswered message; with their inputs (the fading signals are there)."""
    r = relationship.c
    rows = conn.execute(
        _live(
            [
                r.fading_last_at >= active_since,
                r.fading_from <= now,
                or_(
                    r.unanswered_since.is_(None),
                    r.last_mutual_at.is_(None),
                    r.last_mutual_at <= r.unanswered_since,
                ),
            ],
            member_id,
        )
        .order_by(r.fading.desc(), r.person_id)
        .limit(limit)
    )
    found = [row for row in rows if row.trashed_at is None]
    inputs = _inputs_text(conn, [row.person_id for row in found], member_id)
    return [_record(row, inputs.get(int(row.person_id))) for row in found]


def by_stored_score(
    conn: Connection,
    min_score: float,
    *,
    limit: int,
    offset: int = 0,
    member_id: int | None = None,
) -> tuple[list[Relationship], bool]:
    """A page of relationships whose stored score reaches `min_score`, the strongest stored
    first (from the `offset`-th, people in the trash included in the count, left out of the
    rows), and whether there are more pages."""
    found = list(
        conn.execute(
            _live([relationship.c.score >= min_score], member_id)
            .order_by(relationship.c.score.desc(), relationship.c.person_id)
            .limit(limit)
            .offset(offset)
        )
    )
    return _alive(found), len(found) == limit
