"""One contact record, decided against what the batch knows: unchanged, updated (the user's
edits win), merged or new, and every row it adds.

Pure: `plan` reads and updates a `Known` (what the store held for the whole batch, read in
bulk, kept up to date as the batch's records are decided in order) and returns a `Plan`;
`kithkin.ingest.contact_batch` reads the `Known` and writes the plans. People and records
made in this batch have negative ids (slots) until they are written.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal

from kithkin.errors import KithkinError, RecordSkipped
from kithkin.ingest import identity
from kithkin.ingest.identity import ContactKey
from kithkin.model import first_control, photo_problem, without_controls
from kithkin.sources.records import ContactRecord, Labelled
from kithkin.store.contacts import normalize
from kithkin.store.rows import clean
from kithkin.store.source_writes import tag_problem
from kithkin.store.sources import PERSON_FIELDS, Owner, PersonFields, StoredRecord

Outcome = Literal["new", "updated", "merged", "unchanged"]
_FILLABLE: Final = ("given_name", "family_name", "organisation", "title")
_KINDS: Final = (("email", "emails"), ("phone", "phones"), ("url", "urls"), ("handle", "handles"))


@dataclass
class RecordRun:
    """What the whole import shares.

    `seen`: (source, source_id) -> (content hash, where) of the records stored so far, so a
    second record with the same id and other content (one UID in two files) is reported
    instead of overwriting the first, on every run alike."""

    region: str
    seen: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


@dataclass
class Known:
    """What the store holds that a batch touches, as of the record being decided."""

    stored: dict[tuple[str, str], StoredRecord]  # (source, source_id) -> the record
    owners: dict[tuple[str, str], Owner]  # (kind, key) -> who holds it
    live: dict[int, tuple[int | None, str | None]]  # a record's person -> who they are now
    fields: dict[int, PersonFields]  # the name, organisation and title of people touched
    notes: dict[int, Counter[str]]  # person -> their notes' texts
    notes_from: dict[tuple[int, int], list[tuple[int, str]]]  # (person, record) -> notes
    facts_from: dict[tuple[int, int], list[tuple[int, str]]]  # (person, record) -> facts
    photos: set[tuple[int, str]]  # (person, sha256)
    next_slot: int = -1

    def slot(self) -> int:
        """An id for a person or record made in this batch, until it is written."""
        self.next_slot -= 1
        return self.next_slot + 1


@dataclass
class Plan:
    """What storing one record writes."""

    record: ContactRecord
    fields: dict[str, Any]
    digest: str
    outcome: Outcome
    person_id: int  # a slot (< 0) when new
    record_id: int  # a slot (< 0) when new
    keys: list[ContactKey] = field(default_factory=list)
    changes: dict[str, str | None] = field(default_factory=dict)  # person fields set
    contacts: list[ContactKey] = field(default_factory=list)  # contact points added
    tags: list[str] = field(default_factory=list)
    new_notes: list[str] = field(default_factory=list)
    note_texts: list[tuple[int, str]] = field(default_factory=list)  # (note id, new text)
    text: str = ""  # `fields` as JSON, when written already
    birthday: str | None = None  # a fact to add
    fact_text: tuple[int, str] | None = None  # (fact id, new text)
    photo: bool = False
    warnings: list[str] = field(default_factory=list)


def offered(record: ContactRecord) -> dict[str, Any]:
    """The values a record offers, cleaned as the store keeps them: what gets hashed and
    remembered as "what the import set"."""

    def labelled(values: tuple[Labelled, ...]) -> list[list[str | None]]:
        return [[v.value.strip(), clean(v.label)] for v in values if v.value.strip()]

    given, family = clean(record.given_name), clean(record.family_name)
    nickname, organisation = clean(record.nickname), clean(record.organisation)
    contacts = {name: labelled(getattr(record, name)) for _, name in _KINDS}
    first_address = next(
        (v[0] for kind, name in _KINDS for v in contacts[name] if _readable(kind, v[0])), None
    )
    name = (
        clean(record.display_name)
        or " ".join(part for part in (given, family) if part)
        or nickname
        or organisation
        or clean(first_address)
    )  # every person field here is clean: the writes take them as they are
    photo = record.photo
    return {
        "display_name": name,
        "given_name": given,
        "family_name": family,
        "nickname": nickname,
        "organisation": organisation,
        "title": clean(record.title),
        **contacts,
        "tags": sorted({t for t in (clean(tag) for tag in record.tags) if t}),
        "notes": [n for n in (without_controls(n).strip() for n in record.notes) if n],
        "birthday": _iso(record.birthday),
        "connected_on": _iso(record.connected_on),
        "photo": None
        if photo is None
        else {"media_type": photo.media_type, "sha256": hashlib.sha256(photo.data).hexdigest()},
    }


_TEXTS: Final = (
    ("display_name", "name"),
    ("given_name", "given name"),
    ("family_name", "family name"),
    ("nickname", "nickname"),
    ("organisation", "organisation"),
    ("title", "title"),
)


def controls_removed(record: ContactRecord) -> list[str]:
    """What lost control characters on its way in (names, notes, tags, labels), reported
    once per record; contact points that hold one are refused by `contact_keys`."""
    labels = [v.label or "" for _, name in _KINDS for v in getattr(record, name)]
    names = [getattr(record, a) or "" for a, _ in _TEXTS]
    if first_control("".join([*names, *record.notes, *record.tags, *labels])) is None:
        return []  # the quick answer for nearly every record
    out: list[str] = []
    for attribute, what in _TEXTS:
        control = first_control(getattr(record, attribute) or "")
        if control is not None:
            out.append(f"control characters ({control}) removed from the {what}")
    for what, texts in (
        ("a note", record.notes),
        ("a tag", record.tags),
        ("a label", labels),
    ):
        control = next(filter(None, map(first_control, texts)), None)
        if control is not None:
            out.append(f"control characters ({control}) removed from {what}")
    return out


def fields_text(fields: dict[str, Any]) -> str:
    """The record's values as JSON: what is hashed, and what the store keeps."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False)


def content_hash(fields: dict[str, Any], text: str | None = None) -> str:
    """The hash of `fields` (whose JSON `text` is given when it was written already)."""
    return hashlib.sha256((text or fields_text(fields)).encode("utf-8")).hexdigest()


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


def plan(
    record: ContactRecord,
    fields: dict[str, Any],
    digest: str,
    keys: list[ContactKey],
    bad: list[str],
    known: Known,
) -> Plan:
    """Decide a record that is not unchanged; raises RecordSkipped with the reason. `known`
    is brought up to date with what the plan writes."""
    stored = known.stored.get((record.source, record.source_id))
    held = {
        (k.kind, k.normalized): owner
        for k in keys
        if (owner := known.owners.get((k.kind, k.normalized))) is not None
    }
    warnings = list(bad)
    if stored is not None:
        person_id, why = (
            known.live.get(stored.person_id, (None, None))
            if stored.person_id is not None
            else (None, "the person it became has been deleted for good")
        )
        if person_id is None:
            raise RecordSkipped(f"not updated: {why}")
        out = Plan(record, fields, digest, "updated", person_id, stored.id, keys)
        out.changes = _updated_fields(known.fields[person_id], stored.fields, fields)
        previous = stored.fields
    else:
        out = _match_or_create(record, fields, digest, keys, held, known, warnings)
        previous = {}
    out.warnings = warnings
    _apply(known, out)
    _contacts(out, held, known)
    _tags(out)
    _notes(out, known, previous.get("notes", []))
    _birthday(out, known, previous.get("birthday"))
    _photo(out, known)
    known.stored[(record.source, record.source_id)] = StoredRecord(
        out.record_id, out.person_id, digest, fields
    )
    return out


def _match_or_create(
    record: ContactRecord,
    fields: dict[str, Any],
    digest: str,
    keys: list[ContactKey],
    held: dict[tuple[str, str], Owner],
    known: Known,
    warnings: list[str],
) -> Plan:
    person_id, others, trashed = identity.choose_owner(
        keys, {key: (o.person_id, o.live) for key, o in held.items()}
    )
    if person_id is None:
        if trashed:
            names = ", ".join(f"#{pid}" for pid in trashed)
            raise RecordSkipped(
                f"its address belongs to {names}, who is in the trash; not imported"
            )
        if not fields["display_name"]:
            unread = f" ({'; '.join(w.removesuffix('; left out') for w in warnings)})"
            raise RecordSkipped("no name and no usable address" + (unread if warnings else ""))
        new = Plan(record, fields, digest, "new", known.slot(), known.slot(), keys)
        known.fields[new.person_id] = {f: fields.get(f) for f in PERSON_FIELDS}
        return new
    current = known.fields[person_id]
    merged = Plan(record, fields, digest, "merged", person_id, known.slot(), keys)
    merged.changes = {f: fields[f] for f in _FILLABLE if fields[f] and not current[f]}
    if others:
        listed = ", ".join(f"#{pid}" for pid in others)
        warnings.append(
            f"also matches {listed}; stored on #{person_id}: if they are one person, merge them "
            "(kithkin person merge)"
        )
    return merged


def _updated_fields(
    current: PersonFields, previous: dict[str, Any], fields: dict[str, Any]
) -> dict[str, str | None]:
    """Overwrite a field only while it still holds what the previous import set."""
    changes: dict[str, str | None] = {}
    for name in PERSON_FIELDS:
        new, old = fields.get(name), previous.get(name)
        if new == old or (current[name] or None) != (old or None):
            continue
        if name == "display_name" and not new:
            continue
        changes[name] = new
    return changes


def _apply(known: Known, out: Plan) -> None:
    known.fields[out.person_id] = {
        **known.fields[out.person_id],
        **out.changes,
    }


def _contacts(out: Plan, held: dict[tuple[str, str], Owner], known: Known) -> None:
    for key in out.keys:
        owner = held.get((key.kind, key.normalized))
        if owner is None:
            out.contacts.append(key)
            mine = known.fields[out.person_id]["display_name"] or ""
            known.owners[(key.kind, key.normalized)] = Owner(out.person_id, mine, True)
        elif owner.person_id != out.person_id:
            now = known.fields.get(owner.person_id)
            name = owner.display_name if now is None else str(now["display_name"])
            out.warnings.append(
                f"{key.kind} {key.value} already belongs to {name} (#{owner.person_id}); left there"
            )


def _tags(out: Plan) -> None:
    for name in out.fields["tags"]:
        problem = tag_problem(name)
        if problem is None:
            out.tags.append(name.strip())
        else:
            out.warnings.append(f"{problem}; left out")


def _notes(out: Plan, known: Known, old: list[str]) -> None:
    """Add the record's notes the person lacks; a note the previous import wrote and the
    record no longer holds is rewritten with a new one rather than kept beside it."""
    new: list[str] = out.fields["notes"]
    if old == new:
        return
    present = known.notes.setdefault(out.person_id, Counter())
    stale = known.notes_from.get((out.person_id, out.record_id), [])
    stale = [(nid, text) for nid, text in stale if text not in new and text in old]
    for text in new:
        if text in present:
            continue
        if stale:
            note_id, gone = stale.pop(0)
            out.note_texts.append((note_id, text))
            present[gone] -= 1
            present += Counter()  # drop texts no note holds any more
        else:
            out.new_notes.append(text)
        present[text] += 1


def _birthday(out: Plan, known: Known, old: str | None) -> None:
    new = out.fields["birthday"]
    if new == old or new is None:
        return
    facts = known.facts_from.get((out.person_id, out.record_id), [])
    previous = next((fid for fid, text in facts if old and text == birthday(old)), None)
    if previous is not None:
        out.fact_text = (previous, birthday(new))
    else:
        out.birthday = birthday(new)


def _photo(out: Plan, known: Known) -> None:
    """The record's photo is kept when it is a PNG, JPEG, GIF or WebP image of at most
    `MAX_PHOTO_BYTES`, told by its bytes (a link, or anything else, is noted and left out)."""
    if out.record.photo is None:
        return
    problem = photo_problem(out.record.photo.media_type, out.record.photo.data)
    if problem is not None:
        out.warnings.append(problem)
        return
    held = (out.person_id, hashlib.sha256(out.record.photo.data).hexdigest())
    if held not in known.photos:
        known.photos.add(held)
        out.photo = True


def _readable(kind: str, value: str | None) -> bool:
    try:
        normalize(kind, value or "")
    except KithkinError:
        return False
    return True


def birthday(iso: str) -> str:
    """A birthday as a story fact."""
    return f"birthday {iso}"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
