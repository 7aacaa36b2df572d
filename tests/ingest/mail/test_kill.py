"""A real `kithkin import mail` killed with SIGKILL in the middle: the database is consistent,
and the next run finishes the job exactly as one uninterrupted run would have."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.ingest.mailbox import synthetic_mbox

ME = "ana@kithkin.example"
MESSAGES = 12_000
BATCH = 400


def kithkin(db: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KITHKIN_DB": str(db)}
    env.pop("KITHKIN_DEBUG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "kithkin", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes its workers too
    )


def finish(db: Path, *args: str) -> None:
    process = kithkin(db, *args)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return list(conn.execute(sql))


def one(db: Path, sql: str) -> object:
    return query(db, sql)[0][0]


def consistent(db: Path) -> None:
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert query(db, "PRAGMA foreign_key_check") == []
    # every mail interaction has its message, and every participant its interaction
    assert (
        one(
            db,
            "SELECT count(*) FROM interaction i WHERE i.source = 'mail' AND NOT EXISTS "
            "(SELECT 1 FROM mail_message m WHERE m.interaction_id = i.id)",
        )
        == 0
    )
    assert (
        one(
            db,
            "SELECT count(*) FROM interaction_participant p WHERE NOT EXISTS "
            "(SELECT 1 FROM interaction i WHERE i.id = p.interaction_id)",
        )
        == 0
    )
    assert (
        one(
            db,
            "SELECT count(*) FROM mail_message WHERE thread_id IS NULL OR thread_id NOT IN "
            "(SELECT id FROM mail_thread)",
        )
        == 0
    )
    # the recorded progress covers exactly the stored messages (whole batches)
    end = one(db, "SELECT end_offset FROM mail_source")
    beyond = query(db, "SELECT source_offset FROM mail_message ORDER BY source_offset DESC LIMIT 1")
    assert int(str(beyond[0][0])) < int(str(end))
    assert one(db, "SELECT messages FROM mail_source") == one(
        db, "SELECT count(*) FROM mail_message"
    )
    assert one(db, "SELECT coalesce(sum(message_count), 0) FROM mail_thread") == one(
        db, "SELECT count(*) FROM mail_message"
    )


def outcome(db: Path) -> dict[str, object]:
    counts = {
        table: one(db, f"SELECT count(*) FROM {table}")  # noqa: S608 - names written here
        for table in (
            "mail_message",
            "interaction",
            "interaction_participant",
            "person",
            "contact_point",
            "mail_thread",
            "mail_thread_ref",
        )
    }
    groups: dict[object, set[object]] = {}
    for mid, tid in query(db, "SELECT message_id, thread_id FROM mail_message"):
        groups.setdefault(tid, set()).add(mid)
    linked = {
        mid
        for (mid,) in query(
            db, "SELECT message_id FROM mail_message WHERE interaction_id IS NOT NULL"
        )
    }
    people = {
        (value, n)
        for value, n in query(
            db,
            "SELECT c.normalized, count(ip.interaction_id) FROM contact_point c "
            "LEFT JOIN interaction_participant ip ON ip.person_id = c.person_id GROUP BY c.id",
        )
    }
    state = query(db, "SELECT end_offset, size, done, messages FROM mail_source")
    return {
        "counts": counts,
        "threads": {frozenset(g) for g in groups.values()},
        "linked": linked,
        "people": people,
        "source": state,
    }


def test_a_killed_import_resumes_to_the_same_result(tmp_path: Path) -> None:
    box = synthetic_mbox(tmp_path / "big.mbox", MESSAGES, me=ME)
    killed, clean = tmp_path / "killed.db", tmp_path / "clean.db"
    for db in (killed, clean):
        finish(db, "init", "--email", ME)
    args = ("import", "mail", str(box), "--batch-size", str(BATCH), "--workers", "1")
    process = kithkin(killed, *args)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        try:
            stored = int(str(one(killed, "SELECT count(*) FROM mail_message")))
        except sqlite3.OperationalError:  # the table is not there yet
            stored = 0
        if stored >= 2 * BATCH:
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    assert 0 < stored < MESSAGES
    consistent(killed)
    done_before = one(killed, "SELECT done FROM mail_source")
    assert done_before == 0
    finish(killed, *args)
    finish(clean, *args)
    consistent(killed)
    consistent(clean)
    after, single = outcome(killed), outcome(clean)
    assert after["counts"] == single["counts"]
    assert after["threads"] == single["threads"]
    assert after["linked"] == single["linked"]
    assert after["people"] == single["people"]
    assert after["source"] == single["source"]
    assert single["counts"]["mail_message"] == MESSAGES
