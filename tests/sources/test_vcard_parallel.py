"""A large vCard file is read by a worker process: exactly what reading it here gives, in
the same order, with the same places for its problems."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kithkin.sources import vcard
from kithkin.sources.records import ContactRecord, SourceProblem
from kithkin.sources.vcard import read_vcards
from kithkin.sources.vcard_lex import RawCard
from tests.conftest import shared_data

Item = ContactRecord | SourceProblem


def _file() -> bytes:
    """Every real card of the corpora, many times over (more batches than are in flight),
    with a card holding a NUL, one cut off at the end and some lines that are no card."""
    real = b"\r\n".join(
        p.read_bytes() for p in sorted(shared_data("contacts", "vcards").rglob("*.vcf"))
    )
    bad = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\x00 Lima\r\nEND:VCARD\r\n"
    copies = 1 + (vcard.BATCH_CARDS * (vcard.AHEAD + 2)) // max(1, real.count(b"BEGIN:VCARD"))
    return b"not a card\r\n" + (real + b"\r\n" + bad) * copies + b"BEGIN:VCARD\r\nFN:Cut"


def test_a_file_read_by_a_worker_gives_what_reading_it_here_gives() -> None:
    data = _file()
    here = list(read_vcards(data, "big.vcf", parallel=False))
    there = list(read_vcards(data, "big.vcf", parallel=True))
    assert len(here) > vcard.BATCH_CARDS * (vcard.AHEAD + 1)
    assert there == here
    problems = [p for p in there if isinstance(p, SourceProblem)]
    assert any("control character" in p.message for p in problems)
    assert problems[-1].message == "no END:VCARD: the card is cut off"


def test_the_size_of_the_file_decides_where_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _file()
    used: list[str] = []
    real = vcard._read_in_worker

    def spy(cards: Iterator[RawCard], source_file: str) -> Iterator[Item]:
        used.append(source_file)
        return real(cards, source_file)

    monkeypatch.setattr(vcard, "PARALLEL_BYTES", len(data))
    monkeypatch.setattr(vcard, "_read_in_worker", spy)
    whole = list(read_vcards(data, "big.vcf"))
    less = list(read_vcards(data.removeprefix(b"not a card\r\n"), "smaller.vcf"))
    assert used == ["big.vcf"]
    assert len(whole) == len(less) > vcard.BATCH_CARDS
