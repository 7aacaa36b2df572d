"""People and their email addresses written in bulk: the address book mail, calendar and demo
imports resolve correspondents against, and the new people they make, thousands per statement.

The one-by-one writers (with their checks and activity rows) are in `people.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Connection, select

from kithkin import clock
from kithkin.store import search
from kithkin.store.bulk import Bulk
from kithkin.store.schema import contact_point, person

_ADD_PERSON = Bulk.insert(person, ("uid", "display_name", "created_at", "updated_at"))
_ADD_EMAIL = Bulk.insert(
    contact_point, ("person_id", "kind", "value", "normalized", "source", "created_at")
)


def address_book(conn: Connection) -> dict[str, int | None]:
    """Every email address known, to the id of its person; None for people in the trash
    (whose mail is not theirs again until they are restored)."""
    rows = conn.execute(
        select(contact_point.c.normalized, contact_point.c.person_id, person.c.deleted_at)
        .join(person, person.c.id == contact_point.c.person_id)
        .where(contact_point.c.kind == "email")
    )
    return {key: (pid if deleted is None else None) for key, pid, deleted in rows}


def add_people(
    conn: Connection, people: Sequence[tuple[str, str, str]], *, source: str
) -> dict[str, int]:
    """New people, one per (display name, address as written, normalised address); returns
    {normalised address: person id}. Indexed for search; no activity rows."""
    if not people:
        return {}
    at = clock.now()
    uids = [uuid.uuid4().hex for _ in people]
    made = _ADD_PERSON.insert_ids(
        conn, [(uid, name, at, at) for uid, (name, _, _) in zip(uids, people, strict=True)], "uid"
    )
    ids = dict(zip(uids, made, strict=True))
    _ADD_EMAIL.execute(
        conn,
        [
            (ids[uid], "email", value, key, source, at)
            for uid, (_, value, key) in zip(uids, people, strict=True)
        ],
    )
    search.index_new_people(conn, [ids[uid] for uid in uids])
    return {key: ids[uid] for uid, (_, _, key) in zip(uids, people, strict=True)}
