"""Who knows whom, from what was imported: the evidence of the "knows" graph.

- Mail: a message that answers another one, both written by people other than me (no robot,
  no list address), in person mail or on a list: one wrote, the other answered. Bulk mail
  answers nobody, and a broadcast or a list post nobody answered makes no tie.
- Calendar: the attendees of a meeting held (not cancelled, not declined by me) of at most
  `practices.knows.MEETING_MAX` people, me included, know each other; those who declined
  do not.

`from_mail` runs in each mail batch's transaction (files, mbox, Maildir and IMAP alike);
`from_calendar` at the end of each calendar file's. `rebuild` makes the whole graph again
from the stored mail and calendar (for a database whose mail came before the graph).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Final

from sqlalchemy import Connection

from kithkin.ingest.correspondents import a_person, is_list_address
from kithkin.practices import knows as practice
from kithkin.store import knows as store
from kithkin.store import settings
from kithkin.store.knows import Piece

BATCH: Final = 5000  # replies stored at a time in a rebuild


def from_mail(
    conn: Connection,
    message_ids: Sequence[str] | None,
    me: Collection[str],
    lists: Collection[str],
    now: datetime,
) -> int:
    """The ties shown by these newly stored messages (a reply, or the parent of one stored
    earlier); None: by every stored message. Returns the pieces of evidence added."""
    added = 0
    pieces: list[Piece] = []
    for reply in store.replies(conn, message_ids):
        x, y = reply.sender, reply.parent_sender
        if reply.date is None or not _someone(x, me, lists) or not _someone(y, me, lists):
            continue
        category = "list" if "list" in (reply.category, reply.parent_category) else "person"
        pieces.append(
            Piece(
                x=x,
                y=y,
                kind="mail",
                ref=reply.message_id,
                at=reply.date,
                weight=practice.mail_weight(category),
                subject=reply.subject,
            )
        )
        if len(pieces) >= BATCH:
            added += store.add(conn, pieces, now, practice.decayed)
            pieces = []
    return added + store.add(conn, pieces, now, practice.decayed)


def from_calendar(conn: Connection, me: Collection[str], now: datetime) -> int:
    """The ties of every meeting held so far; those of meetings no longer held are dropped."""
    pieces: list[Piece] = []
    held: set[str] = set()
    for meeting in store.meetings(conn, now):
        came = [a for a in meeting.attendees if a not in me and a_person(a)]
        pairs = practice.meeting_pairs(came)
        if pairs:
            held.add(meeting.source_id)
        weight = practice.meeting_weight(len(set(came)) + 1)
        pieces += [
            Piece(
                x=x,
                y=y,
                kind="meeting",
                ref=meeting.source_id,
                at=meeting.start_at,
                weight=weight,
                subject=meeting.summary,
            )
            for x, y in pairs
        ]
    store.drop_meetings_but(conn, held, now, practice.decayed)
    return store.add(conn, pieces, now, practice.decayed)


def rebuild(conn: Connection, now: datetime, lists: Collection[str]) -> int:
    """The graph made again from the stored mail and calendar (`lists`: the posting
    addresses of the lists in it); the ties I stated stay."""
    me = frozenset(settings.get_me(conn).addresses)
    store.forget_kinds(conn, ("mail", "meeting"), now, practice.decayed)
    added = from_mail(conn, None, me, lists, now)
    added += from_calendar(conn, me, now)
    settings.put(conn, store.PENDING_KEY, False)
    return added


def _someone(address: str, me: Collection[str], lists: Collection[str]) -> bool:
    return (
        address not in me
        and address not in lists
        and a_person(address)
        and not is_list_address(address)
    )
