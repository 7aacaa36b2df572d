"""Mail import on small mailboxes written by the tests: people, interactions, kinds of mail,
duplicates, flags, incremental reading and batches a failure cannot tear."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from kithkin.ingest.mail import batch as mail_batch
from kithkin.ingest.mail import import_mail
from kithkin.practices import hygiene
from kithkin.services.inbox import read as read_inbox
from kithkin.store import Database, people, stats, trash
from kithkin.store.schema import interaction, interaction_participant, person
from kithkin.store.schema_mail import mail_message
from tests.builders.mail import ME, as_me
from tests.ingest.mailbox import append_mbox, message, write_maildir, write_mbox

DANA = "Dana Whitfield <dana@acme.example>"
BO = "Bo Chen <bo@beta.example>"
ANA = f"Ana <{ME}>"
DEV = "dev@lists.example.org"


@pytest.fixture
def me(db: Database) -> Database:
    return as_me(db, ME, "ana@home.example")


def count(db: Database, sql: str) -> int:
    with db.read() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def rows(db: Database, sql: str) -> list[Any]:
    with db.read() as conn:
        return list(conn.execute(text(sql)))


def test_person_mail_makes_people_and_interactions(me: Database, tmp_path: Path) -> None:
    box = write_mbox(
        tmp_path / "inbox.mbox",
        [
            message("1@acme", DANA, [f"Ana <{ME}>"], "Lunch next week?", cc=[BO]),
            message(
                "2@kk", f"Ana <{ME}>", [DANA], "Re: Lunch next week?", day=1, reply_to="1@acme"
            ),
            message("3@kk", f"Ana <{ME}>", [f"Ana <{ME}>"], "note to self", day=2),
        ],
    )
    summary = import_mail(me, [str(box)], workers=0)
    assert (summary.read, summary.new, summary.new_people, summary.interactions) == (3, 3, 2, 2)
    assert summary.by_category == {"person": 3}
    found = rows(
        me,
        "SELECT i.direction, p.display_name, ip.role FROM interaction i "
        "JOIN interaction_participant ip ON ip.interaction_id = i.id "
        "JOIN person p ON p.id = ip.person_id ORDER BY i.occurred_at, p.display_name",
    )
    assert [tuple(r) for r in found] == [
        ("to_me", "Bo Chen", "cc"),
        ("to_me", "Dana Whitfield", "from"),
        ("from_me", "Dana Whitfield", "to"),
    ]
    with me.read() as conn:
        counts = stats.stats(conn)
        dana = people.resolve(conn, "dana@acme.example")
    assert (counts.people, counts.interactions, counts.threads) == (2, 2, 1)
    assert rows(me, "SELECT count(*) FROM activity WHERE action = 'import.mail'")[0][0] == 1
    assert dana
    again = import_mail(me, [str(box)], workers=0)
    assert (again.read, again.new, again.unchanged_sources) == (0, 0, [str(box)])


def test_an_address_already_known_joins_its_person(me: Database, tmp_path: Path) -> None:
    with me.write() as conn:
        dana = people.add_person(
            conn, display_name="Dana W.", contacts=[("email", "DANA@acme.example")]
        )
    box = write_mbox(tmp_path / "a.mbox", [message("1@a", DANA, [ME])])
    summary = import_mail(me, [str(box)], workers=0)
    assert summary.new_people == 0
    assert count(me, "SELECT count(*) FROM person") == 1
    assert rows(me, "SELECT person_id FROM interaction_participant")[0][0] == dana


def test_bulk_and_spam_never_make_people(me: Database, tmp_path: Path) -> None:
    root = tmp_path / "mail"
    write_maildir(
        root / "INBOX",
        [
            (
                message(
                    "n1@news",
                    "News <news@shop.example>",
                    [ME],
                    "Deals",
                    List_Unsubscribe="<https://shop.example/u>",
                    List_Unsubscribe_Post="List-Unsubscribe=One-Click",
                ),
                "",
            ),
            (
                message(
                    "n2@bot",
                    "CI <noreply@ci.example>",
                    [ME],
                    "Build failed",
                    Auto_Submitted="auto-generated",
                ),
                "S",
            ),
        ],
    )
    write_maildir(
        root / "Spam", [(message("s1@x", "Prince <prince@scam.example>", [ME], "Funds"), "")]
    )
    summary = import_mail(me, [str(root)], workers=0)
    assert summary.by_category == {"bulk": 2, "spam": 1}
    assert (summary.new_people, summary.interactions) == (0, 0)
    found = {r.message_id: r for r in rows(me, "SELECT * FROM mail_message")}
    assert found["n1@news"].from_address == "news@shop.example"
    assert found["n1@news"].list_unsubscribe == "https://shop.example/u"
    assert found["n1@news"].list_unsubscribe_post == "List-Unsubscribe=One-Click"
    assert found["n2@bot"].flags == "S" and found["n2@bot"].auto_submitted == "auto-generated"
    assert found["s1@x"].category == "spam" and found["s1@x"].folder == "Spam"


def test_a_gmail_takeout_mbox_reads_its_labels(me: Database, tmp_path: Path) -> None:
    """One mbox of all the mail, Gmail's labels on each message: spam and the Promotions
    tab make nobody a person, read flags come from the Unread label (so hygiene has read
    rates), and the rest is mail like any other."""
    box = write_mbox(
        tmp_path / "All mail Including Spam and Trash.mbox",
        [
            message("t1@acme", DANA, [ME], "Board pack", X_Gmail_Labels="Inbox,Important,Opened"),
            message(
                "t2@kk",
                ANA,
                [DANA],
                "Re: Board pack",
                day=1,
                reply_to="t1@acme",
                X_Gmail_Labels="Sent",
            ),
            message(
                "t3@scam",
                "Prince <prince@scam.example>",
                [ME],
                "Funds",
                day=2,
                X_Gmail_Labels="Spam,Unread",
            ),
            message(
                "t4@shop",
                "Shop Team <team@shop.example>",
                [ME],
                "Autumn sale",
                day=3,
                X_Gmail_Labels='"Category Promotions",Inbox,Unread',
            ),
            message(
                "t5@acme",
                BO,
                [ME],
                "Quick question",
                day=4,
                X_Gmail_Labels="Inbox,Category Updates,Unread",
            ),
        ],
    )
    summary = import_mail(me, [str(box)], workers=0)
    assert summary.by_category == {"person": 3, "spam": 1, "bulk": 1}
    found = {r.message_id: r for r in rows(me, "SELECT * FROM mail_message")}
    assert {mid: found[mid].flags for mid in found} == {
        "t1@acme": "S", "t2@kk": "S", "t3@scam": "", "t4@shop": "", "t5@acme": ""
    }  # fmt: skip
    assert found["t3@scam"].category == "spam" and found["t4@shop"].category == "bulk"
    names = {r[0] for r in rows(me, "SELECT display_name FROM person")}
    assert names == {"Dana Whitfield", "Bo Chen"}  # not the spammer, not the shop
    with me.read() as conn:
        shop = [
            s for s in hygiene.subscriptions(read_inbox(conn)) if s.sender == "team@shop.example"
        ]
    assert [s.read_rate for s in shop] == [0.0]  # an mbox, yet its read rate is known


def test_list_mail_counts_only_answers_across_me(me: Database, tmp_path: Path) -> None:
    lst = {"List_Id": "Kernel Dev <dev.lists.example.org>", "Precedence": "list"}
    posts = [
        message("p1@x", "Xi <xi@x.example>", ["dev@lists.example.org"], "Idea", **lst),
        message(
            "p2@me",
            f"Ana <{ME}>",
            ["dev@lists.example.org"],
            "Re: Idea",
            day=1,
            reply_to="p1@x",
            **lst,
        ),
        message(
            "p3@y",
            "Yu <yu@y.example>",
            ["dev@lists.example.org"],
            "Re: Idea",
            day=2,
            reply_to="p1@x",
            **lst,
        ),
        message(
            "p4@z",
            "Zoe <zoe@z.example>",
            ["dev@lists.example.org"],
            "Re: Idea",
            day=3,
            reply_to="p2@me",
            **lst,
        ),
        message(
            "p5@y",
            "Yu <yu@y.example>",
            ["dev@lists.example.org"],
            "Re: Idea",
            day=4,
            reply_to="p3@y",
            **lst,
        ),
    ]
    box = write_mbox(tmp_path / "dev.mbox", posts)
    summary = import_mail(me, [str(box)], workers=0)
    assert summary.by_category == {"list": 5}
    found = rows(
        me,
        "SELECT i.source_id, i.direction, p.display_name, ip.role FROM interaction i "
        "JOIN interaction_participant ip ON ip.interaction_id = i.id "
        "JOIN person p ON p.id = ip.person_id ORDER BY i.occurred_at",
    )
    # mine answering Xi, and Zoe answering me; Yu's posts make nobody
    assert [tuple(r) for r in found] == [
        ("p2@me", "from_me", "Xi", "list"),
        ("p4@z", "to_me", "Zoe", "list"),
    ]
    assert count(me, "SELECT count(*) FROM person") == 2
    assert count(me, "SELECT count(*) FROM mail_thread") == 1


def test_a_list_answer_stored_before_its_parent_is_linked_later(
    me: Database, tmp_path: Path
) -> None:
    lst = {"List_Id": "dev.lists.example.org"}
    first = write_mbox(
        tmp_path / "a.mbox",
        [
            message(
                "r@z",
                "Zoe <zoe@z.example>",
                ["dev@lists.example.org"],
                "Re: Plan",
                reply_to="q@me",
                **lst,
            )
        ],
    )
    import_mail(me, [str(first)], workers=0)
    assert count(me, "SELECT count(*) FROM interaction") == 0
    second = write_mbox(
        tmp_path / "b.mbox",
        [message("q@me", ANA, [DEV], "Plan", day=-1, **lst)],
    )
    summary = import_mail(me, [str(second)], workers=0)
    assert summary.interactions == 1
    linked = rows(me, "SELECT interaction_id FROM mail_message WHERE message_id = 'r@z'")
    assert linked[0][0] is not None
    assert rows(me, "SELECT direction FROM interaction")[0][0] == "to_me"


def test_the_same_message_twice_is_stored_once(me: Database, tmp_path: Path) -> None:
    data = message("dup@acme", DANA, [ME], "Twice")
    root = tmp_path / "mail"
    write_maildir(root / "INBOX", [(data, "S")])
    write_maildir(root / "Archive", [(data, "")], start=5)
    summary = import_mail(me, [str(root)], workers=0)
    assert (summary.read, summary.new, summary.duplicates, summary.interactions) == (2, 1, 1, 1)
    assert count(me, "SELECT count(*) FROM mail_message") == 1


def test_a_renamed_maildir_file_updates_flags_without_being_read(
    me: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "md"
    (path,) = write_maildir(root, [(message("f@acme", DANA, [ME], "Flags"), "")])
    import_mail(me, [str(root)], workers=0)
    assert rows(me, "SELECT flags FROM mail_message")[0][0] == ""
    seen = path.with_name(path.name.replace(":2,", ":2,RS"))
    path.rename(seen)
    from kithkin.sources.mail import walk

    def no_reading(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a known file was read again")

    monkeypatch.setattr(walk, "read_message_file", no_reading)
    summary = import_mail(me, [str(root)], workers=0)
    assert (summary.read, summary.flags_updated) == (0, 1)
    assert rows(me, "SELECT flags, source_file FROM mail_message")[0] == ("RS", str(seen))
    again = import_mail(me, [str(root)], workers=0)
    assert (again.read, again.flags_updated, again.files_skipped) == (0, 0, 1)


def test_an_unchanged_folder_is_not_even_listed_again(
    me: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kithkin.sources.mail import walk

    monkeypatch.setattr(walk, "RACY_NS", 0)  # the test's folders are seconds old
    root = tmp_path / "md"
    write_maildir(root / "INBOX", [(message("a@acme", DANA, [ME], "One"), "")])
    write_maildir(root / "Archive", [(message("b@acme", DANA, [ME], "Two"), "S")])
    import_mail(me, [str(root)], workers=0)

    def no_planning(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an unchanged folder was listed")

    with monkeypatch.context() as patched:
        patched.setattr("kithkin.ingest.mail.files.plan", no_planning)
        again = import_mail(me, [str(root)], workers=0)
    assert (again.read, again.unchanged_sources) == (0, [str(root)])
    # a message delivered into a nested folder changes that directory: it is read
    write_maildir(root / "Archive", [(message("c@acme", BO, [ME], "Three"), "")], start=50)
    later = import_mail(me, [str(root)], workers=0)
    assert (later.read, later.new, later.files_skipped) == (1, 1, 2)
    assert import_mail(me, [str(root)], workers=0).unchanged_sources == [str(root)]


def test_a_folder_changed_a_moment_ago_is_listed_again(me: Database, tmp_path: Path) -> None:
    """Within the same clock tick a second file could arrive without the directory's time
    changing: a folder this fresh is never taken as unchanged."""
    root = tmp_path / "md"
    write_maildir(root, [(message("a@acme", DANA, [ME], "One"), "")])
    import_mail(me, [str(root)], workers=0)
    again = import_mail(me, [str(root)], workers=0)
    assert (again.read, again.files_skipped, again.unchanged_sources) == (0, 1, [])


def test_a_grown_mbox_is_read_from_where_it_ended(me: Database, tmp_path: Path) -> None:
    box = write_mbox(
        tmp_path / "grow.mbox", [message(f"{i}@a", DANA, [ME], f"m{i}", day=i) for i in range(3)]
    )
    import_mail(me, [str(box)], workers=0)
    size = box.stat().st_size
    append_mbox(box, [message("new@a", BO, [ME], "news", day=9)])
    summary = import_mail(me, [str(box)], workers=0)
    assert (summary.read, summary.new, summary.duplicates) == (1, 1, 0)
    source = rows(me, "SELECT end_offset, size, done FROM mail_source")[0]
    assert source == (box.stat().st_size, box.stat().st_size, True)
    assert source[0] > size
    # rewritten in place (an earlier message removed): read again, nothing stored twice
    box.write_bytes(box.read_bytes().split(b"\nFrom ", 2)[-1].join([b"From ", b""]))
    again = import_mail(me, [str(box)], workers=0)
    assert again.new == 0 and again.read >= 2
    assert count(me, "SELECT count(*) FROM mail_message") == 4


def test_people_in_the_trash_stay_there(me: Database, tmp_path: Path) -> None:
    with me.write() as conn:
        dana = people.add_person(
            conn, display_name="Dana", contacts=[("email", "dana@acme.example")]
        )
        trash.delete_person(conn, dana)
    box = write_mbox(tmp_path / "t.mbox", [message("t@a", DANA, [ME], cc=[BO])])
    summary = import_mail(me, [str(box)], workers=0)
    assert summary.new_people == 1
    with me.read() as conn:
        who = [r.person_id for r in conn.execute(select(interaction_participant))]
        assert who == [people.resolve(conn, "bo@beta.example")]
        assert conn.scalar(select(func.count()).select_from(person)) == 2


def test_a_broadcast_counts_with_its_sender_only(me: Database, tmp_path: Path) -> None:
    crowd = [f"p{i}@corp.example" for i in range(40)]
    box = write_mbox(
        tmp_path / "b.mbox",
        [
            message("all@corp", "CEO <ceo@corp.example>", [ME, *crowd], "All hands"),
            message("mine@corp", ME, crowd, "My memo", day=1),
        ],
    )
    summary = import_mail(me, [str(box)], workers=0)
    assert (summary.new_people, summary.interactions) == (1, 1)
    assert rows(me, "SELECT recipients FROM mail_message ORDER BY date")[0][0] == 41


def test_a_message_without_a_date_takes_its_files_time(me: Database, tmp_path: Path) -> None:
    root = tmp_path / "files"
    root.mkdir()
    (root / "1.").write_bytes(message("nodate@a", DANA, [ME], date=False))
    os.utime(root / "1.", (0, 0))
    summary = import_mail(me, [str(root)], workers=0)
    assert summary.new == 1
    # the file's mtime stands in for the date: estimated, and still an interaction
    assert rows(me, "SELECT date_estimated FROM mail_message")[0][0] == 1
    assert summary.interactions == 1


def test_a_failing_batch_leaves_the_committed_ones(
    me: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = write_mbox(tmp_path / "m.mbox", [message(f"{i}@a", DANA, [ME], day=i) for i in range(10)])
    real = mail_batch.store_batch
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        real(*args, **kwargs)
        if calls["n"] == 3:
            raise RuntimeError("power cut")

    monkeypatch.setattr("kithkin.ingest.mail.files.store_batch", flaky)
    with pytest.raises(RuntimeError):
        import_mail(me, [str(box)], workers=0, batch_size=3)
    assert count(me, "SELECT count(*) FROM mail_message") == 6
    assert count(me, "SELECT count(*) FROM interaction") == 6
    monkeypatch.setattr("kithkin.ingest.mail.files.store_batch", real)
    summary = import_mail(me, [str(box)], workers=0, batch_size=3)
    assert (summary.read, summary.new) == (4, 4)
    assert count(me, "SELECT count(*) FROM mail_message") == 10
    with me.read() as conn:
        assert conn.scalar(select(func.count()).select_from(interaction)) == 10
        assert conn.scalar(select(func.count()).select_from(mail_message)) == 10


def test_without_me_nothing_is_from_or_to_me(db: Database, tmp_path: Path) -> None:
    box = write_mbox(tmp_path / "x.mbox", [message("x@a", DANA, [ME])])
    summary = import_mail(db, [str(box)], workers=0)
    assert not summary.me_known
    assert rows(db, "SELECT direction FROM interaction")[0][0] == "neither"
    assert summary.new_people == 2  # Ana too: kithkin does not know she is me


def test_prepared_messages_cross_processes_as_plain_tuples(tmp_path: Path) -> None:
    """What a parsing worker sends (`prepare_values`) is a plain tuple that pickles, and
    `from_values` makes exactly the `Prepared` that `prepare` gives, fields by name."""
    import pickle

    from kithkin.ingest.mail.prepare import Prepared, from_values, prepare, prepare_values
    from kithkin.sources.mail import MessageRecord, read_mail

    box = write_mbox(
        tmp_path / "a.mbox",
        [message("1@acme", DANA, [ME, BO], "Board pack", cc=[ANA]), message("2@x", BO, [ME])],
    )
    me_ = frozenset({ME})
    for record in read_mail(box):
        assert isinstance(record, MessageRecord)
        sent = prepare_values(me_, record)
        assert type(sent) is tuple
        back = from_values(pickle.loads(pickle.dumps(sent)))  # noqa: S301 (its own bytes)
        assert isinstance(back, Prepared) and back == prepare(me_, record)
        assert back.message_id == record.message_id and back.people == prepare(me_, record).people
