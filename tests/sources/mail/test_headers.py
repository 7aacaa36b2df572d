"""The header scanner: fields, unfolding, encoded-words, addresses, dates, and records built
from header blocks; property-based against the stdlib `email` generator."""

from __future__ import annotations

import base64
import itertools
import pickle
from collections.abc import Iterable
from datetime import UTC, datetime
from email import charset as email_charset
from email import message_from_bytes
from email.generator import BytesGenerator
from email.header import Header
from email.headerregistry import Address as EmailAddress
from email.message import EmailMessage, Message
from email.policy import default as default_policy
from io import BytesIO

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kithkin.model import CONTROL_CHARS
from kithkin.sources.mail.addresses import parse_addresses
from kithkin.sources.mail.dates import parse_date
from kithkin.sources.mail.headers import (
    decode_words,
    header_end,
    scan_fields,
    text,
    unfold,
)
from kithkin.sources.mail.records import (
    MessageRecord,
    build_record,
    from_values,
    to_values,
)

FIELD_NAMES = [
    "From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
    "References", "List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Precedence",
    "Auto-Submitted", "Return-Path", "DKIM-Signature", "X-Mailer", "User-Agent", "Status",
    "X-Status", "X-Gmail-Labels", "Received", "Content-Type",
]  # fmt: skip


def record(header: bytes | str, **where: object) -> MessageRecord:
    """The record of a header block written as text (LF line ends)."""
    raw = header.encode() if isinstance(header, str) else header
    place: dict[str, object] = {"source_file": "test", "offset": 0, "length": 0, "size": 0}
    place["folder"] = "INBOX"
    place.update(where)
    return build_record(b"\n" + raw, **place)  # type: ignore[arg-type]


def header_bytes(message: Message) -> bytes:
    out = BytesIO()
    BytesGenerator(out, maxheaderlen=78).flatten(message)
    data = out.getvalue()
    return data[: header_end(data)]


# --- never raises --------------------------------------------------------------------------------


@given(st.binary(max_size=2000))
def test_the_scanner_never_raises_on_any_bytes(data: bytes) -> None:
    assert isinstance(record(data), MessageRecord)
    assert 0 <= header_end(data) <= len(data)


_VALUE_BYTES = st.lists(
    st.sampled_from(
        [b"=?", b"?=", b"?q?", b"?B?", b"utf-8", b"<", b">", b'"', b"(", b")", b",", b";", b":",
         b"\\", b"@", b" ", b"\t", b"\r\n ", b"\n\t", b"\xff", b"\xc3\xa9", b"a", b"Z", b"0",
         b"=C3", b"2001", b"Mon, 14 May", b"+0200", b"_"]
    ),
    max_size=30,
).map(b"".join)  # fmt: skip


@given(
    st.lists(
        st.tuples(
            st.sampled_from(FIELD_NAMES) | st.sampled_from(FIELD_NAMES).map(str.swapcase),
            _VALUE_BYTES,
        ),
        max_size=12,
    )
)
def test_the_scanner_never_raises_on_hostile_fields(fields: list[tuple[str, bytes]]) -> None:
    block = b"".join(name.encode() + b": " + value + b"\n" for name, value in fields)
    built = record(block)
    assert all(isinstance(name, str) and isinstance(address, str) for name, address in built.to)
    assert built.date is None or built.date.tzinfo is UTC


@given(st.text(max_size=200))
def test_decoders_never_raise_on_any_text(value: str) -> None:
    decode_words(value)
    parse_date(value)
    parse_addresses(value.encode("utf-8", "surrogateescape"))


@given(
    st.sampled_from(["utf-8", "x-bogus", "utf-7", "rot13", "base64", "iso-2022-jp", "big5"]),
    st.sampled_from("BbQq"),
    st.text(alphabet="A-Za-z0-9+/=_?", max_size=40),
)
def test_encoded_words_with_any_charset_or_payload_never_raise(
    charset: str, encoding: str, payload: str
) -> None:
    problems: list[str] = []
    assert isinstance(decode_words(f"=?{charset}?{encoding}?{payload}?=", problems), str)


# --- fields and unfolding ---------------------------------------------------------------------


def test_only_the_wanted_fields_are_scanned_and_names_are_case_insensitive() -> None:
    fields, repeated = scan_fields(
        b"\nReceived: from x\n\tby y\nFROM: a@b\nsubject : hi\nX-Other: no\ncc: c@d\nCC: e@f\n"
    )
    assert fields == {b"from": b" a@b", b"subject": b" hi", b"cc": b" c@d"}
    assert repeated == [(b"cc", b" e@f")]


def test_unfolding_removes_line_breaks_and_keeps_the_white_space() -> None:
    assert unfold(b" short speech to US Olympic Commit\n\ttee 7.16-19.01") == (
        b"short speech to US Olympic Commit\ttee 7.16-19.01"
    )
    assert unfold(b" a\r\n b\r\n  c \r") == b"a b  c"
    built = record("Subject: one\n two\n\tthree\nTo: a@b,\n c@d\n")
    assert built.subject == "one two\tthree"
    assert built.to == (("", "a@b"), ("", "c@d"))


def test_crlf_header_blocks_end_at_the_blank_line() -> None:
    data = b"From: a@b\r\nSubject: x\r\n y\r\n\r\nFrom: not@header\r\n"
    end = header_end(data)
    assert data[:end] == b"From: a@b\r\nSubject: x\r\n y\r\n"
    built = record(data[:end])
    assert built.from_ == (("", "a@b"),)
    assert built.subject == "x y"


def test_a_message_without_a_body_is_all_header() -> None:
    assert header_end(b"From: a@b\nSubject: x") == len(b"From: a@b\nSubject: x")
    assert header_end(b"\nbody") == 0


# --- RFC 2047 encoded-words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("=?utf-8?B?TW90w7ZyaGVhZA==?=", "Motörhead"),
        ("=?iso-8859-1?Q?Re:=20der=20b=E4r_und?=", "Re: der bär und"),
        ("Greetings from =?UTF-8?B?TG90aGzDs3JpZW4=?=", "Greetings from Lothlórien"),
        # white space between adjacent encoded words is dropped, not around plain words
        ("=?utf-8?q?a?= =?utf-8?q?b?= c =?utf-8?q?d?=", "ab c d"),
        ("=?utf-8?q?a?=\n =?iso-8859-1?q?=E9?=", "aé"),
        # a UTF-8 character split across two words (bad, common)
        ("=?utf-8?B?w6k=?= =?utf-8?B?w6nD?= =?utf-8?B?qQ==?=", "ééé"),
        ("=?utf-8*en?q?hello?=", "hello"),  # RFC 2231 language
        ("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "日本語"),
        ("=?gb2312?B?1tDOxA==?=", "中文"),
        ("=?ks_c_5601-1987?B?x9Gxub7u?=", "한국어"),
        ("=?windows-1251?Q?=CF=F0=E8=E2=E5=F2?=", "Привет"),
        ("=?us-ascii?q?caf=E9?=", "café"),  # 8-bit in an ASCII word: read as Windows-1252
        ("no words =? here ?=", "no words =? here ?="),
        ("=?utf-8?B?abcde?=", "=?utf-8?B?abcde?="),  # base64 that cannot be
    ],
)
def test_encoded_words(raw: str, decoded: str) -> None:
    assert text(raw.encode()) == decoded


def test_unknown_charsets_fall_back_and_say_so() -> None:
    problems: list[str] = []
    assert decode_words("=?x-klingon?q?caf=C3=A9?=", problems) == "café"
    assert problems == ["unknown charset 'x-klingon' in an encoded word"]
    problems.clear()
    assert decode_words("=?utf-8?q?caf=E9?=", problems) == "caf\ufffd"
    assert "not utf-8" in problems[0]


def test_raw_8bit_headers_are_utf8_else_windows_1252() -> None:
    assert record("Subject: café ☕\n").subject == "café ☕"
    built = record(b"Subject: caf\xe9 \x80\n")
    assert built.subject == "café €"
    assert any("Windows-1252" in problem for problem in built.problems)


def test_raw_8bit_headers_use_the_charset_the_message_declares() -> None:
    block = "Subject: [광고] 요즘\nContent-Type: text/plain; charset=euc-kr\n".encode("euc-kr")
    built = record(block)
    assert built.subject == "[광고] 요즘"
    assert built.problems == (
        "8-bit header bytes read as euc-kr, the charset the message declares",
    )


_CHARSETS = [
    "utf-8", "iso-8859-1", "iso-8859-15", "iso-8859-2", "iso-8859-7", "koi8-r", "windows-1251",
    "iso-2022-jp", "euc-jp", "shift_jis", "gb2312", "big5", "euc-kr",
]  # fmt: skip


@st.composite
def text_in_charset(draw: st.DrawFn) -> tuple[str, str, str]:
    """(text, charset, header encoding) where the text is representable in the charset."""
    charset = draw(st.sampled_from(_CHARSETS))
    sample = {
        "iso-2022-jp": "日本語のテスト件名です東京大阪", "euc-jp": "日本語のテスト件名です東京大阪",
        "shift_jis": "日本語のテスト件名です東京大阪", "gb2312": "中文测试主题北京上海你好",
        "big5": "中文測試主題台北你好", "euc-kr": "한국어테스트제목서울안녕",
        "koi8-r": "Привет мир тест", "windows-1251": "Привет мир тест",
        "iso-8859-7": "Γειά σου κόσμε", "iso-8859-2": "Zażółć gęślą jaźń",
    }.get(charset, "Grüße aus München éàç ñ ß øå")  # fmt: skip
    alphabet = sample + "abcXYZ 0123456789,.:;!?-()[]\"'"
    value = draw(st.text(alphabet=alphabet, min_size=1, max_size=60))
    return value, charset, draw(st.sampled_from(["B", "Q"]))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(text_in_charset())
def test_subjects_encoded_by_the_stdlib_in_many_charsets_decode_to_what_was_put_in(
    case: tuple[str, str, str],
) -> None:
    value, charset_name, encoding = case
    charset = email_charset.Charset(charset_name)
    charset.header_encoding = email_charset.BASE64 if encoding == "B" else email_charset.QP
    message = Message()
    message["Subject"] = Header(value, charset)  # type: ignore[assignment]
    built = record(header_bytes(message))
    assert built.subject == value.strip()
    assert built.problems == ()


_NAME_ALPHABET = st.characters(
    blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp"), blacklist_characters="\x85"
) | st.sampled_from(list(',.;:"\\()<>@[]'))
_ADDR_SPEC = st.from_regex(
    r"[a-z0-9]{1,8}(\.[a-z0-9]{1,6}){0,2}@[a-z0-9]{1,10}\.(com|org|de)", fullmatch=True
)


@st.composite
def mailbox(draw: st.DrawFn) -> tuple[str, str]:
    name = " ".join(draw(st.text(alphabet=_NAME_ALPHABET, max_size=30)).split())
    assume("=?" not in name)
    return name, draw(_ADDR_SPEC)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(mailbox(), min_size=1, max_size=6), st.text(max_size=80))
def test_addresses_and_subjects_from_email_message_round_trip(
    mailboxes: list[tuple[str, str]], subject: str
) -> None:
    subject = " ".join(subject.split())
    # control characters never reach a subject (tests/services/test_control_characters.py)
    assume(not CONTROL_CHARS.search(subject) and "=?" not in subject)
    message = EmailMessage(policy=default_policy)
    addresses = [EmailAddress(display_name=name, addr_spec=spec) for name, spec in mailboxes]
    try:
        message["From"] = addresses[0]
        message["To"] = addresses
        message["Subject"] = subject
        head = message.as_bytes()
    except (ValueError, TypeError, IndexError):  # names the stdlib itself refuses
        assume(False)
        raise
    # The stdlib's generator sometimes folds an angle address into an encoded-word, which no
    # reader can take apart again: cases its own parser cannot read back are left out.
    again = message_from_bytes(head, policy=default_policy)["To"].addresses
    assume(squeeze((a.display_name, a.addr_spec) for a in again) == squeeze(mailboxes))
    built = record(head[: header_end(head)])
    # The stdlib's generator folds a long non-ASCII name into adjacent encoded-words and drops
    # the space it folds at; RFC 2047 (6.2) then joins the words, as kithkin does. So names
    # are compared without their white space (which the tables above check exactly).
    assert squeeze(built.from_) == squeeze([mailboxes[0]])
    assert squeeze(built.to) == squeeze(mailboxes)
    assert (built.subject or "") == subject


def squeeze(mailboxes: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("".join(name.split()), address) for name, address in mailboxes]


# --- records -----------------------------------------------------------------------------------

LIST_MAIL = """\
Return-Path: <bounce+64575@lists.cip-project.org>
DKIM-Signature: v=1; a=rsa-sha256; d=groups.io;
\tb=abc
Message-ID: <msg.1@example.org>
Date: Thu, 25 Jan 2024 08:33:31 +0000
From: "Neal Caidin" <noreply@ciplatform.org>
To: cip-testing-results@lists.cip-project.org
Subject: [cip-testing-results] Pipeline 1 passed
In-Reply-To: <parent@x> (from Joe)
References: <root@x>
 <parent@x>
List-Id: "CIP testing" <cip-testing-results.lists.cip-project.org>
List-Unsubscribe: <https://lists.cip-project.org/g/x/unsub?a=1&
 b=2>, <mailto:x+unsubscribe@lists.cip-project.org>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
Precedence: Bulk
Auto-Submitted: auto-generated
X-Mailer: Groups.io
Status: RO
X-Status: AF
"""


def test_a_list_mail_record() -> None:
    built = record(LIST_MAIL, flags="P")
    assert built.message_id == "msg.1@example.org"
    assert built.date == datetime(2024, 1, 25, 8, 33, 31, tzinfo=UTC)
    assert built.from_ == (("Neal Caidin", "noreply@ciplatform.org"),)
    assert built.in_reply_to == ("parent@x",)
    assert built.references == ("root@x", "parent@x")
    assert built.list_id == "cip-testing-results.lists.cip-project.org"
    assert built.list_name == "CIP testing"
    assert built.list_unsubscribe == (
        "https://lists.cip-project.org/g/x/unsub?a=1&b=2",
        "mailto:x+unsubscribe@lists.cip-project.org",
    )
    assert built.list_unsubscribe_post == "List-Unsubscribe=One-Click"
    assert (built.precedence, built.auto_submitted) == ("bulk", "auto-generated")
    assert built.return_path == "bounce+64575@lists.cip-project.org"
    assert built.has_dkim and built.x_mailer == "Groups.io"
    assert built.flags == "FPRS"  # P given, S from Status R, R and F from X-Status A F
    assert built.problems == () and built.date_problem is None


@pytest.mark.parametrize(
    ("labels", "expected", "flags"),
    [
        ("Inbox,Important,Opened", ("Inbox", "Important", "Opened"), "S"),
        ("Inbox,Unread,Category Promotions", ("Inbox", "Unread", "Category Promotions"), ""),
        ("Spam,Unread", ("Spam", "Unread"), ""),
        ("Sent", ("Sent",), "S"),
        ("Starred,Trash", ("Starred", "Trash"), "FST"),
        ('Inbox,"Clients, 2024",Unread', ("Inbox", "Clients, 2024", "Unread"), ""),
        ("=?UTF-8?Q?Entw=C3=BCrfe?=,Opened", ("Entwürfe", "Opened"), "S"),
        ('Inbox,"broken,Unread', ("Inbox", '"broken', "Unread"), ""),
    ],
)
def test_gmail_takeout_labels_are_kept_and_give_the_read_flag(
    labels: str, expected: tuple[str, ...], flags: str
) -> None:
    built = record(f"From: a@b\nSubject: x\nX-Gmail-Labels: {labels}\n")
    assert built.labels == expected
    assert built.flags == flags


def test_a_folded_gmail_label_line_unfolds_and_mbox_status_still_counts() -> None:
    built = record("From: a@b\nStatus: RO\nX-Gmail-Labels: Inbox,\n Unread\n")
    assert built.labels == ("Inbox", "Unread")
    assert built.flags == "S"  # Status says read; Gmail's Unread adds no flag
    assert record("From: a@b\n").labels == ()


def test_a_missing_message_id_is_a_stable_hash_of_the_header() -> None:
    first, again = record("From: a@b\nSubject: x\n"), record("From: a@b\nSubject: x\n")
    assert first.message_id == again.message_id
    assert first.message_id.startswith("sha256:") and len(first.message_id) == 7 + 32
    assert record("From: a@b\nSubject: y\n").message_id != first.message_id
    assert record("Message-Id: 112342343e9dfo.fsf@builder.com\n").message_id == (
        "112342343e9dfo.fsf@builder.com"
    )


def test_repeated_fields_merge_addresses_and_keep_the_first_of_the_rest() -> None:
    built = record("Cc: Bob <b@x>\nSubject: one\ncc: Charles <c@x>\nSubject: two\n")
    assert built.cc == (("Bob", "b@x"), ("Charles", "c@x"))
    assert built.subject == "one"
    assert built.problems == (
        "more than one cc field; their addresses are merged",
        "more than one subject field; the first is used",
    )


def test_dates_missing_or_unreadable_are_estimated_when_the_reader_can() -> None:
    when = datetime(2020, 1, 2, tzinfo=UTC)
    built = record("Subject: x\n", estimate=lambda: (when, "the Maildir file name"))
    assert (built.date, built.date_estimated) == (when, True)
    assert built.date_problem == "no Date field; date taken from the Maildir file name"
    built = record("Date: whenever\n")
    assert built.date is None and built.date_problem == "unreadable Date 'whenever'"


def test_records_are_the_same_however_built_and_survive_pickling() -> None:
    built = record(LIST_MAIL)
    assert built == MessageRecord(**vars(built))
    again = pickle.loads(pickle.dumps(built))  # noqa: S301 - our own bytes
    assert again == built and again.date.tzinfo is UTC
    assert from_values(to_values(built)) == built


@given(st.lists(st.text(alphabet="abc xyz,.é", min_size=1, max_size=12), min_size=1, max_size=8))
def test_folding_before_any_white_space_unfolds_to_the_original(words: list[str]) -> None:
    """Folding inserts a line break before white space; unfolding removes just the break."""
    original = " ".join(words).strip()
    breaks = itertools.cycle(["\r\n", "\n", ""])
    folded = "".join(next(breaks) + c if c == " " else c for c in original)
    assert unfold(folded.encode()) == original.encode()


@given(st.text(min_size=1, max_size=40), st.lists(st.integers(1, 60), max_size=4))
def test_a_text_cut_anywhere_into_adjacent_encoded_words_decodes_whole(
    value: str, cuts: list[int]
) -> None:
    assume(value == value.strip() and "\r" not in value and "\n" not in value)
    data = value.encode("utf-8")
    bounds = sorted({0, len(data), *(cut for cut in cuts if cut < len(data))})
    words = [
        "=?utf-8?b?" + base64.b64encode(data[a:b]).decode() + "?="
        for a, b in itertools.pairwise(bounds)
    ]
    assert decode_words("\r\n ".join(words).replace("\r\n", "")) == value
