"""mbox files: boundaries, quoting, resuming a grown mailbox, byte ranges for the process pool,
and the real ksummit list archive."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin.sources.mail import MessageRecord, SourceProblem, read_mail, read_many
from kithkin.sources.mail import mbox as mbox_module
from kithkin.sources.mail.mbox import LEFT_FOR_NEXT_RUN, read_mbox
from kithkin.sources.mail.walk import plan, run
from tests.conftest import shared_data


def message(number: int, body: str = "Hello.\n", *, envelope: str | None = None) -> str:
    line = envelope or f"From sender{number}@example.org Mon Apr 19 15:28:{number % 60:02d} 2021"
    return (
        f"{line}\n"
        f"From: Person {number} <p{number}@example.org>\n"
        f"To: me@example.org\n"
        f"Subject: message {number}\n"
        f"Message-ID: <m{number}@example.org>\n"
        f"Date: Mon, 19 Apr 2021 17:28:{number % 60:02d} +0200\n"
        f"\n{body}\n"
    )


def write(path: Path, *messages: str) -> Path:
    path.write_bytes("".join(messages).encode())
    return path


def records(items: Iterable[MessageRecord | SourceProblem]) -> list[MessageRecord]:
    listed = list(items)
    out = [item for item in listed if isinstance(item, MessageRecord)]
    assert len(out) == len(listed), listed
    return out


def test_messages_in_order_with_their_place(tmp_path: Path) -> None:
    path = write(tmp_path / "inbox.mbox", message(1), message(2), message(3))
    found = records(read_mail(path))
    assert [r.message_id for r in found] == ["m1@example.org", "m2@example.org", "m3@example.org"]
    assert {r.folder for r in found} == {"inbox"}
    data = path.read_bytes()
    assert found[0].offset == 0
    for first, second in itertools.pairwise(found):
        assert first.offset + first.length == second.offset
    assert found[-1].offset + found[-1].length == len(data)
    assert data[found[1].offset :].startswith(b"From sender2@")
    assert found[0].size == len(message(1)) - len(message(1).splitlines()[0]) - 2
    assert found[0].date == datetime(2021, 4, 19, 15, 28, 1, tzinfo=UTC)


def test_quoted_and_unquoted_from_lines_in_bodies_are_not_boundaries(tmp_path: Path) -> None:
    body = (
        ">From the start, mboxrd quotes these.\n"
        ">>From deeper quoting too.\n"
        "From the start, an mboxo writer may not quote this one (no date, no header after).\n"
        "From me at 10:30 we meet\nand this line is no header\n"
    )
    path = write(tmp_path / "box", message(1, body), message(2))
    assert [r.subject for r in records(read_mail(path))] == ["message 1", "message 2"]


def test_content_length_is_not_trusted(tmp_path: Path) -> None:
    first = message(1).replace("Subject:", "Content-Length: 3\nSubject:")
    second = message(2).replace("Subject:", "Content-Length: 99999\nSubject:")
    path = write(tmp_path / "box", first, second, message(3))
    assert len(records(read_mail(path))) == 3


def test_crlf_mailboxes_and_gmail_takeout_envelopes(tmp_path: Path) -> None:
    takeout = "From 1744221370102316185@xxx Mon Jan 01 00:00:00 +0000 2018"
    text = message(1, envelope=takeout) + message(2)
    path = tmp_path / "All mail Including Spam and Trash.mbox"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    found = records(read_mail(path))
    assert [r.subject for r in found] == ["message 1", "message 2"]
    assert found[0].folder == "All mail Including Spam and Trash"


def test_a_message_without_a_date_takes_the_envelope_date(tmp_path: Path) -> None:
    undated = message(1).replace("Date: Mon, 19 Apr 2021 17:28:01 +0200\n", "")
    (found,) = records(read_mail(write(tmp_path / "box", undated)))
    assert found.date == datetime(2021, 4, 19, 15, 28, 1, tzinfo=UTC)
    assert found.date_estimated
    assert found.date_problem == "no Date field; date taken from the mbox From line"


def test_status_fields_become_flags(tmp_path: Path) -> None:
    seen = message(1).replace("Subject:", "Status: RO\nX-Status: A\nSubject:")
    (found, unseen) = records(read_mail(write(tmp_path / "box", seen, message(2))))
    assert (found.flags, unseen.flags) == ("RS", "")


def test_empty_and_foreign_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    assert list(read_mail(empty)) == []
    foreign = tmp_path / "notes.mbox"
    foreign.write_bytes(b"Just some notes\nFrom nobody\n")
    (problem,) = list(read_mbox(foreign, folder="x"))
    assert isinstance(problem, SourceProblem) and problem.place == "offset 0"


def test_resuming_a_grown_mailbox_reads_only_the_new_messages(tmp_path: Path) -> None:
    path = write(tmp_path / "box", message(1), message(2))
    first = records(read_mail(path))
    end = first[-1].offset + first[-1].length
    with path.open("ab") as handle:
        handle.write((message(3) + message(4)).encode())
    later = records(read_mail(path, start_offset=end))
    assert [r.message_id for r in later] == ["m3@example.org", "m4@example.org"]
    assert later[0].offset == end
    assert list(read_mail(path, start_offset=path.stat().st_size)) == []


def test_resuming_from_a_place_that_is_no_boundary_says_so_and_goes_on(tmp_path: Path) -> None:
    path = write(tmp_path / "box", message(1), message(2))
    problem, *rest = list(read_mail(path, start_offset=10))
    assert isinstance(problem, SourceProblem)
    assert problem.place == "offset 10" and "not the start of a message" in problem.message
    assert [r.message_id for r in records(rest)] == ["m2@example.org"]


def test_the_header_block_is_cut_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mbox_module, "HEADER_LIMIT", 200)
    long = message(1).replace("Subject:", "X-Pad: " + "x" * 400 + "\nSubject:")
    (found,) = records(read_mail(write(tmp_path / "box", long)))
    assert found.problems == ("header block over 1 MB; the rest unread",)
    assert found.subject is None  # it came after the cut


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(min_value=1, max_value=300), st.integers(min_value=0, max_value=2))
def test_any_block_size_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int, crlf: int
) -> None:
    """Separators, envelope lines and header blocks that straddle two reads."""
    path = tmp_path / f"box{crlf}"
    if not path.exists():
        text = "".join(message(n, "From here on\n>From quoted\n" * (n % 4)) for n in range(12))
        text = message(99).replace("\n\nHello", "\nHello") + text  # no blank line: no body
        path.write_bytes(text.replace("\n", "\r\n" if crlf == 1 else "\n").encode())
    expected = list(read_mail(path))
    with monkeypatch.context() as patch:
        patch.setattr(mbox_module, "BLOCK", block)
        assert list(read_mail(path)) == expected
    assert len(records(expected)) == 13


_FRAGMENTS = st.sampled_from(
    [
        "From a@b Mon Apr 19 15:28:51 2021\n", "From x\n", "From 10:30 here\n", ">From a\n",
        "Subject: s\n", "From: a@b\n", "Message-ID: <m@x>\n", "\n", "\r\n", "body\n",
        " folded\n", "From ", "\n\n", "Date: Mon, 19 Apr 2021 17:28:51 +0200\n",
    ]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_FRAGMENTS, max_size=40).map("".join), st.integers(min_value=1, max_value=64))
def test_any_mailbox_reads_the_same_in_any_block_size_and_never_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, block: int
) -> None:
    path = tmp_path / "fuzz.mbox"
    path.write_bytes(text.encode())
    expected = list(read_mail(path))
    with monkeypatch.context() as patch:
        patch.setattr(mbox_module, "BLOCK", block)
        assert list(read_mail(path)) == expected
    found = [item for item in expected if isinstance(item, MessageRecord)]
    for first, second in itertools.pairwise(found):
        assert first.offset + first.length == second.offset
    left = [p for p in expected if isinstance(p, SourceProblem) and LEFT_FOR_NEXT_RUN in p.message]
    end = int(left[0].place.split()[-1]) if left else len(text.encode())
    if found:  # read to the end, or to the unfinished message left for the next run
        assert found[-1].offset + found[-1].length == end
    assert left == expected[-1:] or not left  # nothing is read after it


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(min_value=1, max_value=4000), st.integers(min_value=0, max_value=2))
def test_byte_ranges_give_every_message_once_in_order(
    tmp_path: Path, part_bytes: int, extra: int
) -> None:
    path = tmp_path / "box"
    if not path.exists():
        write(path, *(message(n, "From a line\n" * (n % 7)) for n in range(30)))
    whole = records(read_mail(path))
    parts = list(plan(path, part_bytes=part_bytes + extra))
    assert [r for task in parts for r in run(task)] == whole  # type: ignore[arg-type]


def test_read_many_gives_what_read_mail_gives(tmp_path: Path) -> None:
    path = write(tmp_path / "box", *(message(n, "body\n" * n) for n in range(200)))
    other = write(tmp_path / "other.mbox", message(500))
    expected = list(read_mail(path)) + list(read_mail(other))
    assert list(read_many([path, other], workers=2, part_bytes=4096)) == expected
    assert list(read_many([path, other], workers=1)) == expected


# --- the real ksummit archive -----------------------------------------------------------------


@pytest.fixture(scope="module")
def ksummit() -> list[MessageRecord | SourceProblem]:
    return list(read_mail(shared_data("mail", "lists", "ksummit.lists.linux.dev.mbox")))


@pytest.mark.corpus
def test_ksummit_every_message_read(ksummit: list[MessageRecord | SourceProblem]) -> None:
    found = records(ksummit)
    assert len(found) == 3115
    size = shared_data("mail", "lists", "ksummit.lists.linux.dev.mbox").stat().st_size
    assert found[-1].offset + found[-1].length == size
    assert all(r.folder == "ksummit.lists.linux.dev" for r in found)
    assert all(r.date is not None and not r.date_estimated for r in found)
    assert [p for r in found for p in r.problems] == []


@pytest.mark.corpus
def test_ksummit_threads_and_list_headers(ksummit: list[MessageRecord | SourceProblem]) -> None:
    found = records(ksummit)
    # figures of the corpus's SOURCE.txt, counted there with grep over the headers
    assert sum(bool(r.in_reply_to) for r in found) == 2980
    assert sum(bool(r.references) for r in found) == 2972
    assert sum(bool(r.cc) for r in found) == 2959
    assert all(r.list_id == "ksummit.lists.linux.dev" for r in found)
    assert all(any(u.startswith("mailto:") for u in r.list_unsubscribe) for r in found)
    assert len({r.from_[0][1].lower() for r in found if r.from_}) == 281
    ids = {r.message_id for r in found}
    replies = [r for r in found if r.in_reply_to]
    assert sum(r.in_reply_to[0] in ids for r in replies) > 0.9 * len(replies)
    both = [r for r in found if r.references and r.in_reply_to]
    assert sum(r.references[-1] != r.in_reply_to[0] for r in both) == 2  # two odd mailers


@pytest.mark.corpus
def test_ksummit_encoded_names_are_decoded(ksummit: list[MessageRecord | SourceProblem]) -> None:
    names = [name for r in records(ksummit) for name, _ in (*r.from_, *r.to, *r.cc)]
    assert not [name for name in names if "=?" in name]
    assert Counter(names)["Uwe Kleine-König"] > 0


@pytest.mark.corpus
def test_ksummit_read_in_parallel_is_the_same(ksummit: list[MessageRecord | SourceProblem]) -> None:
    path = shared_data("mail", "lists", "ksummit.lists.linux.dev.mbox")
    assert list(read_many([path], workers=2, part_bytes=2 << 20)) == ksummit


def test_read_many_resumes_mailboxes_from_their_offsets(tmp_path: Path) -> None:
    path = write(tmp_path / "box", message(1), message(2))
    end = path.stat().st_size
    with path.open("ab") as handle:
        handle.write(message(3).encode())
    found = records(read_many([path], workers=1, start_offsets={str(path): end}))
    assert [r.message_id for r in found] == ["m3@example.org"]


def test_imports_run_with_fewer_collections_and_leave_them_as_they_were() -> None:
    """The collector's thresholds are the bulk ones while any import runs (imports may
    overlap in a web server's threads) and as before once the last one ends."""
    import gc
    import threading

    from kithkin.sources.mail.parallel import BULK_GC_THRESHOLD, fewer_collections

    before = gc.get_threshold()
    inside = threading.Event()
    release = threading.Event()
    seen: list[tuple[int, int, int]] = []

    def other_import() -> None:
        with fewer_collections():
            inside.set()
            release.wait(10)
            seen.append(gc.get_threshold())

    thread = threading.Thread(target=other_import)
    with fewer_collections():
        thread.start()
        assert inside.wait(10)
        assert gc.get_threshold() == BULK_GC_THRESHOLD
    assert gc.get_threshold() == BULK_GC_THRESHOLD  # the other import still runs
    release.set()
    thread.join(10)
    assert seen == [BULK_GC_THRESHOLD]
    assert gc.get_threshold() == before
