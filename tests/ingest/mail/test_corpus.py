"""Mail import on the real corpora in ../shared/data/mail (skipped where they are absent)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from kithkin.ingest.mail import import_mail
from kithkin.ingest.mail.rules import classify, thread_subject
from kithkin.sources.mail import MessageRecord, read_mail
from kithkin.store import Database, settings
from tests.conftest import shared_data

pytestmark = pytest.mark.corpus

# Kenneth Lay's addresses, as his inbox shows them (To: lines of lay-k/inbox).
LAY = [
    "kenneth.lay@enron.com",
    "klay@enron.com",
    "kenneth_lay@enron.com",
    "kenneth_lay@enron.net",
    "ken.lay@enron.com",
]
ROSTEDT = "rostedt@goodmis.org"  # a ksummit regular who posts and is answered


def me_is(db: Database, *addresses: str) -> None:
    with db.write() as conn:
        settings.set_me(conn, name="me", addresses=list(addresses))


def rows(db: Database, sql: str) -> list[Any]:
    with db.read() as conn:
        return list(conn.execute(text(sql)))


def test_enron_inbox_of_kenneth_lay(db: Database) -> None:
    me_is(db, *LAY)
    inbox = shared_data("mail", "enron-inbox", "lay-k")
    summary = import_mail(db, [str(inbox)], workers=0)
    assert summary.read == summary.new == 1373 and not summary.problems
    assert summary.by_category["person"] > 1300 and summary.by_category["bulk"] > 5
    top = rows(
        db,
        "SELECT p.display_name, count(*) n FROM interaction_participant ip "
        "JOIN person p ON p.id = ip.person_id GROUP BY p.id ORDER BY n DESC LIMIT 5",
    )
    names = [r[0] for r in top]
    assert "Rosalee Fleming" in names[:3]  # his assistant
    assert "Greg Whalley" in names
    addresses = {r[0] for r in rows(db, "SELECT normalized FROM contact_point")}
    assert not addresses & set(LAY)
    assert "no.address@enron.com" not in addresses
    directions = Counter(r[0] for r in rows(db, "SELECT direction FROM interaction"))
    assert directions["to_me"] > 900 and directions["from_me"] == 0  # an inbox
    # Enron has no References: threads come from subjects, inside the window, per correspondent
    by_thread: dict[Any, list[str]] = {}
    for thread_id, subject in rows(db, "SELECT thread_id, subject FROM mail_message"):
        by_thread.setdefault(thread_id, []).append(subject or "")
    threads = [
        (thread_id, "\n".join(subjects), len(subjects))
        for thread_id, subjects in by_thread.items()
        if len(subjects) > 1
    ]
    assert len(threads) >= 20
    for _, subjects, _ in threads:
        assert len({thread_subject(s) for s in subjects.split("\n")}) == 1
    assert max(n for *_, n in threads) >= 4


def test_ksummit_threads_and_answers_across_me(db: Database) -> None:
    me_is(db, ROSTEDT)
    box = shared_data("mail", "lists", "ksummit.lists.linux.dev.mbox")
    summary = import_mail(db, [str(box)], workers=0)
    records = [r for r in read_mail(box) if isinstance(r, MessageRecord)]
    assert summary.read == len(records) == 3115 and summary.new == 3112
    first: dict[str, MessageRecord] = {}
    for record in records:
        first.setdefault(record.message_id, record)

    def sender(r: MessageRecord) -> str:
        return r.from_[0][1].lower() if r.from_ else ""

    def parent(r: MessageRecord) -> str | None:
        return r.in_reply_to[0] if r.in_reply_to else (r.references[-1] if r.references else None)

    expected: set[str] = set()
    answers = 0
    for r in first.values():
        p = first.get(parent(r) or "")
        if p is None or classify(r) != "list" or sender(r) == sender(p):
            continue
        if sender(r) == ROSTEDT:
            expected.add(sender(p))
            answers += 1
        elif sender(p) == ROSTEDT:
            expected.add(sender(r))
            answers += 1
    people = {r[0] for r in rows(db, "SELECT normalized FROM contact_point")}
    assert people == expected and len(people) > 20
    assert "ksummit@lists.linux.dev" not in people
    assert summary.interactions == answers
    assert {r[0] for r in rows(db, "SELECT DISTINCT role FROM interaction_participant")} == {"list"}

    # threads: every chain of Message-IDs is one thread; threads joined beyond that are
    # subject threads of messages that name no other
    group: dict[str, str] = {}

    def find(x: str) -> str:
        while group.get(x, x) != x:
            x = group[x]
        return x

    for r in first.values():
        for ref in (*r.in_reply_to, *r.references):
            a, b = find(r.message_id), find(ref)
            if a != b:
                group[a] = b
    stored = dict(rows(db, "SELECT message_id, thread_id FROM mail_message"))
    chains: dict[str, set[int]] = {}
    for mid in first:
        chains.setdefault(find(mid), set()).add(stored[mid])
    assert all(len(ids) == 1 for ids in chains.values())
    per_thread: dict[int, list[str]] = {}
    for root in chains:
        per_thread.setdefault(next(iter(chains[root])), []).append(root)
    assert len(per_thread) >= 100
    for roots in per_thread.values():
        if len(roots) > 1:
            alone = [
                m
                for m in first
                if find(m) in roots and not first[m].in_reply_to and not first[m].references
            ]
            assert len({thread_subject(first[m].subject) for m in alone}) == 1


def test_cip_test_results_are_bulk_only(db: Database) -> None:
    me_is(db, "me@kithkin.example")
    folder = shared_data("mail", "lists", "cip-testing-results.eml")
    summary = import_mail(db, [str(folder)], workers=0)
    assert (summary.new, summary.new_people, summary.interactions) == (1000, 0, 0)
    assert rows(db, "SELECT category, count(*) FROM mail_message GROUP BY 1") == [("bulk", 1000)]
    assert rows(db, "SELECT count(*) FROM person")[0][0] == 0
    one = rows(
        db,
        "SELECT from_address, list_id, list_unsubscribe_post, has_dkim FROM mail_message LIMIT 1",
    )[0]
    assert one == (
        "noreply@ciplatform.org",
        "cip-testing-results.lists.cip-project.org",
        "List-Unsubscribe=One-Click",
        1,
    )


def test_notmuch_duplicates_once_and_broken_files_reported(db: Database) -> None:
    folder = shared_data("mail", "notmuch")
    summary = import_mail(db, [str(folder)], workers=0)
    dupes = rows(db, "SELECT count(*) FROM mail_message WHERE source_file LIKE '%/duplicate/%'")[0][
        0
    ]
    assert dupes == 3  # nine files, three Message-IDs
    assert summary.duplicates >= 6
    assert summary.problems == []
    reported = {Path(p.source_file).name for p in summary.not_mail_files}
    assert reported == {"README", "SOURCE.txt"} and summary.not_mail == 2  # no mail: counted
    assert all(str(p).count(": ") >= 2 for p in summary.not_mail_files)
    assert rows(db, "SELECT count(*) FROM mail_message WHERE source_file LIKE '%broken-cc%'")[0][0]
    again = import_mail(db, [str(folder)], workers=0)  # its directories are as they were
    assert (again.read, again.new, again.unchanged_sources) == (0, 0, [str(folder)])


def test_mu_maildirs_keep_flags_folders_and_accents(db: Database) -> None:
    folder = shared_data("mail", "mu")
    import_mail(db, [str(folder)], workers=0)
    flags = dict(rows(db, "SELECT subject, flags FROM mail_message WHERE folder = 'testdir'"))
    assert flags["multimime"] == "FS"  # ...!2,FS: flagged and seen
    assert flags["Greetings from Lothlórien"] == ""
    folders = {r[0] for r in rows(db, "SELECT DISTINCT folder FROM mail_message")}
    assert {"testdir2/Foo", "testdir2/bar", "testdir2/wom_bat", "cjk"} <= folders
    names = {r[0] for r in rows(db, "SELECT from_name FROM mail_message")}
    assert {"ötzi", "Mü"} <= names


def test_spamassassin_lists_people_and_spam(db: Database) -> None:
    me_is(db, "me@kithkin.example")
    ham = shared_data("mail", "spamassassin", "easy-ham-1")
    spam = shared_data("mail", "spamassassin", "spam-1")
    summary = import_mail(db, [str(ham), str(spam)], workers=0)
    kinds = summary.by_category
    assert kinds["spam"] == 500
    # RSS-to-mail robots are bulk; list copies without List-Id (Yahoo Groups) are lists
    assert kinds["list"] > 1500 and 100 < kinds["person"] < 300 and kinds["bulk"] > 500
    spammers = rows(
        db,
        "SELECT count(*) FROM contact_point c JOIN mail_message m ON m.from_address = c.normalized "
        "WHERE m.category = 'spam'",
    )[0][0]
    assert spammers == 0
    feeds = rows(db, "SELECT count(*) FROM contact_point WHERE normalized LIKE 'rssfeeds@%'")
    assert feeds[0][0] == 0
