"""LinkedIn Connections.csv: the export as LinkedIn writes it, its variants, and bad rows.

Every row here is fictional; the real preamble and header come from the corpus (not copied).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.sources.linkedin import read_connections
from kithkin.sources.records import ContactRecord, Labelled, SourceProblem
from tests.conftest import shared_data

PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, some e-mail addresses may be missing (a fictional'
    ' notice written for these tests)."\n'
    "\n"
)
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def _read(text: str | bytes) -> list[ContactRecord | SourceProblem]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return list(read_connections(data, "Connections.csv"))


def _records(text: str | bytes) -> list[ContactRecord]:
    results = _read(text)
    assert all(isinstance(r, ContactRecord) for r in results), results
    return [r for r in results if isinstance(r, ContactRecord)]


def test_a_real_shaped_export() -> None:
    rows = (
        "Dana,Okafor 🇳🇬,https://www.linkedin.com/in/dana-okafor-%C4%87,,"
        '"Fabrikam, Inc.",Chief Information Officer,26 Dec 2025\n'
        "\tLee ,Marsh  ,https://www.linkedin.com/in/lee-marsh,lee@fabrikam.example,"
        "Fabrikam,CTO,3 Jan 2024\n"
    )
    dana, lee = _records(PREAMBLE + HEADER + rows)
    assert dana.source == "linkedin"
    assert dana.source_id == "https://www.linkedin.com/in/dana-okafor-%C4%87"
    assert (dana.given_name, dana.family_name) == ("Dana", "Okafor 🇳🇬")
    assert dana.display_name == "Dana Okafor 🇳🇬"
    assert (dana.organisation, dana.title) == ("Fabrikam, Inc.", "Chief Information Officer")
    assert dana.urls == (Labelled("https://www.linkedin.com/in/dana-okafor-%C4%87", "linkedin"),)
    assert dana.emails == ()
    assert dana.connected_on == date(2025, 12, 26)
    assert dana.place == "line 5"
    assert dana.raw == rows.splitlines(keepends=True)[0]
    assert (lee.given_name, lee.family_name, lee.display_name) == ("Lee", "Marsh", "Lee Marsh")
    assert lee.emails == (Labelled("lee@fabrikam.example"),)
    assert lee.place == "line 6"


def test_the_real_preamble_and_header() -> None:
    real = shared_data("contacts", "linkedin", "Connections.preamble-and-header.csv").read_bytes()
    assert _read(real) == []
    row = "Ama,Mensah,https://www.linkedin.com/in/ama-mensah,,Contoso,CISO,1 Feb 2025\n"
    (record,) = _records(real + row.encode())
    assert record.place == "line 5"
    assert record.connected_on == date(2025, 2, 1)


def test_an_excel_resave_without_url_column_in_windows_1252() -> None:
    text = (
        "First Name,Last Name,Email Address,Company,Position,Connected On\r\n"
        "Zoë,Müller,zoe@contoso.example,Contoso,Head of IT,9-Sep-22\r\n"
    )
    (record,) = _records(text.encode("cp1252"))
    assert (record.given_name, record.family_name) == ("Zoë", "Müller")
    assert record.urls == ()
    assert record.connected_on == date(2022, 9, 9)
    assert len(record.source_id) == 32  # no URL: a hash of the row
    assert record.raw == "Zoë,Müller,zoe@contoso.example,Contoso,Head of IT,9-Sep-22\r\n"


def test_an_export_without_preamble_in_another_column_order() -> None:
    text = "Connected On,Last Name,First Name,Company\n05 Apr 2018,Ito,Ken,Northwind\n"
    (record,) = _records(text)
    assert (record.display_name, record.organisation) == ("Ken Ito", "Northwind")
    assert record.connected_on == date(2018, 4, 5)
    assert record.place == "line 2"


def test_a_semicolon_separated_resave() -> None:
    text = "First Name;Last Name;URL;Email Address;Company;Position;Connected On\n"
    text += "Rui;Costa;;;Adventure Works;CIO;12 Mar 2024\n"
    (record,) = _records(text)
    assert (record.display_name, record.title) == ("Rui Costa", "CIO")


def test_bad_rows_are_reported_and_the_rest_imports() -> None:
    rows = (
        "Ana,Silva,https://www.linkedin.com/in/ana,,Contoso,CIO,1 Jan 2024\n"
        ",,,,,,2 Jan 2024\n"
        '"Unclosed,Quote,https://www.linkedin.com/in/x,,Org,Role,3 Jan 2024\n'
        "Too,Few,Fields\n"
        "Bo,Berg,https://www.linkedin.com/in/bo,,Contoso,CFO,not a date\n"
    )
    results = _read(PREAMBLE + HEADER + rows)
    problems = [r for r in results if isinstance(r, SourceProblem)]
    records = [r for r in results if isinstance(r, ContactRecord)]
    assert [r.display_name for r in records] == ["Ana Silva", "Bo Berg"]
    assert records[1].connected_on is None
    assert [(p.place, p.message) for p in problems] == [
        ("line 6", "skipped: the connection has no name, profile URL or e-mail"),
        ("line 7", "malformed CSV row: a quoted field is never closed"),
        ("line 8", "malformed CSV row: 3 fields where the header has 7"),
    ]
    assert all(p.source_file == "Connections.csv" for p in problems)


def test_a_csv_that_is_not_connections() -> None:
    (problem,) = _read("Name,Phone\nA,1\n")
    assert isinstance(problem, SourceProblem)
    assert "First Name,Last Name,URL,Email Address,Company,Position,Connected On" in problem.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Mar 2024", date(2024, 3, 12)),
        ("9-Sep-22", date(2022, 9, 9)),
        ("09-Sept-2022", date(2022, 9, 9)),
        ("2024-03-12", date(2024, 3, 12)),
        ("31 Feb 2024", None),
        ("12 Foo 2024", None),
        ("", None),
    ],
)
def test_connection_dates(text: str, expected: date | None) -> None:
    row = f"A,B,,,,,{text}\n"
    (record,) = _records(HEADER + row)
    assert record.connected_on == expected


_cell = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20
)


@given(st.lists(st.tuples(_cell, _cell, _cell, _cell), min_size=1, max_size=8))
@settings(max_examples=150)
def test_rows_written_by_a_csv_writer_read_back(rows: list[tuple[str, str, str, str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)  # quotes cells holding CR or LF
    writer.writerow(
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    )
    for first, last, company, position in rows:
        writer.writerow([first, last, "", "x@example.com", company, position, "1 Jan 2020"])
    records = _records(PREAMBLE + out.getvalue())
    assert len(records) == len(rows)
    for record, (first, last, company, position) in zip(records, rows, strict=True):
        assert record.given_name == (" ".join(first.split()) or None)
        assert record.family_name == (" ".join(last.split()) or None)
        assert record.organisation == (company.strip() or None)
        assert record.title == (position.strip() or None)


@given(st.text(max_size=500))
@settings(max_examples=200)
def test_any_text_after_the_header_never_raises(body: str) -> None:
    for item in _read(PREAMBLE + HEADER + body):
        assert isinstance(item, ContactRecord | SourceProblem)


@given(st.binary(max_size=500))
def test_any_bytes_never_raise(data: bytes) -> None:
    for item in _read(data):
        assert isinstance(item, ContactRecord | SourceProblem)


def test_a_connected_on_that_is_not_a_date_keeps_the_row_and_says_so() -> None:
    rows = (
        "Ana,Lima,https://www.linkedin.com/in/ana-lima,,Acme,CTO,31 Feb 2024\n"
        "Raj,Patel,https://www.linkedin.com/in/raj-patel,,Acme,CIO,\n"
    )
    ana, raj = _records(PREAMBLE + HEADER + rows)
    assert ana.connected_on is None
    assert ana.display_name == "Ana Lima"
    assert ana.warnings == (
        "Connected On '31 Feb 2024' is not a date (like 26 Dec 2025); the connection is kept"
        " without its first interaction",
    )
    assert raj.warnings == ()  # an empty cell is no date, not a wrong one
