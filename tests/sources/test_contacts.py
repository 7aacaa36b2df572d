"""Contacts from files, directories and zips: format detection, walking, ignored files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin.sources.contacts import (
    NOT_CONTACTS,
    ContactsWalk,
    detect_format,
    read_contacts,
    read_contacts_bytes,
)
from kithkin.sources.records import ContactRecord, SourceProblem
from tests.conftest import shared_data

VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ines Duarte\r\nEMAIL:ines@example.pt\r\nEND:VCARD\r\n"
LINKEDIN = (
    "Notes:\n"
    '"A fictional notice line, as LinkedIn writes one."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Omar,Haddad,https://www.linkedin.com/in/omar-haddad,,Contoso,CIO,12 Mar 2024\n"
)
GOOGLE = (
    "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Labels\n"
    "Mei,Lin,Work,mei@example.cn,Peers\n"
)


def _split(walk: ContactsWalk) -> tuple[list[ContactRecord], list[SourceProblem]]:
    items = list(walk)
    return (
        [i for i in items if isinstance(i, ContactRecord)],
        [i for i in items if isinstance(i, SourceProblem)],
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (VCARD, "vcard"),
        ("\n\nbegin:vcard\nfn:x\nend:vcard\n", "vcard"),
        (LINKEDIN, "linkedin"),
        ("First Name,Last Name,Email Address,Company,Position,Connected On\n", "linkedin"),
        (GOOGLE, "google-csv"),
        ("Name,Given Name,Family Name,Group Membership,E-mail 1 - Value\n", "google-csv"),
        ("First Name,Last Name,E-mail Address\n", None),  # Outlook's CSV
        ("hello world\n", None),
        (" BEGIN:VCARD\n", None),  # a folded line never starts a card
        ("\x00\x01\x02BEGIN:VCARD", None),
        ("BEGIN:VCARD\nFN:A\x00na\nEND:VCARD\n", "vcard"),  # one bad card, not a bad file
    ],
)
def test_the_format_is_told_from_the_content(content: str, expected: str | None) -> None:
    assert detect_format(content.encode("utf-8")) == expected


def test_a_file_is_read_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "contacts.txt"
    path.write_text(VCARD)
    records, problems = _split(read_contacts(path))
    assert [r.display_name for r in records] == ["Ines Duarte"]
    assert records[0].source_file == str(path)
    assert problems == []


def test_a_file_that_is_not_contacts_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Full Name,Phone\nA,1\n")
    walk = read_contacts(path)
    found = "; found the columns Full Name, Phone"
    assert list(walk) == [SourceProblem(str(path), "file", NOT_CONTACTS + found)]
    assert walk.ignored == []
    assert "First Name,Last Name,URL,Email Address,Company,Position,Connected On" in NOT_CONTACTS


def test_a_missing_path_is_a_problem(tmp_path: Path) -> None:
    (problem,) = list(read_contacts(tmp_path / "nope.vcf"))
    assert isinstance(problem, SourceProblem)
    assert problem.message == "no such file or directory"


def test_a_directory_is_walked_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "linkedin.csv").write_text(LINKEDIN)
    (tmp_path / "a.vcf").write_text(VCARD)
    (tmp_path / "c-google.csv").write_text(GOOGLE)
    (tmp_path / "notes.txt").write_text("not contacts")
    walk = read_contacts(tmp_path)
    records, problems = _split(walk)
    assert [(r.source, r.display_name) for r in records] == [
        ("vcard", "Ines Duarte"),
        ("linkedin", "Omar Haddad"),
        ("google-csv", "Mei Lin"),
    ]
    assert problems == []
    assert walk.ignored == [str(tmp_path / "notes.txt")]


def test_a_linkedin_export_zip(tmp_path: Path) -> None:
    path = tmp_path / "Basic_LinkedInDataExport_03-01-2025.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Profile.csv", "First Name,Last Name,Headline\nMe,Myself,CIO\n")
        archive.writestr("Connections.csv", LINKEDIN)
        archive.writestr("Messages/messages.csv", "CONVERSATION ID,FROM,TO\n1,a,b\n")
        archive.writestr("Rich_Media.zip", b"PK\x05\x06" + b"\x00" * 18)
        archive.writestr("Shares.csv", "Date,ShareLink,ShareCommentary\n")
    walk = read_contacts(path)
    records, problems = _split(walk)
    assert [(r.display_name, r.source_file, r.place) for r in records] == [
        ("Omar Haddad", f"{path}!Connections.csv", "line 5")
    ]
    assert problems == []
    assert walk.ignored == [
        f"{path}!Messages/messages.csv",
        f"{path}!Profile.csv",
        f"{path}!Rich_Media.zip",
        f"{path}!Shares.csv",
    ]


def test_connections_anywhere_in_the_zip_and_zips_in_a_directory(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.writestr("deep/inside/Connections.csv", LINKEDIN)
        archive.writestr("deep/", "")
    records, _ = _split(read_contacts(tmp_path))
    assert [r.source_file for r in records] == [
        f"{tmp_path / 'export.zip'}!deep/inside/Connections.csv"
    ]


def test_a_truncated_zip_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Connections.csv", LINKEDIN * 50)
    path.write_bytes(path.read_bytes()[:200])
    (problem,) = list(read_contacts(path))
    assert isinstance(problem, SourceProblem)
    assert problem.source_file == str(path)
    assert problem.message.startswith("not a readable zip archive")


def test_a_corrupt_member_is_a_problem_and_the_others_are_read(tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.vcf", VCARD * 20)
        archive.writestr("b.vcf", VCARD.replace("Ines", "Rita"))
    data = bytearray(path.read_bytes())
    start = data.index(b"a.vcf") + len(b"a.vcf") + 5
    data[start : start + 20] = b"\xff" * 20  # damage a.vcf's compressed bytes
    path.write_bytes(bytes(data))
    records, problems = _split(read_contacts(path))
    assert [r.display_name for r in records] == ["Rita Duarte"]
    assert [p.source_file for p in problems] == [f"{path}!a.vcf"]


def test_bytes_from_an_upload() -> None:
    records, problems = _split(read_contacts_bytes(VCARD.encode(), "upload.vcf"))
    assert [r.source_file for r in records] == ["upload.vcf"]
    assert problems == []
    (problem,) = list(read_contacts_bytes(b"\x89PNG...", "photo.png"))
    assert isinstance(problem, SourceProblem)


def test_the_real_linkedin_header_is_detected() -> None:
    path = shared_data("contacts", "linkedin", "Connections.preamble-and-header.csv")
    assert detect_format(path.read_bytes()) == "linkedin"
    assert list(read_contacts(path)) == []


def test_every_real_vcard_is_detected() -> None:
    root = shared_data("contacts", "vcards")
    for path in sorted(root.rglob("*.vcf")):
        assert detect_format(path.read_bytes()[:65536]) == "vcard", path.name


@given(st.binary(max_size=1000))
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_file_never_raises(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "any.bin"
    path.write_bytes(data)
    for item in read_contacts(path):
        assert isinstance(item, ContactRecord | SourceProblem)
    for prefix in (b"PK\x03\x04", b"BEGIN:VCARD\n", LINKEDIN.encode(), GOOGLE.encode()):
        for item in read_contacts_bytes(prefix + data, "any.bin"):
            assert isinstance(item, ContactRecord | SourceProblem)
