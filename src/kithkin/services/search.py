"""Finding people by what you remember of them, and the counts of what kithkin holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kithkin.model import SOLO, Actor, Record, record

if TYPE_CHECKING:
    from kithkin.model import FooterCounts, PersonSummary, SearchHit, Stats
    from kithkin.store import Database


@record
class Browse(Record):
    """A page of the people list: found by a search (with snippets) or by name order."""

    rows: list[tuple[PersonSummary, str | None]]  # (person, search snippet or None)
    tags: list[tuple[str, int]]
    total: int
    warnings: tuple[str, ...] = ()


def search(
    db: Database,
    *,
    query: str,
    limit: int = 50,
    offset: int = 0,
    tag: str | None = None,
    actor: Actor = SOLO,
) -> list[SearchHit]:
    """Ranked full-text search over names, organisations, titles, story facts and notes."""
    from kithkin.store import people

    with db.read() as conn:
        return people.search_people(
            conn, query, limit=limit, offset=offset, tag_name=tag, actor=actor
        )


def browse(
    db: Database,
    *,
    query: str = "",
    tag: str | None = None,
    limit: int = 50,
    offset: int = 0,
    actor: Actor = SOLO,
) -> Browse:
    """People by search rank when there is a query, else by name; with the tags in use."""
    from kithkin.store import people

    rows: list[tuple[PersonSummary, str | None]]
    with db.read() as conn:
        tags = people.all_tags(conn)
        total = people.count_people(conn)
        if query:
            hits = people.search_people(
                conn, query, limit=limit, offset=offset, tag_name=tag, actor=actor
            )
            rows = [(hit.person, hit.snippet) for hit in hits]
        else:
            found = people.list_people(conn, tag_name=tag, limit=limit, offset=offset)
            rows = [(summary, None) for summary in found]
    return Browse(rows=rows, tags=tags, total=total)


def stats(db: Database, *, actor: Actor = SOLO) -> Stats:
    """How many people, contact points, interactions, threads, facts, notes, tags there are
    (in team mode, of the facts and notes the actor sees)."""
    from kithkin.store import stats as store

    with db.read() as conn:
        return store.stats(conn, actor=actor)


def footer_stats(db: Database, *, actor: Actor = SOLO) -> FooterCounts | None:
    """The counts every page shows at its foot; None when the database cannot give them (a
    page must still render, e.g. the error page of a database that is not there)."""
    from sqlalchemy.exc import SQLAlchemyError

    from kithkin.errors import KithkinError
    from kithkin.store import stats as store

    def counts() -> FooterCounts:
        with db.read() as conn:
            return store.footer_counts(conn, actor=actor)

    try:
        return db.memo(f"footer_stats:{actor.member_id}", counts)
    except (KithkinError, SQLAlchemyError):
        return None
