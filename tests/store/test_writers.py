"""The store's concurrency rule, on both engines: writers queue, one at a time, and each sees
what the one before it committed — two processes incrementing one value lose no increment."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from kithkin.store import Database, settings

ROUNDS = 40

# read, then write what was read plus one, in one write transaction: without one writer at a
# time, two processes read the same value and one increment is lost
_WRITER = textwrap.dedent(
    """
    import sys
    from kithkin.store import Database, settings
    db = Database(sys.argv[1])
    for _ in range(int(sys.argv[2])):
        with db.write() as conn:
            settings.put(conn, "counter", int(settings.get(conn, "counter", 0)) + 1)
    db.dispose()
    """
)


def test_two_processes_writing_at_once_lose_no_update(db: Database) -> None:
    with db.write() as conn:
        settings.put(conn, "counter", 0)
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, db.url, str(ROUNDS)]) for _ in range(2)
    ]
    for writer in writers:
        assert writer.wait(timeout=300) == 0
    with db.read() as conn:
        assert settings.get(conn, "counter") == 2 * ROUNDS


def test_a_reader_does_not_wait_for_a_writer(db: Database) -> None:
    with db.write() as conn:
        settings.put(conn, "counter", 1)
    with db.write() as conn:
        settings.put(conn, "counter", 2)
        other = Database(db.url)
        try:
            with other.read() as reading:  # the writer still holds its transaction
                assert settings.get(reading, "counter") == 1
        finally:
            other.dispose()
    with db.read() as conn:
        assert settings.get(conn, "counter") == 2
