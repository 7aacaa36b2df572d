"""`services.contacts.import_contacts`: a file unchanged since it was read is not read again."""

from __future__ import annotations

import os
from pathlib import Path

from kithkin.services import contacts
from kithkin.store import Database
from tests.builders.contacts import vcard


def _cards(*names: str) -> bytes:
    return vcard(*((f"uid-{n}", n, f"EMAIL:{n.lower()}@x.example\r\n") for n in names))


def _import(db: Database, *paths: Path) -> contacts.ImportSummary:
    return contacts.import_contacts(db, paths=list(paths)).summary


def test_an_unchanged_file_is_not_read_again(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "a.vcf"
    path.write_bytes(_cards("Ana Lima", "Raj Patel"))
    assert _import(db, path).counts()["new"] == 2
    again = _import(db, path)
    assert again.unchanged_files == [str(path.resolve())]
    assert (again.new, again.unchanged) == (0, 2)
    # Same size, same mtime, other bytes: not even opened (as an unchanged mbox).
    stat = path.stat()
    path.write_bytes(_cards("Ana Lime", "Raj Pate1"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _import(db, path).unchanged_files == [str(path.resolve())]


def test_a_touched_file_with_the_same_bytes_is_not_read_again(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "a.vcf"
    path.write_bytes(_cards("Ana Lima"))
    _import(db, path)
    os.utime(path, ns=(1, 1))
    again = _import(db, path)
    assert again.unchanged_files == [str(path.resolve())]
    assert again.unchanged == 1
    assert _import(db, path).unchanged_files == [str(path.resolve())]  # the new mtime is kept


def test_a_changed_file_is_read_again_and_its_neighbours_are_not(
    db: Database, tmp_path: Path
) -> None:
    tmp_path = tmp_path / "cards"
    tmp_path.mkdir()
    (tmp_path / "a.vcf").write_bytes(_cards("Ana Lima"))
    (tmp_path / "b.vcf").write_bytes(_cards("Raj Patel"))
    assert _import(db, tmp_path).new == 2
    (tmp_path / "b.vcf").write_bytes(_cards("Raj Patel", "Lee Marsh"))
    again = _import(db, tmp_path)
    assert again.unchanged_files == [str((tmp_path / "a.vcf").resolve())]
    assert (again.new, again.unchanged) == (1, 2)
    assert _import(db, tmp_path).unchanged_files == [
        str((tmp_path / "a.vcf").resolve()),
        str((tmp_path / "b.vcf").resolve()),
    ]
