"""`Database.version` and `Database.memo`: a read kept until any connection, of any process,
commits a change — on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

from kithkin import clock
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


def _settled(db: Database) -> None:
    deadline = time.monotonic() + 30
    while db._refreshing and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not db._refreshing


def test_minutely_answers_the_minute_before_while_a_thread_computes_the_new(
    db: Database,
) -> None:
    start = datetime(2026, 3, 14, 9, 30, 20, tzinfo=UTC)
    seen: list[datetime] = []
    release = threading.Event()
    release.set()

    def compute(now: datetime) -> str:
        release.wait(30)
        seen.append(now)
        return now.strftime("%H:%M")

    clock.freeze(start)
    _tags(db)  # PostgreSQL: a fresh database's first reads may write once
    assert db.minutely("page", compute) == "09:30"
    clock.freeze(start + timedelta(seconds=30))
    assert db.minutely("page", compute) == "09:30" and len(seen) == 1  # the same minute
    clock.freeze(start + timedelta(minutes=1))  # the turn: at once, the minute before's
    release.clear()
    assert db.minutely("page", compute) == "09:30"
    assert db.minutely("page", compute) == "09:30"  # one thread computes, not two
    release.set()
    _settled(db)
    assert db.minutely("page", compute) == "09:31" and len(seen) == 2
    clock.freeze(start + timedelta(minutes=4))  # minutes late: computed before answering
    assert db.minutely("page", compute) == "09:34" and len(seen) == 3
    _add_tag(db, "changed")  # a write: computed before answering, whatever the minute
    assert db.minutely("page", compute) == "09:34" and len(seen) == 4
    _settled(db)
    assert len(seen) == 4


def test_minutely_inside_a_refreshing_thread_computes_afresh(db: Database) -> None:
    start = datetime(2026, 3, 14, 9, 30, 20, tzinfo=UTC)
    clock.freeze(start)
    _tags(db)

    def inner(now: datetime) -> str:
        return now.strftime("%H:%M")

    def outer(now: datetime) -> str:
        return "page at " + db.minutely("inner", inner)

    assert db.minutely("outer", outer) == "page at 09:30"
    clock.freeze(start + timedelta(minutes=1))
    assert db.minutely("outer", outer) == "page at 09:30"  # kept, while a thread renders
    _settled(db)
    assert db.minutely("outer", outer) == "page at 09:31"  # not the inner minute before's
