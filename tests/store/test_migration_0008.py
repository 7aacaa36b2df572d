"""Migration 0008 on a database made by 0006: the intro tables, matching the schema."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema_intro import intro, intro_party
from tests.store.migrations import assert_tables_as_described, database_at


def test_0008_adds_the_intro_tables_as_the_schema_describes_them(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0006")
    assert "intro" not in before
    db = Database(url)
    try:
        with db.read() as conn:
            assert_tables_as_described(conn, (intro, intro_party))
            indexes = {i["name"] for i in inspect(conn).get_indexes("intro_party")}
            assert "ix_intro_party_message" in indexes
    finally:
        db.dispose()


def test_0008_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0006")
            conn.commit()
            names = inspect(conn).get_table_names()
        assert "intro" not in names and "intro_party" not in names
    finally:
        db.dispose()


def test_0008_creates_what_the_schema_describes(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kithkin.store import schema_intro

    with db.read() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema_intro.metadata)
    assert [d for d in diff if "intro" in repr(d)] == []
