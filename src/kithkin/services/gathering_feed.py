"""The calendar to subscribe to: the gatherings plus "due" reminders for circle members, as an
.ics file (`kithkin gathering export --ics FILE`) or a feed `kithkin serve` answers at
`/feed/TOKEN.ics` — a secret token in the URL, as calendar apps subscribe without logging in.
A new token ends the old URL."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final

from kithkin import clock
from kithkin.errors import NotFound
from kithkin.model import Record, record

if TYPE_CHECKING:
    from kithkin.store import Database

TOKEN_SETTING: Final = "gathering_feed_token"  # noqa: S105 - a setting's name
DUE_AHEAD_DAYS: Final = 60  # due reminders up to two months ahead
CALENDAR_NAME: Final = "kithkin: gatherings and who is due"


@record
class Exported(Record):
    path: str
    gatherings: int
    reminders: int


def calendar_bytes(db: Database, *, now: datetime | None = None) -> tuple[bytes, int, int]:
    """The .ics: (its bytes, gatherings in it, due reminders in it)."""
    from kithkin.services import circle
    from kithkin.sources.gathering_ics import Due, write_ics
    from kithkin.store import gatherings as store

    now = now or clock.now()
    with db.read() as conn:
        found = store.all_gatherings(conn)
    members = circle.circle(db, now=now).members
    horizon = now + timedelta(days=DUE_AHEAD_DAYS)
    due = [
        Due(
            person_id=s.member.person_id,
            name=s.member.display_name,
            day=max(s.due_at, now).astimezone().date(),
            reason=s.reason,
        )
        for s in members
        if s.due_at is not None and s.due_at <= horizon
    ]
    from kithkin.practices.gatherings import first_occurrence

    firsts = [(g, first_occurrence(g)) for g in found]
    kept = [(g, start) for g, start in firsts if start is not None]
    data = write_ics(kept, due, stamp=now, name=CALENDAR_NAME)
    return data, len(kept), len(due)


def export_ics(db: Database, *, path: str | Path) -> Exported:
    """Write the calendar to `path` (through a temporary file, so a reader never sees half)."""
    data, n_gatherings, n_due = calendar_bytes(db)
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    partial.replace(target)
    return Exported(path=str(target), gatherings=n_gatherings, reminders=n_due)


def feed_token(db: Database, *, new: bool = False) -> str:
    """The token of the feed URL, made on first use (or anew: the old URL stops working)."""
    from kithkin.store import settings

    with db.write() as conn:
        token = settings.get(conn, TOKEN_SETTING)
        if new or not token:
            token = secrets.token_urlsafe(24)
            settings.put(conn, TOKEN_SETTING, token)
    return str(token)


def existing_token(db: Database) -> str | None:
    """The feed's token if one was made (reading a page makes none)."""
    from kithkin.store import settings

    with db.read() as conn:
        token = settings.get(conn, TOKEN_SETTING)
    return str(token) if token else None


def feed(db: Database, *, token: str) -> bytes:
    """The calendar, for the one who knows the token; NotFound for any other token."""
    from kithkin.store import settings

    with db.read() as conn:
        known = settings.get(conn, TOKEN_SETTING)
    if not known or not hmac.compare_digest(str(known).encode(), token.encode()):
        raise NotFound("no such calendar")
    return calendar_bytes(db)[0]
