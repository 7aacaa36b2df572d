"""Migration 0013 on a database made by 0012: the introductions made for me, matching the
schema, and a clean downgrade."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema_intro import intro_received
from tests.store.migrations import assert_tables_as_described, database_at


def test_0013_adds_the_introductions_made_for_me(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0012")
    assert "intro_received" not in before and "intro" in before
    db = Database(url)
    try:
        assert db.revision() >= "0013"
        with db.read() as conn:
            assert_tables_as_described(conn, (intro_received,))
            keys = {fk["referred_table"] for fk in inspect(conn).get_foreign_keys("intro_received")}
            assert keys == {"person"}
    finally:
        db.dispose()


def test_0013_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0012")
            conn.commit()
            names = set(inspect(conn).get_table_names())
        assert "intro_received" not in names and "intro" in names
    finally:
        db.dispose()
