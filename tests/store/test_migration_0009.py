"""Migration 0009 on a database made by 0006: the share log and the amplify queue's tables,
matching the schema; and back down."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema_amplify import amplify_feed, amplify_item, share, share_author_key
from tests.store.migrations import assert_tables_as_described, database_at

TABLES = (share, share_author_key, amplify_feed, amplify_item)


def test_0009_adds_the_amplify_tables_as_the_schema_describes_them(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0006")
    assert "share" not in before
    db = Database(url)
    try:
        assert db.revision() >= "0009"
        with db.read() as conn:
            assert_tables_as_described(conn, TABLES)
            found = inspect(conn)
            unique = {tuple(u["column_names"]) for u in found.get_unique_constraints("share")}
            assert ("network", "source_id") in unique
    finally:
        db.dispose()


def test_0009_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0006")
            conn.commit()
            tables = set(inspect(conn).get_table_names())
        assert not tables & {t.name for t in TABLES}
    finally:
        db.dispose()


def test_0009_creates_what_the_schema_describes(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kithkin.store import schema_amplify

    with db.read() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema_amplify.metadata)
    names = {t.name for t in TABLES}
    assert [d for d in diff if any(f"'{n}'" in repr(d) for n in names)] == []
