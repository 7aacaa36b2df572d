"""Database(keep_connection=True): one SQLite connection serves transaction after transaction,
yet a transaction opened inside another gets its own (never the outer one's, which closing
the inner would roll back)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from kithkin.store import Database


def test_a_kept_connection_serves_each_transaction_in_turn(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'k.db'}", keep_connection=True)
    opened: list[Any] = []
    event.listen(db.engine, "connect", lambda dbapi, _record: opened.append(dbapi))
    try:
        with db.write() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
        for n in range(3):
            with db.write() as conn:
                conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": n})
            with db.read() as conn:
                assert conn.execute(text("SELECT count(*) FROM t")).scalar() == n + 1
        assert len(opened) <= 1  # the migration check's connection, kept
    finally:
        db.dispose()


def test_a_transaction_inside_another_has_a_connection_of_its_own(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'k.db'}", keep_connection=True)
    try:
        with db.write() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
        with db.write() as outer:
            outer.execute(text("INSERT INTO t VALUES (1)"))
            with db.read() as inner:
                assert inner.connection.dbapi_connection is not outer.connection.dbapi_connection
                assert inner.execute(text("SELECT count(*) FROM t")).scalar() == 0
            outer.execute(text("INSERT INTO t VALUES (2)"))  # the outer write goes on
        with db.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    finally:
        db.dispose()
