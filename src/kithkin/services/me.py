"""Who the user is: their name and every address they write from (mail direction hangs on it).

In team mode each member has their own "me" (`actor`): importing mail as a member tells mail
they sent by their addresses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kithkin.model import SOLO, Actor

if TYPE_CHECKING:
    from kithkin.model import Me
    from kithkin.store import Database


def get_me(db: Database, *, actor: Actor = SOLO) -> Me:
    from kithkin.store import settings

    with db.read() as conn:
        return settings.get_me(conn, actor.member_id)


def set_me(db: Database, *, name: str | None, addresses: Sequence[str], actor: Actor = SOLO) -> Me:
    """Replace the name and the addresses."""
    from kithkin.store import settings

    with db.write() as conn:
        return settings.set_me(
            conn, name=name, addresses=list(addresses), member_id=actor.member_id
        )


def init(
    db: Database,
    *,
    name: str | None = None,
    addresses: Sequence[str] = (),
    actor: Actor = SOLO,
) -> Me:
    """`kithkin init`: the database made if needed, the name set (kept when None) and the
    addresses added to those known."""
    from kithkin.store import settings

    with db.write() as conn:
        current = settings.get_me(conn, actor.member_id)
        return settings.set_me(
            conn,
            name=name if name is not None else current.name,
            addresses=[*current.addresses, *addresses],
            member_id=actor.member_id,
        )


def add_address(db: Database, *, address: str, actor: Actor = SOLO) -> Me:
    """One more address I write from (InvalidInput for one that is not an email address)."""
    from kithkin.store import settings
    from kithkin.store.contacts import normalize

    clean = normalize("email", address)
    with db.write() as conn:
        current = settings.get_me(conn, actor.member_id)
        return settings.set_me(
            conn,
            name=current.name,
            addresses=[*current.addresses, clean],
            member_id=actor.member_id,
        )


def remove_address(db: Database, *, address: str, actor: Actor = SOLO) -> Me:
    """An address I no longer write from taken off the list (NotFound if it is not on it)."""
    from kithkin.errors import NotFound
    from kithkin.store import settings

    wanted = address.strip().lower()
    with db.write() as conn:
        current = settings.get_me(conn, actor.member_id)
        if wanted not in current.addresses:
            raise NotFound(f"{address!r} is not one of your addresses")
        kept = [a for a in current.addresses if a != wanted]
        return settings.set_me(conn, name=current.name, addresses=kept, member_id=actor.member_id)


def set_name(db: Database, *, name: str | None, actor: Actor = SOLO) -> Me:
    """My name as people write it (blank: none), my addresses kept."""
    from kithkin.store import settings

    with db.write() as conn:
        current = settings.get_me(conn, actor.member_id)
        return settings.set_me(
            conn, name=name, addresses=list(current.addresses), member_id=actor.member_id
        )
