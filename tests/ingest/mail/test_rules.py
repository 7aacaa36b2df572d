"""The pure mail rules: kinds of mail, list addresses, names, thread subjects, direction."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kithkin.ingest.correspondents import is_list_address, is_robot_address, person_name
from kithkin.ingest.mail.rules import (
    classify,
    direction,
    is_spam_folder,
    list_address,
    thread_subject,
)


@dataclass(frozen=True)
class Headers:
    from_: tuple[tuple[str, str], ...] = (("Dana", "dana@acme.example"),)
    list_id: str | None = None
    precedence: str | None = None
    auto_submitted: str | None = None
    list_unsubscribe: tuple[str, ...] = ()
    list_unsubscribe_post: str | None = None
    subject: str | None = "Lunch?"
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    folder: str = "INBOX"
    labels: tuple[str, ...] = ()


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (Headers(), "person"),
        (Headers(list_id="ksummit.lists.linux.dev", precedence="bulk"), "list"),
        (Headers(auto_submitted="auto-generated"), "bulk"),
        (Headers(auto_submitted="no"), "person"),
        (Headers(from_=(("Neal", "noreply@ciplatform.org"),), list_id="cip.lists.x"), "bulk"),
        (Headers(precedence="bulk", subject="The weekly digest"), "bulk"),
        (Headers(list_unsubscribe=("https://x.example/u",)), "bulk"),
        # A Yahoo Groups copy: no List-Id, but a [tag] and a reply: a discussion
        (Headers(precedence="bulk", subject="Re: [zzzzteana] Moon over ocean"), "list"),
        (Headers(precedence="bulk", subject="[zzzzteana] Bomb Ikea"), "list"),
        (Headers(precedence="bulk", subject="Promises", in_reply_to=("a@b",)), "list"),
        (Headers(precedence="junk", subject="Re: [x] cheap"), "bulk"),
        (Headers(from_=(("boingboing", "rssfeeds@spamassassin.taint.org"),)), "bulk"),
        (Headers(from_=(("", "no.address@enron.com"),)), "bulk"),
        (Headers(folder="Spam"), "spam"),
        (Headers(folder="[Gmail]/Spam"), "spam"),
        # a Google Takeout mbox: one folder, Gmail's labels on every message
        (Headers(folder="All mail Including Spam and Trash", labels=("Spam", "Unread")), "spam"),
        (Headers(labels=("Inbox", "Category Promotions", "Unread")), "bulk"),
        (Headers(labels=("Category Social",)), "bulk"),
        (Headers(labels=("Inbox", "Category Updates", "Opened")), "person"),
        (Headers(labels=("Sent", "Opened", "Important")), "person"),
        (Headers(folder="Junk E-mail"), "spam"),
        (Headers(folder="spam-1", list_id="x.lists.y"), "spam"),
        (Headers(folder="lists/spamassassin-talk"), "person"),
    ],
)
def test_classify(headers: Headers, expected: str) -> None:
    assert classify(headers) == expected


def test_robots_and_spam_folders() -> None:
    assert is_robot_address("noreply@github.com")
    assert is_robot_address("bounce+64575+260880@lists.cip-project.org")
    assert not is_robot_address("dana.norris@acme.example")
    assert not is_robot_address("newsom@ca.gov")
    assert is_spam_folder("Junk") and is_spam_folder("INBOX/Spam")
    assert not is_spam_folder("Inbox")


def test_list_addresses() -> None:
    assert list_address("ksummit.lists.linux.dev") == "ksummit@lists.linux.dev"
    assert list_address("<jailhouse-dev.googlegroups.com>") == "jailhouse-dev@googlegroups.com"
    assert list_address("Example of List Id") is None
    assert list_address("localhost") is None
    assert list_address(None) is None
    assert is_list_address("ksummit@lists.linux.dev")
    assert is_list_address("cip-testing-results@lists.cip-project.org")
    assert is_list_address("team@googlegroups.com")
    assert is_list_address("linux-kernel@vger.kernel.org", {"linux-kernel@vger.kernel.org"})
    assert not is_list_address("dana@acme.example")


@pytest.mark.parametrize(
    ("name", "address", "expected"),
    [
        ("Dana Whitfield", "dana@acme.example", "Dana Whitfield"),
        ('"Whitfield, Dana"', "dana@acme.example", "Dana Whitfield"),
        ("'Jan Kiszka' via jailhouse-dev", "jan@siemens.example", "Jan Kiszka"),
        ("", "kenneth.lay@enron.com", "Kenneth Lay"),
        ("", "w..delainey@enron.com", "W Delainey"),
        ("dana@acme.example", "dana@acme.example", "Dana"),
        ("", "JSmith@example.com", "JSmith"),
        ("田中 愛子", "aiko@tokyo.example", "田中 愛子"),
    ],
)
def test_person_name(name: str, address: str, expected: str) -> None:
    assert person_name(name, address) == expected


@pytest.mark.parametrize(
    ("subject", "key"),
    [
        ("Re: Lunch", "lunch"),
        ("RE: FW: Lunch  plans", "lunch plans"),
        ("Re: [ksummit] Re: [TECH TOPIC] Rust", "rust"),
        ("AW: Termin", "termin"),
        ("Re[2]: Budget", "budget"),
        (None, ""),
    ],
)
def test_thread_subject(subject: str | None, key: str) -> None:
    assert thread_subject(subject) == key


def test_direction() -> None:
    me = {"me@x.example"}
    assert direction(["me@x.example"], ["a@y"], me) == "from_me"
    assert direction(["a@y"], ["me@x.example"], me) == "to_me"
    assert direction(["me@x.example"], ["me@x.example"], me) == "both"
    assert direction(["a@y"], ["b@y"], me) == "neither"
