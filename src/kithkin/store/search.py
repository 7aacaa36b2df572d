"""Full-text search over people: the one dialect-specific seam of the store.

On SQLite it is an FTS5 table (`person_fts`, rowid = person id, porter stemming, ranked by
bm25 with names weighing most). On PostgreSQL it is `person_search` (migration 0014): the same
text per person, a generated tsvector weighted names first, a GIN index, English stemming
without stop words (the `kithkin` configuration),
matched with websearch_to_tsquery and ranked by ts_rank. Any other dialect falls back to a
portable LIKE match.

Team mode: the index holds only the story facts and notes everyone may see (shared ones, and
those no member owns); a member's own private ones are matched apart, with LIKE, for them only
(`private_matches`).
When no word matches, names are matched fuzzily ("Jon Smtih" finds John Smith): by pg_trgm's
trigram similarity, the same measure on both engines — PostgreSQL's own with a GIN trigram
index (migration 0019), SQLite's computed here over the names.
"""

from __future__ import annotations

import re
from typing import Final

from sqlalchemy import ColumnElement, Connection, Table, and_, bindparam, or_, select, text

from kithkin.model import SOLO, Actor
from kithkin.store.schema import note, person, person_tag, story_fact, tag

_WORD = re.compile(r"\w+", re.UNICODE)
# bm25 weights per column: name, organisation, title, story, notes, tags, contacts
_SEARCH = text(
    "SELECT rowid, -bm25(person_fts, 10.0, 4.0, 3.0, 2.0, 1.0, 3.0, 5.0) AS score, "
    "snippet(person_fts, -1, '[', ']', '…', 12) AS snip "
    "FROM person_fts WHERE person_fts MATCH :match "
    "AND (:tag IS NULL OR rowid IN (SELECT person_tag.person_id FROM person_tag "
    "JOIN tag ON tag.id = person_tag.tag_id WHERE tag.name = :tag)) "
    "ORDER BY score DESC LIMIT :limit"
)


def _uses_fts(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def _uses_tsvector(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


# PostgreSQL: every word must be there (websearch_to_tsquery ANDs them), ranked by the
# weights of migration 0014's classes {D, C, B, A}; the snippet from the text fields.
_PG_SEARCH = text(
    "SELECT s.person_id AS rowid, "
    "ts_rank('{0.1, 0.3, 0.5, 1.0}', s.doc, q.query) AS score, "
    "ts_headline('kithkin', CASE WHEN to_tsvector('kithkin', t.body) @@ q.query "
    "THEN t.body ELSE s.name END, q.query, "
    "'StartSel=[, StopSel=], MaxWords=12, MinWords=4, ShortWord=2, MaxFragments=1, "
    "FragmentDelimiter=…') AS snip "
    "FROM person_search s CROSS JOIN websearch_to_tsquery('kithkin', :match) AS q(query) "
    "CROSS JOIN LATERAL (SELECT concat_ws(chr(10), nullif(s.story, ''), nullif(s.notes, ''), "
    "nullif(s.title, ''), nullif(s.organisation, '')) AS body) AS t "
    "WHERE s.doc @@ q.query "
    "AND (CAST(:tag AS TEXT) IS NULL OR s.person_id IN (SELECT person_tag.person_id "
    "FROM person_tag JOIN tag ON tag.id = person_tag.tag_id WHERE tag.name = :tag)) "
    "ORDER BY score DESC, s.person_id LIMIT :limit"
)
_PG_INDEX_ROWS = (
    "INSERT INTO person_search "
    "(person_id, name, organisation, title, story, notes, tags, contacts) "
    "SELECT p.id, "
    "p.display_name || ' ' || coalesce(p.given_name, '') || ' ' || coalesce(p.family_name, ''), "
    "coalesce(p.organisation, ''), coalesce(p.title, ''), "
    "coalesce((SELECT string_agg(s.text, chr(10) ORDER BY s.id) FROM story_fact s "
    "WHERE s.person_id = p.id AND (s.member_id IS NULL OR s.shared)), ''), "
    "coalesce((SELECT string_agg(n.text, chr(10) ORDER BY n.id) FROM note n "
    "WHERE n.person_id = p.id AND (n.member_id IS NULL OR n.shared)), ''), "
    "coalesce((SELECT string_agg(t.name, ' ') FROM person_tag pt JOIN tag t "
    "ON t.id = pt.tag_id WHERE pt.person_id = p.id), ''), "
    # an address's parts are words of their own, as FTS5's unicode61 splits them
    "coalesce((SELECT string_agg(regexp_replace(c.value, '\\W+', ' ', 'g'), ' ') "
    "FROM contact_point c WHERE c.person_id = p.id), '') "
    "FROM person p WHERE p.deleted_at IS NULL"
)
_PG_INDEX_ONE = text(_PG_INDEX_ROWS + " AND p.id = :id")
_PG_INDEX_ALL = text(_PG_INDEX_ROWS)
_PG_INDEX_SOME = text(_PG_INDEX_ROWS + " AND p.id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)


# One statement builds index rows from the tables, for one person or for everyone.
_INDEX_ROWS = (
    "INSERT INTO person_fts(rowid, name, organisation, title, story, notes, tags, contacts) "
    "SELECT p.id, "
    "p.display_name || ' ' || coalesce(p.given_name, '') || ' ' || coalesce(p.family_name, ''), "
    "coalesce(p.organisation, ''), coalesce(p.title, ''), "
    "coalesce((SELECT group_concat(s.text, char(10)) FROM story_fact s "
    "WHERE s.person_id = p.id AND (s.member_id IS NULL OR s.shared)), ''), "
    "coalesce((SELECT group_concat(n.text, char(10)) FROM note n "
    "WHERE n.person_id = p.id AND (n.member_id IS NULL OR n.shared)), ''), "
    "coalesce((SELECT group_concat(t.name, ' ') FROM person_tag pt JOIN tag t "
    "ON t.id = pt.tag_id WHERE pt.person_id = p.id), ''), "
    "coalesce((SELECT group_concat(c.value, ' ') FROM contact_point c "
    "WHERE c.person_id = p.id), '') "
    "FROM person p WHERE p.deleted_at IS NULL"
)
_INDEX_ONE = text(_INDEX_ROWS + " AND p.id = :id")
_INDEX_ALL = text(_INDEX_ROWS)
_INDEX_SOME = text(_INDEX_ROWS + " AND p.id IN :ids").bindparams(bindparam("ids", expanding=True))


def reindex_person(conn: Connection, person_id: int) -> None:
    """Rewrite the person's index row from the tables (drops it when the person is gone)."""
    if _uses_tsvector(conn):
        conn.execute(text("DELETE FROM person_search WHERE person_id = :id"), {"id": person_id})
        conn.execute(_PG_INDEX_ONE, {"id": person_id})
        return
    if not _uses_fts(conn):
        return
    conn.execute(text("DELETE FROM person_fts WHERE rowid = :id"), {"id": person_id})
    conn.execute(_INDEX_ONE, {"id": person_id})


def index_new_people(conn: Connection, person_ids: list[int]) -> None:
    """Index people just added in bulk (an import), in one statement per thousand."""
    if not (_uses_fts(conn) or _uses_tsvector(conn)) or not person_ids:
        return
    statement = _PG_INDEX_SOME if _uses_tsvector(conn) else _INDEX_SOME
    for start in range(0, len(person_ids), 1000):
        conn.execute(statement, {"ids": person_ids[start : start + 1000]})


def rebuild(conn: Connection) -> int:
    """Re-create every index row (after a restore); returns how many people were indexed."""
    if _uses_tsvector(conn):
        conn.execute(text("DELETE FROM person_search"))
        conn.execute(_PG_INDEX_ALL)
        return int(conn.scalar(text("SELECT count(*) FROM person_search")) or 0)
    if not _uses_fts(conn):
        return 0
    conn.execute(text("DELETE FROM person_fts"))
    conn.execute(_INDEX_ALL)
    return int(conn.scalar(text("SELECT count(*) FROM person_fts")) or 0)


FUZZY_THRESHOLD: Final = 0.2  # below it two names share too little to be one misspelt
_ALNUM_RUN = re.compile(r"[^\W_]+", re.UNICODE)
_PG_FUZZY = text(
    "SELECT p.id, p.display_name, similarity(lower(p.display_name), :q) AS score "
    "FROM person p WHERE p.deleted_at IS NULL AND lower(p.display_name) % :q "
    "AND (CAST(:tag AS TEXT) IS NULL OR p.id IN (SELECT person_tag.person_id "
    "FROM person_tag JOIN tag ON tag.id = person_tag.tag_id WHERE tag.name = :tag)) "
    "ORDER BY score DESC, p.id LIMIT :limit"
)


def trigrams(value: str) -> set[str]:
    """pg_trgm's trigrams of a text: each run of letters and digits, lower-cased, padded with
    two spaces before and one after, cut into every three characters in a row."""
    out: set[str] = set()
    for word in _ALNUM_RUN.findall(value.lower()):
        padded = f"  {word} "
        out.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): the trigrams two texts share over all the trigrams of either."""
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


def fuzzy_names(
    conn: Connection, query: str, *, limit: int = 50, tag_name: str | None = None
) -> list[tuple[int, float, str]]:
    """(person id, similarity, name) of the live people whose names look like `query`, most
    alike first (then by id), none below FUZZY_THRESHOLD."""
    if not trigrams(query):
        return []
    if _uses_tsvector(conn):
        conn.execute(
            text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"),
            {"t": str(FUZZY_THRESHOLD)},
        )
        params = {"q": query.lower(), "tag": tag_name, "limit": limit}
        rows = conn.execute(_PG_FUZZY, params)
        return [(int(r.id), float(r.score), str(r.display_name)) for r in rows]
    names = select(person.c.id, person.c.display_name).where(person.c.deleted_at.is_(None))
    if tag_name:
        names = names.where(
            person.c.id.in_(
                select(person_tag.c.person_id)
                .join(tag, tag.c.id == person_tag.c.tag_id)
                .where(tag.c.name == tag_name)
            )
        )
    wanted = trigrams(query)
    scored = []
    for person_id, name in conn.execute(names):
        theirs = trigrams(name)
        shared = len(wanted & theirs)
        if shared:
            score = shared / (len(wanted) + len(theirs) - shared)
            if score >= FUZZY_THRESHOLD:
                scored.append((int(person_id), score, str(name)))
    scored.sort(key=lambda hit: (-hit[1], hit[0]))
    return scored[:limit]


def words(query: str) -> list[str]:
    return _WORD.findall(query)


def search(
    conn: Connection,
    query: str,
    *,
    limit: int = 50,
    tag_name: str | None = None,
    actor: Actor = SOLO,
) -> list[tuple[int, float, str]]:
    """(person id, score, snippet) best first; every word of the query must match. In team
    mode, the people whose story facts or notes private to the actor hold every word follow."""
    terms = words(query)
    if not terms:
        return []
    found = _search(conn, terms, limit, tag_name)
    if actor.member_id is None or len(found) >= limit:
        return found
    seen = {person_id for person_id, _, _ in found}
    extra = private_matches(conn, terms, actor.member_id, tag_name)
    found.extend(hit for hit in extra if hit[0] not in seen)
    return found[:limit]


def private_matches(
    conn: Connection, terms: list[str], member_id: int, tag_name: str | None = None
) -> list[tuple[int, float, str]]:
    """People with a story fact or note private to `member_id` holding every term; the
    snippet is that text."""
    out: dict[int, tuple[int, float, str]] = {}
    for table in (story_fact, note):
        query = (
            select(table.c.person_id, table.c.text)
            .join(person, person.c.id == table.c.person_id)
            .where(
                person.c.deleted_at.is_(None),
                table.c.member_id == member_id,
                table.c.shared.is_(False),
                and_(*(table.c.text.ilike(f"%{term}%") for term in terms)),
            )
            .order_by(table.c.id)
            .limit(200)
        )
        if tag_name:
            query = query.where(
                person.c.id.in_(
                    select(person_tag.c.person_id)
                    .join(tag, tag.c.id == person_tag.c.tag_id)
                    .where(tag.c.name == tag_name)
                )
            )
        for row in conn.execute(query):
            out.setdefault(int(row.person_id), (int(row.person_id), 0.0, _lines(row.text)[:160]))
    return list(out.values())


def _search(
    conn: Connection, terms: list[str], limit: int, tag_name: str | None
) -> list[tuple[int, float, str]]:
    if _uses_fts(conn):
        match = " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)
        params = {"match": match, "limit": limit, "tag": tag_name}
        found = [
            (int(r.rowid), float(r.score), _lines(str(r.snip)))
            for r in conn.execute(_SEARCH, params)
        ]
    elif _uses_tsvector(conn):
        params = {"match": " ".join(terms), "limit": limit, "tag": tag_name}
        found = [
            (int(r.rowid), float(r.score), _lines(str(r.snip)))
            for r in conn.execute(_PG_SEARCH, params)
        ]
    else:
        return _search_like(conn, terms, limit, tag_name)
    return found or fuzzy_names(conn, " ".join(terms), limit=limit, tag_name=tag_name)


def _lines(snippet: str) -> str:
    """A snippet's spaces made single, but the line breaks that keep two story facts (or two
    notes) apart kept, one between each."""
    lines = (" ".join(line.split()) for line in snippet.splitlines())
    return "\n".join(line for line in lines if line)


def _search_like(
    conn: Connection, terms: list[str], limit: int, tag_name: str | None = None
) -> list[tuple[int, float, str]]:
    query = select(person.c.id, person.c.display_name).where(person.c.deleted_at.is_(None))
    if tag_name:
        query = query.where(
            person.c.id.in_(
                select(person_tag.c.person_id)
                .join(tag, tag.c.id == person_tag.c.tag_id)
                .where(tag.c.name == tag_name)
            )
        )
    for term in terms:
        pattern = f"%{term}%"
        query = query.where(
            or_(
                person.c.display_name.ilike(pattern),
                person.c.organisation.ilike(pattern),
                person.c.title.ilike(pattern),
                person.c.id.in_(
                    select(story_fact.c.person_id).where(
                        story_fact.c.text.ilike(pattern), _everyones(story_fact)
                    )
                ),
                person.c.id.in_(
                    select(note.c.person_id).where(note.c.text.ilike(pattern), _everyones(note))
                ),
            )
        )
    rows = conn.execute(query.order_by(person.c.display_name).limit(limit))
    return [(int(r.id), 1.0, str(r.display_name)) for r in rows]


def _everyones(table: Table) -> ColumnElement[bool]:
    """The rows of a notes or facts table everyone may see (what the index holds)."""
    return or_(table.c.member_id.is_(None), table.c.shared.is_(True))
