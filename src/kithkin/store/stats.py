"""Counts of what the store holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, distinct, func, select

from kithkin.model import SOLO, Actor, FooterCounts, Stats
from kithkin.store.privacy import visible
from kithkin.store.schema import (
    activity,
    contact_point,
    interaction,
    note,
    person,
    story_fact,
    tag,
)


def stats(conn: Connection, *, actor: Actor = SOLO) -> Stats:
    """The counts of everything; in team mode, of the story facts and notes the actor sees."""

    def count(table: Table) -> int:
        query = select(func.count()).select_from(table)
        if actor.member_id is not None and table in (story_fact, note):
            query = query.where(visible(table, actor))
        return int(conn.scalar(query) or 0)

    live = person.c.deleted_at.is_(None)
    by_kind = {
        str(kind): int(n)
        for kind, n in conn.execute(
            select(interaction.c.kind, func.count())
            .group_by(interaction.c.kind)
            .order_by(interaction.c.kind)
        )
    }
    threads = conn.scalar(
        select(func.count(distinct(interaction.c.thread_key))).where(
            interaction.c.thread_key.is_not(None)
        )
    )
    return Stats(
        people=int(conn.scalar(select(func.count()).where(live)) or 0),
        contact_points=count(contact_point),
        interactions=count(interaction),
        interactions_by_kind=by_kind,
        story_facts=count(story_fact),
        notes=count(note),
        tags=count(tag),
        threads=int(threads or 0),
        in_trash=int(
            conn.scalar(
                select(func.count()).where(
                    person.c.deleted_at.is_not(None), person.c.merged_into_id.is_(None)
                )
            )
            or 0
        ),
        activity=count(activity),
    )


def footer_counts(conn: Connection, *, actor: Actor = SOLO) -> FooterCounts:
    """The counts every page shows at its foot, in one statement (one round trip to a
    server); in team mode, of the story facts and notes the actor sees."""

    def count(table: Table, *where: Any) -> Any:
        if actor.member_id is not None and table in (story_fact, note):
            where = (*where, visible(table, actor))
        return select(func.count()).select_from(table).where(*where).scalar_subquery()

    row = conn.execute(
        select(
            count(person, person.c.deleted_at.is_(None)),
            count(story_fact),
            count(note),
            count(interaction),
            count(contact_point),
            count(person, person.c.deleted_at.is_not(None), person.c.merged_into_id.is_(None)),
        )
    ).one()
    return FooterCounts(*(int(n or 0) for n in row))


def is_empty(conn: Connection) -> bool:
    """Nothing kept yet: no person (not even in the trash) and no interaction."""
    return (
        conn.scalar(select(person.c.id).limit(1)) is None
        and conn.scalar(select(interaction.c.id).limit(1)) is None
    )
