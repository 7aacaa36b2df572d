"""`Database.version` and `Database.memo`: a read kept until any connection, of any process,
commits a change — on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys

from kithkin.store import Database
from kithkin.store.db import MEMO_SIZE


def _add_tag(db: Database, name: str) -> None:
    with db.write() as conn:
        conn.exec_driver_sql(f"INSERT INTO tag (name) VALUES ('{name}')")  # noqa: S608


def _tags(db: Database) -> int:
    with db.read() as conn:
        return int(conn.exec_driver_sql("SELECT COUNT(*) FROM tag").scalar() or 0)


def test_a_memo_is_kept_while_nothing_changes(db: Database) -> None:
    calls: list[int] = []

    def count() -> int:
        calls.append(1)
        return _tags(db)

    _tags(db)  # PostgreSQL: a fresh database's first reads may write (prune, hint) once
    assert db.memo("tags", count) == 0
    assert db.memo("tags", count) == 0
    assert db.version() == db.version()
    assert len(calls) == 1  # read once: nothing was written in between


def test_a_write_of_this_process_or_another_changes_the_version(db: Database) -> None:
    before = db.version()
    assert db.memo("tags", lambda: _tags(db)) == 0
    _add_tag(db, "one")  # a write through this Database
    assert db.version() != before
    assert db.memo("tags", lambda: _tags(db)) == 1
    other = Database(db.url)  # another worker of the server
    try:
        assert other.memo("tags", lambda: _tags(other)) == 1
        script = (
            "import sys; from kithkin.store import Database; d = Database(sys.argv[1]);"
            "c = d.engine.connect(); c.exec_driver_sql(\"INSERT INTO tag (name) VALUES ('two')\");"
            "c.commit(); d.dispose()"
        )
        subprocess.run([sys.executable, "-c", script, db.url], check=True, timeout=60)
        assert db.memo("tags", lambda: _tags(db)) == 2  # seen by both processes' memos
        assert other.memo("tags", lambda: _tags(other)) == 2
    finally:
        other.dispose()


def test_the_memo_keeps_at_most_so_many_values(db: Database) -> None:
    for n in range(MEMO_SIZE + 10):
        db.memo(f"k{n}", lambda n=n: n)  # type: ignore[misc]
    assert len(db._memo) == MEMO_SIZE
    assert db.memo("k0", lambda: "again") == "again"  # the oldest went first


def test_memory_databases_are_never_memoised() -> None:
    db = Database("sqlite://")
    try:
        assert db.version() != db.version()
        assert db.memo("x", lambda: 1) == 1 and db.memo("x", lambda: 2) == 2
    finally:
        db.dispose()
