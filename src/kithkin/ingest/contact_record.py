"""One contact record into the store: unchanged, updated (user edits win), merged or new.

See `kithkin.ingest.contacts` for the run around it (batches, savepoints, the summary).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Final, Literal

from sqlalchemy import Connection

from kithkin.errors import KithkinError
from kithkin.ingest import identity
from kithkin.ingest.identity import ContactKey
from kithkin.sources.records import ContactRecord, Labelled
from kithkin.store import interactions, search, sources
from kithkin.store.contacts import normalize
from kithkin.store.rows import clean

Outcome = Literal["new", "updated", "merged", "unchanged"]
_FILLABLE: Final = ("given_name", "family_name", "organisation", "title")
_KINDS: Final = (("email", "emails"), ("phone", "phones"), ("url", "urls"), ("handle", "handles"))


class Skip(Exception):
    """A record that is not stored, with the reason."""


@dataclass
class RecordRun:
    """What applying one record needs besides the record, and what it noticed on the way.

    `seen` is shared by the whole import: (source, source_id) -> (content hash, where) of the
    records stored so far, so a second record with the same id and other content (one UID in
    two files) is reported instead of overwriting the first, on every run alike."""

    region: str
    seen: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def offered(record: ContactRecord) -> dict[str, Any]:
    """The values a record offers, cleaned as the store keeps them: what gets hashed and
    remembered as "what the import set"."""

    def labelled(values: tuple[Labelled, ...]) -> list[list[str | None]]:
        return [[v.value.strip(), clean(v.label)] for v in values if v.value.strip()]

    given, family = clean(record.given_name), clean(record.family_name)
    contacts = {name: labelled(getattr(record, name)) for _, name in _KINDS}
    first_address = next(
        (v[0] for kind, name in _KINDS for v in contacts[name] if _readable(kind, v[0])), None
    )
    name = (
        clean(record.display_name)
        or " ".join(part for part in (given, family) if part)
        or clean(record.nickname)
        or clean(record.organisation)
        or first_address
    )
    photo = record.photo
    return {
        "display_name": name,
        "given_name": given,
        "family_name": family,
        "nickname": clean(record.nickname),
        "organisation": clean(record.organisation),
        "title": clean(record.title),
        **contacts,
        "tags": sorted({t for t in (clean(tag) for tag in record.tags) if t}),
        "notes": [n.strip() for n in record.notes if n.strip()],
        "birthday": _iso(record.birthday),
        "connected_on": _iso(record.connected_on),
        "photo": None
        if photo is None
        else {"media_type": photo.media_type, "sha256": hashlib.sha256(photo.data).hexdigest()},
    }


def content_hash(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def contact_keys(fields: dict[str, Any], region: str) -> tuple[list[ContactKey], list[str]]:
    """The record's contact points with their unique keys, and what could not be read."""
    keys: dict[tuple[str, str], ContactKey] = {}
    bad: list[str] = []
    for kind, name in _KINDS:
        for value, label in fields[name]:
            try:
                key = normalize(kind, value, region=region)
            except KithkinError as exc:
                bad.append(f"{exc}; left out")
                continue
            keys.setdefault((kind, key), ContactKey(kind, value, label, key))
    return list(keys.values()), bad


def apply_record(
    conn: Connection, record: ContactRecord, run: RecordRun
) -> tuple[Outcome, int | None]:
    """Store one record (see the module's docstring); raises Skip with the reason."""
    fields = offered(record)
    digest = content_hash(fields)
    key = (record.source, record.source_id)
    first = run.seen.get(key)
    if first is not None and first[0] != digest:
        raise Skip(f"same record id ({record.source_id}) as {first[1]}, read first; skipped")
    run.seen[key] = (digest, f"{record.source_file}: {record.place}")
    stored = sources.find_record(conn, record.source, record.source_id)
    if stored is not None and stored.content_hash == digest:
        return "unchanged", stored.person_id
    keys, bad = contact_keys(fields, run.region)
    run.warnings += bad
    held = sources.owners(conn, [(k.kind, k.normalized) for k in keys])
    outcome: Outcome
    if stored is not None:
        person_id, why = sources.live_person(conn, stored.person_id)
        if person_id is None:
            raise Skip(f"not updated: {why}")
        previous = stored.fields
        _update_fields(conn, person_id, previous, fields)
        outcome = "updated"
    else:
        previous = {}
        person_id, outcome = _match_or_create(conn, fields, keys, held, run)
    record_id = sources.save_record(
        conn,
        record_id=stored.id if stored is not None else None,
        source=record.source,
        source_id=record.source_id,
        source_file=record.source_file,
        place=record.place,
        raw=record.raw,
        content_hash=digest,
        fields=fields,
        person_id=person_id,
    )
    _add_contacts(conn, person_id, keys, held, record_id, record.source, run)
    _add_tags(conn, person_id, fields["tags"], run)
    _sync_notes(conn, person_id, record_id, previous.get("notes", []), fields["notes"])
    _sync_birthday(conn, person_id, record, record_id, previous.get("birthday"))
    if record.photo is not None:
        sources.add_photo(
            conn,
            person_id,
            record.photo.media_type,
            record.photo.data,
            source=record.source,
            record_id=record_id,
        )
    if record.connected_on is not None:
        _connected(conn, person_id, record, keys)
    search.reindex_person(conn, person_id)
    return outcome, person_id


def _match_or_create(
    conn: Connection,
    fields: dict[str, Any],
    keys: list[ContactKey],
    held: dict[tuple[str, str], sources.Owner],
    run: RecordRun,
) -> tuple[int, Outcome]:
    person_id, others, trashed = identity.choose_owner(
        keys, {key: (o.person_id, o.live) for key, o in held.items()}
    )
    if person_id is None:
        if trashed:
            names = ", ".join(f"#{pid}" for pid in trashed)
            raise Skip(f"its address belongs to {names}, who is in the trash; not imported")
        if not fields["display_name"]:
            unread = f" ({'; '.join(w.removesuffix('; left out') for w in run.warnings)})"
            raise Skip("no name and no usable address" + (unread if run.warnings else ""))
        return sources.create_person(conn, fields), "new"
    current = sources.person_fields(conn, person_id)
    sources.set_person_fields(
        conn, person_id, {f: fields[f] for f in _FILLABLE if fields[f] and not current[f]}
    )
    if others:
        listed = ", ".join(f"#{pid}" for pid in others)
        run.warnings.append(
            f"also matches {listed}; stored on #{person_id} (kithkin person merge joins them)"
        )
    return person_id, "merged"


def _update_fields(
    conn: Connection, person_id: int, previous: dict[str, Any], fields: dict[str, Any]
) -> None:
    """Overwrite a field only while it still holds what the previous import set."""
    current = sources.person_fields(conn, person_id)
    changes: dict[str, str | None] = {}
    for name in sources.PERSON_FIELDS:
        new, old = fields.get(name), previous.get(name)
        if new == old or (current[name] or None) != (old or None):
            continue
        if name == "display_name" and not new:
            continue
        changes[name] = new
    sources.set_person_fields(conn, person_id, changes)


def _add_contacts(
    conn: Connection,
    person_id: int,
    keys: list[ContactKey],
    held: dict[tuple[str, str], sources.Owner],
    record_id: int,
    source: str,
    run: RecordRun,
) -> None:
    for key in keys:
        owner = held.get((key.kind, key.normalized))
        if owner is None:
            sources.add_contact(
                conn,
                person_id,
                key.kind,
                key.value,
                key.normalized,
                label=key.label,
                source=source,
                record_id=record_id,
            )
        elif owner.person_id != person_id:
            run.warnings.append(
                f"{key.kind} {key.value} already belongs to {owner.display_name} "
                f"(#{owner.person_id}); left there"
            )


def _add_tags(conn: Connection, person_id: int, tags: list[str], run: RecordRun) -> None:
    for name in tags:
        try:
            sources.add_tags(conn, person_id, [name])
        except KithkinError as exc:
            run.warnings.append(f"{exc}; left out")


def _sync_notes(
    conn: Connection, person_id: int, record_id: int, old: list[str], new: list[str]
) -> None:
    """Add the record's notes the person lacks; a note the previous import wrote and the
    record no longer holds is rewritten with a new one rather than kept beside it."""
    if old == new:
        return
    present = sources.note_texts(conn, person_id)
    stale = [(nid, text) for nid, text in sources.notes_from(conn, person_id, record_id)]
    stale = [(nid, text) for nid, text in stale if text not in new and text in old]
    for text in new:
        if text in present:
            continue
        if stale:
            note_id, _ = stale.pop(0)
            sources.set_note_text(conn, note_id, text)
        else:
            sources.add_note(conn, person_id, text, record_id=record_id)
        present.add(text)


def _sync_birthday(
    conn: Connection, person_id: int, record: ContactRecord, record_id: int, old: str | None
) -> None:
    new = _iso(record.birthday)
    if new == old:
        return
    facts = sources.facts_from(conn, person_id, record_id)
    previous = next((fid for fid, text in facts if old and text == _birthday(old)), None)
    if new is None:
        return
    if previous is not None:
        sources.set_fact_text(conn, previous, _birthday(new))
    else:
        sources.add_fact(
            conn,
            person_id,
            "other",
            _birthday(new),
            learned_on=None,
            source=record.source,
            record_id=record_id,
        )


def _connected(
    conn: Connection, person_id: int, record: ContactRecord, keys: list[ContactKey]
) -> None:
    """LinkedIn's "Connected On": the relationship's first interaction."""
    assert record.connected_on is not None
    profile = next((k.normalized for k in keys if k.kind == "url"), None)
    interactions.log_interaction(
        conn,
        kind="event",
        direction="both",
        occurred_at=datetime.combine(record.connected_on, time(12), tzinfo=UTC),
        participants=[person_id],
        subject="Connected on LinkedIn" if record.source == "linkedin" else "Connected",
        source=record.source,
        source_id=f"connected:{profile or record.source_id}",
        record_activity=False,
    )


def _readable(kind: str, value: str | None) -> bool:
    try:
        normalize(kind, value or "")
    except KithkinError:
        return False
    return True


def _birthday(iso: str) -> str:
    return f"birthday {iso}"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
