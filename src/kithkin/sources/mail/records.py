"""`MessageRecord`: what kithkin keeps of one message, built from its header block alone."""

from __future__ import annotations

import csv
import hashlib
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from kithkin.sources.mail.addresses import Address, parse_addresses
from kithkin.sources.mail.dates import parse_date
from kithkin.sources.mail.headers import charset_codec, field_str, scan_fields, text


@dataclass(frozen=True)
class MessageRecord:
    """One message as its headers describe it, with where it lives.

    `offset` and `length` are the bytes the message spans in its source file (an mbox: from
    its "From " line to the next one; a message file: 0 and the file's size), so the end of
    the last record of an mbox is where an incremental import resumes. `size` is the
    message's own size (without the mbox "From " line and separating blank line).
    """

    source_file: str
    offset: int = 0
    length: int = 0
    folder: str = ""  # "INBOX", "Sent", "lists/ksummit", "lay-k/inbox"...
    message_id: str = ""  # without angle brackets; "sha256:<32 hex>" of the header when missing
    date: datetime | None = None  # aware, UTC
    date_estimated: bool = False  # from the mbox "From " line, the Maildir name or the mtime
    date_problem: str | None = None  # why the Date field could not be used as written
    from_: tuple[Address, ...] = ()
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    subject: str | None = None
    list_id: str | None = None  # the list's identifier: "ksummit.lists.linux.dev"
    list_name: str | None = None  # the phrase before it: "Kernel Maintainers Summit"
    list_unsubscribe: tuple[str, ...] = ()  # URIs: "mailto:...", "https://..."
    list_unsubscribe_post: str | None = None  # RFC 8058: "List-Unsubscribe=One-Click"
    precedence: str | None = None  # lower-case: "bulk", "list", "junk"
    auto_submitted: str | None = None  # lower-case: "auto-generated", "auto-replied"
    return_path: str | None = None  # "" for the null sender <>
    has_dkim: bool = False
    x_mailer: str | None = None  # X-Mailer, else User-Agent
    flags: str = ""  # Maildir letters, sorted: D draft, F flagged, P passed, R replied, S seen,
    # T trashed; from the Maildir file name, mbox Status / X-Status fields, Thunderbird's
    # X-Mozilla-Status, Gmail's labels, Apple Mail's flags
    labels: tuple[str, ...] = ()  # Gmail's (a Takeout mbox): "Inbox", "Spam"...; Apple's "Junk"
    size: int = 0
    problems: tuple[str, ...] = ()  # what was odd about the headers, for the import report

    def __reduce__(self) -> tuple[Callable[[tuple[Any, ...]], MessageRecord], tuple[Any, ...]]:
        return from_values, (to_values(self),)


def to_values(record: MessageRecord) -> tuple[Any, ...]:
    """The record as a plain tuple of its field values: records cross process boundaries by
    the thousand (parallel.py), and a tuple pickles at a third of the cost of an instance."""
    values: tuple[Any, ...] = _field_values(record.__dict__)
    return values


def from_values(values: tuple[Any, ...]) -> MessageRecord:
    """The record that `to_values` gave."""
    record: MessageRecord = _new(MessageRecord)
    record.__dict__.update(zip(_NAMES, values, strict=True))
    return record


_NAMES = tuple(field.name for field in fields(MessageRecord))
_field_values = operator.itemgetter(*_NAMES)
Values = dict[str, Any]
_DEFAULTS: Values = {
    field.name: field.default for field in fields(MessageRecord) if field.name != "source_file"
}
_new = object.__new__

# mbox Status / X-Status letters as Maildir flags
_STATUS_FLAGS = {"R": "S"}
_X_STATUS_FLAGS = {"A": "R", "F": "F", "D": "T", "T": "D"}
_ADDRESS_FIELDS = {
    b"from": "from_",
    b"to": "to",
    b"cc": "cc",
    b"bcc": "bcc",
    b"reply-to": "reply_to",
}
_SINGLE_FIELDS = (b"subject", b"date", b"message-id", b"in-reply-to")
_ANGLED = re.compile(r"<([^<>]*)>")

DateEstimate = Callable[[], tuple[datetime | None, str]]  # (moment, where it came from)


def build_record(
    block: bytes,
    *,
    source_file: str,
    offset: int,
    length: int,
    size: int,
    folder: str,
    flags: str = "",
    estimate: DateEstimate | None = None,
) -> MessageRecord:
    """The record of a header block. `block` starts with the newline before its first field
    and ends before the blank line. Never raises on any bytes; oddities go to `problems`."""
    problems: list[str] = []
    found, repeated = scan_fields(block)
    if not block.isascii() and _needs_charset(found, repeated):
        block = _as_utf8(block, problems)
        found, repeated = scan_fields(block)
    values = _DEFAULTS.copy()
    values["source_file"] = source_file
    values["offset"] = offset
    values["length"] = length
    values["size"] = size
    values["folder"] = folder
    for key, raw in found.items():
        _FIELDS[key](values, raw, problems)
    for key, raw in repeated:
        name = _ADDRESS_FIELDS.get(key)
        if name is not None:
            values[name] += parse_addresses(raw, problems)
            problems.append(f"more than one {key.decode()} field; their addresses are merged")
        elif key in _SINGLE_FIELDS:
            problems.append(f"more than one {key.decode()} field; the first is used")
    if not values["message_id"]:
        values["message_id"] = "sha256:" + hashlib.sha256(block).hexdigest()[:32]
        if b"message-id" in found:
            problems.append("empty Message-ID; a hash of the header is used")
    if values["date"] is None:
        if b"date" not in found:
            values["date_problem"] = "no Date field"
        if estimate is not None:
            moment, origin = estimate()
            if moment is not None:
                values["date"] = moment
                values["date_estimated"] = True
                values["date_problem"] = f"{values['date_problem']}; date taken from {origin}"
    if b"x-mailer" not in found and b"user-agent" in found:
        values["x_mailer"] = text(found[b"user-agent"], problems)
    if b"status" in found or b"x-status" in found:
        flags = _status_flags(flags, found.get(b"status"), found.get(b"x-status"))
    if b"x-mozilla-status" in found:
        flags = _mozilla_flags(flags, found[b"x-mozilla-status"])
    if values["labels"]:
        flags = _label_flags(flags, values["labels"])
    values["flags"] = flags
    if problems:
        values["problems"] = tuple(problems)
    # Filled the way pickle restores an instance: three times faster than the frozen
    # dataclass's __init__ (which sets each of the 29 fields through object.__setattr__).
    record: MessageRecord = _new(MessageRecord)
    record.__dict__.update(values)
    return record


_CHARSET = re.compile(
    rb"\ncontent-type[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*?charset[ \t]*=[ \t]*\"?([\w.:+-]+)", re.I
)


def _needs_charset(found: dict[bytes, bytes], repeated: list[tuple[bytes, bytes]]) -> bool:
    """Whether a field kithkin reads holds 8-bit bytes that are not UTF-8."""
    for value in (*found.values(), *(value for _, value in repeated)):
        if not value.isascii():
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                return True
    return False


def _as_utf8(block: bytes, problems: list[str]) -> bytes:
    """A header block with raw 8-bit bytes (RFC 6532 allows UTF-8, old mailers wrote their own
    charset): UTF-8 as it is; else read in the charset the message declares for its body when
    that reads it all; else left for each field to fall back to Windows-1252."""
    declared = _CHARSET.search(block)
    if declared is None:
        return block
    charset = declared[1].decode("ascii")
    if charset.lower() in ("us-ascii", "ascii"):
        return block  # says nothing about the 8-bit bytes: Windows-1252 will do
    try:
        text = block.decode(charset_codec(charset))
    except (LookupError, UnicodeDecodeError):
        return block
    except Exception:  # a codec that fails in its own way on hostile input
        return block
    problems.append(f"8-bit header bytes read as {charset}, the charset the message declares")
    return text.encode("utf-8")


def _addresses(name: str) -> Callable[[Values, bytes, list[str]], None]:
    def handle(values: Values, raw: bytes, problems: list[str]) -> None:
        values[name] = parse_addresses(raw, problems)

    return handle


def _subject(values: Values, raw: bytes, problems: list[str]) -> None:
    values["subject"] = text(raw, problems)


def _mailer(values: Values, raw: bytes, problems: list[str]) -> None:
    values["x_mailer"] = text(raw, problems)


def _date(values: Values, raw: bytes, problems: list[str]) -> None:
    values["date"], values["date_problem"] = parse_date(field_str(raw))


def _message_id(values: Values, raw: bytes, problems: list[str]) -> None:
    value = field_str(raw)
    start = value.find("<")
    if start >= 0:
        end = value.find(">", start)
        value = value[start + 1 : end if end >= 0 else len(value)]
    values["message_id"] = "".join(value.split())


def _ids(name: str) -> Callable[[Values, bytes, list[str]], None]:
    """Message-ids of In-Reply-To / References: the angle-bracketed ones; bare ids with an "@"
    when a broken mailer left the brackets out."""

    def handle(values: Values, raw: bytes, problems: list[str]) -> None:
        value = field_str(raw)
        found = _ANGLED.findall(value)
        if found:
            values[name] = tuple(clean for item in found if (clean := "".join(item.split())))
        else:
            values[name] = tuple(word for word in value.split() if "@" in word)

    return handle


def _list_id(values: Values, raw: bytes, problems: list[str]) -> None:
    value = text(raw, problems)
    inner = _ANGLED.search(value)
    if inner is None:
        values["list_id"] = value
    else:
        values["list_id"] = inner[1].strip()
        values["list_name"] = value[: inner.start()].strip().strip('"') or None


def _unsubscribe(values: Values, raw: bytes, problems: list[str]) -> None:
    found = _ANGLED.findall(field_str(raw))
    values["list_unsubscribe"] = tuple(clean for item in found if (clean := "".join(item.split())))


def _plain(name: str, *, lower: bool = False) -> Callable[[Values, bytes, list[str]], None]:
    def handle(values: Values, raw: bytes, problems: list[str]) -> None:
        value = field_str(raw)
        values[name] = value.lower() if lower else value

    return handle


def _return_path(values: Values, raw: bytes, problems: list[str]) -> None:
    value = field_str(raw)
    inner = _ANGLED.search(value)
    values["return_path"] = (inner[1] if inner is not None else value).strip()


def _labels(values: Values, raw: bytes, problems: list[str]) -> None:
    """Gmail's labels (Google Takeout writes them as one CSV line, a label with a comma in
    quotes, a label beyond ASCII as an encoded word)."""
    value = text(raw, problems)
    try:
        labels = next(csv.reader([value], skipinitialspace=True, strict=True), [])
    except csv.Error:  # a stray quote: the commas still separate
        labels = value.split(",")
    values["labels"] = tuple(clean for label in labels if (clean := " ".join(label.split())))


def _dkim(values: Values, raw: bytes, problems: list[str]) -> None:
    values["has_dkim"] = True


def _later(values: Values, raw: bytes, problems: list[str]) -> None:
    """Fields read after the others (User-Agent, Status, X-Status, X-Mozilla-Status)."""


_FIELDS: dict[bytes, Callable[[Values, bytes, list[str]], None]] = {
    **{key: _addresses(name) for key, name in _ADDRESS_FIELDS.items()},
    b"subject": _subject,
    b"date": _date,
    b"message-id": _message_id,
    b"in-reply-to": _ids("in_reply_to"),
    b"references": _ids("references"),
    b"list-id": _list_id,
    b"list-unsubscribe": _unsubscribe,
    b"list-unsubscribe-post": _plain("list_unsubscribe_post"),
    b"precedence": _plain("precedence", lower=True),
    b"auto-submitted": _plain("auto_submitted", lower=True),
    b"return-path": _return_path,
    b"dkim-signature": _dkim,
    b"x-gmail-labels": _labels,
    b"x-mailer": _mailer,
    b"user-agent": _later,
    b"status": _later,
    b"x-status": _later,
    b"x-mozilla-status": _later,
}


# Gmail system labels as Maildir flags; a message without "Unread" has been read.
_LABEL_FLAGS = {"starred": "F", "draft": "D", "drafts": "D", "trash": "T"}


def _label_flags(flags: str, labels: tuple[str, ...]) -> str:
    names = {label.lower() for label in labels}
    letters = set(flags) | {_LABEL_FLAGS[n] for n in names if n in _LABEL_FLAGS}
    if "unread" not in names:
        letters.add("S")
    return "".join(sorted(letters))


# Thunderbird's X-Mozilla-Status (hexadecimal message flags) as Maildir letters: read,
# replied, marked (starred), expunged, forwarded.
_MOZILLA_FLAGS = ((0x1, "S"), (0x2, "R"), (0x4, "F"), (0x8, "T"), (0x1000, "P"))


def _mozilla_flags(flags: str, raw: bytes) -> str:
    try:
        bits = int(raw.strip()[:8], 16)
    except ValueError:
        return flags
    letters = set(flags) | {letter for bit, letter in _MOZILLA_FLAGS if bits & bit}
    return "".join(sorted(letters))


def _status_flags(flags: str, status: bytes | None, x_status: bytes | None) -> str:
    letters = set(flags)
    for raw, table in ((status, _STATUS_FLAGS), (x_status, _X_STATUS_FLAGS)):
        if raw is not None:
            letters.update(table[c] for c in raw.decode("latin-1") if c in table)
    return "".join(sorted(letters))
