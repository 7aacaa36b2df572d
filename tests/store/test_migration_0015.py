"""Migration 0015 on a database made by 0014: the team's members, matching the schema, and a
clean downgrade."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema_team import member
from tests.store.migrations import assert_tables_as_described, database_at


def test_0015_adds_the_members(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0014")
    assert "member" not in before and "person" in before
    db = Database(url)
    try:
        assert db.revision() >= "0015"
        with db.read() as conn:
            assert_tables_as_described(conn, (member,))
            keys = {fk["referred_table"] for fk in inspect(conn).get_foreign_keys("member")}
            assert keys == {"person"}
    finally:
        db.dispose()


def test_0015_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0014")
            conn.commit()
            names = set(inspect(conn).get_table_names())
        assert "member" not in names and "person" in names
    finally:
        db.dispose()
