"""Contact records -> identity resolution -> store, batch by batch, idempotent.

Records are stored `batch_size` at a time, each batch in one transaction, read from the store
and written to it in bulk (`kithkin.ingest.contact_batch`): a crash loses no batch already
committed and leaves no half-record, and a record that cannot be stored is reported (file and
place) and skipped while the rest go on.

For each record:

- the same (source, source_id) with the same content hash: *unchanged*, nothing is written;
- the same (source, source_id) with new content: *updated*. A person field is overwritten only
  while it still holds what the previous import of this record set (the user's edits win);
  new contact points, tags, notes and facts are added, none removed;
- a new record whose email, profile URL, phone or handle belongs to someone: *merged* into
  that person (their empty fields filled, their own values kept);
- otherwise a *new* person.

Every fact created keeps its provenance (`source_record_id`), and each run writes one row to
the activity log, kept up to date batch by batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection

from kithkin.ingest.contact_batch import Done, apply_batch
from kithkin.ingest.contact_record import RecordRun
from kithkin.sources.records import ContactRecord, SourceProblem
from kithkin.store import Database, activity, settings

BATCH_SIZE: Final = 200
Item = ContactRecord | SourceProblem


@dataclass
class ImportSummary:
    """What one import did. `problems` are records skipped; `warnings` are records stored
    without something they held (an address that belongs to someone else, a bad tag)."""

    label: str
    new: int = 0
    updated: int = 0
    merged: int = 0
    unchanged: int = 0
    problems: list[SourceProblem] = field(default_factory=list)
    warnings: list[SourceProblem] = field(default_factory=list)
    person_ids: list[int] = field(default_factory=list)  # new, updated or merged into
    activity_id: int | None = None

    @property
    def skipped(self) -> int:
        return len(self.problems)

    @property
    def records(self) -> int:
        return self.new + self.updated + self.merged + self.unchanged + self.skipped

    def counts(self) -> dict[str, int]:
        return {
            "new": self.new,
            "updated": self.updated,
            "merged": self.merged,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }

    def line(self) -> str:
        return ", ".join(f"{n} {what}" for what, n in self.counts().items())

    def as_json(self) -> dict[str, Any]:
        def problem(p: SourceProblem) -> dict[str, str]:
            return {"file": p.source_file, "place": p.place, "message": p.message}

        return {
            "label": self.label,
            **self.counts(),
            "problems": [problem(p) for p in self.problems],
            "warnings": [problem(p) for p in self.warnings],
            "person_ids": self.person_ids,
            "activity_id": self.activity_id,
        }


def import_contacts(
    db: Database,
    items: Iterable[Item],
    *,
    label: str,
    batch_size: int = BATCH_SIZE,
    region: str | None = None,
) -> ImportSummary:
    """Store what a contacts source yields; returns the summary of the run."""
    summary = ImportSummary(label=label)
    stream = iter(items)
    if region is None:
        with db.read() as conn:
            region = settings.default_region(conn)
    else:
        region = settings.check_region(region)
    run = RecordRun(region)
    for chunk in _chunks(stream, max(1, batch_size)):
        with db.write() as conn:
            pending = ImportSummary(label=label)
            for one in apply_batch(conn, chunk, run):
                _count(one, pending)
            _absorb(summary, pending)
            _log(conn, summary)
    if summary.activity_id is None:
        with db.write() as conn:
            _log(conn, summary)
    return summary


def read_paths(paths: Sequence[Path], ignored: list[str]) -> Iterator[Item]:
    """What the files, directories and zip archives at `paths` hold; the names of files in
    them that are not contacts are added to `ignored` as the walk passes them."""
    from kithkin.sources.contacts import read_contacts

    for path in paths:
        walk = read_contacts(path)
        yield from walk
        ignored.extend(walk.ignored)


def read_uploads(files: Sequence[tuple[str, bytes]], ignored: list[str]) -> Iterator[Item]:
    """What uploaded files hold, each named by the name it was uploaded under."""
    from kithkin.sources.contacts import read_contacts_bytes

    for name, data in files:
        walk = read_contacts_bytes(data, name)
        yield from walk
        ignored.extend(walk.ignored)


def describe(names: Sequence[str]) -> str:
    """What an import read, for its activity row: "a.vcf", "a.vcf, b.csv and 3 more"."""
    shown = ", ".join(names[:2])
    return shown + (f" and {len(names) - 2} more" if len(names) > 2 else "") if names else "-"


def _chunks(stream: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(islice(stream, size)):
        yield chunk


def _count(one: Done, out: ImportSummary) -> None:
    if one.problem is not None:
        out.problems.append(one.problem)
        return
    assert one.outcome is not None
    setattr(out, one.outcome, getattr(out, one.outcome) + 1)
    if one.outcome != "unchanged" and one.person_id is not None:
        out.person_ids.append(one.person_id)
    out.warnings += one.warnings


def _absorb(summary: ImportSummary, batch: ImportSummary) -> None:
    for what in ("new", "updated", "merged", "unchanged"):
        setattr(summary, what, getattr(summary, what) + getattr(batch, what))
    summary.problems += batch.problems
    summary.warnings += batch.warnings
    summary.person_ids += batch.person_ids


def _log(conn: Connection, summary: ImportSummary) -> None:
    text = f"imported contacts from {summary.label}: {summary.line()}"
    payload = {**summary.counts(), "warnings": len(summary.warnings)}
    if summary.activity_id is None:
        summary.activity_id = activity.record(conn, "import.contacts", text, payload=payload)
    else:
        activity.revise(conn, summary.activity_id, text, payload=payload)
