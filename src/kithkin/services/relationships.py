"""Relationships: the `relationship` table kept fresh, and how strong one is and why.

`refresh` is what every use case that reads relationships runs first (at most once per call):
only the people whose interactions changed since the last refresh are recomputed — by adding
the new interactions to their stored tally, or, when that cannot be done, from their whole
history (`practices.refresh`, `practices.tally`). `strength` serves `kithkin strength`, the
person page and the API.

In team mode each member has their own relationships, from their own interactions: every
use case here takes the acting member (`actor`), SOLO being the one user of a personal
database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from kithkin import clock
from kithkin.model import SOLO, Actor, Record, record
from kithkin.services.common import PersonRef, person_id

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.model import Relationship
    from kithkin.store import Database

FEW_ADDED: Final = 50_000  # up to this many new interactions are read in one go
BATCH: Final = 2000  # people recomputed per write
ANALYZE_AFTER: Final = 500  # people recomputed at once: the engine's statistics gathered afresh


@record
class Strength(Record):
    person_id: int
    report: dict[str, Any]  # score, tier, explanation, counts, inputs: the JSON of --json
    last_touch_at: datetime | None
    waiting_since: datetime | None

    @property
    def explanation(self) -> list[str]:
        return list(self.report["explanation"])


def strength(db: Database, *, person: PersonRef, actor: Actor = SOLO) -> Strength:
    """The strength of my relationship with `person` (0-100) as of now, with its inputs (in
    team mode the acting member's); kept (`Database.memo`) until the database changes or the
    minute turns: it reads the whole history, which for someone of thousands of interactions
    takes a while."""
    with db.read() as conn:
        pid = person_id(conn, person)
    key = f"strength:{actor.member_id}:{pid}"
    return db.minutely(key, lambda now: _strength(db, pid, now, actor.member_id))


def _strength(db: Database, pid: int, now: datetime, member_id: int | None) -> Strength:
    from kithkin.practices import strength as practice

    with db.read() as conn:
        summary = of_person(conn, pid, now, member_id=member_id)
    return Strength(
        person_id=pid,
        report=practice.report(pid, summary, now),
        last_touch_at=summary.last_touch_at,
        waiting_since=summary.waiting_since,
    )


def refresh(db: Database, now: datetime | None = None, *, actor: Actor = SOLO) -> int:
    """Bring the relationship table up to date: only the people whose interactions changed
    since the last refresh are recomputed — by adding the new interactions to their stored
    tally, or, when that cannot be done (a merge, an older interaction imported late, a
    planned meeting that has now happened, or every `practices.refresh.FULL_EVERY` folds),
    from their whole history. Returns how many were recomputed (0: nothing to do, and
    nothing was written)."""
    from kithkin.practices.strength import FORMULA
    from kithkin.store import relationships

    now = now or clock.now()
    member = actor.member_id
    with db.read() as conn:
        todo = relationships.plan(conn, now, formula=FORMULA, member_id=member)
    if not todo.changed:
        return 0
    with db.write() as conn:
        # again, now that writers wait for us
        todo = relationships.plan(conn, now, formula=FORMULA, member_id=member)
        added = todo.interaction_mark - todo.since
        redo = set(todo.redo) | fold_in(
            conn, todo.added, todo.since, now, added=added, member_id=member
        )
        recompute(conn, redo, now, member_id=member)
        relationships.set_mark(
            conn, todo.interaction_mark, todo.activity_mark, formula=FORMULA, member_id=member
        )
    if len(todo.person_ids) >= ANALYZE_AFTER:
        db.analyze()  # an import added much: plan the next reads on what is there now
    return len(todo.person_ids)


def fold_in(
    conn: Connection,
    person_ids: Iterable[int],
    since: int,
    now: datetime,
    *,
    added: int = 0,
    member_id: int | None = None,
) -> set[int]:
    """Add the interactions with ids above `since` (about `added` of them) to these people's
    stored tallies; returns the people whose whole history must be read instead."""
    from kithkin.practices import refresh as practice
    from kithkin.practices import tally
    from kithkin.store import relationships

    ids = sorted(set(person_ids))
    stored = relationships.rows_of(conn, ids, member_id=member_id)
    redo = {pid for pid in ids if pid not in stored or not practice.foldable(_tally(stored[pid]))}
    foldable = [pid for pid in ids if pid not in redo]
    if not foldable:
        return redo
    few = added <= FEW_ADDED  # then read them all by id, else person by person
    new_rows = relationships.histories(conn, None, after=since, member_id=member_id) if few else {}
    for start in range(0, len(foldable), BATCH):
        part = foldable[start : start + BATCH]
        if not few:
            new_rows = relationships.histories(conn, part, after=since, member_id=member_id)
        rows = []
        for pid in part:
            row = stored[pid]
            state = _tally(row)
            assert state is not None  # foldable
            summary = tally.fold(state, row.next_event_at, new_rows.get(pid, []), now)
            if summary is None:
                redo.add(pid)
            else:
                rows.append(row_of(pid, summary))
        relationships.save(conn, rows, member_id=member_id)
    return redo


def _tally(row: Relationship) -> dict[str, Any] | None:
    state: dict[str, Any] | None = row.inputs.get("tally")
    return state


def recompute(
    conn: Connection, person_ids: Iterable[int], now: datetime, *, member_id: int | None = None
) -> None:
    """Recompute these people from their whole history."""
    from kithkin.practices import tally
    from kithkin.store import relationships

    ids = sorted(set(person_ids))
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        found = relationships.histories(conn, part, member_id=member_id)
        rows = [row_of(pid, tally.summarise(history, now)) for pid, history in found.items()]
        relationships.save(conn, rows, forget=set(part) - set(found), member_id=member_id)


def row_of(person_id: int, s: Relationship) -> dict[str, Any]:
    """A computed relationship as the columns the store saves."""
    return {**vars(s), "person_id": person_id}


def of_person(
    conn: Connection, person_id: int, now: datetime, *, member_id: int | None = None
) -> Relationship:
    """One person's relationship, computed afresh from their interactions."""
    from kithkin.practices import tally
    from kithkin.store import relationships

    history = relationships.histories(conn, [person_id], member_id=member_id).get(person_id, [])
    return tally.summarise(history, now)


def strengths(
    db: Database, *, people: Iterable[int], actor: Actor = SOLO
) -> dict[int, tuple[float, str]]:
    """The strength (score 0-100, tier) of my relationship with each of these people as of
    now, for a list that shows it; someone with no interactions is left out."""
    from kithkin.practices import strength as practice
    from kithkin.store import relationships

    ids = set(people)
    if not ids:
        return {}
    now = clock.now()
    refresh(db, now, actor=actor)
    with db.read() as conn:
        rows = relationships.rows_of(conn, ids, member_id=actor.member_id)
    scores = {pid: practice.current(row, now) for pid, row in rows.items()}
    return {pid: (score, practice.tier_of(score)) for pid, score in scores.items()}


def tier(score: float) -> str:
    """The tier of a strength score (0-100): strong, moderate, weak or none."""
    from kithkin.practices import strength as practice

    return practice.tier_of(score)
