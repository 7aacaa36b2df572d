"""Keeping the `relationship` table fresh: recompute only the people whose interactions
changed since the last refresh (`practices.tally`), and write the rows back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from kithkin import clock
from kithkin.practices import strength, tally
from kithkin.practices.strength import Contact, Summary
from kithkin.store import relationships

FULL_EVERY: Final = 50  # folds before a person's whole history is read again
FEW_ADDED: Final = 50_000  # up to this many new interactions are read in one go

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.store import Database


def contact_of(row: relationships.HistoryRow) -> Contact:
    return Contact(
        interaction_id=row.interaction_id,
        at=row.at,
        kind=row.kind,
        direction=row.direction,
        role=row.role,
        people=row.people,
        category=row.category,
        size=row.size,
        thread=row.thread,
    )


def refresh(db: Database, now: datetime | None = None) -> int:
    """Bring the relationship table up to date: only the people whose interactions changed
    since the last refresh are recomputed — by adding the new interactions to their stored
    tally, or, when that cannot be done (a merge, an older interaction imported late, a
    planned meeting that has now happened, or every `FULL_EVERY` folds), from their whole
    history. Returns how many were recomputed (0: nothing to do, and nothing was written)."""
    now = now or clock.now()
    with db.read() as conn:
        todo = relationships.plan(conn, now)
    if not todo.changed:
        return 0
    with db.write() as conn:
        todo = relationships.plan(conn, now)  # again, now that writers wait for us
        added = todo.interaction_mark - todo.since
        redo = set(todo.redo) | fold_in(conn, todo.added, todo.since, now, added=added)
        recompute(conn, redo, now)
        relationships.set_mark(conn, todo.interaction_mark, todo.activity_mark)
    return len(todo.person_ids)


def fold_in(
    conn: Connection, person_ids: Iterable[int], since: int, now: datetime, *, added: int = 0
) -> set[int]:
    """Add the interactions with ids above `since` (about `added` of them) to these people's
    stored tallies; returns the people whose whole history must be read instead."""
    ids = sorted(set(person_ids))
    rows_now = relationships.rows_of(conn, ids)
    stored = {pid: (row, strength.inputs_of(row).get("tally")) for pid, row in rows_now.items()}
    redo = {pid for pid in ids if not _foldable(stored.get(pid, (None, None))[1])}
    foldable = [pid for pid in ids if pid not in redo]
    if not foldable:
        return redo
    few = added <= FEW_ADDED  # then read them all by id, else person by person
    new_rows = relationships.histories(conn, None, after=since) if few else {}
    for start in range(0, len(foldable), 2000):
        part = foldable[start : start + 2000]
        if not few:
            new_rows = relationships.histories(conn, part, after=since)
        rows = []
        for pid in part:
            row, state = stored[pid]
            assert state is not None  # foldable
            new = [contact_of(h) for h in new_rows.get(pid, [])]
            summary = tally.fold(state, row.next_event_at, new, now)
            if summary is None:
                redo.add(pid)
            else:
                rows.append(row_of(pid, summary))
        relationships.save(conn, rows)
    return redo


def _foldable(state: dict[str, Any] | None) -> bool:
    return state is not None and state.get("folds", 0) < FULL_EVERY


def recompute(conn: Connection, person_ids: Iterable[int], now: datetime) -> None:
    """Recompute these people from their whole history."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), 2000):
        part = ids[start : start + 2000]
        found = relationships.histories(conn, part)
        rows = [
            row_of(pid, tally.summarise([contact_of(h) for h in history], now))
            for pid, history in found.items()
        ]
        relationships.save(conn, rows, forget=set(part) - set(found))


def row_of(person_id: int, s: Summary) -> dict[str, Any]:
    return {"person_id": person_id, **vars(s)}


def of_person(conn: Connection, person_id: int, now: datetime) -> Summary:
    """One person's relationship, computed afresh from their interactions."""
    history = relationships.histories(conn, [person_id]).get(person_id, [])
    return tally.summarise([contact_of(h) for h in history], now)


def strength_line(conn: Connection, person_id: int, now: datetime) -> str:
    """One line for a person's page: "relationship: strong (82/100): last two-way contact 3
    days ago" (computed afresh; `kithkin strength PERSON` gives the inputs behind it)."""
    from kithkin.practices import brief

    return "relationship: " + brief.strength_line(of_person(conn, person_id, now), now)
