"""The fuzz tier for IMAP: what a hostile or broken server may answer to FETCH and LIST, fed
to the reader's parsers. Nothing may raise; every message read has a UID and size the store
can hold (IMAP's are 32-bit numbers: a server that sends more is refused, not believed)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.sources.mail.imap import _fetched, _list_entry, _record, parse_imap_url
from kithkin.sources.mail.records import MessageRecord
from kithkin.sources.records import SourceProblem

URL = parse_imap_url("imap://ana@127.0.0.1/INBOX")
TOKENS = [
    b"1 (", b"UID ", b"7", b"99999999999999999999999", b"0", b"-3", b" ", b")", b"FLAGS (",
    b"\\Seen", b"\\Answered", b"$Label", b"RFC822.SIZE ", b"INTERNALDATE ", b'"',
    b"05-Nov-2023 09:15:30 +0100", b"31-Feb-2023 25:61:61 +9999", b"BODY[HEADER] ", b"{34}",
    b"\\", b"Subject: x\r\n", b"From: a@b\r\n", b"\r\n", b"\x00", b"\xff", b"NIL", b"(",
]  # fmt: skip
soup = st.lists(st.sampled_from(TOKENS), max_size=30).map(b"".join) | st.binary(max_size=200)
item: st.SearchStrategy[Any] = st.one_of(
    soup, st.tuples(soup, soup), st.none(), st.tuples(soup, soup, soup)
)


@given(st.lists(item, max_size=8))
@settings(max_examples=400)
def test_any_fetch_answer_gives_messages_the_store_can_hold(data: list[Any]) -> None:
    for fetched in _fetched(data):
        assert 0 < fetched.uid < 2**32
        assert fetched.size is None or 0 <= fetched.size < 2**63
        record = _record(fetched, URL, "imap:")
        assert isinstance(record, MessageRecord | SourceProblem)
        if isinstance(record, MessageRecord):
            assert 0 <= record.size < 2**63


@given(item)
@settings(max_examples=300)
def test_any_list_answer_is_a_folder_or_nothing(answer: Any) -> None:
    entry = _list_entry(answer)
    if entry is not None:
        flags, name = entry
        assert isinstance(name, str) and all(isinstance(f, str) for f in flags)


def test_a_uid_or_size_past_what_imap_allows_is_not_believed() -> None:
    huge = b"1 (UID 99999999999999999999 RFC822.SIZE 99999999999999999999999 FLAGS ())"
    sane = b"2 (UID 5 RFC822.SIZE 99999999999999999999999 FLAGS ())"
    assert [(f.uid, f.size) for f in _fetched([huge, sane])] == [(5, None)]
