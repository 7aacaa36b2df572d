"""The demo's service (practice P9): what the demo user can offer, a few needs accepted from
their notes (the rest left as suggestions to review), and a ledger of help given and asked —
so the Service page, Today's opportunity and the tone check's nudge have something to show."""

from __future__ import annotations

import random
from typing import Final

from sqlalchemy import Connection

from kithkin.practices.service import proposed_needs
from kithkin.store import people
from kithkin.store import service as store

OFFERS: Final = (
    ("skill", "Twenty years running ERP migrations, from SAP to the cloud"),
    ("knowledge", "How to prepare a technology strategy for a board"),
    ("relationship", "Can introduce you to CISOs and security leaders in financial services"),
    ("relationship", "I know the people who run the Harbour Food Bank and its donors"),
    ("resource", "Our office's large meeting room, free for community events"),
)
GAVE: Final = (
    "introduced them to a recruiter I trust",
    "reviewed their board presentation",
    "sent the vendor scorecard we built",
    "shared our cloud cost dashboard and how we use it",
)
ASKED: Final = ("a reference for my board application", "an introduction to their CFO")
ACCEPTED: Final = 4  # needs taken from the notes as if the user had accepted them


def write_service(conn: Connection, rng: random.Random) -> None:
    circle = sorted(p.id for p in people.list_people(conn, tag_name="circle", limit=1000))
    for kind, text in OFFERS:
        store.add_offer(conn, kind, text)
    taken: set[str] = set()
    for source, pid, _, text in store.texts_to_read(conn):
        if len(taken) >= ACCEPTED:
            break
        for phrase in proposed_needs(text)[:1]:
            if phrase.lower() not in taken:
                store.add_need(conn, pid, phrase, source=source)
                taken.add(phrase.lower())
    helped = rng.sample(circle, min(len(circle), len(GAVE)))
    for pid, text in zip(helped, GAVE, strict=False):
        store.add_entry(conn, pid, "gave", text)
    if helped:
        store.add_entry(conn, helped[0], "asked", ASKED[0])
    strangers = [p for p in circle if p not in helped]
    if strangers:
        store.add_entry(conn, strangers[0], "asked", ASKED[1])
