"""Reading a stored message's raw bytes again: message files, Maildir files renamed since the
import, mbox messages by offset (byte-exact, quoting undone), and clear errors otherwise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin.errors import OriginalUnavailable
from kithkin.sources.mail.mbox import read_mbox
from kithkin.sources.mail.raw import read_raw
from kithkin.sources.mail.records import MessageRecord
from tests.ingest.mailbox import message, write_maildir, write_mbox

FIRST = message("a@x.example", "Ann <ann@x.example>", "me@corp.example", "First")
SECOND = message("b@x.example", "Bob <bob@x.example>", "me@corp.example", "Second")


def offsets(path: Path) -> list[int]:
    records = list(read_mbox(path, folder="test"))
    assert all(isinstance(record, MessageRecord) for record in records)
    return [record.offset for record in records if isinstance(record, MessageRecord)]


def mboxrd_quoted(data: bytes) -> bytes:
    return re.sub(rb"^(>*From )", rb">\1", data, flags=re.MULTILINE)


def test_a_message_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "1."
    path.write_bytes(FIRST)
    assert read_raw(str(path), 0) == FIRST


def test_crlf_message_file_keeps_its_line_endings(tmp_path: Path) -> None:
    data = FIRST.replace(b"\n", b"\r\n")
    path = tmp_path / "msg.eml"
    path.write_bytes(data)
    assert read_raw(str(path), 0) == data


def test_mbox_messages_by_offset(tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "inbox.mbox", [FIRST, SECOND])
    first, second = offsets(path)
    assert first == 0
    assert read_raw(str(path), first) == FIRST
    assert read_raw(str(path), second) == SECOND


def test_mbox_quoting_is_undone(tmp_path: Path) -> None:
    body = b"From the start\n>From quoted once\nplain\n"
    original = FIRST.replace(b"Body text the import never reads.\n", body)
    path = write_mbox(tmp_path / "inbox.mbox", [mboxrd_quoted(original), SECOND])
    first, second = offsets(path)
    assert read_raw(str(path), first) == original
    assert read_raw(str(path), second) == SECOND


def test_crlf_mbox(tmp_path: Path) -> None:
    crlf = [data.replace(b"\n", b"\r\n") for data in (FIRST, SECOND)]
    envelope = b"From someone@example.com Mon Mar  4 09:30:00 2024\r\n"
    path = tmp_path / "crlf.mbox"
    path.write_bytes(b"".join(envelope + data + b"\r\n" for data in crlf))
    first, second = offsets(path)
    assert read_raw(str(path), first) == crlf[0]
    assert read_raw(str(path), second) == crlf[1]


def test_a_lone_message_with_an_envelope_line(tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "00001.spam", [FIRST])
    assert read_raw(str(path), 0) == FIRST
    undated = tmp_path / "00002.spam"
    undated.write_bytes(b"From someone\n" + SECOND)
    assert read_raw(str(undated), 0) == SECOND


def test_maildir_file_found_after_its_flags_changed(tmp_path: Path) -> None:
    (path,) = write_maildir(tmp_path / "Mail", [(FIRST, "S")])
    path.rename(path.with_name(path.name.replace(":2,S", ":2,RS")))
    assert read_raw(str(path), 0) == FIRST


def test_maildir_file_found_after_moving_from_new_to_cur(tmp_path: Path) -> None:
    root = tmp_path / "Mail"
    write_maildir(root, [])
    delivered = root / "new" / "1700000001.M1P1.test"
    delivered.write_bytes(SECOND)
    delivered.rename(root / "cur" / "1700000001.M1P1.test:2,S")
    assert read_raw(str(delivered), 0) == SECOND


def test_another_maildir_message_is_not_taken_for_it(tmp_path: Path) -> None:
    (path,) = write_maildir(tmp_path / "Mail", [(FIRST, "S")])
    path.rename(path.with_name("1800000000.M9P9.test:2,S"))
    with pytest.raises(OriginalUnavailable, match="no such file"):
        read_raw(str(path), 0)


def test_missing_file(tmp_path: Path) -> None:
    gone = tmp_path / "gone.mbox"
    with pytest.raises(OriginalUnavailable, match=r"gone\.mbox: no such file"):
        read_raw(str(gone), 0)


def test_offset_not_at_a_message(tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "inbox.mbox", [FIRST, SECOND])
    with pytest.raises(OriginalUnavailable, match=r"inbox\.mbox: offset 7 is not the start"):
        read_raw(str(path), 7)
    with pytest.raises(OriginalUnavailable, match="offset -1"):
        read_raw(str(path), -1)
    plain = tmp_path / "1."
    plain.write_bytes(FIRST)
    with pytest.raises(OriginalUnavailable, match="offset 3 is not the start"):
        read_raw(str(plain), 3)


def test_imap_messages_are_not_fetched() -> None:
    url = "imaps://ana@mail.example/INBOX;UIDVALIDITY=7/;UID=42"
    with pytest.raises(OriginalUnavailable) as caught:
        read_raw(url, 0)
    assert str(caught.value) == f"cannot read the original of an IMAP message offline: {url}"


_TRICKY_LINES = st.sampled_from(
    [
        "",
        "From someone@example.com Mon Mar  4 09:30:00 2024",
        "From: Fake <fake@x.example>",
        ">From quoted",
        ">>From twice",
        "From the desk of 12:30",
        "Subject: not a header",
        " indented",
    ]
)
_TEXT_LINES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n"),
    max_size=40,
)
_BODIES = st.lists(st.one_of(_TRICKY_LINES, _TEXT_LINES), max_size=12).map(
    lambda lines: "".join(line + "\n" for line in lines).encode()
)
_SUBJECTS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n"),
    max_size=30,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(_SUBJECTS, _BODIES), min_size=1, max_size=6))
def test_every_message_reads_back_byte_exact(
    tmp_path: Path, parts: list[tuple[str, bytes]]
) -> None:
    originals = []
    for number, (subject, body) in enumerate(parts):
        head = message(f"m{number}@x.example", "a@x.example", "b@x.example", subject)
        originals.append(head.split(b"\n\n", 1)[0] + b"\n\n" + body)
    path = write_mbox(tmp_path / "prop.mbox", [mboxrd_quoted(data) for data in originals])
    found = offsets(path)
    assert len(found) == len(originals)
    assert [read_raw(str(path), offset) for offset in found] == originals
