"""Contacts in and out, and one person per person: import (files or uploads), vCard export,
likely duplicates, "not the same person", merging a proposed pair, a person's sources.

`kithkin import contacts`, `export contacts`, `people duplicates` and `not-duplicates`, the
Import and Duplicates pages and their JSON API all come here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Generic, TextIO, TypeVar

from kithkin.errors import InvalidInput
from kithkin.ingest import contacts as ingest
from kithkin.ingest.contacts import BATCH_SIZE as BATCH_SIZE
from kithkin.ingest.contacts import ImportSummary as ImportSummary
from kithkin.ingest.identity import DEFAULT_MIN_SCORE as DEFAULT_MIN_SCORE
from kithkin.ingest.identity import Proposal as Proposal
from kithkin.ingest.identity import Report as Report
from kithkin.ingest.identity import find_duplicates
from kithkin.model import Person, PersonSummary, Record, record
from kithkin.services.common import PersonRef, person_id
from kithkin.store.sources import Provenance as Provenance

if TYPE_CHECKING:
    from kithkin.store import Database

P = TypeVar("P", PersonSummary, Person)
Progress = Callable[[Iterable[Any]], Iterable[Any]]  # wraps the stream of records as read
EXPORT_PAGE: Final = 500


@record
class ContactsImported(Record):
    """What an import did, and the files it read that hold no contacts."""

    summary: ImportSummary
    ignored: tuple[str, ...] = ()

    @property
    def warnings(self) -> list[str]:
        return [str(w) for w in self.summary.warnings]

    def as_json(self) -> dict[str, Any]:
        """The `--json` of `kithkin import contacts`, and the API's answer."""
        return {**self.summary.as_json(), "ignored": list(self.ignored)}


def import_contacts(
    db: Database,
    *,
    paths: Sequence[Path],
    region: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> ContactsImported:
    """Import the contacts in files, folders or zip archives; `progress` (a progress bar)
    wraps the records as they are read. A file unchanged since an import read it to its end
    is not read again (its records count as unchanged)."""
    ignored: list[str] = []
    files = ingest.FileRun.of(db)
    items: Iterable[Any] = ingest.read_paths(list(paths), ignored, files)
    if progress is not None:
        items = progress(items)
    label = ingest.describe([str(p) for p in paths])
    summary = ingest.import_contacts(
        db, items, label=label, batch_size=batch_size, region=region, files=files
    )
    return ContactsImported(summary, tuple(ignored))


def import_uploads(db: Database, *, files: Sequence[tuple[str, bytes]]) -> ContactsImported:
    """Import uploaded files, each (name it was uploaded under, content)."""
    if not files:
        raise InvalidInput("choose one or more files to import (vCard, CSV or zip)")
    ignored: list[str] = []
    items = ingest.read_uploads(files, ignored)
    summary = ingest.import_contacts(db, items, label=ingest.describe([n for n, _ in files]))
    return ContactsImported(summary, tuple(ignored))


@record
class VcardExported(Record):
    written: int
    to: str  # the file, or "-" for the stream given


def export_vcard(db: Database, *, to: Path | TextIO, tag: str | None = None) -> VcardExported:
    """Every person (or those tagged `tag`) as vCard 4.0, one card each, to a stream or to a
    file (written beside it first, so a failed export leaves the old file whole)."""
    from kithkin.sources.vcard_export import to_vcard
    from kithkin.store import people

    written = 0
    with db.read() as conn:

        def write(handle: TextIO) -> None:
            nonlocal written
            offset = 0
            while page := people.list_people(conn, tag_name=tag, limit=EXPORT_PAGE, offset=offset):
                for summary in page:
                    handle.write(to_vcard(people.get_person(conn, summary.id)))
                    written += 1
                offset += len(page)

        if isinstance(to, Path):
            partial = to.with_name(to.name + ".partial")
            with partial.open("w", encoding="utf-8", newline="") as handle:
                write(handle)
            partial.replace(to)
            return VcardExported(written, str(to))
        write(to)
        to.flush()
    return VcardExported(written, "-")


@record
class DuplicatePair(Generic[P], Record):
    proposal: Proposal
    a: P
    b: P


@record
class Duplicates(Generic[P], Record):
    """Likely duplicates, best first: the first `limit` pairs with both people, and the
    search's figures (`report`: every proposal, people, pairs compared, blocks skipped)."""

    pairs: tuple[DuplicatePair[P], ...]
    report: Report
    min_score: float


def duplicates(
    db: Database, *, min_score: float = DEFAULT_MIN_SCORE, limit: int = 50
) -> Duplicates[PersonSummary]:
    """Pairs of people who are probably one person, with score and evidence."""
    from kithkin.store import people

    with db.read() as conn:
        report = find_duplicates(conn, min_score=min_score)
        shown = report.proposals[:limit]
        names = people.summaries_by_id(conn, [i for p in shown for i in (p.a, p.b)])
    pairs = tuple(DuplicatePair(p, names[p.a], names[p.b]) for p in shown)
    return Duplicates(pairs, report, min_score)


def duplicates_side_by_side(
    db: Database, *, min_score: float = DEFAULT_MIN_SCORE, limit: int = 50
) -> Duplicates[Person]:
    """Likely duplicates with everything known of both people, to compare them."""
    from kithkin.store import people

    with db.read() as conn:
        report = find_duplicates(conn, min_score=min_score)
        pairs = tuple(
            DuplicatePair(p, people.get_person(conn, p.a), people.get_person(conn, p.b))
            for p in report.proposals[:limit]
        )
    return Duplicates(pairs, report, min_score)


@record
class NotDuplicates(Record):
    """Two people said to be two people (ids and names in the order given)."""

    first: int
    second: int
    first_name: str
    second_name: str
    added: bool  # False: it was already noted

    @property
    def low(self) -> int:
        return min(self.first, self.second)

    @property
    def high(self) -> int:
        return max(self.first, self.second)


def not_duplicates(db: Database, *, first: PersonRef, second: PersonRef) -> NotDuplicates:
    """Say two people are not the same person: the pair is never proposed again."""
    from kithkin.store import duplicates as store_duplicates
    from kithkin.store import people

    with db.write() as conn:
        a, b = person_id(conn, first), person_id(conn, second)
        one = people.get_person(conn, a).display_name
        other = people.get_person(conn, b).display_name
        added = store_duplicates.dismiss(conn, a, b)
    return NotDuplicates(a, b, one, other, added)


@record
class PairMerged(Record):
    keep: int
    other: int
    kept_name: str
    gone_name: str
    activity_id: int  # what `undo` takes back


def merge_pair(db: Database, *, keep: PersonRef, other: PersonRef) -> PairMerged:
    """Merge a proposed pair: `other` is folded into `keep` (undoable)."""
    from kithkin.store import people, trash

    with db.write() as conn:
        a, b = person_id(conn, keep), person_id(conn, other)
        kept = people.get_person(conn, a).display_name
        gone = people.get_person(conn, b).display_name
        activity_id = trash.merge_people(conn, a, b)
    return PairMerged(a, b, kept, gone, activity_id)


def person_sources(db: Database, *, person: PersonRef) -> list[Provenance]:
    """The imported records a person was built from, oldest first."""
    from kithkin.store import sources

    with db.read() as conn:
        return sources.provenance(conn, person_id(conn, person))
