"""The mail and calendar scenarios the import tests share: me (Ana) with my addresses, and
calendar files written from a few events.

Mailboxes themselves are written by `tests.ingest.mailbox` (`message`, `write_mbox`,
`write_maildir`, ...).
"""

from __future__ import annotations

from pathlib import Path

from kithkin.store import Database, settings

ME = "ana@kithkin.example"


def as_me(db: Database, *addresses: str) -> Database:
    """`db` where I am Ana, at `addresses` (default: `ME`): mail from or to them is mine."""
    with db.write() as conn:
        settings.set_me(conn, name="Ana", addresses=list(addresses or [ME]))
    return db


def as_me_at(db_url: str, *addresses: str) -> None:
    """`as_me` for the database a web test's server opens (`db_url`)."""
    db = Database(db_url)
    as_me(db, *addresses)
    db.dispose()


def ics(tmp_path: Path, *events: str, name: str = "cal.ics") -> Path:
    """A calendar file of `events` (each `event(...)` or the lines of a VEVENT)."""
    path = tmp_path / name
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kithkin tests//EN\r\n"
        + body.replace("\n", "\r\n").replace("\r\r\n", "\r\n")
        + "END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    return path


def event(uid: str, start: str, summary: str, *lines: str) -> str:
    """The lines of an hour-long VEVENT starting at `start` (20250310T090000Z), and `lines`."""
    return "\n".join(
        [f"UID:{uid}", f"SUMMARY:{summary}", f"DTSTART:{start}", "DURATION:PT1H", *lines]
    )
