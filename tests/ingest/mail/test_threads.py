"""Threads: by Message-IDs (merging the threads a message links, within and across batches
and runs), else by subject within a window and among the same correspondents."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from kithkin.ingest.mail import import_mail
from kithkin.store import Database, mail_threads, people
from tests.builders.mail import ME, as_me
from tests.ingest.mailbox import message, write_mbox

DANA = "Dana <dana@acme.example>"
BO = "Bo <bo@beta.example>"
CY = "Cy <cy@gamma.example>"


@pytest.fixture
def me(db: Database) -> Database:
    return as_me(db)


def threads_of(db: Database) -> dict[str, int]:
    with db.read() as conn:
        found = conn.execute(text("SELECT message_id, thread_id FROM mail_message"))
        return {str(mid): int(tid) for mid, tid in found}


def groups(db: Database) -> list[set[str]]:
    by: dict[int, set[str]] = {}
    for mid, tid in threads_of(db).items():
        by.setdefault(tid, set()).add(mid)
    return sorted(by.values(), key=lambda g: sorted(g))


@pytest.mark.parametrize("batch_size", [1, 2, 100])
def test_a_message_linking_two_threads_merges_them(
    me: Database, tmp_path: Path, batch_size: int
) -> None:
    box = write_mbox(
        tmp_path / "t.mbox",
        [
            message("a1", DANA, [ME], "Alpha"),
            message("b1", BO, [ME], "Beta", day=1),
            message("a2", ME, [DANA], "Re: Alpha", day=2, reply_to="a1"),
            message("c1", ME, [DANA, BO], "Both", day=3, refs=["a2", "b1"]),
            message("d1", CY, [ME], "Delta", day=4, reply_to="unknown@elsewhere"),
            message("d2", CY, [ME], "Re: Delta", day=5, refs=["unknown@elsewhere"]),
        ],
    )
    summary = import_mail(me, [str(box)], workers=0, batch_size=batch_size)
    assert groups(me) == [{"a1", "a2", "b1", "c1"}, {"d1", "d2"}]
    with me.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM mail_thread")).scalar() == 2
        figures = conn.execute(
            text("SELECT message_count, subject, last_direction FROM mail_thread ORDER BY id")
        ).all()
        keys = conn.execute(text("SELECT DISTINCT thread_key FROM interaction")).scalars().all()
        refs = conn.execute(text("SELECT DISTINCT thread_id FROM mail_thread_ref")).scalars()
        assert sorted(set(refs)) == sorted(set(threads_of(me).values()))
    assert sorted(f[0] for f in figures) == [2, 4]
    assert ("Alpha" in {f[1] for f in figures}) and all(k is not None for k in keys)
    assert sorted(keys) == sorted(str(t) for t in set(threads_of(me).values()))
    assert summary.new_threads == 2


def test_a_later_run_joins_the_threads_of_an_earlier_one(me: Database, tmp_path: Path) -> None:
    first = write_mbox(tmp_path / "1.mbox", [message("x1", DANA, [ME], "Plans")])
    second = write_mbox(
        tmp_path / "2.mbox", [message("x2", ME, [DANA], "Re: Plans", day=1, reply_to="x1")]
    )
    import_mail(me, [str(first)], workers=0)
    import_mail(me, [str(second)], workers=0)
    assert groups(me) == [{"x1", "x2"}]


def test_subject_threads_need_the_window_and_a_shared_correspondent(
    me: Database, tmp_path: Path
) -> None:
    box = write_mbox(
        tmp_path / "enron.mbox",
        [
            message("s1", DANA, [ME], "Budget"),
            message("s2", ME, [DANA], "RE: Budget", day=3),
            message("s3", BO, [ME], "Re: Budget", day=4),  # nobody in common with Dana's
            message("s4", DANA, [ME], "FW: budget", day=16),  # within 14 days of s2
            message("s5", DANA, [ME], "Re: Budget", day=60),  # long after
            message("s6", ME, [CY], "", day=1),  # no subject: alone
            message("s7", ME, [CY], "", day=1),
        ],
    )
    import_mail(me, [str(box)], workers=0)
    assert groups(me) == [{"s1", "s2", "s4"}, {"s3"}, {"s5"}, {"s6"}, {"s7"}]


def test_subject_threads_resume_from_the_store(me: Database, tmp_path: Path) -> None:
    import_mail(
        me,
        [str(write_mbox(tmp_path / "1.mbox", [message("u1", DANA, [ME], "Offsite")]))],
        workers=0,
    )
    import_mail(
        me,
        [str(write_mbox(tmp_path / "2.mbox", [message("u2", ME, [DANA], "Re: Offsite", day=2)]))],
        workers=0,
    )
    assert groups(me) == [{"u1", "u2"}]


def test_a_persons_threads(me: Database, tmp_path: Path) -> None:
    box = write_mbox(
        tmp_path / "p.mbox",
        [
            message("q1", DANA, [ME], "Coffee?"),
            message("q2", ME, [DANA], "Re: Coffee?", day=1, reply_to="q1"),
            message("q3", DANA, [ME], "Re: Coffee?", day=2, reply_to="q2"),
            message("r1", ME, [DANA, BO], "Board deck", day=5),
        ],
    )
    import_mail(me, [str(box)], workers=0)
    with me.read() as conn:
        dana = people.resolve(conn, "dana@acme.example")
        bo = people.resolve(conn, "bo@beta.example")
        found = mail_threads.threads_of(conn, dana)
        bos = mail_threads.threads_of(conn, bo)
    assert [(t.subject, t.message_count, t.with_them, t.last_from_me) for t in found] == [
        ("Board deck", 1, 1, True),
        ("Coffee?", 3, 3, False),
    ]
    assert found[1].last_from_name == "Dana" and found[1].first_at is not None
    assert found[1].last_at is not None and found[1].first_at < found[1].last_at
    assert [t.subject for t in bos] == ["Board deck"]
