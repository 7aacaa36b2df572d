"""Mail: `kithkin import mail`, the mail import the web runs in the background, and the mail
threads of a person.

An import reads its locations one after the other (`ingest.mail` shows its stages) and
returns what `kithkin import mail --json` prints, with the subscriptions I left that kept
sending: the next import is what answers "did the unsubscribe work?".

An IMAP password never travels in a URL or on a command line, and is never stored, logged or
shown: it comes from KITHKIN_IMAP_PASSWORD, the system keyring, a prompt on the terminal (the
CLI), or a form (the web, which checks its locations and finds their passwords before the
import starts, so that a wrong one is told at once and not minutes later).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any

from kithkin.errors import InvalidInput, NoSuchLocation
from kithkin.model import SOLO, TEAM_SEES, Actor, Record, record
from kithkin.services.common import PersonRef, person_id
from kithkin.services.locations import is_imap, local_path

if TYPE_CHECKING:
    from kithkin.ingest.mail.batch import MailSummary as MailSummary
    from kithkin.model import MailThread
    from kithkin.services.intros import Recognised
    from kithkin.store import Database

Progress = Callable[[int], None]  # called with the number of messages just stored


@record
class MailLocations(Record):
    """Locations checked before an import starts, and the password of each IMAP URL."""

    places: tuple[str, ...]
    passwords: Mapping[str, str] = field(repr=False)


@record
class MailImported(Record):
    """What one mail import did."""

    summary: MailSummary
    seconds: float
    unsubscribe_ignored: list[dict[str, Any]]  # subscriptions left that kept sending
    warnings: tuple[str, ...] = ()
    intro_answers: tuple[Recognised, ...] = ()  # replies to consent requests, read

    def as_json(self, *, timed: bool = True) -> dict[str, Any]:
        """As `kithkin import mail --json` prints it (`timed`), or as the web's job keeps it."""
        data = self.summary.as_json()
        data["intro_answers"] = [
            {"intro": r.intro_id, "person": r.person, "answer": r.answer}
            for r in self.intro_answers
        ]
        if timed:
            data["seconds"] = round(self.seconds, 3)
        data["unsubscribe_ignored"] = self.unsubscribe_ignored
        return data


def check_locations(*, locations: Sequence[str], password: str | None = None) -> MailLocations:
    """The locations to import, each checked now (a missing path, an IMAP URL that cannot be
    read or has no password are told at once, not after the import started), and the
    password of each IMAP URL: `password`, else the environment's or the keyring's."""
    from kithkin.sources.mail.credentials import imap_password
    from kithkin.sources.mail.imap import parse_imap_url

    places = [text.strip() for text in locations if text.strip()]
    if not places:
        raise InvalidInput(
            "give the path of a mailbox (an mbox file or a mail folder) or an IMAP URL"
        )
    out = []
    passwords: dict[str, str] = {}
    for place in places:
        if is_imap(place):
            parse_imap_url(place)  # an ImapError names what is wrong with it
            # without one, an ImapError says where a password may come from
            passwords[place] = password or imap_password(place, prompt=False)
            out.append(place)
            continue
        path = local_path(place)
        if not path.exists():
            raise NoSuchLocation(f"{place}: no such file or folder on this computer")
        out.append(str(path))
    return MailLocations(places=tuple(out), passwords=passwords)


def require_locations(locations: Sequence[str]) -> None:
    """Every path among `locations` exists (IMAP URLs are checked as they are read): an
    adapter may ask before it opens the database."""
    for location in locations:
        if not is_imap(location) and not local_path(location).exists():
            raise NoSuchLocation(f"{location}: no such file or folder")


def import_mail(
    db: Database,
    *,
    locations: Sequence[str],
    workers: int | None = None,
    batch_size: int | None = None,
    progress: Progress | None = None,
    passwords: Mapping[str, str] | None = None,
    prompt: bool = False,
    actor: Actor = SOLO,
    team_sees: str | None = None,
) -> MailImported:
    """Import mbox files, Maildirs, mail folders, message files and IMAP folders in turn.

    `workers`: parsing processes (None: as many as help for the size of the mailbox);
    `batch_size`: messages per transaction (an interrupted import resumes after the last);
    `progress(n)`: after each batch. An IMAP URL's password is `passwords[url]`, else the
    environment's or the keyring's, else asked on the terminal when `prompt`. In team mode
    the mail is the acting member's: their addresses tell what they sent, the mailboxes and
    interactions are theirs; `team_sees` (metadata, subjects or everything) is what the
    other members see of these mailboxes (else as it was: metadata for a new one).
    """
    from kithkin.ingest.mail.session import BATCH_SIZE
    from kithkin.ingest.mail.session import import_mail as run_import
    from kithkin.services.intros import recognise_replies
    from kithkin.services.unsubscribe import ignored, ignored_json, short_id
    from kithkin.sources.mail.credentials import imap_password

    require_locations(locations)
    if team_sees is not None and team_sees not in TEAM_SEES:
        raise InvalidInput(f"the team sees {team_sees!r}? one of {', '.join(TEAM_SEES)}")
    known = passwords or {}

    def password(url: str) -> str:
        return known[url] if url in known else imap_password(url, prompt=prompt)

    started = time.perf_counter()
    summary = run_import(
        db,
        list(locations),
        workers=workers,
        batch_size=BATCH_SIZE if batch_size is None else batch_size,
        progress=progress,
        password=password,
        member_id=actor.member_id,
    )
    seconds = time.perf_counter() - started
    if team_sees is not None:
        set_team_sees(db, locations=locations, level=team_sees, actor=actor)
    answers = recognise_replies(db, raw=_raw_reader(locations, password))
    still = ignored(db, actor=actor)
    warnings = [] if summary.me_known else [_UNKNOWN_ME]
    warnings += [f"{s.label} ({short_id(s.key)}): {s.offer_note}" for s in still]
    return MailImported(
        summary=summary,
        seconds=seconds,
        unsubscribe_ignored=ignored_json(still),
        warnings=tuple(warnings),
        intro_answers=tuple(answers),
    )


def set_team_sees(
    db: Database, *, locations: Sequence[str], level: str, actor: Actor = SOLO
) -> list[str]:
    """What the rest of the team sees of the acting member's mailboxes at these locations
    (and those read inside a folder among them): metadata only, subjects, or everything.
    Returns the mailboxes changed; InvalidInput for another level."""
    import os

    from kithkin.sources.mail.imap import parse_imap_url
    from kithkin.store import mail as store_mail

    keys = [
        str(parse_imap_url(loc)) if is_imap(loc) else os.path.abspath(os.path.expanduser(loc))
        for loc in locations
    ]
    with db.write() as conn:
        return store_mail.set_team_sees(conn, keys, level, member_id=actor.member_id)


def team_sees(db: Database, *, actor: Actor = SOLO) -> dict[str, str]:
    """{mailbox: what the team sees of it} of the acting member's mailboxes."""
    from kithkin.store import mail as store_mail

    with db.read() as conn:
        return store_mail.team_sees_of(conn, actor.member_id)


def _raw_reader(
    locations: Sequence[str], password: Callable[[str], str]
) -> Callable[[str, int], bytes]:
    """How a reply's bytes are read again: from its file, or from the IMAP folder the import
    just read (with the same password)."""
    from kithkin.sources.mail.imap import fetch_message
    from kithkin.sources.mail.raw import read_raw

    imap = [loc for loc in locations if is_imap(loc)]

    def raw(source_file: str, offset: int) -> bytes:
        if not is_imap(source_file):
            return read_raw(source_file, offset)
        base = source_file.partition(";UIDVALIDITY=")[0]
        url = next((loc for loc in imap if loc.rstrip("/") == base.rstrip("/")), base)
        return fetch_message(source_file, password=password(url))

    return raw


def person_threads(db: Database, *, person: PersonRef, limit: int = 50) -> list[MailThread]:
    """The mail threads `person` took part in, the most recent first."""
    from kithkin.store import mail_threads

    with db.read() as conn:
        return mail_threads.threads_of(conn, person_id(conn, person), limit=limit)


_UNKNOWN_ME = (
    "kithkin does not know your addresses (kithkin init --email ...), so it cannot "
    "tell mail you sent from mail you received"
)
