"""Email address -> person, for one import (mail or calendar).

The `AddressBook` is read from the store when first needed (an import of unchanged mail never
needs it) and grows as people are made, in bulk, once per batch. An address that belongs to
someone in the trash stays theirs: what they sent is stored, but makes no interaction until
they are restored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection

from kithkin.ingest.correspondents import Correspondent, person_name
from kithkin.store import people_bulk


class AddressBook:
    def __init__(self, source: str = "mail") -> None:
        self.source = source
        self._ids: dict[str, int | None] = {}
        self._loaded = False
        self.created = 0
        # normalised address -> person id (None: nobody's, or someone in the trash)
        self.person: Callable[[str], int | None] = self._ids.get

    def load(self, conn: Connection) -> None:
        if not self._loaded:
            self._ids.update(people_bulk.address_book(conn))
            self._loaded = True

    def ensure(self, conn: Connection, wanted: Sequence[Correspondent]) -> list[int]:
        """Make a person for each address in `wanted` that has none; returns their ids."""
        self.load(conn)
        missing: dict[str, tuple[str, str, str]] = {}
        for key, _, name, written in wanted:
            if key not in self._ids and key not in missing:
                missing[key] = (person_name(name, written), written, key)
        made = people_bulk.add_people(conn, list(missing.values()), source=self.source)
        self._ids.update(made)
        self.created += len(made)
        return list(made.values())
