"""Who the user is: their name and every address they write from (mail direction hangs on it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kithkin.model import Me
    from kithkin.store import Database


def get_me(db: Database) -> Me:
    from kithkin.store import settings

    with db.read() as conn:
        return settings.get_me(conn)


def set_me(db: Database, *, name: str | None, addresses: Sequence[str]) -> Me:
    """Replace the name and the addresses."""
    from kithkin.store import settings

    with db.write() as conn:
        return settings.set_me(conn, name=name, addresses=list(addresses))


def init(db: Database, *, name: str | None = None, addresses: Sequence[str] = ()) -> Me:
    """`kithkin init`: the database made if needed, the name set (kept when None) and the
    addresses added to those known."""
    from kithkin.store import settings

    with db.write() as conn:
        current = settings.get_me(conn)
        return settings.set_me(
            conn,
            name=name if name is not None else current.name,
            addresses=[*current.addresses, *addresses],
        )
