"""Google Contacts CSV: the newer and the older export, multi-values, labels and groups."""

from __future__ import annotations

import csv
import io
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.sources.google_csv import read_google_csv
from kithkin.sources.records import ContactRecord, Labelled, Photo, SourceProblem

NEWER = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Middle Name",
    "Phonetic Last Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "File As",
    "Organization Name",
    "Organization Title",
    "Organization Department",
    "Birthday",
    "Notes",
    "Photo",
    "Labels",
    "E-mail 1 - Label",
    "E-mail 1 - Value",
    "E-mail 2 - Label",
    "E-mail 2 - Value",
    "Phone 1 - Label",
    "Phone 1 - Value",
    "Phone 2 - Label",
    "Phone 2 - Value",
    "Address 1 - Label",
    "Address 1 - Formatted",
    "Website 1 - Label",
    "Website 1 - Value",
]
OLDER = [
    "Name",
    "Given Name",
    "Additional Name",
    "Family Name",
    "Yomi Name",
    "Given Name Yomi",
    "Additional Name Yomi",
    "Family Name Yomi",
    "Name Prefix",
    "Name Suffix",
    "Initials",
    "Nickname",
    "Short Name",
    "Maiden Name",
    "Birthday",
    "Gender",
    "Location",
    "Billing Information",
    "Directory Server",
    "Mileage",
    "Occupation",
    "Hobby",
    "Sensitivity",
    "Priority",
    "Subject",
    "Notes",
    "Language",
    "Photo",
    "Group Membership",
    "E-mail 1 - Type",
    "E-mail 1 - Value",
    "E-mail 2 - Type",
    "E-mail 2 - Value",
    "IM 1 - Type",
    "IM 1 - Service",
    "IM 1 - Value",
    "Phone 1 - Type",
    "Phone 1 - Value",
    "Organization 1 - Type",
    "Organization 1 - Name",
    "Organization 1 - Yomi Name",
    "Organization 1 - Title",
    "Organization 1 - Department",
    "Website 1 - Type",
    "Website 1 - Value",
]


def export(header: list[str], *rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        assert set(row) <= set(header), set(row) - set(header)
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode("utf-8")


def _read(data: bytes) -> list[ContactRecord | SourceProblem]:
    return list(read_google_csv(data, "contacts.csv"))


def _records(data: bytes) -> list[ContactRecord]:
    results = _read(data)
    assert all(isinstance(r, ContactRecord) for r in results), results
    return [r for r in results if isinstance(r, ContactRecord)]


def test_the_newer_export() -> None:
    data = export(
        NEWER,
        {
            "First Name": "Priya",
            "Middle Name": "K.",
            "Last Name": "Raman",
            "Nickname": "PK",
            "Organization Name": "Tailspin Toys",
            "Organization Title": "VP Infrastructure",
            "Birthday": "1984-11-02",
            "Notes": "Met at re:Invent.\nTwo kids, runs marathons.",
            "Photo": "https://lh3.googleusercontent.example/photo.jpg",
            "Labels": "* myContacts ::: * starred ::: Peers ::: Board",
            "E-mail 1 - Label": "* Work",
            "E-mail 1 - Value": "priya@tailspin.example ::: p.raman@tailspin.example",
            "E-mail 2 - Label": "Home",
            "E-mail 2 - Value": "priya@home.example",
            "Phone 1 - Label": "Mobile",
            "Phone 1 - Value": "+44 7700 900123",
            "Phone 2 - Label": "Work Fax",
            "Phone 2 - Value": "+44 20 7946 0000",
            "Website 1 - Label": "Blog",
            "Website 1 - Value": "https://priya.example/blog",
        },
    )
    (record,) = _records(data)
    assert record.source == "google-csv"
    assert (record.given_name, record.family_name) == ("Priya", "Raman")
    assert record.display_name == "Priya K. Raman"
    assert record.nickname == "PK"
    assert (record.organisation, record.title) == ("Tailspin Toys", "VP Infrastructure")
    assert record.birthday == date(1984, 11, 2)
    assert record.notes == ("Met at re:Invent.\nTwo kids, runs marathons.",)
    assert record.photo == Photo("text/uri", b"https://lh3.googleusercontent.example/photo.jpg")
    assert record.tags == ("Peers", "Board")
    assert record.emails == (
        Labelled("priya@tailspin.example", "work"),
        Labelled("p.raman@tailspin.example", "work"),
        Labelled("priya@home.example", "home"),
    )
    assert record.phones == (
        Labelled("+44 7700 900123", "mobile"),
        Labelled("+44 20 7946 0000", "work fax"),
    )
    assert record.urls == (Labelled("https://priya.example/blog", "blog"),)
    assert record.place == "line 2"
    assert record.raw.startswith("Priya,K.,Raman,")
    assert len(record.source_id) == 32


def test_the_older_export() -> None:
    data = export(
        OLDER,
        {
            "Name": "Tomás Ortega",
            "Given Name": "Tomás",
            "Family Name": "Ortega",
            "Group Membership": "* My Contacts ::: Clients ::: * Friends",
            "E-mail 1 - Type": "* Other",
            "E-mail 1 - Value": "tomas@example.es",
            "IM 1 - Type": "Work",
            "IM 1 - Service": "Skype",
            "IM 1 - Value": "tomas.ortega",
            "Phone 1 - Type": "Main",
            "Phone 1 - Value": "+34 600 000 000",
            "Organization 1 - Name": "Litware",
            "Organization 1 - Title": "Director",
            "Website 1 - Type": "Profile",
            "Website 1 - Value": "https://litware.example/tomas",
            "Birthday": "--05-17",
        },
    )
    (record,) = _records(data)
    assert record.display_name == "Tomás Ortega"
    assert record.tags == ("Clients", "Friends")
    assert record.emails == (Labelled("tomas@example.es", "other"),)
    assert record.handles == (Labelled("tomas.ortega", "Skype"),)
    assert record.phones == (Labelled("+34 600 000 000", "main"),)
    assert (record.organisation, record.title) == ("Litware", "Director")
    assert record.urls == (Labelled("https://litware.example/tomas", "profile"),)
    assert record.birthday is None  # no year


def test_a_custom_label_is_kept_as_written() -> None:
    data = export(
        NEWER, {"First Name": "A", "Phone 1 - Label": "Chauffeur", "Phone 1 - Value": "1"}
    )
    (record,) = _records(data)
    assert record.phones == (Labelled("1", "Chauffeur"),)


def test_empty_and_malformed_rows_are_reported() -> None:
    good = export(NEWER, {"First Name": "Kai", "E-mail 1 - Value": "kai@example.com"})
    text = good.decode() + "x,,,,\n" + "," * (len(NEWER) - 1) + "\n" + '"Unclosed,quote\n'
    text += export(NEWER, {"First Name": "Lin"}).decode().split("\r\n", 1)[1]
    results = _read(text.encode())
    names = [r.display_name for r in results if isinstance(r, ContactRecord)]
    problems = [(p.place, p.message) for p in results if isinstance(p, SourceProblem)]
    assert names == ["Kai", "Lin"]
    assert problems == [
        ("line 3", f"malformed CSV row: 5 fields where the header has {len(NEWER)}"),
        ("line 5", "malformed CSV row: a quoted field is never closed"),
    ]


def test_a_row_with_nothing_in_it_is_a_problem() -> None:
    data = export(NEWER, {"Notes": "just a note", "Labels": "* myContacts"})
    (problem,) = _read(data)
    assert isinstance(problem, SourceProblem)
    assert problem.place == "line 2"


def test_a_csv_that_is_not_google() -> None:
    (problem,) = _read(b"First Name,Last Name,E-mail Address\nA,B,a@b.example\n")
    assert isinstance(problem, SourceProblem)
    assert "E-mail 1 - Value" in problem.message


@given(st.lists(st.text(max_size=30), min_size=len(NEWER), max_size=len(NEWER)))
@settings(max_examples=150)
def test_any_row_never_raises(cells: list[str]) -> None:
    data = export(NEWER, dict(zip(NEWER, cells, strict=True)))
    for item in _read(data):
        assert isinstance(item, ContactRecord | SourceProblem)


@given(st.binary(max_size=500))
def test_any_bytes_never_raise(data: bytes) -> None:
    for item in _read(",".join(NEWER).encode() + b"\n" + data):
        assert isinstance(item, ContactRecord | SourceProblem)


def test_a_birthday_that_is_not_a_date_is_left_out_with_a_warning() -> None:
    header = "First Name,Last Name,Birthday,E-mail 1 - Value\n"
    rows = "Ana,Lima,1984-13-40,ana@x.example\nRaj,Patel,--05-17,raj@x.example\n"
    data = (header + rows).encode()
    ana, raj = read_google_csv(data, "google.csv")
    assert isinstance(ana, ContactRecord) and isinstance(raj, ContactRecord)
    assert ana.birthday is None
    assert ana.warnings == ("Birthday '1984-13-40' is not a date (like 1984-03-12); left out",)
    assert raj.warnings == ()
