"""Migration 0012 on a database made by 0006: the service tables, matching the schema, and a
clean downgrade."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema_service import ledger_entry, need, offer
from tests.store.migrations import assert_tables_as_described, database_at

TABLES = ("offer", "need", "ledger_entry")


def test_0012_adds_the_service_tables_as_the_schema_describes_them(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0006")
    assert not set(TABLES) & before
    db = Database(url)
    try:
        assert db.revision() >= "0012"
        with db.read() as conn:
            assert_tables_as_described(conn, (offer, need, ledger_entry))
            found = inspect(conn)
            keys = {fk["referred_table"] for fk in found.get_foreign_keys("need")}
            assert keys == {"person", "member"}  # its owner: migration 0017
    finally:
        db.dispose()


def test_0012_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0006")
            conn.commit()
            names = set(inspect(conn).get_table_names())
        assert not set(TABLES) & names
    finally:
        db.dispose()


def test_0012_creates_what_the_schema_describes(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kithkin.store import schema_service

    with db.read() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema_service.metadata)
    touching = [d for d in diff if any(n in repr(d) for n in TABLES)]
    assert touching == []
