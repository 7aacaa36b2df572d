"""Inbox hygiene on the real corpora: the cip test-results list (RFC 8058 one-click, DKIM
signed by lists.cip-project.org), the ksummit discussion list and an Enron inbox (2001: no
List-Unsubscribe at all). No network: the DKIM key lookup answers nothing, and a POST would
fail the test."""

from __future__ import annotations

import pytest

from kithkin.practices import hygiene
from kithkin.services import unsubscribe
from kithkin.services.inbox import read as read_inbox
from kithkin.store import Database
from kithkin.store import hygiene as store
from tests.builders.inbox import mail_of
from tests.conftest import shared_data

pytestmark = pytest.mark.corpus
CIP = "list:cip-testing-results.lists.cip-project.org"


def no_dns(name: bytes, timeout: float = 5) -> bytes | None:
    return None  # offline: the sender's key cannot be had, so one-click is refused


def test_cip_and_ksummit(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    cip = shared_data("mail", "lists", "cip-testing-results.eml")
    ksummit = shared_data("mail", "lists", "ksummit.lists.linux.dev.mbox")
    mail_of(db, cip, ksummit, name="Reader", addresses=["reader@corp.example"])
    with db.read() as conn:
        subs = {s.key: s for s in hygiene.subscriptions(read_inbox(conn))}
    robot = subs[CIP]
    assert robot.how == "one-click" and robot.offerable and robot.messages == 1000
    assert robot.dkim_share == 1.0 and robot.replies_sent == 0
    talk = next(s for key, s in subs.items() if "ksummit" in key)
    assert talk.offerable and talk.messages > 3000
    print(f"\ncip: {robot.per_month:.0f} a month, cost {robot.cost}: {robot.explanation}")
    print(f"ksummit: {talk.per_month:.0f} a month, cost {talk.cost}: {talk.explanation}")

    [dry] = unsubscribe.plan(db, subscriptions=[CIP], options=unsubscribe.Options())
    assert dry.method == "one-click" and "DKIM" in dry.plan

    def no_post(url: str, options: unsubscribe.Options) -> None:
        raise AssertionError(f"a POST to {url} was attempted")

    monkeypatch.setattr(unsubscribe, "_post", no_post)
    [step] = unsubscribe.apply(db, subscriptions=[CIP], options=unsubscribe.Options(dns=no_dns))
    # the real signature cannot be checked offline: the link is given to open instead
    assert any("one-click refused" in note and "no DKIM key" in note for note in step.notes)
    assert step.method == "web" and step.status == "shown"
    with db.read() as conn:
        [entry] = store.actions(conn)
    assert entry.method == "web"


def test_an_enron_inbox_has_subscriptions_but_no_way_to_leave_them(db: Database) -> None:
    inbox = shared_data("mail", "enron-inbox", "kaminski-v")
    mail_of(db, inbox, name="Vince", addresses=["vkamins@enron.com", "j.kaminski@enron.com"])
    with db.read() as conn:
        subs = hygiene.subscriptions(read_inbox(conn))
    assert subs and all(s.how == "none" for s in subs)
    assert not any(s.offerable for s in subs)
    assert all("filter it instead" in s.offer_note or "spam" in s.offer_note for s in subs)
    print(f"\nkaminski-v: {len(subs)} subscriptions, none can be left (2001: no List-Unsubscribe)")
