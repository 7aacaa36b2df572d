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

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection

from kithkin.ingest.contact_batch import Done, apply_batch
from kithkin.ingest.contact_record import RecordRun
from kithkin.sources.mail.parallel import fewer_collections
from kithkin.sources.records import ContactRecord, SourceProblem
from kithkin.store import Database, activity, settings, sources
from kithkin.store.sources import FileState

BATCH_SIZE: Final = 1000
CACHE_MB: Final = 64
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
    unchanged_files: list[str] = field(default_factory=list)  # not read again (their records
    # count as unchanged)

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
            "unchanged_files": self.unchanged_files,
        }


def import_contacts(
    db: Database,
    items: Iterable[Item],
    *,
    label: str,
    batch_size: int = BATCH_SIZE,
    region: str | None = None,
    files: FileRun | None = None,
) -> ImportSummary:
    """Store what a contacts source yields; returns the summary of the run. With `files`
    (the run `read_paths` was given), the files read are remembered in the last
    transaction and those it skipped count as unchanged."""
    summary = ImportSummary(label=label)
    stream = iter(items)
    if region is None:
        with db.read() as conn:
            region = settings.default_region(conn)
    else:
        region = settings.check_region(region)
    run = RecordRun(region)
    with (
        fewer_collections(),  # millions of small objects, no cyclic garbage: as mail does
        db.writer(cache_mb=CACHE_MB) as conn,  # one warm connection, a transaction a batch
    ):
        for chunk in _chunks(stream, max(1, batch_size)):
            with conn.begin():
                pending = ImportSummary(label=label)
                for one in apply_batch(conn, chunk, run):
                    _count(one, pending)
                _absorb(summary, pending)
                _log(conn, summary)
        with conn.begin():
            if files is not None:
                files.save(conn)
                summary.unchanged_files = [f.path for f in files.unchanged]
                summary.unchanged += sum(f.records for f in files.unchanged)
            _log(conn, summary)
    return summary


class FileRun:
    """The files of an import: one unchanged since an import last read it to its end (same
    size and mtime, else the same SHA-256) is not read again, as an unchanged mailbox is
    not; the others are remembered once they are read, by `save`."""

    def __init__(self, known: dict[str, FileState]) -> None:
        self.known = known
        self.read: list[FileState] = []  # read to their end in this run
        self.unchanged: list[FileState] = []  # skipped

    @classmethod
    def of(cls, db: Database) -> FileRun:
        with db.read() as conn:
            return cls(sources.file_states(conn))

    def start(self, path: Path) -> FileState | None:
        """The state of `path` now, or None when it is unchanged (and skipped); the caller
        reads it, then calls `finish`. Stat before reading: a file changed meanwhile is
        read again next time."""
        key = str(path.resolve())
        try:
            info = path.stat()
        except OSError:
            return FileState(key, -1, -1, "", 0)  # the reader reports it
        known = self.known.get(key)
        if known is not None and (known.size, known.mtime_ns) == (info.st_size, info.st_mtime_ns):
            self.unchanged.append(known)
            return None
        digest = _sha256(path)
        if known is not None and digest == known.sha256:
            self.unchanged.append(known)
            self.read.append(replace(known, mtime_ns=info.st_mtime_ns))  # touched only
            return None
        return FileState(key, info.st_size, info.st_mtime_ns, digest, 0)

    def finish(self, state: FileState, records: int) -> None:
        if state.size >= 0 and state.sha256:
            self.read.append(replace(state, records=records))

    def save(self, conn: Connection) -> None:
        sources.save_file_states(conn, self.read)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def read_paths(
    paths: Sequence[Path], ignored: list[str], files: FileRun | None = None
) -> Iterator[Item]:
    """What the files, directories and zip archives at `paths` hold; the names of files in
    them that are not contacts are added to `ignored` as the walk passes them. With
    `files`, a file unchanged since it was last read is skipped (`files.unchanged`)."""
    from kithkin.sources.contacts import contact_files, read_contacts, read_contacts_file

    for path in paths:
        if files is None or not path.exists():
            walk = read_contacts(path)
            yield from walk
            ignored.extend(walk.ignored)
            continue
        alone = not path.is_dir()
        for file in contact_files(path):
            state = files.start(file)
            if state is None:
                continue
            walk = read_contacts_file(file, alone=alone)
            records = 0
            for item in walk:
                records += isinstance(item, ContactRecord)
                yield item
            ignored.extend(walk.ignored)
            files.finish(state, records)


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
