"""Helpers every store module that writes or reads a person shares.

Public because the people, story, interactions, circle, trash, duplicates and contact-source
modules all need them; kept here, apart from `people.py`, so none of them reaches for another
module's private names.
"""

from __future__ import annotations

import re
from typing import Any, Final

from sqlalchemy import Connection, func, insert, select

from kithkin.errors import InvalidInput, NotFound
from kithkin.model import without_controls
from kithkin.store.schema import person, person_tag, tag

TAG_NAME: Final = re.compile(r"^[\w][\w .:/&+-]{0,63}$", re.UNICODE)


def clean(value: str | None) -> str | None:
    """A user's text with its runs of whitespace made one space and its control characters
    dropped (`model.CONTROL_CHARS`); None when nothing is left."""
    if value is None:
        return None
    value = " ".join(value.split())
    if not value.isprintable():  # rare: a control character (or a format one, kept)
        value = " ".join(without_controls(value).split())
    return value or None


def live_row(conn: Connection, person_id: int) -> Any:
    """The row of a person not in the trash; NotFound otherwise."""
    row = conn.execute(
        select(person).where(person.c.id == person_id, person.c.deleted_at.is_(None))
    ).first()
    if row is None:
        raise NotFound(f"no person #{person_id}")
    return row


def attach_tag(conn: Connection, person_id: int, name: str) -> bool:
    """Tag a person (the tag is made when new); False when the person already had it."""
    name = name.strip()
    if not TAG_NAME.match(name):
        raise InvalidInput(f"not a usable tag: {name!r} (letters, digits, spaces, .:/&+-)")
    tag_id = conn.scalar(select(tag.c.id).where(tag.c.name == name))
    if tag_id is None:
        key = conn.execute(insert(tag).values(name=name)).inserted_primary_key
        assert key is not None
        tag_id = key[0]
    exists = conn.scalar(
        select(func.count()).where(
            person_tag.c.person_id == person_id, person_tag.c.tag_id == tag_id
        )
    )
    if exists:
        return False
    conn.execute(insert(person_tag).values(person_id=person_id, tag_id=tag_id))
    return True


def by_name(row: Any) -> str:
    """The key that puts rows of people (with their `display_name`) in name order, sorted in
    Python: asked of SQL (`ORDER BY display_name` over a join), SQLite may walk every person
    by the name index and probe each one's rows — a minute for one Today at 5,000,000
    interactions, not a millisecond. (Code point order: SQLite's, and the C collation's.)"""
    return str(row.display_name)
