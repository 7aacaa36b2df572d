"""The demo's inbox, so the Inbox page has something to rank: fictional lists, newsletters and
notifications of the last months, some spam, and the person mail of the demo's email
interactions among them (answered or not), all written by the project with `.example`
addresses.

The messages are written straight into the mail tables, under one mailbox that keeps read
flags; there are no files behind them, so no feed offers one-click (which must check the
original's signature): mailto and links are. Deterministic: the same seed and day give the
same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import Connection

from kithkin.demo.people import Person, Touch
from kithkin.store import mail as store_mail

DAYS: Final = 120  # how far back the demo's mailbox goes
LOCATION: Final = "kithkin-demo:inbox"  # its mail_source: a mailbox that keeps read flags
ANSWER_WITHIN: Final = timedelta(days=14)


@dataclass(frozen=True)
class Feed:
    """A subscription of the demo: who sends, how often, and how I treat it."""

    name: str
    address: str
    list_id: str | None
    per_day: float  # messages a day, on average
    read: float  # share I open
    unsubscribe: tuple[str, ...]  # List-Unsubscribe URIs
    subjects: tuple[str, ...]
    category: str = "bulk"  # bulk, list, spam
    dkim: bool = True
    burst: float = 0.0  # chance a day brings a flood (a hot thread, a campaign)
    replies: int = 0  # my posts to it over the period
    auto: bool = False  # Auto-Submitted (notifications)


FEEDS: Final = (
    Feed(
        "CIO Roundtable", "roundtable@lists.cioforum.example", "roundtable.lists.cioforum.example",
        2.5, 0.7,
        ("mailto:roundtable-leave@lists.cioforum.example",
         "https://lists.cioforum.example/roundtable/options"),
        ("Re: zero-trust rollouts that stuck", "Re: who runs your data office?",
         "Board reporting on cyber risk", "Re: ERP migrations, again",
         "Peer dinner in the spring?"),
        category="list", dkim=False, burst=0.08, replies=4,
    ),
    Feed(
        "Vendor Webinars", "events@webinars.cloudvendor.example", None, 2.0, 0.0,
        ("mailto:unsubscribe@webinars.cloudvendor.example",
         "https://webinars.cloudvendor.example/prefs?u=alex"),
        ("Last chance: AI for the modern CIO", "Your seat is waiting",
         "Webinar: cut cloud spend 40%", "Reminder: starts in 1 hour"),
        burst=0.05,
    ),
    Feed(
        "Industry Pulse Daily", "digest@industrypulse.example", "daily.industrypulse.example",
        1.0, 0.15, ("https://industrypulse.example/unsubscribe?id=alex",),
        ("Today in enterprise IT", "The week's five stories", "Pulse: outages and outlooks"),
    ),
    Feed(
        "Cloud Weekly", "newsletter@cloudweekly.example", "weekly.cloudweekly.example", 0.15,
        0.8, ("mailto:leave@cloudweekly.example",),
        ("Cloud Weekly #{n}", "Cloud Weekly #{n}: FinOps special"),
    ),
    Feed(
        "Board Portal", "noreply@boardportal.example", None, 0.6, 0.4, (),
        ("New document in Q{q} board pack", "Reminder: resolution to sign"), auto=True,
    ),
    Feed(
        "Prize Desk", "win@prize-desk.example", None, 0.05, 0.0,
        ("https://prize-desk.example/stop",), ("You have won", "Claim your reward"),
        category="spam", dkim=False,
    ),
)  # fmt: skip


def write_mail(
    conn: Connection,
    rng: random.Random,
    end: datetime,
    me: str,
    people: list[Person],
    touches: list[Touch],
    seed: int,
) -> int:
    """Write the demo's mailbox ending at `end`; returns how many messages."""
    start = end - timedelta(days=DAYS)
    rows: list[dict[str, Any]] = []
    for f in FEEDS:
        rows += _feed(rng, f, start, end, me, seed)
    rows += _person_mail(people, touches, start, end, me, seed)
    rows.sort(key=lambda r: (r["date"], r["message_id"]))
    source = store_mail.open_source(conn, LOCATION, "demo")
    store_mail.add_messages(
        conn,
        [tuple({**r, "source_id": source.id}[c] for c in store_mail.MESSAGE_COLUMNS) for r in rows],
    )
    store_mail.save_progress(conn, source.id, messages=len(rows), done=True)
    return len(rows)


def _feed(
    rng: random.Random, f: Feed, start: datetime, end: datetime, me: str, seed: int
) -> list[dict[str, Any]]:
    out = []
    mine = set(rng.sample(range(DAYS), f.replies)) if f.replies else set()
    for day in range(DAYS):
        count = _poisson(rng, f.per_day) + (rng.randrange(8, 16) if rng.random() < f.burst else 0)
        for k in range(count):
            at = start + timedelta(days=day, minutes=rng.randrange(6 * 60, 22 * 60))
            if at >= end:
                continue
            subject = rng.choice(f.subjects).format(n=day // 7 + 101, q=(at.month - 1) // 3 + 1)
            flags = "S" if rng.random() < f.read else ""
            out.append(
                _row(
                    f"{f.address.split('@')[0]}{day}.{k}.{seed}@{f.address.split('@')[1]}",
                    f.category, "to_me" if f.category != "list" else "neither", at,
                    f.address, f.name, subject, f, flags,
                )
            )  # fmt: skip
        if day in mine:  # my own post to the list
            at = start + timedelta(days=day, hours=19)
            if at < end:
                out.append(
                    _row(
                        f"alex{day}.{seed}@harbourline.example", "list", "from_me", at, me,
                        "Alex Morgan", f"Re: {rng.choice(f.subjects)}", f, "S",
                    )
                )  # fmt: skip
    return out


def _row(
    message_id: str,
    category: str,
    direction: str,
    at: datetime,
    sender: str,
    name: str,
    subject: str,
    f: Feed | None,
    flags: str,
) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "category": category,
        "direction": direction,
        "date": at,
        "date_estimated": False,
        "from_address": sender,
        "from_name": name,
        "subject": subject,
        "recipients": 1,
        "in_reply_to": None,
        "list_id": f.list_id if f else None,
        "list_name": f.name if f and f.list_id else None,
        "list_unsubscribe": "\n".join(f.unsubscribe) if f and f.unsubscribe else None,
        "list_unsubscribe_post": None,
        "precedence": "list" if f and f.category == "list" else "bulk" if f else None,
        "auto_submitted": "auto-generated" if f and f.auto else None,
        "has_dkim": bool(f.dkim) if f else False,
        "flags": flags,
        "folder": "Spam" if category == "spam" else "INBOX",
        "source_file": LOCATION,
        "source_offset": 0,
        "size": 4000 if f else 2500,
        "thread_id": None,
        "interaction_id": None,
        "source_id": None,
        "imported_at": at,
    }


def _person_mail(
    people: list[Person],
    touches: list[Touch],
    start: datetime,
    end: datetime,
    me: str,
    seed: int,
) -> list[dict[str, Any]]:
    """The demo's emails with one person in the window, as mail: theirs marked answered
    (R) when I wrote back, met or called within two weeks; mine as sent."""
    address = {p.idx: next((v for kind, v in p.contacts if kind == "email"), None) for p in people}
    names = {p.idx: p.name for p in people}
    mine_after: dict[int, list[datetime]] = {}
    for t in touches:
        if t.direction in ("from_me", "both") and len(t.who) == 1:
            mine_after.setdefault(t.who[0][0], []).append(t.at)
    out = []
    for n, t in enumerate(touches):
        if t.kind != "email" or len(t.who) != 1 or not start <= t.at < end:
            continue
        who = t.who[0][0]
        sender = address.get(who)
        if sender is None:
            continue
        if t.direction == "to_me":
            answered = any(t.at < at <= t.at + ANSWER_WITHIN for at in mine_after.get(who, ()))
            out.append(
                _row(
                    f"p{n}.{seed}@{sender.split('@')[1]}", "person", "to_me", t.at, sender,
                    names[who], t.subject or "(no subject)", None, "RS" if answered else "S",
                )
            )  # fmt: skip
        elif t.direction == "from_me":
            out.append(
                _row(
                    f"m{n}.{seed}@harbourline.example", "person", "from_me", t.at, me,
                    "Alex Morgan", t.subject or "(no subject)", None, "S",
                )
            )  # fmt: skip
    return out


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson count (Knuth's method; small means only)."""
    import math

    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
