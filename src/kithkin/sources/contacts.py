"""Contacts from files, directories and zip archives, whatever their format.

`read_contacts(path)` walks a file, a directory (recursively, in sorted order) or a zip
archive (its members in sorted order, each named "archive.zip!inner/path"), tells each
file's format from its content (not its name) and yields what the format's reader yields:
`ContactRecord`s and `SourceProblem`s.

- vCard: a line `BEGIN:VCARD` -> `kithkin.sources.vcard`
- LinkedIn Connections.csv: a header with First Name, Last Name, Connected On (among the
  first lines) -> `kithkin.sources.linkedin`
- Google Contacts CSV: a header with First Name/Given Name and E-mail 1 - Value, Phone 1 -
  Value, Labels or Group Membership -> `kithkin.sources.google_csv`

A file named on its own that is none of these is a SourceProblem saying what was expected.
Inside a directory or an archive such a file is *ignored* instead (a LinkedIn export zip
holds Connections.csv among dozens of other files): it is not a problem, and its name is
added to the walk's `ignored` list, which the caller reads during or after the iteration.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal

from kithkin.sources import google_csv, linkedin, vcard
from kithkin.sources.csvfile import HEADER_SEARCH_LINES, header_fields, lines_of
from kithkin.sources.rawtext import decode_text
from kithkin.sources.records import ContactRecord, SourceProblem

Format = Literal["vcard", "linkedin", "google-csv"]
Item = ContactRecord | SourceProblem

HEAD_BYTES = 64 * 1024  # what format detection reads of each file
MAX_MEMBER_BYTES = 512 * 1024 * 1024  # a zip member larger than this is not read
NOT_CONTACTS = (
    "not a contacts file: expected a vCard (BEGIN:VCARD) or a CSV export with the columns of"
    " LinkedIn (" + ",".join(linkedin.HEADER) + ") or Google Contacts (First Name or Given"
    " Name, Last Name or Family Name, E-mail 1 - Value, Phone 1 - Value, Labels or Group"
    " Membership)"
)


class ContactsWalk(Iterator[Item]):
    """The records and problems of a walk, with the names of the files it ignored."""

    def __init__(self, items: Iterator[Item], ignored: list[str]) -> None:
        self._items = items
        self.ignored = ignored  # files that are not contacts (found in a directory or zip)

    def __next__(self) -> Item:
        return next(self._items)

    def __iter__(self) -> ContactsWalk:
        return self


def read_contacts(path: Path) -> ContactsWalk:
    """Every contact in the file, directory or zip archive at `path`."""
    ignored: list[str] = []
    return ContactsWalk(_walk_path(path, ignored), ignored)


def contact_files(path: Path) -> Iterator[Path]:
    """The files an import of `path` reads: itself, or every file under it in sorted order."""
    if path.is_dir():
        yield from sorted(p for p in path.rglob("*") if p.is_file())
    else:
        yield path


def read_contacts_file(path: Path, *, alone: bool) -> ContactsWalk:
    """Every contact in the file (or zip archive) at `path`; `alone`: named on its own, so
    a file that holds no contacts is a problem rather than ignored."""
    ignored: list[str] = []
    return ContactsWalk(_read_file(path, ignored, alone=alone), ignored)


def read_contacts_bytes(data: bytes, source_file: str) -> ContactsWalk:
    """Every contact in `data`, the content of one file (a zip archive is walked)."""
    ignored: list[str] = []
    return ContactsWalk(_read_data(data, source_file, ignored, alone=True), ignored)


def detect_format(head: bytes) -> Format | None:
    """The contacts format of a file from its first bytes, or None."""
    text = decode_text(head)
    for line in lines_of(text)[:HEADER_SEARCH_LINES]:
        if "\x00" in line:  # a binary file's, not a header
            continue
        fields = header_fields(line)
        if linkedin.is_connections_header(fields):
            return "linkedin"
        if google_csv.is_google_header(fields):
            return "google-csv"
    for line in lines_of(text):
        if line.rstrip().upper() == "BEGIN:VCARD":
            return "vcard"
    return None


def read_format(format: Format, data: bytes, source_file: str) -> Iterator[Item]:
    """The records of `data` read as `format`."""
    if format == "vcard":
        return vcard.read_vcards(data, source_file)
    if format == "linkedin":
        return linkedin.read_connections(data, source_file)
    return google_csv.read_google_csv(data, source_file)


def _walk_path(path: Path, ignored: list[str]) -> Iterator[Item]:
    if not path.exists():
        yield SourceProblem(str(path), "file", "no such file or directory")
        return
    alone = not path.is_dir()
    for child in contact_files(path):
        yield from _read_file(child, ignored, alone=alone)


def _read_file(path: Path, ignored: list[str], *, alone: bool) -> Iterator[Item]:
    try:
        with path.open("rb") as stream:
            magic = stream.read(4)
        if _is_zip(magic):
            yield from _read_zip(path, str(path), ignored)
            return
        data = path.read_bytes()
    except OSError as exc:
        yield SourceProblem(str(path), "file", f"cannot read: {exc.strerror or exc}")
        return
    yield from _read_data(data, str(path), ignored, alone=alone)


def _read_data(data: bytes, name: str, ignored: list[str], *, alone: bool) -> Iterator[Item]:
    if _is_zip(data[:4]):
        yield from _read_zip(io.BytesIO(data), name, ignored)
        return
    format = detect_format(data[:HEAD_BYTES])
    if format is not None:
        yield from read_format(format, data, name)
    elif alone:
        yield SourceProblem(name, "file", NOT_CONTACTS + _columns_found(data[:HEAD_BYTES]))
    else:
        ignored.append(name)


def _columns_found(head: bytes) -> str:
    """ "; found the columns a, b, c" for a file that looks like a CSV, else ""."""
    text = decode_text(head)
    first = next((line for line in lines_of(text) if line.strip()), "")
    fields = header_fields(first) if "\x00" not in text else []
    if len(fields) < 2:
        return ""
    shown = ", ".join(fields[:12]) + (", ..." if len(fields) > 12 else "")
    return f"; found the columns {shown}"


def _is_zip(magic: bytes) -> bool:
    return magic in (b"PK\x03\x04", b"PK\x05\x06")


_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, zlib.error)


def _read_zip(source: Path | IO[bytes], name: str, ignored: list[str]) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(source)
    except (*_ZIP_ERRORS, NotImplementedError) as exc:
        yield SourceProblem(name, "file", f"not a readable zip archive: {exc}")
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        for member in sorted(members, key=lambda m: m.filename):
            inner = f"{name}!{member.filename}"
            if member.file_size > MAX_MEMBER_BYTES:
                yield SourceProblem(inner, "file", f"too large to read ({member.file_size} bytes)")
                continue
            try:
                with archive.open(member) as stream:
                    head = stream.read(HEAD_BYTES)
                    format = None if _is_zip(head[:4]) else detect_format(head)
                    content = head + stream.read() if format is not None else b""
            except (*_ZIP_ERRORS, NotImplementedError) as exc:
                yield SourceProblem(inner, "file", f"cannot read from the archive: {exc}")
                continue
            if format is None:
                ignored.append(inner)  # not contacts (an archive inside is not opened either)
            else:
                yield from read_format(format, content, inner)
