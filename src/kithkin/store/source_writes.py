"""What a contacts import writes, a batch at a time: people, their imported records, contact
points, tags, notes, birthdays and photos, each kind in one bulk statement per batch.

The import (`kithkin.ingest.contact_batch`) decides every row first, against what
`kithkin.store.sources` read for the whole batch; these functions only write. No activity
rows: an import writes one per run.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Connection, bindparam, select, update

from kithkin import clock
from kithkin.model import Record, record
from kithkin.store.bulk import Bulk, among, chunks
from kithkin.store.rows import TAG_NAME
from kithkin.store.schema import (
    contact_point,
    note,
    person,
    person_photo,
    person_tag,
    source_record,
    story_fact,
    tag,
)
from kithkin.store.sources import PERSON_FIELDS

_RECORD_COLUMNS: Final = (
    "source_file",
    "place",
    "raw",
    "content_hash",
    "fields",
    "person_id",
    "last_imported_at",
)
_ADD_PERSON = Bulk.insert(person, ("uid", "created_at", "updated_at", *PERSON_FIELDS))
_ADD_RECORD = Bulk.insert(
    source_record, ("source", "source_id", "first_imported_at", *_RECORD_COLUMNS)
)
_UPDATE_RECORD = Bulk(
    update(source_record)
    .where(source_record.c.id == bindparam("record"))
    .values({c: bindparam(f"new_{c}") for c in _RECORD_COLUMNS}),
    ("record", *(f"new_{c}" for c in _RECORD_COLUMNS)),
    insert_keys=False,
)
_ADD_CONTACT = Bulk.insert(
    contact_point,
    (
        "person_id",
        "kind",
        "value",
        "normalized",
        "label",
        "source",
        "created_at",
        "source_record_id",
    ),
)
_ADD_TAG = Bulk.insert(tag, ("name",))
_ADD_PERSON_TAG = Bulk.insert(person_tag, ("person_id", "tag_id"))
_ADD_NOTE = Bulk.insert(note, ("person_id", "text", "created_at", "source_record_id"))
_SET_NOTE = Bulk(
    update(note).where(note.c.id == bindparam("note")).values(text=bindparam("new_text")),
    ("note", "new_text"),
    insert_keys=False,
)
_ADD_FACT = Bulk.insert(
    story_fact,
    ("person_id", "field", "text", "learned_on", "source", "created_at", "source_record_id"),
)
_SET_FACT = Bulk(
    update(story_fact)
    .where(story_fact.c.id == bindparam("fact"))
    .values(text=bindparam("new_text")),
    ("fact", "new_text"),
    insert_keys=False,
)
_ADD_PHOTO = Bulk.insert(
    person_photo,
    ("person_id", "media_type", "data", "content_hash", "source", "source_record_id", "created_at"),
)
_SET_PERSON: dict[tuple[str, ...], Bulk] = {}


@record
class NewRecord(Record):
    source: str
    source_id: str
    source_file: str
    place: str
    raw: str
    content_hash: str
    fields: Mapping[str, Any] | str  # the values, or their JSON already written
    person_id: int


@record
class NewContact(Record):
    person_id: int
    kind: str
    value: str
    normalized: str  # a key the import found unowned (`sources.owners`)
    label: str | None
    source: str
    record_id: int


@record
class NewFact(Record):
    person_id: int
    field: str
    text: str
    learned_on: date | None
    source: str
    record_id: int


@record
class NewPhoto(Record):
    person_id: int
    media_type: str
    data: bytes
    source: str
    record_id: int


def tag_problem(name: str) -> str | None:
    """Why `name` cannot be a tag (the message `people.add_tag` gives), or None."""
    name = name.strip()
    if TAG_NAME.match(name):
        return None
    return f"not a usable tag: {name!r} (letters, digits, spaces, .:/&+-)"


def create_people(conn: Connection, people: Sequence[Mapping[str, str | None]]) -> list[int]:
    """New people from imported values (cleaned, with a name), in order; returns their ids."""
    at = clock.now()
    rows = [(uuid.uuid4().hex, at, at, *(p.get(f) for f in PERSON_FIELDS)) for p in people]
    return _ADD_PERSON.insert_ids(conn, rows, "uid")


def set_people_fields(conn: Connection, changes: Mapping[int, Mapping[str, str | None]]) -> None:
    """Set the given (cleaned) fields of each person, one statement per set of fields."""
    at = clock.now()
    grouped: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for person_id, values in changes.items():
        if values:
            names = tuple(sorted(values))
            grouped.setdefault(names, []).append((person_id, at, *(values[n] for n in names)))
    for names, rows in grouped.items():
        statement = _SET_PERSON.get(names)
        if statement is None:
            statement = _SET_PERSON[names] = Bulk(
                update(person)
                .where(person.c.id == bindparam("person"))
                .values(
                    {"updated_at": bindparam("new_updated_at")}
                    | {n: bindparam(f"new_{n}") for n in names}
                ),
                ("person", "new_updated_at", *(f"new_{n}" for n in names)),
                insert_keys=False,
            )
        statement.execute(conn, rows)


def add_records(conn: Connection, records: Sequence[NewRecord]) -> list[int]:
    """Remember new records; returns their ids, in order."""
    at = clock.now()
    rows = [
        (r.source, r.source_id, at, r.source_file, r.place, r.raw, r.content_hash, *_tail(r, at))
        for r in records
    ]
    return _ADD_RECORD.insert_ids(conn, rows, "source_id")


def update_records(conn: Connection, records: Mapping[int, NewRecord]) -> None:
    """Bring stored records (by id) up to date with what was read now."""
    at = clock.now()
    _UPDATE_RECORD.execute(
        conn,
        [
            (rid, r.source_file, r.place, r.raw, r.content_hash, _json(r.fields), r.person_id, at)
            for rid, r in records.items()
        ],
    )


def add_contacts(conn: Connection, contacts: Sequence[NewContact]) -> None:
    at = clock.now()
    _ADD_CONTACT.execute(
        conn,
        [
            (c.person_id, c.kind, c.value, c.normalized, c.label, c.source, at, c.record_id)
            for c in contacts
        ],
    )


def attach_tags(conn: Connection, pairs: Iterable[tuple[int, str]]) -> None:
    """Give people tags (usable names: `tag_problem`), creating the tags that are new."""
    wanted = list(dict.fromkeys(pairs))
    if not wanted:
        return
    names = list(dict.fromkeys(name for _, name in wanted))
    ids: dict[str, int] = {}
    for part in chunks(names):
        query = select(tag.c.name, tag.c.id).where(among(conn, tag.c.name, part))
        ids.update((str(n), int(i)) for n, i in conn.execute(query))
    new = [n for n in names if n not in ids]
    ids.update(zip(new, _ADD_TAG.insert_ids(conn, [(n,) for n in new], "name"), strict=True))
    people = sorted({pid for pid, _ in wanted})
    held: set[tuple[int, int]] = set()
    for part in chunks(people):
        query = select(person_tag.c.person_id, person_tag.c.tag_id).where(
            among(conn, person_tag.c.person_id, part)
        )
        held.update((int(p), int(t)) for p, t in conn.execute(query))
    rows = [(pid, ids[name]) for pid, name in wanted if (pid, ids[name]) not in held]
    _ADD_PERSON_TAG.execute(conn, rows)


def add_notes(conn: Connection, notes: Sequence[tuple[int, str, int]]) -> None:
    """New notes: (person id, text, record id)."""
    at = clock.now()
    _ADD_NOTE.execute(conn, [(pid, text, at, rid) for pid, text, rid in notes])


def set_note_texts(conn: Connection, texts: Sequence[tuple[int, str]]) -> None:
    """Rewrite notes: (note id, text)."""
    _SET_NOTE.execute(conn, texts)


def add_facts(conn: Connection, facts: Sequence[NewFact]) -> None:
    at = clock.now()
    _ADD_FACT.execute(
        conn,
        [(f.person_id, f.field, f.text, f.learned_on, f.source, at, f.record_id) for f in facts],
    )


def set_fact_texts(conn: Connection, texts: Sequence[tuple[int, str]]) -> None:
    """Rewrite story facts: (fact id, text)."""
    _SET_FACT.execute(conn, texts)


def add_photos(conn: Connection, photos: Sequence[NewPhoto]) -> None:
    """Keep photos (the import leaves out one a person already has: `sources.photo_hashes`)."""
    at = clock.now()
    _ADD_PHOTO.execute(
        conn,
        [
            (p.person_id, p.media_type, p.data, photo_hash(p.data), p.source, p.record_id, at)
            for p in photos
        ],
    )


def _tail(record: NewRecord, at: datetime) -> tuple[str, int, datetime]:
    return _json(record.fields), record.person_id, at


def photo_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(fields: Mapping[str, Any] | str) -> str:
    if isinstance(fields, str):
        return fields
    return json.dumps(fields, sort_keys=True, ensure_ascii=False)
