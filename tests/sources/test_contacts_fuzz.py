"""The fuzz tier: random bytes and mutated real files fed to every contact reader (vCard,
LinkedIn, Google CSV, and the walk that tells them apart), and what they yield imported:
no crash (records and problems only), no hang."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin.ingest.contacts import import_contacts
from kithkin.sources.contacts import read_contacts_bytes
from kithkin.sources.google_csv import read_google_csv
from kithkin.sources.linkedin import read_connections
from kithkin.sources.records import ContactRecord, SourceProblem
from kithkin.sources.vcard import read_vcards
from kithkin.store import Database
from tests.conftest import SHARED_DATA

Reader = Callable[[bytes, str], Iterable[ContactRecord | SourceProblem]]
READERS: dict[str, Reader] = {
    "walk": read_contacts_bytes,
    "vcard": read_vcards,
    "linkedin": read_connections,
    "google": read_google_csv,
}
GOOGLE = (  # fictional, in the shape of Google's export
    b"First Name,Middle Name,Last Name,Nickname,Organization Name,Organization Title,Birthday,"
    b"Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\r\n"
    b"Ana,,Lima,Annie,Acme,CTO,1984-03-12,met in Lisbon,* myContacts ::: circle,* Work,"
    b"ana@acme.example,Mobile,+351 912 345 678\r\n"
    b'Raj,K,Patel,,"Globex, Inc.",,--05-17,"two\r\nlines",,Home,raj@x.example ::: r@y.example,,\r\n'
)
SECONDS = 10  # far above what any example takes: more is a hang


def _seeds() -> list[bytes]:
    folder = SHARED_DATA / "contacts"
    files = (
        sorted(p for p in folder.rglob("*") if p.suffix in (".vcf", ".csv"))
        if folder.exists()
        else []
    )
    return [GOOGLE, *(p.read_bytes() for p in files)]


SEEDS = _seeds()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        how = draw(st.sampled_from(["flip", "cut", "insert", "control", "duplicate"]))
        if how == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif how == "cut":
            del data[at : at + draw(st.integers(1, 200))]
        elif how == "insert":
            data[at:at] = draw(st.binary(max_size=32))
        elif how == "control":
            data[at:at] = bytes([draw(st.sampled_from([0, 1, 8, 11, 12, 27, 127]))])
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 400))]
    return bytes(data)


def _read_all(reader: Reader, data: bytes) -> list[ContactRecord | SourceProblem]:
    start = time.monotonic()
    items = list(reader(data, "fuzz.bin"))
    assert time.monotonic() - start < SECONDS
    assert all(isinstance(i, ContactRecord | SourceProblem) for i in items)
    return items


@pytest.mark.parametrize("name", sorted(READERS))
@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=2048))
def test_random_bytes_give_records_and_problems_only(name: str, data: bytes) -> None:
    _read_all(READERS[name], data)


@pytest.mark.parametrize("name", sorted(READERS))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated())
def test_mutated_real_files_give_records_and_problems_only(name: str, data: bytes) -> None:
    _read_all(READERS[name], data)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=mutated())
def test_what_a_mutated_file_yields_is_imported_or_reported(tmp_path: Path, data: bytes) -> None:
    items = _read_all(read_contacts_bytes, data)
    db = Database(f"sqlite:///{tmp_path / 'fuzz.db'}")  # one for every example: they pile up
    try:
        summary = import_contacts(db, items, label="fuzz")
    finally:
        db.dispose()
    assert summary.records == len(items)
