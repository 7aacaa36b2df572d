"""The "knows" graph from real mailboxes (mbox and Maildir, built by the tests): one wrote,
the other answered; broadcasts, bulk mail and unanswered list posts make no tie."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from kithkin import clock
from kithkin.services import knows, mail
from kithkin.store import Database
from tests.builders.mail import ME, as_me
from tests.ingest.mailbox import BASE, message, write_maildir, write_mbox

LIST = {"List_Id": "Dev <dev.lists.example.org>", "Precedence": "list"}
DEV = "dev@lists.example.org"


def scenario() -> list[bytes]:
    return [
        # Bob and I talk: a relationship of mine
        message("m1@x", "Bob <bob@acme.example>", ME, "Lunch?", day=0),
        message("m2@x", f"Ana <{ME}>", "bob@acme.example", "Re: Lunch?", day=1, reply_to="m1@x"),
        message("m3@x", "Bob <bob@acme.example>", ME, "Re: Lunch?", day=2, reply_to="m2@x"),
        # Dana writes to Bob with me copied; Bob answers: Bob and Dana know each other
        message("d1@x", "Dana <dana@zeta.example>", "bob@acme.example", "Deal", day=3, cc=[ME]),
        message(
            "d2@x", "Bob <bob@acme.example>", "dana@zeta.example", "Re: Deal", day=4,
            cc=[ME], reply_to="d1@x",
        ),
        # a list: Erin posts, Frank answers on the list -> a (weaker) tie
        message("l1@x", "Erin <erin@uni.example>", DEV, "RFC: patch", day=5, **LIST),
        message("l2@x", "Frank <frank@uni.example>", DEV, "Re: RFC", day=6, reply_to="l1@x",
                **LIST),
        # a list post nobody answers: no tie
        message("l3@x", "Gus <gus@uni.example>", DEV, "Announce", day=7, **LIST),
        # a newsletter and its "reply" from a robot: no tie
        message(
            "n1@x", "Shop <news@shop.example>", ME, "Sale", day=8,
            List_Unsubscribe="<https://shop.example/u>", Precedence="bulk",
        ),
        message(
            "n2@x", "Robot <noreply@shop.example>", ME, "Re: Sale", day=9, reply_to="n1@x",
        ),
    ]  # fmt: skip


def _pairs(db: Database, who: str) -> dict[str, float]:
    return {t.other: t.score for t in knows.ties(db, person=who).ties}


def test_a_reply_between_two_others_ties_them_and_broadcasts_do_not(
    db: Database, tmp_path: Path
) -> None:
    clock.freeze(BASE + timedelta(days=10))
    mail.import_mail(as_me(db), locations=[str(write_mbox(tmp_path / "in.mbox", scenario()))])
    assert set(_pairs(db, "Dana")) == {"bob@acme.example"}
    assert set(_pairs(db, "bob@acme.example")) == {"dana@zeta.example"}
    with db.read() as conn:
        from kithkin.store import knows as store

        ties = store.ties_of(conn, ["erin@uni.example", "gus@uni.example", "news@shop.example"])
    assert [(t.a, t.b) for t in ties] == [("erin@uni.example", "frank@uni.example")]
    assert ties[0].last_kind == "mail" and ties[0].last_ref == "l2@x"
    assert ties[0].weight < 0.3  # a list answer weighs a quarter of a mail reply


def test_the_order_of_arrival_does_not_matter_and_reimport_adds_nothing(
    db: Database, tmp_path: Path
) -> None:
    """The answer read before the message it answers (another folder, a later batch) still
    ties them; reading it all again adds no evidence."""
    clock.freeze(BASE + timedelta(days=10))
    messages = scenario()
    first = write_maildir(tmp_path / "a", [(m, "S") for m in messages[4:5]])
    write_maildir(tmp_path / "b", [(m, "S") for m in messages[:4]])
    as_me(db)
    mail.import_mail(db, locations=[str(first[0].parent.parent)], workers=0)
    assert _pairs(db, "Bob") == {}  # the answer alone, its parent unknown
    mail.import_mail(db, locations=[str(tmp_path / "b")], workers=0)
    assert set(_pairs(db, "Bob")) == {"dana@zeta.example"}
    again = mail.import_mail(db, locations=[str(tmp_path / "a"), str(tmp_path / "b")], workers=0)
    assert again.summary.ties == 0
    with db.read() as conn:
        from kithkin.store import knows as store

        assert store.counts(conn) == (1, 1)


def test_ties_decay_as_the_clock_moves(db: Database, tmp_path: Path) -> None:
    clock.freeze(BASE + timedelta(days=10))
    mail.import_mail(as_me(db), locations=[str(write_mbox(tmp_path / "in.mbox", scenario()))])
    now = _pairs(db, "Dana")["bob@acme.example"]
    clock.freeze(BASE + timedelta(days=10 + 365))
    later = _pairs(db, "Dana")["bob@acme.example"]
    clock.freeze(BASE + timedelta(days=10 + 3 * 365))
    much_later = _pairs(db, "Dana")["bob@acme.example"]
    assert now > later > much_later > 0


def test_rebuild_makes_the_same_graph_from_stored_mail(db: Database, tmp_path: Path) -> None:
    clock.freeze(BASE + timedelta(days=10))
    mail.import_mail(as_me(db), locations=[str(write_mbox(tmp_path / "in.mbox", scenario()))])
    with db.read() as conn:
        from kithkin.store import knows as store

        before = [(t.a, t.b, t.evidence) for t in store.ties_of(conn, ["bob@acme.example"])]
    done = knows.rebuild(db)
    assert (done.ties, done.evidence) == (2, 2)
    with db.read() as conn:
        after = [(t.a, t.b, t.evidence) for t in store.ties_of(conn, ["bob@acme.example"])]
    assert after == before
