"""Mail -> people, interactions, threads and stored messages: `kithkin import mail`.

    summary = import_mail(db, ["~/Mail/archive.mbox", "imaps://me@mail.example/INBOX"])

Locations are read one after the other: mbox files, Maildirs (nested folders too), single
message files and folders of them (`files`: parsed by worker processes while this process
stores), and IMAP folders (`imap`, read-only). One `MailRun` (`batch`) carries what the
locations share: my addresses, the address book, the threads met so far, the summary.

Crash-safe and incremental: records are stored `batch_size` at a time, each batch in one
transaction together with how far reading got (the mbox's end offset and the hash of the
bytes before it, the message files read, the last IMAP UID). A killed import leaves whole
batches only, and the next run takes up where the last committed batch ended; a run over
unchanged mail reads (almost) nothing (`ingest.mail.plan`).
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Sequence
from typing import Final

from kithkin.ingest.address_book import AddressBook
from kithkin.ingest.mail.batch import MailRun, MailSummary, Progress, log_activity
from kithkin.ingest.mail.files import import_path
from kithkin.ingest.mail.imap import import_imap
from kithkin.ingest.mail.threads import Threader
from kithkin.sources.mail.imap_url import is_imap
from kithkin.sources.mail.parallel import fewer_collections
from kithkin.store import Database, settings

BATCH_SIZE: Final = 2000

__all__ = ["BATCH_SIZE", "MailSummary", "import_mail"]


def import_mail(
    db: Database,
    locations: Sequence[str],
    *,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    password: Callable[[str], str] | None = None,
    ssl_context: ssl.SSLContext | None = None,
    member_id: int | None = None,
) -> MailSummary:
    """Import every location in turn; returns what was done. `workers`: parsing processes
    (0: parse in this process; None: `files.WORKERS` for large mailboxes, none for small ones,
    where starting a process costs more than it saves); `password(url)` gives an IMAP
    password. `member_id`: the member of a team whose mail it is (their addresses tell
    mail they sent; their interactions, their mailboxes); None: the one user of a personal
    database."""
    summary = MailSummary(label=_describe(locations))
    with db.read() as conn:
        me = frozenset(settings.get_me(conn, member_id).addresses)
    summary.me_known = bool(me)
    run = MailRun(
        me=me, book=AddressBook(), threads=Threader(), summary=summary, member_id=member_id
    )
    with fewer_collections():
        for location in locations:
            if is_imap(location):
                if password is None:
                    raise ValueError("an IMAP location needs a password function")
                import_imap(db, location, run, password, ssl_context, batch_size, progress)
            else:
                import_path(db, location, run, workers, batch_size, progress)
    if summary.activity_id is None and (summary.new or summary.flags_updated):
        with db.write() as conn:
            log_activity(conn, summary)
    return summary


def _describe(names: Sequence[str]) -> str:
    shown = ", ".join(names[:2])
    return shown + (f" and {len(names) - 2} more" if len(names) > 2 else "") if names else "-"
