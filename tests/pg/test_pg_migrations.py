"""Every migration runs on PostgreSQL as on SQLite: step by step up to the head and back down to
nothing, each step leaving the same tables, columns and indexes on both engines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, inspect

from kithkin.store import Database
from kithkin.store.db import alembic_config, upgrade
from kithkin.store.migrations import HEAD
from kithkin.store.schema import metadata
from tests.pg_cluster import Cluster

# The search index is the dialect-specific seam (store/search.py): FTS5 on SQLite, a
# tsvector table and a trigram index of names (0019) on PostgreSQL; every other table and
# index is the same on both.
_SEARCH_TABLES = {"person_fts", "person_search"}
_PG_ONLY_INDEXES = {"ix_person_name_trigrams"}


def _chain(conn: Connection) -> list[str]:
    """Every revision id, oldest first, as Alembic chains them (not by number)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(conn))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _shape(conn: Connection) -> dict[str, Any]:
    found = inspect(conn)
    shape: dict[str, Any] = {}
    for name in found.get_table_names():
        if name in _SEARCH_TABLES or name.startswith("person_fts_"):
            continue
        columns = {c["name"]: bool(c["nullable"]) for c in found.get_columns(name)}
        indexes = {
            i["name"]: (tuple(i["column_names"]), bool(i["unique"]))
            for i in found.get_indexes(name)
            if "duplicates_constraint" not in i  # PostgreSQL lists a UNIQUE's index too
            and i["name"] not in _PG_ONLY_INDEXES
        }
        unique = {tuple(u["column_names"]) for u in found.get_unique_constraints(name)}
        keys = {fk["referred_table"] for fk in found.get_foreign_keys(name)}
        shape[name] = (columns, indexes, unique, keys)
    return shape


def _downgrade(conn: Connection, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(conn), revision)


def test_every_migration_runs_up_and_down_on_postgresql_as_on_sqlite(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    pg_url = pg_cluster.empty_database()
    pg = create_engine(pg_url)
    lite = create_engine(f"sqlite:///{tmp_path / 'lite.db'}")
    try:
        with pg.connect() as on_pg, lite.connect() as on_lite:
            chain = _chain(on_pg)
            assert chain[-1] == HEAD and len(chain) >= 12
            for revision in chain:
                for conn in (on_pg, on_lite):
                    upgrade(conn, revision)
                    conn.commit()
                assert _shape(on_pg) == _shape(on_lite), f"after upgrading to {revision}"
            shape = _shape(on_pg)
            for table in metadata.sorted_tables:  # the head is what the schema modules describe
                assert set(shape[table.name][0]) == {c.name for c in table.columns}, table.name
                assert set(shape[table.name][1]) == {i.name for i in table.indexes}, table.name
            for previous in [*reversed(chain[:-1]), "base"]:
                for conn in (on_pg, on_lite):
                    _downgrade(conn, previous)
                    conn.commit()
                assert _shape(on_pg) == _shape(on_lite), f"after downgrading to {previous}"
            assert set(inspect(on_pg).get_table_names()) == {"alembic_version"}
            upgrade(on_pg)
            on_pg.commit()
    finally:
        pg.dispose()
        lite.dispose()
        pg_cluster.drop(pg_url)


def test_a_database_at_the_head_opens_without_migrating(pg_url: str) -> None:
    db = Database(pg_url)
    try:
        assert db.dialect == "postgresql"
        assert db.revision() == HEAD
    finally:
        db.dispose()
