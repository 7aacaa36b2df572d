"""The fuzz tier: random bytes, and real messages mutated at random, fed to every mail reader
(mbox whole, resumed and in byte ranges; message files; Apple Mail's .emlx; the original of
each record read again). None may raise or hang; every record lies inside its file."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin.errors import OriginalUnavailable
from kithkin.sources.mail import MessageRecord, SourceProblem, read_mail
from kithkin.sources.mail.files import read_message_file
from kithkin.sources.mail.mbox import read_mbox
from kithkin.sources.mail.raw import read_raw
from kithkin.sources.mail.walk import plan, run
from tests.conftest import shared_data

HANG_SECONDS = 20  # far beyond what any of these inputs takes to read
TOKENS = [
    b"\n", b"\r\n", b"\n\n", b"From ", b"From a@b Mon Apr 19 15:28:51 2021\n", b">From ",
    b":", b" ", b"\t", b"=?utf-8?B?", b"=?iso-8859-1?q?", b"?=", b"<", b">", b"\x00", b"\xff",
    b"\xc3", b"Date: ", b"From: ", b"Message-ID: <", b"Content-Type: text/plain; charset=",
    b"References: ", b",", b'"', b"\\", b"@", b"<?xml", b"bplist00", b"12345\n",
]  # fmt: skip


@cache
def real_messages() -> tuple[bytes, ...]:
    """A few dozen real messages of every corpus: list mail, spam, Enron, the email tests."""
    found = []
    for corpus in ("cpython", "spamassassin", "enron-inbox", "notmuch", "mu"):
        root = shared_data("mail", corpus)
        for directory, _, names in sorted(os.walk(root)):
            for name in sorted(names)[:8]:
                if name not in ("SOURCE.txt", "README"):
                    found.append(Path(directory, name).read_bytes()[:20_000])
            if len(found) > 30 * (1 + len(found) // 30):
                break
    data = shared_data("mail", "lists", "ksummit.lists.linux.dev.mbox").read_bytes()[:400_000]
    found += [b"From " + part for part in data.split(b"\nFrom ")[1:40]]
    return tuple(found)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real message with a few random edits: bytes changed, tokens inserted, slices cut,
    repeated or swapped."""
    messages = real_messages()
    data = bytearray(draw(st.sampled_from(messages)))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        edit = draw(st.integers(min_value=0, max_value=4))
        if edit == 0 and data:
            data[min(at, len(data) - 1)] = draw(st.integers(min_value=0, max_value=255))
        elif edit == 1:
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif edit == 2:
            del data[at : at + draw(st.integers(min_value=1, max_value=200))]
        elif edit == 3:
            data[at:at] = data[max(0, at - 300) : at]
        else:
            data[at:at] = draw(st.sampled_from(messages))[:500]
    return bytes(data)


INPUTS = st.one_of(
    st.binary(max_size=3000),
    st.lists(st.sampled_from(TOKENS), max_size=60).map(b"".join),
    mutated(),
)


@contextmanager
def no_hang() -> Iterator[None]:
    def hung(signum: int, frame: object) -> None:
        raise AssertionError(f"a reader ran over {HANG_SECONDS} s: it hangs")

    before = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def well_formed(items: list[MessageRecord | SourceProblem], size: int) -> list[MessageRecord]:
    records = []
    for item in items:
        assert isinstance(item, MessageRecord | SourceProblem), item
        if isinstance(item, MessageRecord):
            assert item.offset >= 0 and item.offset + item.length <= size
            assert item.message_id == "".join(item.message_id.split())
            records.append(item)
        else:
            assert item.source_file and item.place and item.message
    return records


def read_back(records: list[MessageRecord]) -> None:
    """The original of each record, as a DKIM check reads it: found, or refused cleanly."""
    for record in records[:5]:
        with suppress(OriginalUnavailable):
            assert isinstance(read_raw(record.source_file, record.offset), bytes)


pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs SIGALRM")
# FUZZ_EXAMPLES=5000 runs a longer campaign (1,500 each passed when this tier was written)
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(INPUTS, st.integers(min_value=0, max_value=4000), st.integers(min_value=1, max_value=900))
def test_mbox_readers_never_raise_nor_hang(
    tmp_path: Path, data: bytes, start: int, part: int
) -> None:
    path = tmp_path / "fuzz.mbox"
    path.write_bytes(data)
    with no_hang():
        whole = well_formed(list(read_mail(path)), len(data))
        read_back(whole)
        resumed = well_formed(list(read_mbox(path, folder="f", start_offset=start)), len(data))
        assert all(r.offset >= start for r in resumed)
        ranges = [item for task in plan(path, part_bytes=part) for item in run(task)]  # type: ignore[arg-type]
        assert [r.offset for r in well_formed(ranges, len(data))] == [r.offset for r in whole]


@FUZZ
@given(INPUTS, st.sampled_from(["1.", "msg.eml", "1220863087.1_2.host:2,RS", "00001.txt"]))
def test_message_file_readers_never_raise_nor_hang(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / "cur" / name if ":2," in name else tmp_path / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    with no_hang():
        for may_be_mbox in (False, True):
            item = read_message_file(str(path), folder="f", may_be_mbox=may_be_mbox)
            if item is not None:
                read_back(well_formed([item], len(data)))
        well_formed(list(read_mail(tmp_path)), 1 << 40)


@FUZZ
@given(
    INPUTS,
    st.one_of(st.none(), st.integers(min_value=0, max_value=5000)),
    st.sampled_from([b"", b"<?xml version='1.0'?><plist><dict><key>flags</key><integer>17"]),
    st.binary(max_size=200),
)
def test_emlx_reader_never_raises_nor_hangs(
    tmp_path: Path, data: bytes, count: int | None, trailer: bytes, noise: bytes
) -> None:
    """An .emlx with its count right or wrong, and a property list whole, cut or garbage."""
    path = tmp_path / "Messages" / "1.emlx"
    path.parent.mkdir(exist_ok=True)
    length = len(data) if count is None else count
    path.write_bytes(b"%d\n" % length + data + trailer + noise)
    with no_hang():
        read_back(well_formed(list(read_mail(path)), path.stat().st_size))
