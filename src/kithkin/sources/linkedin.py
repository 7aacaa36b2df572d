"""LinkedIn's `Connections.csv` as `ContactRecord`s, one per connection.

Read as LinkedIn writes it (measured on real exports, 2024-2025): a "Notes:" line, a quoted
notice and a blank line before the header
`First Name,Last Name,URL,Email Address,Company,Position,Connected On`, UTF-8 without BOM,
dates like "26 Dec 2025". Also read: exports without the preamble (2018), without the URL
column, Excel re-saves (Windows-1252, CRLF, dates like "9-Sep-22"), and any column order.

Names lose the stray TABs and outer spaces real exports carry; nothing else is normalised
(emoji and percent-encoded profile URLs stay as they are). The profile URL is a url
contact labelled "linkedin" and the record's `source_id`; a row without one is identified
by a hash of its text. A row with no name, URL or e-mail (a member who hides their profile)
is a SourceProblem, as is a malformed row; the others go on. A "Connected On" that is not a
date keeps its row, with a warning naming the value (the connection has no first interaction).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from kithkin.sources.csvfile import BadRow, find_table, parse_date
from kithkin.sources.rawtext import decode_text, stable_id
from kithkin.sources.records import ContactRecord, Labelled, SourceProblem

SOURCE = "linkedin"
HEADER = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On")
_REQUIRED = {"first name", "last name", "connected on"}


def is_connections_header(fields: Sequence[str]) -> bool:
    """Whether `fields` is the header of a LinkedIn Connections.csv."""
    return {field.strip().lower() for field in fields} >= _REQUIRED


def read_connections(data: bytes, source_file: str) -> Iterator[ContactRecord | SourceProblem]:
    """One record per connection in the Connections.csv `data`."""
    table = find_table(decode_text(data), is_connections_header)
    if table is None:
        yield SourceProblem(
            source_file,
            "line 1",
            "not a LinkedIn Connections.csv: no header with the columns " + ",".join(HEADER),
        )
        return
    columns = {name.strip().lower(): name for name in table.header}

    def cell(fields: dict[str, str], name: str) -> str:
        key = columns.get(name)
        return fields[key] if key is not None else ""

    for row in table.rows:
        place = f"line {row.line}"
        if isinstance(row, BadRow):
            yield SourceProblem(source_file, place, row.message)
            continue
        given = _name(cell(row.fields, "first name"))
        family = _name(cell(row.fields, "last name"))
        url = cell(row.fields, "url").strip()
        email = cell(row.fields, "email address").strip()
        if not (given or family or url or email):
            yield SourceProblem(
                source_file, place, "skipped: the connection has no name, profile URL or e-mail"
            )
            continue
        connected = cell(row.fields, "connected on").strip()
        connected_on = parse_date(connected)
        yield ContactRecord(
            source=SOURCE,
            source_file=source_file,
            source_id=url or stable_id(row.raw),
            place=place,
            raw=row.raw,
            display_name=" ".join(part for part in (given, family) if part) or None,
            given_name=given,
            family_name=family,
            organisation=cell(row.fields, "company").strip() or None,
            title=cell(row.fields, "position").strip() or None,
            emails=(Labelled(email),) if email else (),
            urls=(Labelled(url, "linkedin"),) if url else (),
            connected_on=connected_on,
            warnings=() if connected_on or not connected else (_bad_date(connected),),
        )


def _bad_date(text: str) -> str:
    return (
        f"Connected On {text!r} is not a date (like 26 Dec 2025); the connection is kept"
        " without its first interaction"
    )


def _name(text: str) -> str | None:
    return re.sub(r"\s+", " ", text).strip() or None
