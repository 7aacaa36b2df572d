"""CSV exports read row by row, each row with its line number and exact text.

Shared by the LinkedIn and Google Contacts readers. A row that the csv module rejects, or
whose number of fields does not match the header, is a `BadRow` (the caller reports it and
goes on); after a bad row spanning several lines (an unbalanced quote swallowing the lines
after it) reading starts again on the line after the row's first line, so one stray quote
costs one row, not the rest of the file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

HEADER_SEARCH_LINES = 20  # LinkedIn puts a 3-line "Notes:" preamble before its header
DELIMITERS = (",", ";", "\t")

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_DMY = re.compile(r"^(\d{1,2})[ \-]([A-Za-z]{3,9})\.?[ \-](\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts, 1-based in the file
    fields: dict[str, str]  # header name -> cell
    raw: str  # the row's exact text, with its line ending(s)


@dataclass(frozen=True)
class BadRow:
    line: int
    message: str


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    header_line: int  # 1-based
    delimiter: str
    rows: Iterator[Row | BadRow]


def lines_of(text: str) -> list[str]:
    """The lines of `text` with their endings (CR, LF or CRLF; no other separators)."""
    return _LINE.findall(text)


def delimiter_of(line: str) -> str:
    """The delimiter of a header line: ",", or ";" / TAB (Excel in some locales)."""
    return max(DELIMITERS, key=line.count)


def header_fields(line: str) -> list[str]:
    """The cells of one CSV header line, stripped (and without a byte-order mark)."""
    try:
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter_of(line)), [])
    except csv.Error:
        return []
    return [cell.replace("\ufeff", "").strip() for cell in cells]


def find_table(text: str, is_header: Callable[[Sequence[str]], bool]) -> Table | None:
    """The table whose header (one of the first lines) satisfies `is_header`, or None."""
    lines = lines_of(text)
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        fields = header_fields(line)
        if fields and is_header(fields):
            header = tuple(fields)
            delimiter = delimiter_of(line)
            return Table(header, index + 1, delimiter, _rows(lines, index + 1, header, delimiter))
    return None


def _rows(
    lines: list[str], start: int, header: tuple[str, ...], delimiter: str
) -> Iterator[Row | BadRow]:
    index = start
    while index < len(lines):
        feed = _Feed(lines, index)
        reader = csv.reader(feed, delimiter=delimiter, strict=True)
        resync: int | None = None
        while True:
            first = feed.index
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield BadRow(first + 1, f"malformed CSV row: {_explain(exc)}")
                resync = first + 1 if feed.index - first > 1 else None
                if resync is not None:
                    break
                continue
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(cells) != len(header):
                yield BadRow(
                    first + 1,
                    f"malformed CSV row: {len(cells)} fields where the header has {len(header)}",
                )
                if feed.index - first > 1:
                    resync = first + 1
                    break
                continue
            raw = "".join(lines[first : feed.index])
            yield Row(first + 1, dict(zip(header, cells, strict=True)), raw)
        if resync is None:
            return
        index = resync


def _explain(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "a quoted field is never closed"
    return text


class _Feed:
    """Lines handed to csv.reader one at a time, remembering how far it has read."""

    def __init__(self, lines: list[str], index: int) -> None:
        self.lines = lines
        self.index = index

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self.index >= len(self.lines):
            raise StopIteration
        line = self.lines[self.index]
        self.index += 1
        return line


def parse_date(text: str) -> date | None:
    """A date written "12 Mar 2024" (LinkedIn), "9-Sep-22" (Excel) or "2024-03-12"; else None.

    Month names are read in English whatever the machine's locale (no strptime)."""
    text = text.strip()
    match = _DMY.match(text)
    if match:
        day, month_name, year_text = match.groups()
        month = _MONTHS.get(month_name[:3].lower())
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return _date(year, month, int(day))
    match = _ISO.match(text)
    if match:
        return _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return None


def _date(year: int, month: int | None, day: int) -> date | None:
    if month is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None
