"""`kithkin inbox ...` in-process on a real import: subscriptions ranked, buried mail, the
unsubscribe dry run and --apply for a web link, keep/digest rules, SMTP settings, the outbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.ingest.mailbox import message, write_maildir

Run = Any
ME = "me@corp.example"


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.code == 0, result.err
    return str(result.out)


@pytest.fixture
def mailbox(run: Run, tmp_path: Path) -> Run:
    """A noisy list I never read, a newsletter with only a web link, a colleague's unanswered
    mail on the list's busiest day, and spam."""
    _ok(run, "init", "--name", "Me", "--email", ME)
    noisy = [
        (
            message(
                f"l{d}.{k}@lists.example",
                f"Poster {k} <p{k}@dev.example>",
                ["dev@lists.example"],
                f"[dev] thread {d}.{k}",
                day=d,
                List_Id="Dev talk <dev.lists.example>",
                List_Unsubscribe="<mailto:dev-request@lists.example?subject=unsubscribe>",
            ),
            "",
        )
        for d in range(10)
        for k in range(3 if d else 12)
    ]
    shop = [
        (
            message(
                f"s{d}@shop.example",
                "Shop <offers@shop.example>",
                [ME],
                f"Offer {d}",
                day=d,
                Precedence="bulk",
                List_Unsubscribe="<https://shop.example/leave?u=77>",
            ),
            "S",
        )
        for d in range(4)
    ]
    colleague = [(message("c1@corp", "Cole Park <cole@corp.example>", [ME], "Budget"), "")]
    mine = [
        (message("m1@corp", f"Me <{ME}>", ["Cole Park <cole@corp.example>"], "Hi", day=-3), "S")
    ]
    write_maildir(tmp_path / "mail" / "INBOX", [*noisy, *shop, *colleague, *mine])
    prize = message(
        "x1@prize",
        "Prize <win@prize.example>",
        [ME],
        "Won",
        List_Unsubscribe="<https://prize.example/s>",
    )
    spam = [(prize, "")]
    write_maildir(tmp_path / "mail" / "Spam", spam)
    _ok(run, "import", "mail", str(tmp_path / "mail"))
    return run


def test_subscriptions_ranked_and_explained(mailbox: Run) -> None:
    text = _ok(mailbox, "inbox", "subscriptions")
    lines = text.splitlines()
    assert "Dev talk" in lines[0]  # the costliest first
    assert "you never replied" in text and "leave: mailto" in text
    assert "prize" not in text.lower()  # spam is hidden unless --all
    everything = _ok(mailbox, "inbox", "subscriptions", "--all")
    assert "report as spam instead" in everything
    data = json.loads(_ok(mailbox, "inbox", "subscriptions", "--json"))
    first = data[0]
    assert first["label"] == "Dev talk" and first["id"].startswith("s") and first["offerable"]
    assert {"per_month", "last_at", "replies_sent", "read_rate", "how", "dkim_share", "cost",
            "explanation"} <= set(first)  # fmt: skip
    assert [s["offerable"] for s in data if s["spam_only"]] == [False]


def test_inbox_alone_lists_the_subscriptions_worth_leaving(mailbox: Run) -> None:
    text = _ok(mailbox, "inbox")
    assert text == _ok(mailbox, "inbox", "subscriptions")
    assert "Dev talk" in text.splitlines()[0]
    assert json.loads(_ok(mailbox, "inbox", "--json")) == json.loads(
        _ok(mailbox, "inbox", "subscriptions", "--json")
    )


def test_buried_mail(mailbox: Run) -> None:
    text = _ok(mailbox, "inbox", "buried")
    assert "Cole Park: Budget" in text and "list and bulk messages that day" in text
    [item] = json.loads(_ok(mailbox, "inbox", "buried", "--json"))
    assert item["tier"] == "colleague" and item["subject"] == "Budget"


def test_dry_run_then_apply_a_web_link_once(mailbox: Run) -> None:
    dry = _ok(mailbox, "inbox", "unsubscribe", "shop.example")
    assert "would give you the link to open yourself: https://shop.example/leave?u=77" in dry
    assert _ok(mailbox, "inbox", "outbox").strip() == "the outbox is empty"
    done = json.loads(_ok(mailbox, "inbox", "unsubscribe", "shop.example", "--apply", "--json"))
    [step] = done["steps"]
    assert done["applied"] and step["status"] == "shown" and step["outbox_id"]
    again = _ok(mailbox, "inbox", "unsubscribe", "shop.example", "--apply")
    assert "you were given its link on" in again  # not offered twice
    [entry] = json.loads(_ok(mailbox, "inbox", "outbox", "--json"))
    assert entry["status"] == "done" and entry["method"] == "web"


def test_spam_is_refused_and_mailto_needs_an_smtp_server(mailbox: Run) -> None:
    assert "report as spam instead" in _ok(mailbox, "inbox", "unsubscribe", "prize.example")
    assert "no SMTP server set" in _ok(mailbox, "inbox", "unsubscribe", "dev.lists.example")
    assert "no SMTP server set" in mailbox("inbox", "smtp").err
    _ok(mailbox, "inbox", "smtp", "--host", "127.0.0.1", "--port", "2525", "--security", "none")
    shown = _ok(mailbox, "inbox", "smtp")
    assert shown.strip() == f"127.0.0.1:2525 (none), from {ME}"
    dry = _ok(mailbox, "inbox", "unsubscribe", "dev.lists.example")
    assert f"would send a mail to dev-request@lists.example from {ME} via 127.0.0.1:2525" in dry
    bad = mailbox("inbox", "smtp", "--host", "x", "--from", "not-an-address")
    assert bad.code != 0 and "not an address" in bad.err


def test_keep_and_digest_rules(mailbox: Run) -> None:
    _ok(mailbox, "inbox", "keep", "dev.lists.example")
    dry = _ok(mailbox, "inbox", "unsubscribe", "dev.lists.example")
    assert "kept by you" in dry
    data = json.loads(_ok(mailbox, "inbox", "subscriptions", "--json"))
    assert data[-1]["label"] == "Dev talk" and data[-1]["rule"] == "keep"  # kept ones last
    _ok(mailbox, "inbox", "keep", "--clear", "dev.lists.example")
    _ok(mailbox, "inbox", "digest", "shop.example")
    assert "read as a digest" in _ok(mailbox, "inbox", "unsubscribe", "shop.example")
    unknown = mailbox("inbox", "keep", "nothing-like-it")
    assert unknown.code != 0 and "no subscription matches" in unknown.err


def test_the_next_import_says_when_an_unsubscribe_was_ignored(mailbox: Run, tmp_path: Path) -> None:
    from datetime import timedelta

    from kithkin import clock
    from tests.ingest.mailbox import BASE

    clock.freeze(BASE + timedelta(days=5))
    _ok(mailbox, "inbox", "unsubscribe", "shop.example", "--apply")
    later = [
        (
            message(
                f"s{d}@shop.example",
                "Shop <offers@shop.example>",
                [ME],
                f"Offer {d}",
                day=d,
                Precedence="bulk",
                List_Unsubscribe="<https://shop.example/leave?u=77>",
            ),
            "",
        )
        for d in (8, 9)
    ]
    write_maildir(tmp_path / "mail" / "INBOX", later, start=500)
    clock.freeze(BASE + timedelta(days=10))
    result = mailbox("import", "mail", str(tmp_path / "mail"))
    assert result.code == 0, result.err
    assert "Shop (s" in result.err and "it still sends (2 since)" in result.err
    data = json.loads(_ok(mailbox, "import", "mail", str(tmp_path / "mail"), "--json"))
    assert [s["label"] for s in data["unsubscribe_ignored"]] == ["Shop"]
