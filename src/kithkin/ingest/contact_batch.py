"""One batch of contact records into the store: read in bulk, decide in order, write in bulk.

1. Each record's values and content hash (`contact_record.offered`); a record whose id was
   read before with other content is skipped.
2. What the store holds for the whole batch, one query per kind: the stored records of these
   ids, the owners of every address, the people those belong to (their fields, notes,
   birthdays from these records, photos).
3. Each record decided in order against that (`contact_record.plan`), which keeps it up to
   date, so a record sees what the records before it in the batch did.
4. Every row written, one statement per kind of row; then the search index.

The batch is one transaction (`kithkin.ingest.contacts`): a crash leaves whole batches only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import Connection

from kithkin.errors import KithkinError
from kithkin.ingest.contact_record import (
    Known,
    Outcome,
    Plan,
    RecordRun,
    contact_keys,
    content_hash,
    controls_removed,
    fields_text,
    offered,
    plan,
)
from kithkin.ingest.identity import ContactKey
from kithkin.model import CONTROL_CHARS, image_type
from kithkin.sources.records import ContactRecord, SourceProblem
from kithkin.store import interactions, search, source_writes, sources
from kithkin.store.rows import clean

Item = ContactRecord | SourceProblem


@dataclass
class Done:
    """What became of one item of the batch."""

    problem: SourceProblem | None = None
    outcome: Outcome | None = None
    person_id: int | None = None
    warnings: list[SourceProblem] = field(default_factory=list)


@dataclass
class _Read:
    record: ContactRecord
    fields: dict[str, Any]
    digest: str
    text: str  # fields as JSON
    keys: list[ContactKey] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)


def apply_batch(conn: Connection, items: Sequence[Item], run: RecordRun) -> list[Done]:
    """Store a batch (see the module's docstring); one `Done` per item, in order."""
    done = [Done() for _ in items]
    read: dict[int, _Read] = {}
    for n, item in enumerate(items):
        if isinstance(item, SourceProblem):
            done[n].problem = item
            continue
        fields = offered(item)
        text = fields_text(fields)
        digest = content_hash(fields, text)
        key = (item.source, item.source_id)
        first = run.seen.get(key)
        if first is not None and first[0] != digest:
            message = f"same record id ({item.source_id}) as {first[1]}, read first; skipped"
            done[n].problem = SourceProblem(item.source_file, item.place, message)
            continue
        run.seen[key] = (digest, f"{item.source_file}: {item.place}")
        read[n] = _Read(item, fields, digest, text)
        noticed = [
            SourceProblem(item.source_file, item.place, w)
            for w in (*item.warnings, *controls_removed(item))
        ]
        done[n].warnings = noticed
    known = _known(conn, read, run.region)
    plans: dict[int, Plan] = {}
    for n, one in read.items():
        stored = known.stored.get((one.record.source, one.record.source_id))
        if stored is not None and stored.content_hash == one.digest:
            done[n].outcome, done[n].person_id = "unchanged", stored.person_id
            continue
        try:
            plans[n] = plan(one.record, one.fields, one.digest, one.keys, one.bad, known)
            plans[n].text = one.text
        except KithkinError as exc:  # RecordSkipped, with the reason
            done[n].problem = SourceProblem(one.record.source_file, one.record.place, str(exc))
    ids = _write(conn, list(plans.values()))
    for n, planned in plans.items():
        record = planned.record
        done[n].outcome, done[n].person_id = planned.outcome, ids.get(planned.person_id)
        done[n].warnings += [
            SourceProblem(record.source_file, record.place, w) for w in planned.warnings
        ]
    return done


def _known(conn: Connection, read: dict[int, _Read], region: str) -> Known:
    """What the store holds that the batch's records touch."""
    stored = sources.find_records(
        conn, [(r.record.source, r.record.source_id) for r in read.values()]
    )
    changed = []
    for one in read.values():
        held = stored.get(_key(one.record))
        if held is None or held.content_hash != one.digest:
            one.keys, one.bad = contact_keys(one.fields, region)
            changed.append((one, held))
    owners = sources.owners(conn, [(k.kind, k.normalized) for one, _ in changed for k in one.keys])
    live = sources.live_people(
        conn, [held.person_id for _, held in changed if held is not None and held.person_id]
    )
    people = {o.person_id for o in owners.values() if o.live}
    people |= {pid for pid, _ in live.values() if pid is not None}
    records = [held.id for _, held in changed if held is not None]
    return Known(
        stored=stored,
        owners=owners,
        live=live,
        fields=sources.people_fields(conn, people),
        notes={pid: Counter(texts) for pid, texts in sources.note_texts(conn, people).items()},
        notes_from=sources.notes_from(conn, records),
        facts_from=sources.facts_from(conn, records),
        photos=sources.photo_hashes(conn, people),
    )


def _write(conn: Connection, plans: list[Plan]) -> dict[int, int]:
    """Write what the plans decided; returns every person id the plans name (a slot of a
    person made here, or an id) -> the id it is in the store."""
    ids: dict[int, int] = {}
    new = [p for p in plans if p.outcome == "new"]
    fields: dict[int, dict[str, str | None]] = {}
    for p in plans:
        if p.outcome == "new":
            fields[p.person_id] = {f: p.fields[f] for f in sources.PERSON_FIELDS}
        else:
            fields.setdefault(p.person_id, {}).update(p.changes)  # clean: see `offered`
    made = source_writes.create_people(conn, [fields[p.person_id] for p in new])
    ids.update(zip([p.person_id for p in new], made, strict=True))
    for p in plans:
        ids.setdefault(p.person_id, p.person_id)
    source_writes.set_people_fields(
        conn, {pid: values for pid, values in fields.items() if pid >= 0}
    )
    records = _write_records(conn, plans, ids)
    source_writes.add_contacts(
        conn,
        [
            source_writes.NewContact(
                ids[p.person_id],
                key.kind,
                key.value.strip(),
                key.normalized,
                clean(key.label),
                p.record.source,
                records[p.record_id],
            )
            for p in plans
            for key in p.contacts
        ],
    )
    source_writes.attach_tags(conn, [(ids[p.person_id], name) for p in plans for name in p.tags])
    source_writes.add_notes(
        conn,
        [(ids[p.person_id], text, records[p.record_id]) for p in plans for text in p.new_notes],
    )
    source_writes.set_note_texts(conn, [t for p in plans for t in p.note_texts])
    source_writes.add_facts(
        conn,
        [
            source_writes.NewFact(
                ids[p.person_id], "other", p.birthday, None, p.record.source, records[p.record_id]
            )
            for p in plans
            if p.birthday is not None
        ],
    )
    source_writes.set_fact_texts(conn, [p.fact_text for p in plans if p.fact_text is not None])
    source_writes.add_photos(
        conn,
        [
            source_writes.NewPhoto(
                ids[p.person_id],
                image_type(p.record.photo.data) or p.record.photo.media_type,
                p.record.photo.data,
                p.record.source,
                records[p.record_id],
            )
            for p in plans
            if p.photo and p.record.photo is not None
        ],
    )
    for p in plans:
        if p.record.connected_on is not None:
            _connected(conn, ids[p.person_id], p.record, p.keys)
    search.index_new_people(conn, made)
    for pid in dict.fromkeys(ids[p.person_id] for p in plans if p.outcome != "new"):
        search.reindex_person(conn, pid)
    return ids


def _write_records(conn: Connection, plans: list[Plan], ids: dict[int, int]) -> dict[int, int]:
    """Insert the new records and update the others; returns record slot or id -> id."""

    def row(p: Plan) -> source_writes.NewRecord:
        r = p.record
        return source_writes.NewRecord(
            r.source,
            r.source_id,
            r.source_file,
            r.place,
            CONTROL_CHARS.sub("\ufffd", r.raw),  # kept as read, but for control characters
            p.digest,
            p.text or p.fields,
            ids[p.person_id],
        )

    fresh = [p for p in plans if p.record_id < 0]
    made = source_writes.add_records(conn, [row(p) for p in fresh])
    records = dict(zip([p.record_id for p in fresh], made, strict=True))
    source_writes.update_records(conn, {p.record_id: row(p) for p in plans if p.record_id >= 0})
    records.update((p.record_id, p.record_id) for p in plans if p.record_id >= 0)
    return records


def _key(record: ContactRecord) -> tuple[str, str]:
    return record.source, record.source_id


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
