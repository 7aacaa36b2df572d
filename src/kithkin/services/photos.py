"""People's photos, as contacts imports keep them (PNG, JPEG, GIF or WebP, told by their
bytes): one to show, and which of some people have one (else a page shows their initials)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from kithkin.model import Record, record
from kithkin.services.common import PersonRef, person_id

if TYPE_CHECKING:
    from kithkin.store import Database


@record
class PersonPhoto(Record):
    person_id: int
    media_type: str  # image/png, image/jpeg, image/gif or image/webp
    data: bytes


def photo(db: Database, *, person: PersonRef) -> PersonPhoto:
    """The person's newest photo; NotFound when there is no such person or no photo."""
    from kithkin.errors import NotFound
    from kithkin.store import sources

    with db.read() as conn:
        pid = person_id(conn, person)
        found = sources.photo(conn, pid, images_only=True)
    if found is None:
        raise NotFound(f"#{pid} has no photo")
    return PersonPhoto(pid, *found)


def with_photo(db: Database, *, people: Iterable[int]) -> frozenset[int]:
    """Which of these people have a photo to show."""
    from kithkin.store import sources

    ids = set(people)
    if not ids:
        return frozenset()
    with db.read() as conn:
        return frozenset(sources.with_photo(conn, ids))
