"""Imported records and their provenance: what the contacts ingest reads, a batch at a time.

A `source_record` row remembers one record of one source (file, place, raw text, content hash,
the values it offered) and the person it became; contact points, story facts, notes and photos
created from it point back to it. An import resolves a whole batch of records against the
store with the reads below, one query per kind of fact (and per chunk of a few thousand keys),
never one per record; `kithkin.store.source_writes` writes what it decided, in bulk. Nothing
here writes an activity row: an import writes one per run (`kithkin.ingest.contacts`).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from kithkin import clock
from kithkin.model import IMAGE_TYPES, Record, record
from kithkin.store.bulk import among, chunks
from kithkin.store.schema import (
    contact_point,
    note,
    person,
    person_photo,
    source_record,
    story_fact,
)
from kithkin.store.schema_mail import mail_source

PERSON_FIELDS = ("display_name", "given_name", "family_name", "organisation", "title")

PersonFields = dict[str, str | None]  # PERSON_FIELDS -> value


@record
class StoredRecord(Record):
    id: int
    person_id: int | None
    content_hash: str
    fields: dict[str, Any]


@record
class Owner(Record):
    """Who holds a contact point already, and whether they are still in the network."""

    person_id: int
    display_name: str
    live: bool


@record
class Provenance(Record):
    """One record a person was built from, for the person page and the API."""

    id: int
    source: str
    source_id: str
    source_file: str
    place: str
    first_imported_at: datetime
    last_imported_at: datetime


def find_records(
    conn: Connection, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], StoredRecord]:
    """The stored record of each (source, source_id), for those there are."""
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, source_id in dict.fromkeys(keys):
        by_source[source].append(source_id)
    found: dict[tuple[str, str], StoredRecord] = {}
    for source, ids in by_source.items():
        for part in chunks(ids):
            rows = conn.execute(
                select(
                    source_record.c.id,
                    source_record.c.source_id,
                    source_record.c.person_id,
                    source_record.c.content_hash,
                    source_record.c.fields,
                ).where(
                    source_record.c.source == source,
                    among(conn, source_record.c.source_id, part),
                )
            )
            for row in rows:
                found[(source, row.source_id)] = StoredRecord(
                    id=row.id,
                    person_id=row.person_id,
                    content_hash=row.content_hash,
                    fields=json.loads(row.fields),
                )
    return found


def owners(conn: Connection, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Owner]:
    """Who holds each (kind, normalized) contact point, if anyone."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in dict.fromkeys(keys):
        by_kind[kind].append(key)
    found: dict[tuple[str, str], Owner] = {}
    for kind, wanted in by_kind.items():
        for part in chunks(wanted):
            rows = conn.execute(
                select(
                    contact_point.c.normalized,
                    contact_point.c.person_id,
                    person.c.display_name,
                    person.c.deleted_at,
                )
                .join(person, person.c.id == contact_point.c.person_id)
                .where(contact_point.c.kind == kind, among(conn, contact_point.c.normalized, part))
            )
            for key, person_id, name, deleted_at in rows:
                found[(kind, key)] = Owner(person_id, name, deleted_at is None)
    return found


def live_people(
    conn: Connection, person_ids: Iterable[int]
) -> dict[int, tuple[int | None, str | None]]:
    """For each person id a stored record names: the live person it is now, following
    merges; else (None, why)."""
    asked = set(person_ids)
    rows: dict[int, Any] = {}
    wanted = set(asked)
    while missing := sorted(wanted - rows.keys()):
        for part in chunks(missing):
            query = select(
                person.c.id, person.c.display_name, person.c.deleted_at, person.c.merged_into_id
            ).where(among(conn, person.c.id, part))
            rows.update((row.id, row) for row in conn.execute(query))
        wanted = {rows[i].merged_into_id for i in missing if i in rows} - {None}
        wanted |= rows.keys()
    return {pid: _follow(rows, pid) for pid in asked}


def _follow(rows: dict[int, Any], person_id: int | None) -> tuple[int | None, str | None]:
    seen: set[int] = set()
    while person_id is not None and person_id not in seen:
        seen.add(person_id)
        row = rows.get(person_id)
        if row is None:
            break
        if row.deleted_at is None:
            return person_id, None
        if row.merged_into_id is None:
            return None, f"{row.display_name} (#{person_id}) is in the trash"
        person_id = row.merged_into_id
    return None, "the person it became has been deleted for good"


def people_fields(conn: Connection, person_ids: Iterable[int]) -> dict[int, PersonFields]:
    """The name, organisation and title fields of each person."""
    found: dict[int, PersonFields] = {}
    columns = [person.c[f] for f in PERSON_FIELDS]
    for part in chunks(sorted(set(person_ids))):
        rows = conn.execute(select(person.c.id, *columns).where(among(conn, person.c.id, part)))
        for row in rows:
            found[int(row.id)] = {f: getattr(row, f) for f in PERSON_FIELDS}
    return found


def note_texts(conn: Connection, person_ids: Iterable[int]) -> dict[int, list[str]]:
    """The texts of each person's notes (a text as often as notes hold it)."""
    found: dict[int, list[str]] = defaultdict(list)
    for part in chunks(sorted(set(person_ids))):
        query = select(note.c.person_id, note.c.text).where(among(conn, note.c.person_id, part))
        for person_id, text in conn.execute(query):
            found[int(person_id)].append(str(text))
    return found


def notes_from(
    conn: Connection, record_ids: Iterable[int]
) -> dict[tuple[int, int], list[tuple[int, str]]]:
    """(person id, record id) -> the (note id, text) the record created, oldest first."""
    return _from_records(conn, note, record_ids)


def facts_from(
    conn: Connection, record_ids: Iterable[int]
) -> dict[tuple[int, int], list[tuple[int, str]]]:
    """(person id, record id) -> the (story fact id, text) the record created, oldest first."""
    return _from_records(conn, story_fact, record_ids)


def _from_records(
    conn: Connection, table: Any, record_ids: Iterable[int]
) -> dict[tuple[int, int], list[tuple[int, str]]]:
    found: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    for part in chunks(sorted(set(record_ids))):
        rows = conn.execute(
            select(table.c.id, table.c.person_id, table.c.source_record_id, table.c.text)
            .where(among(conn, table.c.source_record_id, part))
            .order_by(table.c.id)
        )
        for row in rows:
            found[(int(row.person_id), int(row.source_record_id))].append((row.id, row.text))
    return found


def photo_hashes(conn: Connection, person_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(person id, sha256) of the photos the people have."""
    found: set[tuple[int, str]] = set()
    for part in chunks(sorted(set(person_ids))):
        query = select(person_photo.c.person_id, person_photo.c.content_hash).where(
            among(conn, person_photo.c.person_id, part)
        )
        found.update((int(pid), str(digest)) for pid, digest in conn.execute(query))
    return found


def photo(
    conn: Connection, person_id: int, *, images_only: bool = False
) -> tuple[str, bytes] | None:
    """The person's newest photo (media type, bytes), if any; `images_only`: the newest of
    those an import kept as a PNG, JPEG, GIF or WebP image (not a link an older one kept)."""
    query = select(person_photo.c.media_type, person_photo.c.data).where(
        person_photo.c.person_id == person_id
    )
    if images_only:
        query = query.where(person_photo.c.media_type.in_(IMAGE_TYPES))
    row = conn.execute(query.order_by(person_photo.c.id.desc()).limit(1)).first()
    return (str(row.media_type), bytes(row.data)) if row is not None else None


def with_photo(conn: Connection, person_ids: Iterable[int]) -> set[int]:
    """Those of these people who have a photo to show (a PNG, JPEG, GIF or WebP image)."""
    found: set[int] = set()
    for part in chunks(sorted(set(person_ids))):
        query = (
            select(person_photo.c.person_id)
            .where(among(conn, person_photo.c.person_id, part))
            .where(person_photo.c.media_type.in_(IMAGE_TYPES))
            .distinct()
        )
        found.update(int(pid) for pid in conn.scalars(query))
    return found


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


# -- one row at a time: for building a store by hand (tests, tools); an import writes in bulk


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
        conn.execute(update(source_record).where(source_record.c.id == record_id).values(values))
        return record_id
    key = conn.execute(
        insert(source_record).values(
            **values,
            source=source,
            source_id=source_id,
            first_imported_at=values["last_imported_at"],
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def add_note(conn: Connection, person_id: int, text: str, *, record_id: int) -> int:
    key = conn.execute(
        insert(note).values(
            person_id=person_id, text=text, created_at=clock.now(), source_record_id=record_id
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def add_photo(
    conn: Connection, person_id: int, media_type: str, data: bytes, *, source: str, record_id: int
) -> bool:
    """Keep a photo unless the person has the very same one; True when it was added."""
    digest = hashlib.sha256(data).hexdigest()
    if (person_id, digest) in photo_hashes(conn, [person_id]):
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


# -- files read ---------------------------------------------------------------------------------
# A contacts file read to its end is remembered in `mail_source` (the table of every source an
# import reads: location, size, mtime, a hash and the records read), kind "contacts", under
# the location "contacts:PATH", so a second import of an unchanged file reads nothing.

_FILE_KIND = "contacts"


@record
class FileState(Record):
    """A contacts file as it was when an import last read it to its end."""

    path: str
    size: int
    mtime_ns: int
    sha256: str
    records: int


def file_states(conn: Connection) -> dict[str, FileState]:
    """Every contacts file read before, by path."""
    rows = conn.execute(select(mail_source).where(mail_source.c.kind == _FILE_KIND))
    out: dict[str, FileState] = {}
    for row in rows:
        path = row.location.removeprefix(f"{_FILE_KIND}:")
        out[path] = FileState(
            path, row.size or 0, row.mtime_ns or 0, row.tail_hash or "", row.messages
        )
    return out


def save_file_states(conn: Connection, states: Iterable[FileState]) -> None:
    """Remember files read to their end (replacing what was known of them)."""
    at = clock.now()
    for state in states:
        location = f"{_FILE_KIND}:{state.path}"
        values = {
            "size": state.size,
            "mtime_ns": state.mtime_ns,
            "tail_hash": state.sha256,
            "messages": state.records,
            "end_offset": state.size,
            "done": True,
            "last_imported_at": at,
        }
        done = conn.execute(
            update(mail_source).where(mail_source.c.location == location).values(**values)
        )
        if not done.rowcount:
            conn.execute(
                insert(mail_source).values(
                    location=location, kind=_FILE_KIND, first_imported_at=at, **values
                )
            )
