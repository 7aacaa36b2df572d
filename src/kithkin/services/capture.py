"""Capture: a business card, a QR code, a vCard or a signature to a person with a story to learn.

`capture` reads inputs (files or uploads) into drafts — each field with a confidence — and
finds who each draft may already be; the web keeps drafts (with their photo) for review.
`save_draft` stores a reviewed draft as a person (or adds it to the one the user chose), the
photo kept with them; `add_story` then writes the answers to "where did you meet, what do they
do, one thing you learned" as story facts with when and where. Nothing leaves the machine:
codes are read by zxing-cpp, text by the local Tesseract.

`kithkin capture`, the Capture page and `/api/captures` all come here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from kithkin.errors import InvalidInput, KithkinError
from kithkin.ingest.capture import Match as Match
from kithkin.model import SOLO, Actor, Record, record
from kithkin.services.common import PersonRef, parse_date, person_id
from kithkin.sources.card_image import MAX_BYTES as MAX_BYTES
from kithkin.sources.card_text import DRAFT_KINDS as DRAFT_KINDS
from kithkin.sources.card_text import LOW_CONFIDENCE as LOW_CONFIDENCE
from kithkin.sources.card_text import Draft as Draft
from kithkin.sources.card_text import DraftField as DraftField

if TYPE_CHECKING:
    from kithkin.services.story import FactAdded
    from kithkin.store import Database

MAX_FILES: Final = 20  # inputs read at once
STORY_QUESTIONS: Final = (
    ("met_where", "Where did you meet?"),
    ("what_they_do", "What do they do?"),
    ("learned", "One thing you learned about them?"),
)


@record
class CaptureDraft(Record):
    """A draft read from one input, who it may be, and (when kept) its id."""

    id: int | None
    file_name: str
    draft: Draft
    matches: tuple[Match, ...]
    has_image: bool
    rotation: int = 0
    skew: float = 0.0
    image: tuple[str, bytes] | None = None  # the photo read (media type, bytes), not kept

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "file": self.file_name,
            **self.draft.as_json(),
            "matches": [
                {
                    "person_id": m.person_id,
                    "display_name": m.display_name,
                    "score": m.score,
                    "exact": m.exact,
                    "evidence": list(m.evidence),
                }
                for m in self.matches
            ],
            "has_image": self.has_image,
            "rotation": self.rotation,
            "skew": self.skew,
        }


@record
class Captured(Record):
    drafts: tuple[CaptureDraft, ...]
    errors: tuple[str, ...]  # one line per input that gave no draft

    def as_json(self) -> dict[str, Any]:
        return {"drafts": [d.as_json() for d in self.drafts], "errors": list(self.errors)}


@record
class CaptureSaved(Record):
    person_id: int
    display_name: str
    outcome: str  # new, merged (into the owner of an address), added (to the chosen person)
    warnings: tuple[str, ...] = ()


def capture_paths(db: Database, *, paths: Sequence[Path], keep: bool = False) -> Captured:
    """Read files (photos, vCards, text); a file that cannot be read is one error line."""
    inputs: list[tuple[str, bytes]] = []
    errors: list[str] = []
    for path in paths:
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                errors.append(f"{path}: {size // (1024 * 1024)} MB is too big to capture")
                continue
            inputs.append((str(path), path.read_bytes()))
        except OSError as exc:
            errors.append(f"{path}: {exc.strerror or exc}")
    found = capture(db, inputs=inputs, keep=keep)
    return Captured(found.drafts, (*errors, *found.errors))


def capture(db: Database, *, inputs: Sequence[tuple[str, bytes]], keep: bool = True) -> Captured:
    """Drafts from each input (name, content), matched against the people known; `keep`
    keeps them (with their photo) for review and saving."""
    from kithkin.ingest import capture as ingest
    from kithkin.sources import capture as reader
    from kithkin.store import capture as store
    from kithkin.store import settings

    if not inputs:
        raise InvalidInput("choose a photo, a vCard or a text file to capture")
    if len(inputs) > MAX_FILES:
        raise InvalidInput(f"at most {MAX_FILES} files at once")
    with db.read() as conn:
        region = settings.default_region(conn)
    drafts: list[CaptureDraft] = []
    errors: list[str] = []
    for name, data in inputs:
        try:
            read = reader.read(name, data, region=region)
        except KithkinError as exc:
            errors.append(str(exc))
            continue
        for draft in read.drafts:
            with db.write() if keep else db.read() as conn:
                found = tuple(ingest.matches(conn, draft, region=region))
                draft_id = None
                if keep:
                    draft_id = store.add_draft(
                        conn,
                        file_name=name,
                        source=draft.source,
                        draft=json.dumps(
                            {**draft.as_json(), "rotation": read.rotation, "skew": read.skew}
                        ),
                        media_type=read.image[0] if read.image else None,
                        image=read.image[1] if read.image else None,
                    )
            drafts.append(
                CaptureDraft(
                    draft_id,
                    name,
                    draft,
                    found,
                    read.image is not None,
                    read.rotation,
                    read.skew,
                    None if keep else read.image,
                )
            )
    return Captured(tuple(drafts), tuple(errors))


def get_draft(db: Database, *, draft_id: int) -> CaptureDraft:
    """A kept draft, matched again (people may have changed since)."""
    from kithkin.ingest import capture as ingest
    from kithkin.store import capture as store
    from kithkin.store import settings

    with db.read() as conn:
        stored = store.get_draft(conn, draft_id)
        data = json.loads(stored.draft)
        draft = Draft.from_json(data)
        found = tuple(ingest.matches(conn, draft, region=settings.default_region(conn)))
    return CaptureDraft(
        stored.id,
        stored.file_name,
        draft,
        found,
        stored.media_type is not None,
        int(data.get("rotation", 0)),
        float(data.get("skew", 0.0)),
    )


def draft_image(db: Database, *, draft_id: int) -> tuple[str, bytes]:
    """A kept draft's photo (media type, bytes); NotFound when it has none."""
    from kithkin.errors import NotFound
    from kithkin.store import capture as store

    with db.read() as conn:
        found = store.draft_image(conn, draft_id)
    if found is None:
        raise NotFound(f"capture draft #{draft_id} has no photo")
    return found


def edited(draft: Draft, values: Sequence[tuple[str, str, str | None]]) -> Draft:
    """The draft with the fields as the user left them (kind, value, label): a value the user
    kept as read keeps its confidence; one they typed is sure (1.0); an empty one is dropped."""
    was = {(f.kind, f.value): f for f in draft.fields}
    fields: list[DraftField] = []
    for kind, value, label in values:
        value = " ".join(value.split())
        if kind not in DRAFT_KINDS:
            raise InvalidInput(f"unknown field {kind!r}; use one of {', '.join(DRAFT_KINDS)}")
        if not value:
            continue
        before = was.get((kind, value))
        confidence = before.confidence if before is not None else 1.0
        fields.append(DraftField(kind, value, confidence, label or None))
    return Draft(draft.source, tuple(fields), draft.text, draft.warnings)


def save_draft(
    db: Database,
    *,
    draft_id: int,
    fields: Sequence[tuple[str, str, str | None]] | None = None,
    into: PersonRef | None = None,
) -> CaptureSaved:
    """Store a kept draft (as the user edited it: `fields`) as a person, with its photo;
    `into` adds it to that person instead ("this looks like Dana Whitfield — add to her?")."""
    from kithkin.store import capture as store

    found = get_draft(db, draft_id=draft_id)
    draft = edited(found.draft, fields) if fields is not None else found.draft
    image = draft_image(db, draft_id=draft_id) if found.has_image else None
    saved = save(db, draft=draft, file_name=found.file_name, image=image, into=into)
    with db.write() as conn:
        store.remove_draft(conn, draft_id)
    return saved


def save(
    db: Database,
    *,
    draft: Draft,
    file_name: str,
    image: tuple[str, bytes] | None = None,
    into: PersonRef | None = None,
) -> CaptureSaved:
    """Store a draft as a person (see `save_draft`)."""
    from kithkin.ingest import capture as ingest
    from kithkin.store import people, trash

    target = None
    if into is not None:
        with db.read() as conn:
            target = person_id(conn, into)
    if not draft.name and not any(draft.values(k) for k in ("email", "phone", "url", "handle")):
        raise InvalidInput(f"{file_name}: the draft has no name and no address: nothing to save")
    pid, outcome, warnings = ingest.save(db, draft, file_name=file_name, image=image)
    if target is not None and pid != target:
        with db.write() as conn:
            if outcome == "new":
                trash.merge_people(conn, target, pid)
                pid, outcome = target, "added"
            else:
                name = people.get_person(conn, pid).display_name
                warnings.append(
                    f"an address on the card is {name}'s (#{pid}): stored there, not on "
                    f"#{target}; if they are one person, merge them"
                )
    with db.read() as conn:
        name = people.get_person(conn, pid).display_name
    return CaptureSaved(pid, name, outcome, tuple(warnings))


def drop_draft(db: Database, *, draft_id: int) -> bool:
    from kithkin.store import capture as store

    with db.write() as conn:
        return store.remove_draft(conn, draft_id)


def add_story(
    db: Database,
    *,
    person: PersonRef,
    met_where: str | None = None,
    what_they_do: str | None = None,
    learned: str | None = None,
    on: str | date | None = None,
    actor: Actor = SOLO,
) -> list[FactAdded]:
    """The answers to the capture's three questions as story facts, each learned `on` (today
    by default) where you met: "Met at ..." and the thing learned under "other", what they do
    under "work". Empty answers are skipped. In team mode they are the actor's, private."""
    from kithkin import clock
    from kithkin.services.story import add_fact

    day = parse_date(on, "on") or clock.now().astimezone().date()
    where = " ".join((met_where or "").split()) or None
    added = []
    for field, text in (
        ("other", f"Met at {where}" if where else None),
        ("work", what_they_do),
        ("other", learned),
    ):
        text = " ".join((text or "").split())
        if text:
            added.append(
                add_fact(
                    db,
                    person=person,
                    field=field,
                    text=text,
                    learned_on=day,
                    learned_where=where,
                    actor=actor,
                )
            )
    return added
