"""Migration 0005 on a database made by 0004: the hygiene tables, matching the schema."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema_hygiene import outbox, subscription_rule
from tests.store.migrations import assert_tables_as_described, database_at


def test_0005_adds_the_hygiene_tables_as_the_schema_describes_them(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0004")
    assert "outbox" not in before
    db = Database(url)
    try:
        assert db.revision() >= "0005"
        with db.read() as conn:
            assert_tables_as_described(conn, (subscription_rule, outbox))
            found = inspect(conn)
            unique = {tuple(u["column_names"]) for u in found.get_unique_constraints("outbox")}
            assert ("idempotency_key",) in unique
            key = found.get_pk_constraint("subscription_rule")["constrained_columns"]
            assert key == ["member_id", "subscription_key"]  # each member's own since 0021
    finally:
        db.dispose()


def test_0005_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0004")
            conn.commit()
            names = inspect(conn).get_table_names()
        assert "outbox" not in names and "subscription_rule" not in names
    finally:
        db.dispose()


def test_0005_creates_what_the_schema_describes(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kithkin.store import schema_hygiene

    with db.read() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema_hygiene.metadata)
    touching = [d for d in diff if any(n in repr(d) for n in ("outbox", "subscription_rule"))]
    assert touching == []
