"""Migration 0020 on a database made by 0019: reflections get their writer (`member_id`),
the ones already written kept whole (the personal user's: no member); a clean downgrade."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema_gathering import reflection
from tests.store.migrations import assert_tables_as_described, database_at

pytestmark = pytest.mark.sqlite_only(reason="migrates SQLite files made at an old revision")


def test_0020_gives_reflections_their_writer(tmp_path: Path) -> None:
    url, _ = database_at(tmp_path / "old.db", "0019")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO reflection (kind, on_day, title, text, at) VALUES "
                "('meeting', '2026-03-18', 'Coffee with Grace', 'she wants the audit chair', "
                "'2026-03-18 17:00:00.000000')"
            )
        )
    engine.dispose()
    db = Database(url)
    try:
        assert db.revision() >= "0020"
        with db.read() as conn:
            assert_tables_as_described(conn, (reflection,))
            rows = conn.execute(text("SELECT title, text, member_id FROM reflection")).all()
            assert [tuple(r) for r in rows] == [
                ("Coffee with Grace", "she wants the audit chair", None)
            ]
            keys = {fk["referred_table"] for fk in inspect(conn).get_foreign_keys("reflection")}
            assert "member" in keys
    finally:
        db.dispose()


def test_0020_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0019")
            conn.commit()
            columns = {c["name"] for c in inspect(conn).get_columns("reflection")}
        assert "member_id" not in columns and "text" in columns
    finally:
        db.dispose()
