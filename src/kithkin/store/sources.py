"""Imported records and their provenance: what the contacts ingest reads and writes.

A `source_record` row remembers one record of one source (file, place, raw text, content hash,
the values it offered) and the person it became; contact points, story facts, notes and photos
created from it point back to it. These functions write no activity rows of their own: an
import writes one row per run (`kithkin.ingest.contacts`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from kithkin import clock
from kithkin.errors import Conflict, InvalidInput
from kithkin.store.rows import attach_tag, clean
from kithkin.store.schema import (
    contact_point,
    note,
    person,
    person_photo,
    source_record,
    story_fact,
)

PERSON_FIELDS = ("display_name", "given_name", "family_name", "organisation", "title")

# An import runs these once or more per record: built once, executed with parameters (so
# SQLAlchemy compiles each one once, not one statement object per call).
_FIND = select(
    source_record.c.id,
    source_record.c.person_id,
    source_record.c.content_hash,
    source_record.c.fields,
).where(
    source_record.c.source == bindparam("source"),
    source_record.c.source_id == bindparam("source_id"),
)
_INSERT_RECORD = insert(source_record)
_UPDATE_RECORD = (
    update(source_record)
    .where(source_record.c.id == bindparam("record_id"))
    .values(
        {
            c: bindparam(c)
            for c in (
                "source_file",
                "place",
                "raw",
                "content_hash",
                "fields",
                "person_id",
                "last_imported_at",
            )
        }
    )
)
_OWNER = (
    select(contact_point.c.person_id, person.c.display_name, person.c.deleted_at)
    .join(person, person.c.id == contact_point.c.person_id)
    .where(
        contact_point.c.kind == bindparam("kind"), contact_point.c.normalized == bindparam("key")
    )
)
_INSERT_PERSON = insert(person)
_INSERT_CONTACT = insert(contact_point)


@dataclass(frozen=True)
class StoredRecord:
    id: int
    person_id: int | None
    content_hash: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Owner:
    """Who holds a contact point already, and whether they are still in the network."""

    person_id: int
    display_name: str
    live: bool


@dataclass(frozen=True)
class Provenance:
    """One record a person was built from, for the person page and the API."""

    id: int
    source: str
    source_id: str
    source_file: str
    place: str
    first_imported_at: datetime
    last_imported_at: datetime


def find_record(conn: Connection, source: str, source_id: str) -> StoredRecord | None:
    row = conn.execute(_FIND, {"source": source, "source_id": source_id}).first()
    if row is None:
        return None
    return StoredRecord(
        id=row.id,
        person_id=row.person_id,
        content_hash=row.content_hash,
        fields=json.loads(row.fields),
    )


def save_record(
    conn: Connection,
    *,
    record_id: int | None,
    source: str,
    source_id: str,
    source_file: str,
    place: str,
    raw: str,
    content_hash: str,
    fields: Mapping[str, Any],
    person_id: int | None,
) -> int:
    """Insert the record (record_id None) or bring the stored one up to date; returns its id."""
    values = {
        "source_file": source_file,
        "place": place,
        "raw": raw,
        "content_hash": content_hash,
        "fields": json.dumps(fields, sort_keys=True, ensure_ascii=False),
        "person_id": person_id,
        "last_imported_at": clock.now(),
    }
    if record_id is not None:
        conn.execute(_UPDATE_RECORD, {**values, "record_id": record_id})
        return record_id
    key = conn.execute(
        _INSERT_RECORD,
        {
            **values,
            "source": source,
            "source_id": source_id,
            "first_imported_at": values["last_imported_at"],
        },
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def live_person(conn: Connection, person_id: int | None) -> tuple[int | None, str | None]:
    """The live person a stored record belongs to, following merges; else (None, why)."""
    seen: set[int] = set()
    while person_id is not None and person_id not in seen:
        seen.add(person_id)
        row = conn.execute(
            select(person.c.display_name, person.c.deleted_at, person.c.merged_into_id).where(
                person.c.id == person_id
            )
        ).first()
        if row is None:
            break
        if row.deleted_at is None:
            return person_id, None
        if row.merged_into_id is None:
            return None, f"{row.display_name} (#{person_id}) is in the trash"
        person_id = row.merged_into_id
    return None, "the person it became has been deleted for good"


def owners(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Owner]:
    """Who holds each (kind, normalized) contact point, if anyone."""
    found: dict[tuple[str, str], Owner] = {}
    for kind, key in set(keys):
        row = conn.execute(_OWNER, {"kind": kind, "key": key}).first()
        if row is not None:
            found[(kind, key)] = Owner(row.person_id, row.display_name, row.deleted_at is None)
    return found


def person_fields(conn: Connection, person_id: int) -> dict[str, str | None]:
    columns = [person.c[f] for f in PERSON_FIELDS]
    first = conn.execute(select(*columns).where(person.c.id == person_id)).first()
    if first is None:
        raise InvalidInput(f"no person #{person_id}")
    return {f: getattr(first, f) for f in PERSON_FIELDS}


def create_person(conn: Connection, values: Mapping[str, str | None]) -> int:
    """A new person from imported values (no activity row: the import writes one per run)."""
    name = clean(values.get("display_name"))
    if not name:
        raise InvalidInput("a person needs a name")
    at = clock.now()
    key = conn.execute(
        _INSERT_PERSON,
        {
            "uid": uuid.uuid4().hex,
            "created_at": at,
            "updated_at": at,
            **{f: clean(values.get(f)) for f in PERSON_FIELDS},
        },
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def set_person_fields(conn: Connection, person_id: int, values: Mapping[str, str | None]) -> None:
    if values:
        conn.execute(
            update(person)
            .where(person.c.id == person_id)
            .values({**{f: clean(v) for f, v in values.items()}, "updated_at": clock.now()})
        )


def add_contact(
    conn: Connection,
    person_id: int,
    kind: str,
    value: str,
    key: str,
    *,
    label: str | None,
    source: str,
    record_id: int,
) -> int:
    """Add a contact point whose normalised `key` the caller found unowned (`owners`)."""
    try:
        inserted = conn.execute(
            _INSERT_CONTACT,
            {
                "person_id": person_id,
                "kind": kind,
                "value": value.strip(),
                "normalized": key,
                "label": clean(label),
                "source": source,
                "created_at": clock.now(),
                "source_record_id": record_id,
            },
        ).inserted_primary_key
    except IntegrityError as exc:  # a concurrent writer won the race for this address
        raise Conflict(f"{kind} {value.strip()} already belongs to someone else") from exc
    assert inserted is not None
    return int(inserted[0])


def add_tags(conn: Connection, person_id: int, names: Iterable[str]) -> list[str]:
    """Attach tags (creating them); returns those the person did not have yet."""
    return [name for name in names if attach_tag(conn, person_id, name)]


def notes_from(conn: Connection, person_id: int, record_id: int) -> list[tuple[int, str]]:
    rows = conn.execute(
        select(note.c.id, note.c.text)
        .where(note.c.person_id == person_id, note.c.source_record_id == record_id)
        .order_by(note.c.id)
    )
    return [(int(r.id), str(r.text)) for r in rows]


def note_texts(conn: Connection, person_id: int) -> set[str]:
    return set(conn.scalars(select(note.c.text).where(note.c.person_id == person_id)))


def add_note(conn: Connection, person_id: int, text: str, *, record_id: int) -> int:
    key = conn.execute(
        insert(note).values(
            person_id=person_id, text=text, created_at=clock.now(), source_record_id=record_id
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def set_note_text(conn: Connection, note_id: int, text: str) -> None:
    conn.execute(update(note).where(note.c.id == note_id).values(text=text))


def facts_from(conn: Connection, person_id: int, record_id: int) -> list[tuple[int, str]]:
    rows = conn.execute(
        select(story_fact.c.id, story_fact.c.text).where(
            story_fact.c.person_id == person_id, story_fact.c.source_record_id == record_id
        )
    )
    return [(int(r.id), str(r.text)) for r in rows]


def add_fact(
    conn: Connection,
    person_id: int,
    field: str,
    text: str,
    *,
    learned_on: date | None,
    source: str,
    record_id: int,
) -> int:
    key = conn.execute(
        insert(story_fact).values(
            person_id=person_id,
            field=field,
            text=text,
            learned_on=learned_on,
            source=source,
            created_at=clock.now(),
            source_record_id=record_id,
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def set_fact_text(conn: Connection, fact_id: int, text: str) -> None:
    conn.execute(update(story_fact).where(story_fact.c.id == fact_id).values(text=text))


def add_photo(
    conn: Connection, person_id: int, media_type: str, data: bytes, *, source: str, record_id: int
) -> bool:
    """Keep a photo unless the person has the very same one; True when it was added."""
    digest = hashlib.sha256(data).hexdigest()
    held = conn.scalar(
        select(person_photo.c.id).where(
            person_photo.c.person_id == person_id, person_photo.c.content_hash == digest
        )
    )
    if held is not None:
        return False
    conn.execute(
        insert(person_photo).values(
            person_id=person_id,
            media_type=media_type,
            data=data,
            content_hash=digest,
            source=source,
            source_record_id=record_id,
            created_at=clock.now(),
        )
    )
    return True


def photo(conn: Connection, person_id: int) -> tuple[str, bytes] | None:
    """The person's newest photo (media type, bytes), if any."""
    row = conn.execute(
        select(person_photo.c.media_type, person_photo.c.data)
        .where(person_photo.c.person_id == person_id)
        .order_by(person_photo.c.id.desc())
        .limit(1)
    ).first()
    return (str(row.media_type), bytes(row.data)) if row is not None else None


def provenance(conn: Connection, person_id: int) -> list[Provenance]:
    """The imported records a person was built from, oldest first."""
    rows = conn.execute(
        select(source_record)
        .where(source_record.c.person_id == person_id)
        .order_by(source_record.c.first_imported_at, source_record.c.id)
    )
    return [
        Provenance(
            id=r.id,
            source=r.source,
            source_id=r.source_id,
            source_file=r.source_file,
            place=r.place,
            first_imported_at=r.first_imported_at,
            last_imported_at=r.last_imported_at,
        )
        for r in rows
    ]


def record_people(conn: Connection, source: str) -> dict[str, int]:
    """source_id -> person id of every stored record of a source that belongs to someone."""
    rows = conn.execute(
        select(source_record.c.source_id, source_record.c.person_id).where(
            source_record.c.source == source, source_record.c.person_id.is_not(None)
        )
    )
    return {str(sid): int(pid) for sid, pid in rows}
