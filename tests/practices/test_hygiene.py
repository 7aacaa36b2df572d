"""Inbox hygiene on small mailboxes imported with the real importer: subscriptions grouped,
rated, ranked and explained; buried person mail; keep and digest rules; what may be offered
an unsubscribe (never spam); and "unsubscribe ignored" when a list keeps sending."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from kithkin import clock
from kithkin.ingest.mail import import_mail
from kithkin.model import to_jsonable
from kithkin.practices import hygiene
from kithkin.practices.hygiene import Method, Subscription
from kithkin.services.inbox import read as read_inbox
from kithkin.store import Database, circle, people, settings
from kithkin.store import hygiene as store
from tests.ingest.mailbox import BASE, message, write_maildir, write_mbox

ME = "ana@kithkin.example"
ANA = f"Ana <{ME}>"
DANA = "Dana Whitfield <dana@acme.example>"  # in my circle
BO = "Bo Chen <bo@beta.example>"  # I wrote to him before
CY = "Cy Doe <cy@gamma.example>"  # a stranger
NOISE = {
    "List_Id": "Noise <noise.example.org>",
    "List_Unsubscribe": "<mailto:noise-off@example.org>",
}
CLUB = {"List_Id": "club.example.org", "List_Unsubscribe": "<https://club.example.org/leave>"}


@pytest.fixture
def me(db: Database) -> Database:
    with db.write() as conn:
        settings.set_me(conn, name="Ana", addresses=[ME])
    return db


def subs(db: Database) -> dict[str, Subscription]:
    with db.read() as conn:
        return {s.key: s for s in hygiene.subscriptions(read_inbox(conn))}


def noisy_day(root: Path) -> Path:
    """Day 10: twelve unread posts of a noisy list, and mail from Dana (circle), Bo (whom I
    wrote to on day 1) and Cy, none answered. A club list I read and answer posts on day 10
    and on quiet days; Eve's mail on quiet day 20 is unanswered too."""
    inbox: list[tuple[bytes, str]] = []
    for i in range(12):
        inbox.append(
            (
                message(
                    f"n{i}@noise",
                    f"P{i} <p{i}@noise.example>",
                    ["noise@example.org"],
                    f"Noise {i}",
                    day=10 + i / 100,
                    **NOISE,
                ),
                "",
            )
        )
    for i, day in enumerate((10, 15, 20, 25)):
        inbox.append(
            (
                message(
                    f"c{i}@club",
                    "Zed <zed@club.example>",
                    ["club@example.org"],
                    f"Club {i}",
                    day=day,
                    **CLUB,
                ),
                "S",
            )
        )
    inbox += [
        (message("d1@acme", DANA, [ME], "Board seat?", day=10.2), ""),
        (message("b0@beta", BO, [ME], "Hello", day=0), "S"),
        (message("b1@beta", BO, [ME], "Budget", day=10.3), "S"),
        (message("y1@gamma", CY, [ME], "Intro", day=10.4), ""),
        (message("e1@eps", "Eve <eve@eps.example>", [ME], "Quiet day", day=20), ""),
    ]
    write_maildir(root / "INBOX", inbox)
    write_maildir(
        root / "Sent",
        [
            (message("s1@me", ANA, [BO], "Re: Hello", day=1, reply_to="b0@beta"), "S"),
            (message("s2@me", ANA, ["club@example.org"], "Re: Club 0", day=11,
                     reply_to="c0@club", **CLUB), "S"),
        ],
        start=500,
    )  # fmt: skip
    return root


def circled(db: Database, address: str) -> int:
    with db.write() as conn:
        pid = people.resolve(conn, address)
        circle.add_member(conn, pid)
    return pid


# -- grouping -----------------------------------------------------------------------------------


def test_grouping_by_list_target_sender_and_domain(me: Database, tmp_path: Path) -> None:
    url = "<https://mail.shop.example/u/{}?e=ana>"
    box = write_mbox(
        tmp_path / "in.mbox",
        [
            message("l1@x", "Xi <xi@x.example>", ["dev@lists.example.org"], "Idea",
                    List_Id="Dev <Dev.Lists.Example.org>"),
            message("l2@y", "Yu <yu@y.example>", ["dev@lists.example.org"], "Re: Idea", day=1,
                    reply_to="l1@x", List_Id="dev.lists.example.org"),
            # two sender addresses, one unsubscribe target (its per-recipient token left out)
            message("s1@shop", "Shop <news@shop.example>", [ME], "Deals",
                    List_Unsubscribe=url.format("a81f93c0d2")),
            message("s2@shop", "Shop <deals@shop.example>", [ME], "More", day=1,
                    List_Unsubscribe=url.format("77c0e1ab99")),
            # bulk from several addresses of one domain, no better key: the domain
            message("g1@gh", "GH <notifications@github.example>", [ME], "PR"),
            message("g2@gh", "GH <noreply@github.example>", [ME], "Build", day=1),
            # one robot address alone stays a sender
            message("r1@rss", "Feed <rssfeeds@feeds.example>", [ME], "Post"),
            message("r2@rss", "Feed <rssfeeds@feeds.example>", [ME], "Post 2", day=2),
            # person mail is no subscription
            message("p1@acme", DANA, [ME], "Lunch?"),
        ],
    )  # fmt: skip
    import_mail(me, [str(box)], workers=0)
    found = subs(me)
    assert set(found) == {
        "list:dev.lists.example.org",
        "unsub:mail.shop.example/u/*",
        "domain:github.example",
        "from:rssfeeds@feeds.example",
    }
    assert [found[k].kind for k in sorted(found)] == ["domain", "sender", "list", "unsubscribe"]
    dev = found["list:dev.lists.example.org"]
    assert (dev.messages, dev.label, dev.list_id) == (2, "Dev", "dev.lists.example.org")
    shop = found["unsub:mail.shop.example/u/*"]
    assert shop.messages == 2 and shop.domain == "shop.example" and shop.label == "Shop"
    assert [m.kind for m in shop.methods] == ["web"] and shop.how == "web"
    assert found["domain:github.example"].messages == 2
    assert found["from:rssfeeds@feeds.example"].how == "none"
    assert not found["from:rssfeeds@feeds.example"].offerable


def test_unsubscribe_targets_and_methods() -> None:
    target = hygiene.unsubscribe_target
    assert target("mailto:X-Request@Host.example?subject=unsubscribe\nhttps://host/u/123") == (
        "mailto:x-request@host.example"
    )
    assert target("<https://News.example/u/123/abcdef0123456789abcd?x=1>") == "news.example/u/*/*"
    assert target("mailto:leave-4819273-ana=kithkin.example@lists.example") == (
        "mailto:leave-*-ana=kithkin.example@lists.example"
    )
    assert target("not a uri") is None
    header = "mailto:off@x.example?subject=stop\nhttps://x.example/u/1\nhttp://x.example/old"
    assert hygiene.methods(header, "List-Unsubscribe=One-Click") == (
        Method("one-click", "https://x.example/u/1"),
        Method("mailto", "mailto:off@x.example?subject=stop"),
        Method("web", "https://x.example/u/1"),
        Method("web", "http://x.example/old"),
    )
    # one-click needs both the POST header and an https URI
    assert [m.kind for m in hygiene.methods(header, None)] == ["mailto", "web", "web"]
    assert [
        m.kind for m in hygiene.methods("http://x.example/u", "List-Unsubscribe=One-Click")
    ] == ["web"]
    assert hygiene.methods(None, None) == ()
    assert hygiene.domain_of("a@mail.shop.co.uk") == "shop.co.uk"
    assert hygiene.domain_of("a@news.github.com") == "github.com"


def test_rate_per_month_and_read_rate(me: Database, tmp_path: Path) -> None:
    # twelve messages over 90 days, one of them read; one dated years off does not count
    posts = [
        (message(f"w{i}@w", "W <weekly@w.example>", [ME], f"Week {i}", day=i * 8,
                 List_Id="weekly.w.example"), "S" if i == 0 else "")
        for i in range(12)
    ] + [(message("w99@w", "W <weekly@w.example>", [ME], "Y2K", day=3650,
                  List_Id="weekly.w.example"), "")]  # fmt: skip
    write_maildir(tmp_path / "mail" / "INBOX", posts)
    import_mail(me, [str(tmp_path / "mail")], workers=0)
    (weekly,) = subs(me).values()
    assert weekly.messages == 13
    assert 3.5 < weekly.per_month < 4.5
    assert weekly.read_rate == pytest.approx(1 / 13, abs=0.001)
    assert weekly.explanation.startswith("4.1 a month, 8% read, you never replied")
    assert weekly.how == "none" and weekly.offer_note.startswith("no way to leave it")
    assert hygiene.rate_per_month({}) == 0.0


def test_mailboxes_without_flags_give_no_read_rate(me: Database, tmp_path: Path) -> None:
    box = write_mbox(
        tmp_path / "in.mbox",
        [message(f"n{i}@n", "N <news@n.example>", [ME], "N", day=i, **NOISE) for i in range(3)],
    )
    import_mail(me, [str(box)], workers=0)
    (noise,) = subs(me).values()
    assert noise.read_rate is None
    assert noise.explanation.startswith("3 a month, you never replied")


# -- cost, ranking, buried ----------------------------------------------------------------------


def test_a_noisy_unread_list_burying_circle_mail_ranks_first(me: Database, tmp_path: Path) -> None:
    import_mail(me, [str(noisy_day(tmp_path / "mail"))], workers=0)
    circled(me, "dana@acme.example")
    with me.read() as conn:
        ranked = hygiene.subscriptions(read_inbox(conn))
    assert [s.key for s in ranked] == ["list:noise.example.org", "list:club.example.org"]
    noise, club = ranked
    assert noise.cost > club.cost
    assert (noise.read_rate, noise.replies_sent, club.read_rate, club.replies_sent) == (
        0.0, 0, 1.0, 1,
    )  # fmt: skip
    # Dana (circle), Bo (I wrote to him before) and Cy are unanswered on the noisy day
    assert (noise.buried, noise.buried_circle, noise.buried_colleagues) == (3, 1, 1)
    assert noise.explanation == (
        "12 a month, none read, you never replied; 3 messages from real people arrived the "
        "same days and are still unanswered (1 from your circle, 1 from people you write to)"
    )
    assert club.buried == 4  # the noisy day and Eve's quiet day
    assert "all read, you replied 1 time" in club.explanation
    assert noise.offerable and noise.how == "mailto" and noise.offer_note == "can be left by a mail"
    assert club.offerable and club.how == "web"


def test_cost_score_is_bounded_and_monotonic() -> None:
    quiet = hygiene.cost_score(1, None, 0, 1, (0, 0, 0))
    loud = hygiene.cost_score(300, 0.0, 0, 900, (0, 0, 10))
    read = hygiene.cost_score(300, 1.0, 0, 900, (0, 0, 10))
    assert 0 < quiet < read < loud <= 100
    assert hygiene.cost_score(5000, 0.0, 0, 9000, (100, 100, 100)) == 100
    assert hygiene.cost_score(0, None, 0, 0, (0, 0, 0)) == 0


def test_buried_mail_circle_then_colleagues_then_others(me: Database, tmp_path: Path) -> None:
    import_mail(me, [str(noisy_day(tmp_path / "mail"))], workers=0)
    dana = circled(me, "dana@acme.example")
    with me.read() as conn:
        found = hygiene.buried(read_inbox(conn, details=True))
    assert [(b.name, b.tier) for b in found] == [
        ("Dana Whitfield", "circle"),
        ("Bo Chen", "colleague"),
        ("Cy Doe", "other"),
    ]  # Eve wrote on a quiet day: not buried
    first = found[0]
    assert (first.person_id, first.subject, first.traffic) == (dana, "Board seat?", 13)
    assert first.day == (BASE + timedelta(days=10)).date()
    assert first.reason == (
        "Dana Whitfield (from your circle) wrote on 2024-03-14, among 13 list and bulk "
        "messages that day; still unanswered"
    )
    with me.read() as conn:
        assert hygiene.buried(read_inbox(conn, details=True), limit=1) == found[:1]
        assert hygiene.buried(read_inbox(conn, details=True), since=BASE + timedelta(days=11)) == []
    assert json.loads(json.dumps(to_jsonable(found)))[0]["day"] == "2024-03-14"


# -- rules, spam, unsubscribe state -------------------------------------------------------------


def test_keep_and_digest_are_never_proposed(me: Database, tmp_path: Path) -> None:
    import_mail(me, [str(noisy_day(tmp_path / "mail"))], workers=0)
    with me.write() as conn:
        store.set_rule(conn, "list:noise.example.org", "keep")
    with me.read() as conn:
        ranked = hygiene.subscriptions(read_inbox(conn))
    assert [s.key for s in ranked] == ["list:club.example.org", "list:noise.example.org"]
    kept = ranked[-1]
    assert kept.rule == "keep" and hygiene.offerable(kept) == (False, "kept by you")
    assert not kept.offerable
    with me.write() as conn:
        store.set_rule(conn, "list:club.example.org", "digest")
    club = subs(me)["list:club.example.org"]
    assert (club.offerable, club.offer_note) == (False, "read as a digest by you")


def test_spam_is_never_offered_an_unsubscribe(me: Database, tmp_path: Path) -> None:
    root = tmp_path / "mail"
    lst = {"List_Id": "ilug.linux.example", "List_Unsubscribe": "<mailto:ilug-off@linux.example>"}
    write_maildir(
        root / "INBOX",
        [
            (message("i1@a", "Al <al@a.example>", ["ilug@linux.example"], "Kernel", **lst), ""),
            (message("i2@b", "Bea <bea@b.example>", ["ilug@linux.example"], "Re: Kernel",
                     day=1, reply_to="i1@a", **lst), ""),
            # a one-off sender, never answered, no List-Id: looks like spam
            (message("o1@once", "Offer <offer@once.example>", [ME], "Act now",
                     List_Unsubscribe="<https://once.example/u/1>",
                     List_Unsubscribe_Post="List-Unsubscribe=One-Click"), ""),
        ],
    )  # fmt: skip
    write_maildir(
        root / "Spam",
        [
            # spam that came through the real list: the list stays a subscription
            (message("x1@s", "Win <win@s.example>", ["ilug@linux.example"], "Win", day=2,
                     **lst), ""),
            # a "subscription" made only of spam, with a one-click header
            *[(message(f"g{i}@s", "Great <great@offers.example>", [ME], "Deal", day=i,
                       List_Unsubscribe="<https://offers.example/u>",
                       List_Unsubscribe_Post="List-Unsubscribe=One-Click"), "")
              for i in range(3)],
        ],
        start=100,
    )  # fmt: skip
    import_mail(me, [str(root)], workers=0)
    found = subs(me)
    ilug = found["list:ilug.linux.example"]
    assert (ilug.messages, ilug.spam_messages, ilug.spam_only, ilug.looks_like_spam) == (
        2, 1, False, False,
    )  # fmt: skip
    assert ilug.offerable and ilug.how == "mailto"
    great = found["unsub:offers.example/u"]
    assert great.spam_only and great.looks_like_spam and great.methods == ()
    assert hygiene.offerable(great) == (
        False, "report as spam instead: every message sat in the spam folder",
    )  # fmt: skip
    assert great.explanation == "3 messages, all in the spam folder: report as spam"
    once = found["unsub:once.example/u/*"]
    assert once.looks_like_spam and not once.spam_only and once.cost == 0
    assert once.offer_note == (
        "report as spam instead: the sender wrote only once and you never answered "
        "(no DKIM signature)"
    )
    with me.read() as conn:
        ranked = [s.key for s in hygiene.subscriptions(read_inbox(conn))]
    assert ranked[0] == "list:ilug.linux.example"  # spam after the proposals


def test_a_one_off_sender_i_know_is_not_spam(me: Database, tmp_path: Path) -> None:
    box = write_mbox(
        tmp_path / "in.mbox",
        [
            message("p1@acme", DANA, [ME], "Lunch?"),
            message("n1@acme", "Dana Whitfield <dana@acme.example>", [ME], "Our newsletter",
                    day=1, Precedence="bulk", List_Unsubscribe="<mailto:off@acme.example>"),
        ],
    )  # fmt: skip
    import_mail(me, [str(box)], workers=0)
    (dana,) = subs(me).values()
    assert not dana.looks_like_spam and dana.offerable


def test_unsubscribe_pending_done_then_ignored(me: Database, tmp_path: Path) -> None:
    root = tmp_path / "mail"
    posts = [(message(f"n{i}@n", "N <n@noise.example>", ["noise@example.org"], "N", day=i,
                      **NOISE), "") for i in range(3)]  # fmt: skip
    write_maildir(root / "INBOX", posts)
    import_mail(me, [str(root)], workers=0)
    key = "list:noise.example.org"
    (noise,) = subs(me).values()
    (mailto,) = noise.methods
    clock.freeze(BASE + timedelta(days=3))
    with me.write() as conn:
        entry = store.record_action(
            conn, action="unsubscribe", subscription_key=key, method="mailto",
            target=mailto.target,
        )  # fmt: skip
    pending = subs(me)[key]
    assert (pending.state, pending.outbox_id, pending.offerable) == ("pending", entry.id, False)
    assert pending.offer_note == f"an unsubscribe is under way (outbox #{entry.id})"
    with me.write() as conn:
        store.start_attempt(conn, entry.id)
        store.finish_attempt(conn, entry.id, "done", "sent")
    # one more message a day later: inside the grace period
    write_maildir(root / "INBOX", [(message("n3@n", "N <n@noise.example>", ["noise@example.org"],
                                            "N", day=4, **NOISE), "")], start=3)  # fmt: skip
    import_mail(me, [str(root)], workers=0)
    clock.freeze(BASE + timedelta(days=4, hours=12))
    done = subs(me)[key]
    assert (done.state, done.state_at, done.offerable) == ("done", BASE + timedelta(days=3), False)
    assert done.offer_note == "unsubscribed on 2024-03-07; checking that it stops"
    # still sending three days after the unsubscribe
    write_maildir(root / "INBOX", [(message("n4@n", "N <n@noise.example>", ["noise@example.org"],
                                            "N", day=6, **NOISE), "")], start=4)  # fmt: skip
    import_mail(me, [str(root)], workers=0)
    clock.freeze(BASE + timedelta(days=7))
    ignored = subs(me)[key]
    assert (ignored.state, ignored.received_since, ignored.offerable) == ("ignored", 1, False)
    assert ignored.offer_note == (
        "unsubscribe ignored: 1 message since you unsubscribed on 2024-03-07; "
        "report as spam instead"
    )
    assert ignored.explanation.endswith("; still sending after your unsubscribe (1 since)")


def test_a_failed_unsubscribe_may_be_offered_again(me: Database, tmp_path: Path) -> None:
    box = write_mbox(tmp_path / "in.mbox", [message("n1@n", "N <n@n.example>", [ME], "N", **NOISE)])
    import_mail(me, [str(box)], workers=0)
    with me.write() as conn:
        entry = store.record_action(
            conn, action="unsubscribe", subscription_key="list:noise.example.org",
            method="mailto", target="mailto:noise-off@example.org",
        )  # fmt: skip
        store.start_attempt(conn, entry.id)
        store.finish_attempt(conn, entry.id, "failed", "SMTP 451")
    (noise,) = subs(me).values()
    assert (noise.state, noise.offerable) == ("failed", True)
    assert (
        noise.offer_note == f"the last attempt failed (outbox #{entry.id}); can be left by a mail"
    )


def test_subscriptions_serialise_to_json(me: Database, tmp_path: Path) -> None:
    import_mail(me, [str(noisy_day(tmp_path / "mail"))], workers=0)
    with me.read() as conn:
        reads = read_inbox(conn)
    ranked = hygiene.subscriptions(reads, now=BASE + timedelta(days=30))
    data = json.loads(json.dumps(to_jsonable(ranked)))
    first = data[0]
    assert first["key"] == "list:noise.example.org"
    assert first["methods"] == [{"kind": "mailto", "target": "mailto:noise-off@example.org"}]
    assert first["explanation"] and first["offerable"] is True
    assert first["first_at"].startswith("2024-03-14")
