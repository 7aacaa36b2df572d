"""A capture draft against the people already known, and into the store.

`matches` finds who the draft may be before anything is written, as a contacts import would:
the owner of one of its addresses, numbers or profiles is the person (exact); else people
whose name and organisation identity resolution scores as likely the same (`identity.score`,
nicknames, accents, transposed names). `save` stores the draft as a contacts import stores a
card (`ingest.contacts.import_contacts`, source "capture"): merged into the owner of one of its
addresses, else a new person, with the photo kept with them and the record's provenance.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from sqlalchemy import Connection

from kithkin.errors import InvalidInput
from kithkin.ingest import identity
from kithkin.ingest.contact_record import contact_keys, offered
from kithkin.ingest.contacts import ImportSummary, import_contacts
from kithkin.sources.card_text import Draft
from kithkin.sources.records import ContactRecord, Labelled, Photo
from kithkin.store import duplicates, sources

if TYPE_CHECKING:
    from kithkin.store import Database

SOURCE: Final = "capture"
MATCH_LIMIT: Final = 3
_LISTS: Final = {"email": "emails", "phone": "phones", "url": "urls", "handle": "handles"}


@dataclass(frozen=True)
class Match:
    """Someone the draft may be: exact when they hold one of its addresses or numbers."""

    person_id: int
    display_name: str
    score: float
    evidence: tuple[str, ...]
    exact: bool

    @property
    def reason(self) -> str:
        return "; ".join(self.evidence)


def to_record(
    draft: Draft, *, file_name: str, image: tuple[str, bytes] | None = None
) -> ContactRecord:
    """The draft as the contact record an import stores (the address kept as a note)."""
    from nameparser import HumanName

    name = draft.name
    given = family = None
    if name:
        parsed = HumanName(name)
        given = parsed.first or None
        family = " ".join(p for p in (parsed.middle, parsed.last) if p) if parsed.last else None
        if parsed.middle and parsed.last:
            family = parsed.last
    lists: dict[str, list[Labelled]] = {plural: [] for plural in _LISTS.values()}
    for f in draft.fields:
        if f.kind in _LISTS:
            lists[_LISTS[f.kind]].append(Labelled(f.value, f.label))
    notes = [f"Address: {a}" for a in draft.values("address")] + draft.values("note")
    payload = json.dumps(draft.as_json()["fields"], sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(payload.encode("utf-8"))
    if image is not None:
        digest.update(image[1])
    title, organisation = draft.first("title"), draft.first("organisation")
    return ContactRecord(
        source=SOURCE,
        source_file=file_name,
        source_id=digest.hexdigest()[:32],
        place=f"a {_SOURCE_NAMES.get(draft.source, draft.source)}",
        raw=draft.text or payload,
        display_name=name,
        given_name=given,
        family_name=family,
        organisation=organisation.value if organisation else None,
        title=title.value if title else None,
        emails=tuple(lists["emails"]),
        phones=tuple(lists["phones"]),
        urls=tuple(lists["urls"]),
        handles=tuple(lists["handles"]),
        notes=tuple(notes),
        photo=Photo(*image) if image is not None else None,
    )


_SOURCE_NAMES: Final = {
    "qr": "QR code",
    "ocr": "card photo",
    "vcard": "vCard",
    "text": "text",
}


def matches(conn: Connection, draft: Draft, *, region: str) -> list[Match]:
    """Who the draft may be, best first (at most `MATCH_LIMIT`)."""
    record = to_record(draft, file_name="draft")
    keys, _ = contact_keys(offered(record), region)
    found: dict[int, Match] = {}
    held = sources.owners(conn, [(k.kind, k.normalized) for k in keys])
    for key in keys:
        owner = held.get((key.kind, key.normalized))
        if owner is None or not owner.live:
            continue
        known = found.get(owner.person_id)
        evidence = (
            (*known.evidence, f"same {key.kind} {key.value}")
            if known
            else (f"same {key.kind} {key.value}",)
        )
        found[owner.person_id] = Match(owner.person_id, owner.display_name, 1.0, evidence, True)
    if draft.name:
        domains = tuple(v.rsplit("@", 1)[-1].lower() for v in draft.values("email") if "@" in v)
        me = identity.features(
            duplicates.Candidate(
                id=0,
                display_name=draft.name,
                given_name=record.given_name,
                family_name=record.family_name,
                organisation=record.organisation,
                email_domains=domains,
            )
        )
        for candidate in duplicates.candidates(conn):
            if candidate.id in found:
                continue
            proposal = identity.score(me, identity.features(candidate))
            if proposal is not None and proposal.score >= identity.DEFAULT_MIN_SCORE:
                found[candidate.id] = Match(
                    candidate.id,
                    candidate.display_name,
                    proposal.score,
                    proposal.evidence,
                    False,
                )
    ranked = sorted(found.values(), key=lambda m: (-m.score, m.person_id))
    return ranked[:MATCH_LIMIT]


def save(
    db: Database,
    draft: Draft,
    *,
    file_name: str,
    image: tuple[str, bytes] | None,
    region: str | None = None,
) -> tuple[int, str, list[str]]:
    """Store the draft; (the person it is now, "new"/"merged"/"updated"/"unchanged", warnings).
    InvalidInput when it cannot be stored (no name and no address)."""
    record = to_record(draft, file_name=file_name, image=image)
    summary: ImportSummary = import_contacts(
        db, [record], label=f"capture {file_name}", region=region
    )
    if summary.problems:
        raise InvalidInput(str(summary.problems[0]))
    outcome = next(k for k, n in summary.counts().items() if n)
    warnings = [w.message for w in summary.warnings]
    if not summary.person_ids:
        found = _person_of(db, record)
        if found is None:
            raise InvalidInput(f"{file_name}: the draft was not stored")
        return found, outcome, warnings
    return summary.person_ids[0], outcome, warnings


def _person_of(db: Database, record: ContactRecord) -> int | None:
    with db.read() as conn:
        stored = sources.find_records(conn, [(record.source, record.source_id)])
        one = stored.get((record.source, record.source_id))
        if one is None or one.person_id is None:
            return None
        live = sources.live_people(conn, [one.person_id])
        return live[one.person_id][0]
