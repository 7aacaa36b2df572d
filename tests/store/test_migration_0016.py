"""Migration 0016 on a database made by 0015: the accounts' tables (passwords, web sessions,
API tokens, failed logins), matching the schema, and a clean downgrade."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema_accounts import api_token, login_failure, member_password, web_session
from tests.store.migrations import assert_tables_as_described, database_at

TABLES = (member_password, web_session, api_token, login_failure)


def test_0016_adds_the_accounts(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0015")
    assert "member" in before and not {t.name for t in TABLES} & before
    db = Database(url)
    try:
        assert db.revision() >= "0016"
        with db.read() as conn:
            assert_tables_as_described(conn, TABLES)
            for table in ("member_password", "web_session", "api_token"):
                keys = inspect(conn).get_foreign_keys(table)
                assert [(k["referred_table"], k["options"].get("ondelete")) for k in keys] == [
                    ("member", "CASCADE")
                ]
    finally:
        db.dispose()


def test_0016_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0015")
            conn.commit()
            names = set(inspect(conn).get_table_names())
        assert not {t.name for t in TABLES} & names and "member" in names
    finally:
        db.dispose()
