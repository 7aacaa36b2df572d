"""Migration 0011 on a database made by 0006: the gathering tables, matching the schema."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema_gathering import (
    gathering,
    gathering_attendance,
    gathering_person,
    reflection,
)
from tests.store.migrations import assert_tables_as_described, database_at

TABLES = (gathering, gathering_attendance, gathering_person, reflection)


def test_0011_adds_the_gathering_tables_as_the_schema_describes_them(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0006")
    assert "gathering" not in before
    db = Database(url)
    try:
        with db.read() as conn:
            assert_tables_as_described(conn, TABLES)
            unique = {
                tuple(u["column_names"]) for u in inspect(conn).get_unique_constraints("gathering")
            }
            assert ("name",) in unique
    finally:
        db.dispose()


def test_0011_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0006")
            conn.commit()
            names = inspect(conn).get_table_names()
        assert not {t.name for t in TABLES} & set(names)
    finally:
        db.dispose()


def test_0011_creates_what_the_schema_describes(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kithkin.store import schema_gathering

    with db.read() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema_gathering.metadata)
    names = {t.name for t in TABLES}
    assert [d for d in diff if any(n in repr(d) for n in names)] == []
