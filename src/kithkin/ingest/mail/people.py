"""Who a message is with: its correspondents as people, made when first met.

- Person mail: everyone on it but me, lists and robots (roles from / to / cc / bcc). A
  broadcast (more than `BROADCAST` correspondents) is no relationship with each recipient:
  only its sender counts, and a broadcast of mine counts with nobody.
- List mail: only a direct answer between me and someone (their reply to my post, mine to
  theirs) counts, with them alone, in the weaker role "list".
- Bulk and spam: nobody.

People are found and made by `ingest.address_book.AddressBook`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Final

from kithkin.ingest.correspondents import Correspondent

BROADCAST: Final = 25


def with_whom(people: Sequence[Correspondent], lists: Collection[str]) -> list[Correspondent]:
    """Whom a person-mail message is with: its correspondents (`prepare` found them) but
    the lists met so far; only the sender of a broadcast."""
    found = [c for c in people if c[0] not in lists]
    if len(found) > BROADCAST:
        return [c for c in found if c[1] == "from"]
    return found


def list_answer(sender: str | None, parent_sender: str | None, me: Collection[str]) -> str | None:
    """The direction of a list message that answers its parent across me and someone else:
    "from_me" (I answered them), "to_me" (they answered me), else None."""
    if not sender or not parent_sender or sender == parent_sender:
        return None
    if sender in me and parent_sender not in me:
        return "from_me"
    if parent_sender in me and sender not in me:
        return "to_me"
    return None
