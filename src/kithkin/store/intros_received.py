"""Introductions others made for me: who introduced me to whom, when, and how it turned out.

Counted with the introductions made through someone (`intro.introducer_id`) as their record
as an introducer, which intro paths show and rank by among equal legs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound
from kithkin.model import Received
from kithkin.store import activity
from kithkin.store.schema import person
from kithkin.store.schema_intro import intro_received

WHY_CHARS = 1000


def add(
    conn: Connection,
    *,
    introducer_id: int,
    person_id: int,
    at: datetime,
    why: str | None = None,
    outcome: str | None = None,
) -> Received:
    if introducer_id == person_id:
        raise InvalidInput("someone introduced you to someone else: give two different people")
    why = " ".join((why or "").split()) or None
    if why is not None and len(why) > WHY_CHARS:
        raise InvalidInput(f"--why: at most {WHY_CHARS} characters")
    now = clock.now()
    key = conn.execute(
        insert(intro_received).values(
            introducer_id=introducer_id,
            person_id=person_id,
            why=why,
            introduced_at=at,
            outcome=outcome,
            outcome_at=now if outcome else None,
            created_at=now,
        )
    ).inserted_primary_key
    assert key is not None
    received_id = int(key[0])
    activity.record(
        conn, "intro.received", f"#{introducer_id} introduced you to #{person_id}",
        payload={"received_id": received_id},
    )  # fmt: skip
    return get(conn, received_id)


def set_outcome(conn: Connection, received_id: int, outcome: str) -> Received:
    get(conn, received_id)
    conn.execute(
        update(intro_received)
        .where(intro_received.c.id == received_id)
        .values(outcome=outcome, outcome_at=clock.now())
    )
    activity.record(
        conn, "intro.received.outcome", f"introduction made for you #{received_id}: {outcome}",
        payload={"received_id": received_id, "outcome": outcome},
    )  # fmt: skip
    return get(conn, received_id)


def get(conn: Connection, received_id: int) -> Received:
    found = _select(conn, received_id=received_id)
    if not found:
        raise NotFound(f"no introduction made for you has the number {received_id}")
    return found[0]


def every(conn: Connection, *, limit: int = 200) -> list[Received]:
    """The introductions made for me, newest first."""
    return _select(conn, limit=limit)


def outcomes(conn: Connection, introducer_ids: Sequence[int]) -> dict[int, list[str | None]]:
    """{introducer: the outcomes of the introductions they made for me} (absent: none)."""
    out: dict[int, list[str | None]] = {}
    if not introducer_ids:
        return out
    rows = conn.execute(
        select(intro_received.c.introducer_id, intro_received.c.outcome).where(
            intro_received.c.introducer_id.in_(sorted(set(introducer_ids)))
        )
    )
    for row in rows:
        out.setdefault(int(row.introducer_id), []).append(row.outcome)
    return out


def _select(
    conn: Connection, *, received_id: int | None = None, limit: int = 200
) -> list[Received]:
    by, to = person.alias("introducer"), person.alias("introduced")
    query = (
        select(
            intro_received,
            by.c.display_name.label("introducer"),
            to.c.display_name.label("display_name"),
        )
        .join(by, by.c.id == intro_received.c.introducer_id)
        .join(to, to.c.id == intro_received.c.person_id)
        .order_by(intro_received.c.introduced_at.desc(), intro_received.c.id.desc())
        .limit(limit)
    )
    if received_id is not None:
        query = query.where(intro_received.c.id == received_id)
    return [
        Received(
            id=int(r.id),
            introducer_id=int(r.introducer_id),
            introducer=str(r.introducer),
            person_id=int(r.person_id),
            display_name=str(r.display_name),
            why=r.why,
            introduced_at=r.introduced_at,
            outcome=r.outcome,
            outcome_at=r.outcome_at,
        )
        for r in conn.execute(query)
    ]
