from __future__ import annotations

import threading

import pytest
from sqlalchemy import inspect

from kithkin.errors import DatabaseError
from kithkin.store import Database, people
from kithkin.store.db import alembic_config
from kithkin.store.migrations import HEAD


@pytest.mark.sqlite_only(reason="SQLite's own settings: WAL, foreign keys, busy timeout")
def test_sqlite_settings_allow_cli_and_web_at_once(db: Database) -> None:
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_migrations_are_recorded_and_head_is_alembics_head(db: Database) -> None:
    from alembic.script import ScriptDirectory

    with db.read() as conn:
        head = ScriptDirectory.from_config(alembic_config(conn)).get_current_head()
    assert head == HEAD
    assert db.revision() == HEAD
    with db.read() as conn:
        tables = set(inspect(conn).get_table_names())
    search_table = "person_fts" if db.dialect == "sqlite" else "person_search"
    assert {"person", "contact_point", "story_fact", "interaction", "activity"} <= tables
    assert search_table in tables


def test_reopening_keeps_data(db: Database) -> None:
    first = Database(db.url)
    with first.write() as conn:
        people.add_person(conn, display_name="Dana")
    first.dispose()
    again = Database(db.url)
    with again.read() as conn:
        assert people.count_people(conn) == 1
    again.dispose()


def test_concurrent_writers_queue_instead_of_failing(db: Database) -> None:
    url = db.url
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        database = Database(url)
        try:
            for i in range(25):
                with database.write() as conn:
                    people.add_person(conn, display_name=f"P{n}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            database.dispose()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.read() as conn:
        assert people.count_people(conn) == 100


def test_a_failed_write_leaves_nothing_half_written(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write() as conn:
        people.add_person(conn, display_name="Half")
        raise RuntimeError("crash in the middle")
    with db.read() as conn:
        assert people.count_people(conn) == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM activity").scalar() == 0


def test_unknown_database_kind_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="unsupported database 'mysql'"):
        Database("mysql://localhost/x")
    with pytest.raises(DatabaseError, match="not a database path or URL"):
        Database("::nonsense::://")
