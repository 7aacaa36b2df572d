"""Full-text search on PostgreSQL: `person_search`, one row per live person (the text FTS5
indexes on SQLite), with a generated, weighted `tsvector` and a GIN index on it. SQLite keeps
its FTS5 table (0001): on it this revision does nothing.

Revision ID: 0014
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# FTS5's tokenizer stems (porter) but drops no word: so does the `kithkin` configuration,
# English's with a Snowball stemmer that has no stop words ("A." and "Who" are names too).
_CONFIG = (
    "CREATE TEXT SEARCH DICTIONARY kithkin_stem (TEMPLATE = snowball, Language = english)",
    "CREATE TEXT SEARCH CONFIGURATION kithkin (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION kithkin ALTER MAPPING REPLACE english_stem WITH kithkin_stem",
)

# Weights as FTS5's bm25 ones (store/search.py), in PostgreSQL's four classes: names most,
# then contacts and organisation, then title, tags and story, notes least.
_DOC = (
    "setweight(to_tsvector('kithkin', name), 'A') || "
    "setweight(to_tsvector('kithkin', contacts), 'B') || "
    "setweight(to_tsvector('kithkin', organisation), 'B') || "
    "setweight(to_tsvector('kithkin', title), 'C') || "
    "setweight(to_tsvector('kithkin', tags), 'C') || "
    "setweight(to_tsvector('kithkin', story), 'C') || "
    "setweight(to_tsvector('kithkin', notes), 'D')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _CONFIG:
        op.execute(statement)
    op.execute(
        "CREATE TABLE person_search ("
        "person_id INTEGER PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE, "
        "name TEXT NOT NULL, organisation TEXT NOT NULL, title TEXT NOT NULL, "
        "story TEXT NOT NULL, notes TEXT NOT NULL, tags TEXT NOT NULL, contacts TEXT NOT NULL, "
        f"doc TSVECTOR GENERATED ALWAYS AS ({_DOC}) STORED)"
    )
    op.execute("CREATE INDEX ix_person_search_doc ON person_search USING GIN (doc)")
    # the people already there (a database moved onto this revision), as store/search.py does
    op.execute(
        "INSERT INTO person_search "
        "(person_id, name, organisation, title, story, notes, tags, contacts) "
        "SELECT p.id, "
        "p.display_name || ' ' || coalesce(p.given_name, '') || ' ' || "
        "coalesce(p.family_name, ''), coalesce(p.organisation, ''), coalesce(p.title, ''), "
        "coalesce((SELECT string_agg(s.text, chr(10) ORDER BY s.id) FROM story_fact s "
        "WHERE s.person_id = p.id), ''), "
        "coalesce((SELECT string_agg(n.text, chr(10) ORDER BY n.id) FROM note n "
        "WHERE n.person_id = p.id), ''), "
        "coalesce((SELECT string_agg(t.name, ' ') FROM person_tag pt JOIN tag t "
        "ON t.id = pt.tag_id WHERE pt.person_id = p.id), ''), "
        "coalesce((SELECT string_agg(regexp_replace(c.value, '\\W+', ' ', 'g'), ' ') "
        "FROM contact_point c WHERE c.person_id = p.id), '') "
        "FROM person p WHERE p.deleted_at IS NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS person_search")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS kithkin")
    op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS kithkin_stem")
