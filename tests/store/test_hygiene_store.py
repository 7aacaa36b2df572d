"""The hygiene store on small mailboxes imported with the real importer: atoms of list, bulk
and spam mail, unanswered person mail, keep/digest rules, and the outbox (idempotent,
recorded before it is tried, a crash mid-attempt left visible)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kithkin import clock
from kithkin.errors import Conflict, InvalidInput, NotFound
from kithkin.ingest.mail import import_mail
from kithkin.store import Database, hygiene, people, settings, trash
from kithkin.store.schema import activity
from kithkin.store.schema_hygiene import outbox
from tests.ingest.mailbox import BASE, message, write_maildir, write_mbox

ME = "ana@kithkin.example"
ANA = f"Ana <{ME}>"
DANA = "Dana Whitfield <dana@acme.example>"
BO = "Bo Chen <bo@beta.example>"
DEV = {"List_Id": "Kernel Dev <Dev.Lists.Example.ORG>", "Precedence": "list"}
NEWS = {"List_Unsubscribe": "<mailto:leave@shop.example?subject=unsubscribe>"}


@pytest.fixture
def me(db: Database) -> Database:
    with db.write() as conn:
        settings.set_me(conn, name="Ana", addresses=[ME])
    return db


def activities(db: Database, action: str) -> int:
    with db.read() as conn:
        return int(conn.scalar(select(func.count()).where(activity.c.action == action)) or 0)


def mailbox(root: Path) -> Path:
    """INBOX (a Maildir: flags known), Sent, Spam."""
    write_maildir(
        root / "INBOX",
        [
            (message("d1@x", "Xi <xi@x.example>", ["dev@lists.example.org"], "Idea", **DEV), "S"),
            (
                message(
                    "d2@y", "Yu <yu@y.example>", ["dev@lists.example.org"], "Re: Idea", day=1,
                    reply_to="d1@x", DKIM_Signature="v=1; d=y.example", **DEV,
                ),
                "",
            ),
            (
                message(
                    "d3@x", "Xi <xi@x.example>", ["dev@lists.example.org"], "Other", day=1,
                    List_Id="dev.lists.example.org",
                ),
                "",
            ),
            (message("n1@shop", "Shop <news@shop.example>", [ME], "Deals", **NEWS), "S"),
            (message("n2@shop", "Shop <news@shop.example>", [ME], "More", day=3, **NEWS), ""),
            (message("p1@acme", DANA, [ME], "Lunch?", day=1), ""),
            (message("p2@beta", BO, [ME], "Question", day=2), ""),
            (message("p3@beta", BO, [ME], "Answered elsewhere", day=2), "RS"),
        ],
    )  # fmt: skip
    write_maildir(
        root / "Sent",
        [
            (message("m1@me", ANA, ["dev@lists.example.org"], "Re: Idea", day=2,
                     reply_to="d2@y", **DEV), "S"),
            (message("m2@me", ANA, [DANA], "Re: Lunch?", day=3, reply_to="p1@acme"), "S"),
        ],
        start=100,
    )  # fmt: skip
    write_maildir(
        root / "Spam",
        [
            (message("s1@spam", "Win <win@spam.example>", [ME], "Funds", **DEV), ""),
            (message("s2@spam", "Prince <prince@scam.example>", [ME], "Funds", day=4), ""),
        ],
        start=200,
    )
    return root


def test_atoms_sum_list_bulk_and_spam_mail(me: Database, tmp_path: Path) -> None:
    import_mail(me, [str(mailbox(tmp_path / "mail"))], workers=0)
    with me.read() as conn:
        atoms = {(a.list_id, a.sender): a for a in hygiene.mail_atoms(conn)}
    assert set(atoms) == {
        ("dev.lists.example.org", None),
        (None, "news@shop.example"),
        (None, "prince@scam.example"),
    }
    dev = atoms[("dev.lists.example.org", None)]  # "Dev.Lists..." and "dev.lists..." are one
    assert (dev.received, dev.bulk, dev.spam) == (3, 0, 1)
    assert (dev.seen, dev.flagged, dev.dkim) == (1, 3, 1)
    assert dev.replies == 1  # my post, carrying the List-Id and answering in its thread
    assert dev.days == {BASE.date(): 1, (BASE + timedelta(days=1)).date(): 2}
    assert dev.first_at == BASE and dev.last_at == BASE + timedelta(days=1)
    assert dev.senders == {"xi@x.example": 2, "yu@y.example": 1, "win@spam.example": 1}
    assert dev.list_name == "Kernel Dev"
    news = atoms[(None, "news@shop.example")]
    assert (news.received, news.bulk, news.seen, news.flagged, news.replies) == (2, 2, 1, 2, 0)
    assert news.unsubscribe == "mailto:leave@shop.example?subject=unsubscribe"
    assert news.name == "Shop" and not news.unsubscribe_from_spam
    spam = atoms[(None, "prince@scam.example")]
    assert (spam.received, spam.spam, spam.days) == (0, 1, {})
    assert spam.first_at == spam.last_at == BASE + timedelta(days=4)  # its own dates


def test_mail_without_flags_has_no_read_rate(me: Database, tmp_path: Path) -> None:
    box = write_mbox(
        tmp_path / "in.mbox",
        [message(f"n{i}@shop", "Shop <news@shop.example>", [ME], "Deals", day=i) for i in range(3)],
    )
    import_mail(me, [str(box)], workers=0)
    with me.read() as conn:
        (news,) = hygiene.mail_atoms(conn)
        assert hygiene.flagged_sources(conn) == set()
    assert (news.received, news.seen, news.flagged) == (3, 0, 0)


def test_an_mbox_with_status_headers_keeps_flags(me: Database, tmp_path: Path) -> None:
    box = write_mbox(
        tmp_path / "in.mbox",
        [
            message("n1@shop", "Shop <news@shop.example>", [ME], "Deals", Status="RO"),
            message("n2@shop", "Shop <news@shop.example>", [ME], "Deals", day=1),
        ],
    )
    import_mail(me, [str(box)], workers=0)
    with me.read() as conn:
        (news,) = hygiene.mail_atoms(conn)
    assert (news.seen, news.flagged) == (1, 2)


def test_unanswered_person_mail(me: Database, tmp_path: Path) -> None:
    import_mail(me, [str(mailbox(tmp_path / "mail"))], workers=0)
    with me.read() as conn:
        waiting = hygiene.unanswered(conn)
        bo = people.resolve(conn, "bo@beta.example")
        dana = people.resolve(conn, "dana@acme.example")
        written = hygiene.first_written(conn, [bo, dana])
        details = hygiene.person_mail(conn, [w.id for w in waiting])
        known = hygiene.known_addresses(conn, ["bo@beta.example", "win@spam.example"])
    # Dana's was answered (my reply in its thread), Bo's second is flagged answered
    assert [(w.from_address, w.person_id, w.date) for w in waiting] == [
        ("bo@beta.example", bo, BASE + timedelta(days=2))
    ]
    assert details[waiting[0].id].subject == "Question"
    assert details[waiting[0].id].display_name == "Bo Chen"
    assert written == {dana: BASE + timedelta(days=3)}
    assert known == {"bo@beta.example"}
    with me.read() as conn:
        later = hygiene.unanswered(conn, since=BASE + timedelta(days=3))
    assert later == []
    with me.write() as conn:
        trash.delete_person(conn, bo)
    with me.read() as conn:
        assert [w.person_id for w in hygiene.unanswered(conn)] == [None]


# -- rules --------------------------------------------------------------------------------------


def test_rules_keep_digest_and_none(me: Database) -> None:
    with me.write() as conn:
        made = hygiene.set_rule(conn, "list:dev.lists.example.org", "keep", note=" mine ")
        hygiene.set_rule(conn, "from:news@shop.example", "digest", label="Shop")
    assert made is not None and made.note == "mine"
    with me.read() as conn:
        found = hygiene.rules(conn)
    assert {k: r.rule for k, r in found.items()} == {
        "list:dev.lists.example.org": "keep",
        "from:news@shop.example": "digest",
    }
    with me.write() as conn:
        assert hygiene.set_rule(conn, "list:dev.lists.example.org", None) is None
        hygiene.set_rule(conn, "from:news@shop.example", "keep")
    with me.read() as conn:
        assert {k: r.rule for k, r in hygiene.rules(conn).items()} == {
            "from:news@shop.example": "keep"
        }
    assert activities(me, "hygiene.rule") == 4
    with me.write() as conn, pytest.raises(InvalidInput, match="unknown rule"):
        hygiene.set_rule(conn, "list:x", "mute")
    with me.write() as conn, pytest.raises(InvalidInput, match="which subscription"):
        hygiene.set_rule(conn, " ", "keep")


# -- the outbox ---------------------------------------------------------------------------------

KEY = "list:dev.lists.example.org"
MAILTO = "mailto:dev-request@lists.example.org?subject=unsubscribe"


def record(db: Database, **changes: str) -> hygiene.OutboxEntry:
    values = {"action": "unsubscribe", "subscription_key": KEY, "method": "mailto"}
    values |= {"target": MAILTO, **changes}
    with db.write() as conn:
        return hygiene.record_action(conn, **values)


def test_recording_twice_gives_one_row(me: Database) -> None:
    clock.freeze(datetime(2024, 5, 1, 12, tzinfo=UTC))
    first = record(me, domain="kithkin.example")
    again = record(me)
    assert first == again
    assert first.status == "pending" and first.attempts == 0
    assert first.message_id and first.message_id.endswith("@kithkin.example>")
    assert first.idempotency_key == hygiene.idempotency_key("unsubscribe", KEY, "mailto", MAILTO)
    other = record(me, method="web", target="https://lists.example.org/options/dev")
    assert other.id != first.id and other.message_id is None
    with me.read() as conn:
        assert conn.scalar(select(func.count()).select_from(outbox)) == 2
        assert [e.id for e in hygiene.actions(conn, subscription_key=KEY)] == [first.id, other.id]
        assert hygiene.actions(conn, status="done") == []
    assert activities(me, "outbox.record") == 2


def test_entries_are_read_many_at_once_as_one_by_one(me: Database) -> None:
    first = record(me)
    other = record(me, method="web", target="https://lists.example.org/options/dev")
    with me.read() as conn:
        found = hygiene.entries_of(conn, [other.id, first.id, other.id, first.id + 999])
        assert found == {i: hygiene.entry_of(conn, i) for i in (first.id, other.id)}
        assert hygiene.entries_of(conn, []) == {}


def test_an_attempt_is_recorded_before_and_after(me: Database) -> None:
    entry = record(me)
    clock.freeze(datetime(2024, 5, 1, 12, tzinfo=UTC))
    with me.write() as conn:
        trying = hygiene.start_attempt(conn, entry.id)
    assert (trying.status, trying.attempts, trying.tried_at) == ("trying", 1, clock.now())
    clock.freeze(datetime(2024, 5, 1, 12, 1, tzinfo=UTC))
    with me.write() as conn:
        done = hygiene.finish_attempt(conn, entry.id, "done", "sent to\n dev-request@lists")
    assert (done.status, done.outcome, done.finished_at) == (
        "done", "sent to dev-request@lists", clock.now(),
    )  # fmt: skip
    assert done.message_id == entry.message_id  # every attempt sends the same Message-ID
    with me.write() as conn, pytest.raises(Conflict, match="never tried twice"):
        hygiene.start_attempt(conn, entry.id)
    with me.write() as conn, pytest.raises(Conflict, match="no attempt to finish"):
        hygiene.finish_attempt(conn, entry.id, "failed", "again?")
    assert record(me).status == "done"  # recording it again finds it done: nothing is resent
    assert activities(me, "outbox.try") == activities(me, "outbox.finish") == 1


def test_a_crash_mid_attempt_leaves_it_trying(me: Database) -> None:
    entry = record(me)
    with me.write() as conn:
        hygiene.start_attempt(conn, entry.id)
    # the process dies here: nothing finished the attempt
    with me.read() as conn:
        (left,) = hygiene.actions(conn, status="trying")
    assert left.id == entry.id and left.finished_at is None
    with me.write() as conn, pytest.raises(Conflict, match="never finished"):
        hygiene.start_attempt(conn, entry.id)
    with me.write() as conn:
        resumed = hygiene.start_attempt(conn, entry.id, resume=True)
        failed = hygiene.finish_attempt(conn, entry.id, "failed", "connection refused")
        again = hygiene.start_attempt(conn, entry.id)  # a failure may be tried again
    assert (resumed.attempts, failed.status, again.attempts) == (2, "failed", 3)


def test_a_failed_write_leaves_no_half_state(me: Database) -> None:
    with pytest.raises(RuntimeError), me.write() as conn:
        hygiene.record_action(
            conn, action="unsubscribe", subscription_key=KEY, method="mailto", target=MAILTO
        )
        raise RuntimeError("crash before commit")
    with me.read() as conn:
        assert hygiene.actions(conn) == []
    assert activities(me, "outbox.record") == 0


def test_refused_before_trying_and_bad_values(me: Database) -> None:
    entry = record(me)
    with me.write() as conn:
        refused = hygiene.finish_attempt(conn, entry.id, "refused", "looks like spam")
    assert (refused.status, refused.attempts) == ("refused", 0)
    with me.write() as conn, pytest.raises(Conflict):
        hygiene.start_attempt(conn, entry.id)
    with me.write() as conn, pytest.raises(InvalidInput, match="unknown method"):
        hygiene.record_action(
            conn, action="unsubscribe", subscription_key=KEY, method="fax", target="x"
        )
    with me.write() as conn, pytest.raises(InvalidInput, match="outcome status"):
        hygiene.finish_attempt(conn, entry.id, "maybe", "")
    with me.write() as conn, pytest.raises(NotFound):
        hygiene.start_attempt(conn, 999)
