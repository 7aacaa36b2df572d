"""Reflections in the store: a line written after a meeting or a gathering (practice P13)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select

from kithkin import clock
from kithkin.model import Reflection
from kithkin.store import activity
from kithkin.store.bulk import chunks
from kithkin.store.schema import of_member
from kithkin.store.schema_gathering import reflection

MAX_TEXT = 2000  # characters of a reflection: a line, or a few


def _reflection(row: Any) -> Reflection:
    return Reflection(
        id=row.id,
        kind=row.kind,
        on_day=row.on_day,
        title=row.title,
        text=row.text,
        interaction_id=row.interaction_id,
        gathering_id=row.gathering_id,
        person_id=row.person_id,
        story_fact_id=row.story_fact_id,
    )


def add(
    conn: Connection,
    *,
    kind: str,
    on_day: date,
    title: str,
    text: str,
    interaction_id: int | None = None,
    gathering_id: int | None = None,
    person_id: int | None = None,
    story_fact_id: int | None = None,
    member_id: int | None = None,
) -> Reflection:
    key = conn.execute(
        insert(reflection).values(
            member_id=member_id,
            kind=kind,
            on_day=on_day,
            title=title,
            text=text[:MAX_TEXT],
            interaction_id=interaction_id,
            gathering_id=gathering_id,
            person_id=person_id,
            story_fact_id=story_fact_id,
            at=clock.now(),
        )
    ).inserted_primary_key
    assert key is not None
    activity.record(
        conn,
        "reflection.add",
        f"reflection on {title}: {text[:80]}",
        person_id=person_id,
        private=member_id is not None,  # in team mode a reflection is its writer's alone
    )
    row = conn.execute(select(reflection).where(reflection.c.id == int(key[0]))).one()
    return _reflection(row)


def between(
    conn: Connection, first: date, last: date, *, member_id: int | None = None
) -> list[Reflection]:
    """The reflections (the member's own, in team mode) on days first..last (both in), in
    order."""
    rows = conn.execute(
        select(reflection)
        .where(
            reflection.c.on_day >= first,
            reflection.c.on_day <= last,
            *of_member(member_id, reflection),
        )
        .order_by(reflection.c.on_day, reflection.c.id)
    )
    return [_reflection(r) for r in rows]


def reflected_interactions(
    conn: Connection, interaction_ids: Iterable[int], *, member_id: int | None = None
) -> set[int]:
    out: set[int] = set()
    for part in chunks(list(interaction_ids)):
        out |= {
            int(i)
            for i in conn.scalars(
                select(reflection.c.interaction_id).where(
                    reflection.c.interaction_id.in_(part), *of_member(member_id, reflection)
                )
            )
        }
    return out


def reflected_gathering_days(
    conn: Connection, first: date, *, member_id: int | None = None
) -> set[tuple[int, date]]:
    rows = conn.execute(
        select(reflection.c.gathering_id, reflection.c.on_day).where(
            reflection.c.gathering_id.is_not(None),
            reflection.c.on_day >= first,
            *of_member(member_id, reflection),
        )
    )
    return {(int(g), d) for g, d in rows}
