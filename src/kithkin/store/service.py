"""Service (practice P9): my offers, people's needs, and the ledger of help given and asked.

Every write records an activity row in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Final

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy import text as sql

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound
from kithkin.model import OFFER_KINDS, SOLO, Actor, LedgerEntry, Need, Offer
from kithkin.store import activity
from kithkin.store.privacy import visible
from kithkin.store.rows import live_row
from kithkin.store.schema import note as note_table
from kithkin.store.schema import of_member, person, story_fact
from kithkin.store.schema_service import ledger_entry, need, offer

MAX_TEXT: Final = 500  # characters: an offer, a need or a ledger line is one sentence or two
NEED_STATUSES: Final = ("open", "suggested", "dismissed")


def clean_text(text: str, what: str) -> str:
    one = " ".join(text.split())
    if not one:
        raise InvalidInput(f"{what}: say what it is")
    if len(one) > MAX_TEXT:
        raise InvalidInput(f"{what}: {len(one)} characters, more than the {MAX_TEXT} it may be")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in one):
        raise InvalidInput(f"{what}: control characters are not kept")
    return one


# -- offers ---------------------------------------------------------------------------------------


def add_offer(conn: Connection, kind: str, text: str, *, member_id: int | None = None) -> int:
    """A new offer of the one user, or in team mode of the member."""
    if kind not in OFFER_KINDS:
        raise InvalidInput(f"--kind {kind!r}: one of {', '.join(OFFER_KINDS)}")
    text = clean_text(text, "offer")
    new = conn.execute(
        insert(offer).values(kind=kind, text=text, created_at=clock.now(), member_id=member_id)
    ).inserted_primary_key
    assert new is not None
    activity.record(conn, "offer.add", f"offer ({kind}): {text}")
    return int(new[0])


def offers(conn: Connection, member_id: int | None = None) -> list[Offer]:
    """The offers of the one user (every offer), or in team mode the member's own: what each
    member can give is theirs, as their outbox is."""
    query = select(offer).where(*of_member(member_id, offer)).order_by(offer.c.kind, offer.c.id)
    return [Offer(r.id, r.kind, r.text, r.created_at) for r in conn.execute(query)]


def remove_offer(conn: Connection, offer_id: int, *, member_id: int | None = None) -> Offer:
    found = next((o for o in offers(conn, member_id) if o.id == offer_id), None)
    if found is None:  # another member's too: the same answer, so it does not leak
        raise NotFound(f"no offer #{offer_id}")
    conn.execute(delete(offer).where(offer.c.id == offer_id))
    activity.record(conn, "offer.remove", f"removed offer #{offer_id}: {found.text}")
    return found


# -- needs ----------------------------------------------------------------------------------------


def add_need(
    conn: Connection,
    person_id: int,
    text: str,
    *,
    until: date | None = None,
    status: str = "open",
    source: str = "manual",
    member_id: int | None = None,
    shared: bool = False,
) -> int:
    row = live_row(conn, person_id)
    text = clean_text(text, "need")
    new = conn.execute(
        insert(need).values(
            person_id=person_id,
            text=text,
            until=until,
            status=status,
            source=source,
            created_at=clock.now(),
            member_id=member_id,
            shared=shared,
        )
    ).inserted_primary_key
    assert new is not None
    said = "suggested" if status == "suggested" else "noted"
    activity.record(
        conn,
        "need.add",
        f"{said} for {row.display_name}: {text}",
        person_id=person_id,
        private=not shared,
    )
    return int(new[0])


def needs(
    conn: Connection,
    *,
    person_id: int | None = None,
    statuses: Iterable[str] = ("open",),
    today: date | None = None,
    actor: Actor = SOLO,
    among: Sequence[int] | None = None,
) -> list[Need]:
    """Needs of people not in the trash (of one person, or of any of `among`), newest first;
    with `today`, those whose day has not passed."""
    query = (
        select(need, person.c.display_name)
        .join(person, person.c.id == need.c.person_id)
        .where(
            person.c.deleted_at.is_(None),
            need.c.status.in_(list(statuses)),
            visible(need, actor),
        )
        .order_by(need.c.created_at.desc(), need.c.id.desc())
    )
    if person_id is not None:
        query = query.where(need.c.person_id == person_id)
    if among is not None:
        query = query.where(need.c.person_id.in_(list(among)))
    if today is not None:
        query = query.where((need.c.until.is_(None)) | (need.c.until >= today))
    return [_need(r) for r in conn.execute(query)]


def get_need(conn: Connection, need_id: int, *, actor: Actor = SOLO) -> Need:
    row = conn.execute(
        select(need, person.c.display_name)
        .join(person, person.c.id == need.c.person_id)
        .where(need.c.id == need_id, visible(need, actor))
    ).first()
    if row is None:
        raise NotFound(f"no need #{need_id}")
    return _need(row)


def set_need_status(conn: Connection, need_id: int, status: str) -> Need:
    found = get_need(conn, need_id)
    conn.execute(update(need).where(need.c.id == need_id).values(status=status))
    activity.record(
        conn,
        f"need.{status}",
        f"{found.display_name}: {found.text} ({status})",
        person_id=found.person_id,
        private=not found.shared,
    )
    return found


def remove_need(conn: Connection, need_id: int) -> Need:
    found = get_need(conn, need_id)
    conn.execute(delete(need).where(need.c.id == need_id))
    activity.record(
        conn,
        "need.remove",
        f"removed {found.display_name}'s need: {found.text}",
        person_id=found.person_id,
        private=not found.shared,
    )
    return found


def need_sources(conn: Connection, *, actor: Actor = SOLO) -> set[str]:
    """Where the needs the actor sees came from (`note:12`, `fact:40`): a text is proposed
    only once."""
    query = select(need.c.source).where(need.c.source != "manual", visible(need, actor))
    return {str(s) for s in conn.scalars(query)}


def match_state(conn: Connection, *, actor: Actor = SOLO) -> str:
    """What matches are made of, in a few words: the open needs' (those the actor sees) and
    the offers' ids (a cached ranking holds while they are the same)."""
    needs_ids = conn.scalars(
        select(need.c.id).where(need.c.status == "open", visible(need, actor)).order_by(need.c.id)
    )
    mine = of_member(actor.member_id, offer)
    offer_ids = conn.scalars(select(offer.c.id).where(*mine).order_by(offer.c.id))
    return "needs:" + ",".join(map(str, needs_ids)) + "|offers:" + ",".join(map(str, offer_ids))


def texts_to_read(conn: Connection, *, actor: Actor = SOLO) -> list[tuple[str, int, str, str]]:
    """Notes and story facts of people not in the trash the actor may see: (source, person
    id, name, text)."""
    out: list[tuple[str, int, str, str]] = []
    for table, prefix in ((note_table, "note"), (story_fact, "fact")):
        rows = conn.execute(
            select(table.c.id, table.c.person_id, table.c.text, person.c.display_name)
            .join(person, person.c.id == table.c.person_id)
            .where(person.c.deleted_at.is_(None), visible(table, actor))
            .order_by(table.c.id)
        )
        out.extend((f"{prefix}:{r.id}", r.person_id, r.display_name, r.text) for r in rows)
    return out


def _need(r: Any) -> Need:
    return Need(
        r.id,
        r.person_id,
        r.display_name,
        r.text,
        r.until,
        r.status,
        r.source,
        r.created_at,
        member_id=r.member_id,
        shared=bool(r.shared),
    )


# -- the ledger -----------------------------------------------------------------------------------


def add_entry(
    conn: Connection,
    person_id: int,
    direction: str,
    text: str,
    *,
    member_id: int | None = None,
    shared: bool = False,
) -> int:
    if direction not in ("gave", "asked"):
        raise InvalidInput(f"{direction!r}: gave or asked")
    row = live_row(conn, person_id)
    text = clean_text(text, direction)
    new = conn.execute(
        insert(ledger_entry).values(
            person_id=person_id,
            direction=direction,
            text=text,
            at=clock.now(),
            member_id=member_id,
            shared=shared,
        )
    ).inserted_primary_key
    assert new is not None
    verb = "gave" if direction == "gave" else "asked of"
    activity.record(
        conn,
        f"ledger.{direction}",
        f"{verb} {row.display_name}: {text}",
        person_id=person_id,
        private=not shared,
    )
    return int(new[0])


def entries(
    conn: Connection, *, person_id: int | None = None, limit: int = 200, actor: Actor = SOLO
) -> list[LedgerEntry]:
    query = (
        select(ledger_entry, person.c.display_name)
        .join(person, person.c.id == ledger_entry.c.person_id)
        .where(person.c.deleted_at.is_(None), visible(ledger_entry, actor))
        .order_by(ledger_entry.c.at.desc(), ledger_entry.c.id.desc())
        .limit(limit)
    )
    if person_id is not None:
        query = query.where(ledger_entry.c.person_id == person_id)
    return [
        LedgerEntry(
            r.id,
            r.person_id,
            r.display_name,
            r.direction,
            r.text,
            r.at,
            member_id=r.member_id,
            shared=bool(r.shared),
        )
        for r in conn.execute(query)
    ]


def balances(
    conn: Connection, *, person_id: int | None = None, actor: Actor = SOLO
) -> dict[int, tuple[int, int]]:
    """Per person: (help given, help asked), of the entries the actor may see."""
    query = (
        select(ledger_entry.c.person_id, ledger_entry.c.direction, func.count().label("n"))
        .where(visible(ledger_entry, actor))
        .group_by(ledger_entry.c.person_id, ledger_entry.c.direction)
    )
    if person_id is not None:
        query = query.where(ledger_entry.c.person_id == person_id)
    out: dict[int, tuple[int, int]] = {}
    for r in conn.execute(query):
        gave, asked = out.get(r.person_id, (0, 0))
        out[r.person_id] = (gave + r.n, asked) if r.direction == "gave" else (gave, asked + r.n)
    return out


# -- bm25 (the fallback of matching by meaning, and its baseline) ---------------------------------

_TOKEN = re.compile(r"\w+")
_STOP: Final = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "will",
        "with",
        "you",
        "your",
    ]
)


def bm25_scores(
    conn: Connection, queries: Sequence[str], candidates: Sequence[str]
) -> list[list[float]]:
    """Each query against each candidate with SQLite FTS5's bm25 (Porter stemming; ts_rank on
    PostgreSQL), in a temporary table of this connection: 0 where no word is shared, else half
    the bm25 score relative to the query's best candidate and half the share of the query's
    words the candidate holds (so a strong match of one need outranks a weak one of another)."""
    width = len(candidates)
    table: list[list[float]] = [[0.0] * width for _ in queries]
    if not queries or not candidates:
        return table
    if conn.dialect.name == "postgresql":
        return _ts_rank_scores(conn, queries, candidates, table)
    if conn.dialect.name != "sqlite":
        return table
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.match_fts")
    conn.exec_driver_sql(
        "CREATE VIRTUAL TABLE temp.match_fts USING fts5(body, tokenize='porter unicode61')"
    )
    try:
        conn.execute(
            sql("INSERT INTO temp.match_fts(rowid, body) VALUES (:i, :body)"),
            [{"i": i + 1, "body": c} for i, c in enumerate(candidates)],
        )
        for row, query in zip(table, queries, strict=True):
            words = _query_words(query)
            if not words:
                continue
            expr = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
            hits = conn.execute(
                sql(
                    "SELECT rowid, -bm25(match_fts) AS s FROM temp.match_fts"
                    " WHERE match_fts MATCH :q"
                ),
                {"q": expr},
            ).all()
            _blend(row, hits, words, candidates)
    finally:
        conn.exec_driver_sql("DROP TABLE IF EXISTS temp.match_fts")
    return table


def _query_words(query: str) -> list[str]:
    words = dict.fromkeys(w for w in (t.lower() for t in _TOKEN.findall(query)) if w not in _STOP)
    return list(words)[:64]


def _blend(
    row: list[float], hits: Sequence[Any], words: list[str], candidates: Sequence[str]
) -> None:
    top = max((float(h.s) for h in hits), default=0.0)
    for h in hits:
        held = set(_TOKEN.findall(candidates[h.rowid - 1].lower()))
        share = sum(w in held for w in words) / len(words)
        relative = max(float(h.s), 0.0) / top if top > 0 else 1.0
        row[h.rowid - 1] = 0.5 * relative + 0.5 * share


def _ts_rank_scores(
    conn: Connection, queries: Sequence[str], candidates: Sequence[str], table: list[list[float]]
) -> list[list[float]]:
    """`bm25_scores` on PostgreSQL: the candidates' English tsvectors against each query's
    words OR-ed, ranked by ts_rank (in place of bm25), in one statement. No temporary table:
    a read that writes the catalog would look like a change to `Database.version`."""
    asked = [(n, words) for n, query in enumerate(queries) if (words := _query_words(query))]
    if not asked:
        return table
    hits = conn.execute(
        sql(
            "SELECT q.n AS n, m.rowid AS rowid, ts_rank(m.doc, q.query) AS s FROM "
            "(SELECT c.i AS rowid, to_tsvector('english', c.body) AS doc FROM "
            "unnest(CAST(:ids AS INTEGER[]), CAST(:bodies AS TEXT[])) AS c(i, body)) AS m "
            "JOIN (SELECT w.n AS n, websearch_to_tsquery('english', w.q) AS query FROM "
            "unnest(CAST(:ns AS INTEGER[]), CAST(:qs AS TEXT[])) AS w(n, q)) AS q "
            "ON m.doc @@ q.query"
        ),
        {
            "ids": list(range(1, len(candidates) + 1)),
            "bodies": list(candidates),
            "ns": [n for n, _ in asked],
            "qs": [" or ".join(words) for _, words in asked],
        },
    ).all()
    by_query: dict[int, list[Any]] = {}
    for hit in hits:
        by_query.setdefault(int(hit.n), []).append(hit)
    for n, words in asked:
        _blend(table[n], by_query.get(n, []), words, candidates)
    return table


_MARK_SQLITE: Final = (
    "SELECT group_concat(x, char(30)) FROM ("
    " SELECT 'p' || id || char(31) || display_name || char(31) || coalesce(title, '')"
    "  || char(31) || coalesce(organisation, '') AS x"
    "  FROM person WHERE deleted_at IS NULL ORDER BY id)"
    " UNION ALL "
    "SELECT group_concat(x, char(30)) FROM ("
    " SELECT 'f' || f.id || char(31) || f.person_id || char(31) || f.text AS x"
    "  FROM story_fact f JOIN person p ON p.id = f.person_id"
    "  WHERE p.deleted_at IS NULL ORDER BY f.id)"
)
_MARK_POSTGRESQL: Final = (
    "SELECT string_agg('p' || id || chr(31) || display_name || chr(31) || coalesce(title, '')"
    "  || chr(31) || coalesce(organisation, ''), chr(30) ORDER BY id)"
    " FROM person WHERE deleted_at IS NULL"
    " UNION ALL "
    "SELECT string_agg('f' || f.id || chr(31) || f.person_id || chr(31) || f.text, chr(30)"
    "  ORDER BY f.id)"
    " FROM story_fact f JOIN person p ON p.id = f.person_id WHERE p.deleted_at IS NULL"
)


def candidates_mark(conn: Connection) -> str:
    """A fingerprint of everything `candidates` reads (each live person's name, title and
    organisation, and each of their story facts): the same while they are the same, so a
    ranking made of them can be kept. Computed by the database (two strings, not a row per
    person), hashed here."""
    from hashlib import blake2b

    query = _MARK_POSTGRESQL if conn.dialect.name == "postgresql" else _MARK_SQLITE
    digest = blake2b(digest_size=16)
    for (part,) in conn.execute(sql(query)):
        digest.update((part or "").encode() + b"\x1d")
    return digest.hexdigest()


def candidates(conn: Connection, *, limit: int = 20_000) -> list[tuple[int, str, str]]:
    """What I know of each person not in the trash that could make them a helper: their
    title and organisation, and each work or free story fact: (person id, name, text)."""
    out: list[tuple[int, str, str]] = []
    rows = conn.execute(
        select(person.c.id, person.c.display_name, person.c.title, person.c.organisation)
        .where(person.c.deleted_at.is_(None))
        .where(person.c.title.is_not(None) | person.c.organisation.is_not(None))
        .order_by(person.c.id)
        .limit(limit)
    )
    for r in rows:
        work = " at ".join(x for x in (r.title, r.organisation) if x)
        out.append((r.id, r.display_name, work))
    facts = conn.execute(
        select(story_fact.c.person_id, person.c.display_name, story_fact.c.text)
        .join(person, person.c.id == story_fact.c.person_id)
        .where(person.c.deleted_at.is_(None))
        .order_by(story_fact.c.id)
        .limit(limit)
    )
    out.extend((r.person_id, r.display_name, r.text) for r in facts)
    return out[:limit]
