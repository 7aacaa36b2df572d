"""Migration 0017 on a database made by 0016: owners and the shared flag on notes, story facts,
needs and ledger entries, the activity's author; rows from before stay (the personal user's,
private); a clean downgrade."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema import activity, note, story_fact
from kithkin.store.schema_service import ledger_entry, need
from tests.store.migrations import assert_tables_as_described, database_at

OWNED = ("note", "story_fact", "need", "ledger_entry")


def test_0017_adds_owners_and_keeps_the_rows(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0016")
    assert "member" in before
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO person (id, uid, display_name, created_at, updated_at) "
                "VALUES (1, 'u1', 'Ada', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO note (id, person_id, text, created_at) "
                "VALUES (1, 1, 'likes tea', '2026-01-01 00:00:00')"
            )
        )
    engine.dispose()
    db = Database(url)
    try:
        assert db.revision() >= "0017"
        with db.read() as conn:
            assert_tables_as_described(conn, (note, story_fact, need, ledger_entry, activity))
            for table in (*OWNED, "activity"):
                keys = {fk["referred_table"] for fk in inspect(conn).get_foreign_keys(table)}
                assert "member" in keys, table
            row = conn.execute(text("SELECT member_id, shared FROM note WHERE id = 1")).one()
            assert row.member_id is None and not row.shared
    finally:
        db.dispose()


def test_0017_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0016")
            conn.commit()
            found = inspect(conn)
            for table in OWNED:
                columns = {c["name"] for c in found.get_columns(table)}
                assert "member_id" not in columns and "shared" not in columns, table
            columns = {c["name"] for c in found.get_columns("activity")}
            assert "member_id" not in columns and "private" not in columns
    finally:
        db.dispose()
