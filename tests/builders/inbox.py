"""Inbox scenarios: whose mail it is, imported as the user would import it.

Every hygiene and unsubscribe test starts the same way: the owner's name and addresses set
(so their own messages count as theirs: answers, posts to a list), then mail imported with
the real importer, in-process (no worker processes).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kithkin.ingest.mail import import_mail
from kithkin.store import Database, settings


def owner(db: Database, *, name: str, addresses: Sequence[str]) -> Database:
    """`db`, its owner `name` with these `addresses`."""
    with db.write() as conn:
        settings.set_me(conn, name=name, addresses=list(addresses))
    return db


def mail_of(db: Database, *sources: Path, name: str, addresses: Sequence[str]) -> Database:
    """`db`, its owner set (see `owner`) and the mail at `sources` imported."""
    owner(db, name=name, addresses=addresses)
    import_mail(db, [str(source) for source in sources], workers=0)
    return db
