"""The contacts ingest end to end on the real vCards in ../shared/data (72 files from iPhone,
Android, Outlook, Gmail, ... exports) and LinkedIn's real export layout."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from kithkin.ingest.contacts import import_contacts, read_paths
from kithkin.ingest.identity import find_duplicates
from kithkin.sources.vcard_export import to_vcards
from kithkin.store import Database, backup, people
from tests.conftest import shared_data

pytestmark = pytest.mark.corpus


def _rows(db: Database) -> dict[str, Any]:
    out = io.StringIO()
    with db.read() as conn:
        backup.export(conn, out)
    tables = json.loads(out.getvalue())["tables"]
    return {name: t["rows"] for name, t in tables.items() if name != "activity"}


def test_every_real_vcard_imports_twice_without_change_and_round_trips(
    db: Database, tmp_path: Path
) -> None:
    folder = shared_data("contacts", "vcards")
    ignored: list[str] = []
    first = import_contacts(db, read_paths([folder], ignored), label="vcards")
    assert first.new > 50 and first.records > 80
    for problem in [*first.problems, *first.warnings]:
        assert problem.source_file.startswith(str(folder)) and problem.place, problem
    assert all(name.endswith(("SOURCE.txt", ".md")) for name in ignored)

    before = _rows(db)
    again = import_contacts(db, read_paths([folder], []), label="vcards")
    assert again.new == again.updated == again.merged == 0
    assert again.unchanged == first.records - first.skipped
    assert _rows(db) == before

    with db.read() as conn:
        everyone = [people.get_person(conn, p.id) for p in people.list_people(conn, limit=10_000)]
        find_duplicates(conn)  # runs on real names (CJK, initials, empty parts)
    exported = tmp_path / "all.vcf"
    exported.write_text(to_vcards(everyone), encoding="utf-8", newline="")
    fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        result = import_contacts(fresh, read_paths([exported], []), label="all.vcf")
        assert (result.skipped, result.merged, result.new) == (0, 0, len(everyone))
        with fresh.read() as conn:
            again_people = [
                people.get_person(conn, p.id) for p in people.list_people(conn, limit=10_000)
            ]
    finally:
        fresh.dispose()

    def essence(found: list[Any]) -> list[tuple[Any, ...]]:
        return sorted(
            (
                p.display_name,
                p.organisation or "",
                tuple(sorted((c.kind, c.value) for c in p.contact_points)),
                p.tags,
                tuple(sorted(n.text for n in p.notes)),
            )
            for p in found
        )

    assert essence(again_people) == essence(everyone)


def test_a_linkedin_export_without_rows_imports_nothing(db: Database, tmp_path: Path) -> None:
    header = shared_data("contacts", "linkedin", "Connections.preamble-and-header.csv")
    copy = tmp_path / "Connections.csv"
    shutil.copy(header, copy)
    summary = import_contacts(db, read_paths([copy], []), label=copy.name)
    assert summary.records == summary.skipped
    with db.read() as conn:
        assert people.count_people(conn) == 0
