"""The database itself: brought to the newest schema before the web server opens it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kithkin.store import Database


def prepare(db: Database) -> None:
    """Upgrade the schema to the newest revision (nothing to do when it is there already), so
    a server started on an old database does not fail on its first request."""
    db.migrate()
