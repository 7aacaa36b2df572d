"""Inbox hygiene on the SpamAssassin corpus (2002): easy-ham-1 (real lists and people) and
spam-1 (real spam, some of it delivered through the very lists the ham comes from) imported
into one database. Skipped where ../shared/data is absent.

    uv run pytest tests/practices/test_hygiene_corpus.py -q -s   # prints the counts
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from kithkin.model import to_jsonable
from kithkin.practices import hygiene
from kithkin.services.inbox import read as read_inbox
from kithkin.store import Database
from tests.builders.inbox import mail_of
from tests.conftest import shared_data

pytestmark = pytest.mark.corpus

# The corpus owner's addresses, as the corpus obfuscated them (To: and Delivered-To: lines).
ME = [
    "yyyy@spamassassin.taint.org",
    "zzzz@spamassassin.taint.org",
    "yyyy@example.com",
    "zzzz@example.com",
]

# The List-Ids as the files give them (lower-cased), with at least this many ham messages.
KNOWN_LISTS = {
    "fork.xent.com": 600,
    "ilug.linux.ie": 100,
    "spamassassin-talk.example.sourceforge.net": 100,
    "razor-users.example.sourceforge.net": 80,
    "exmh-users.spamassassin.taint.org": 80,
    "exmh-workers.spamassassin.taint.org": 70,
    "rpm-zzzlist.freshrpms.net": 200,
}


def test_spamassassin_subscriptions(db: Database) -> None:
    ham = shared_data("mail", "spamassassin", "easy-ham-1")
    spam = shared_data("mail", "spamassassin", "spam-1")
    mail_of(db, ham, spam, name="me", addresses=ME)
    with db.read() as conn:
        started = time.perf_counter()
        found = hygiene.subscriptions(read_inbox(conn))
        took = time.perf_counter() - started
        buried = hygiene.buried(read_inbox(conn, details=True))
    by_key = {s.key: s for s in found}

    spam_only = [s for s in found if s.spam_only]
    assert spam_only and not [s for s in spam_only if s.offerable]
    assert not [s for s in found if s.looks_like_spam and s.offerable]
    assert all(s.offer_note.startswith("report as spam instead") for s in spam_only)
    for list_id, at_least in KNOWN_LISTS.items():
        sub = by_key[f"list:{list_id}"]
        assert sub.messages >= at_least, list_id
        assert sub.offerable and sub.how == "mailto", (list_id, sub.offer_note)
        assert not sub.looks_like_spam
    # real lists some spam came through: subscriptions, judged on their ham, offerable
    both = [s for s in found if s.list_id and s.messages and s.spam_messages]
    assert {"list:ilug.linux.ie", "list:spamassassin-talk.example.sourceforge.net"} <= {
        s.key for s in both
    }
    assert all(s.offerable for s in both if s.methods and not s.rule)
    # the Yahoo Group without a List-Id is one subscription, by its unsubscribe address
    yahoo = by_key["unsub:mailto:zzzzteana-unsubscribe@yahoogroups.com"]
    assert yahoo.messages > 100 and yahoo.offerable
    # fork.xent.com has one message dated 2028: its rate is still that of a busy list
    assert by_key["list:fork.xent.com"].per_month > 200
    # ranked: proposals by cost, then what looks like spam
    proposals = [s for s in found if not s.looks_like_spam and not s.rule]
    assert found[: len(proposals)] == proposals
    assert [s.cost for s in proposals] == sorted((s.cost for s in proposals), reverse=True)
    assert to_jsonable(found[0])["explanation"]
    # the owner posted to FoRK; people's mail to him went unanswered on heavy list days
    assert by_key["list:fork.xent.com"].replies_sent > 0
    assert sum(s.buried > 0 for s in proposals) > 10
    assert len(buried) > 10 and all(b.traffic >= hygiene.HEAVY_MIN for b in buried)

    kinds = Counter(s.kind for s in found)
    print(
        f"\nsubscriptions found: {len(found)} ({dict(kinds)}); offerable: "
        f"{sum(s.offerable for s in found)}; spam-only: {len(spam_only)}, of them offered: "
        f"{sum(s.offerable for s in spam_only)}; looking like spam (one-off senders too): "
        f"{sum(s.looks_like_spam for s in found)}; lists in both ham and spam: {len(both)} "
        f"({', '.join(sorted(s.list_id or '' for s in both))}); buried messages: {len(buried)}; "
        f"subscriptions() took {took * 1000:.0f} ms"
    )
    for s in found[:12]:
        print(f"  {s.cost:3d} {s.key}: {s.explanation} [{s.offer_note}]")
