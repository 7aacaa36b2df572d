"""Message files: one message per file, whatever its name (`.eml`, Enron's `1.`, `msg_01.txt`,
Maildir's `1220863087.12663_7.mindcrime:2,RS`, Apple Mail's `123.emlx`).

Only the head of a file is read: one `os.read` of 16 KiB holds the whole header block of
nearly every message (more is read only while no blank line has been seen). A file that
starts with an mbox envelope line ("From sender date") is a message with its envelope, or,
when it holds more than one message, an mbox (the caller reads it as one).

Apple Mail's `.emlx` (and `.partial.emlx`): the message's byte count on the first line, the
message, then a property list whose `flags` integer holds read (bit 0), deleted (1), answered
(2), flagged (4), draft (6), forwarded (8) and junk (24); they become Maildir letters, and
junk the label "Junk" (spam).
"""

from __future__ import annotations

import os
import plistlib
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from kithkin.sources.mail.dates import envelope_date
from kithkin.sources.mail.headers import FIELD_START, HEADER_LIMIT, header_end
from kithkin.sources.mail.mbox import LEFT_FOR_NEXT_RUN, header_start, next_message
from kithkin.sources.mail.records import MessageRecord, build_record
from kithkin.sources.records import SourceProblem


@dataclass(frozen=True)
class NotMail(SourceProblem):
    """A file that is no mail message (empty, or without a header block of mail): skipped,
    and counted apart from the problems of real mail (a folder such as /etc holds thousands)."""


# A field every mail message has at least one of. A file whose first lines look like fields
# ("root:x:0:0:...", "key: value") is no message unless one of them, before any line that is
# no field, is a field of mail.
_MAIL_FIELD = re.compile(
    rb"\n(?:from|to|cc|bcc|date|subject|message-id|received|return-path|delivered-to|sender"
    rb"|reply-to|in-reply-to|references|mime-version|content-type|x-mailer)[ \t]*:",
    re.IGNORECASE,
)
_NOT_A_FIELD = re.compile(rb"\n(?![!-9;-~]+[ \t]*:|[ \t])")


def has_mail_fields(block: bytes) -> bool:
    """Whether a header block (from the newline before its first line) holds a field of mail
    among the field lines it starts with."""
    found = _MAIL_FIELD.search(block)
    return found is not None and _NOT_A_FIELD.search(block, 0, found.start()) is None


READ_SIZE = 1 << 14
_MORE = 1 << 16
_DELIVERED = re.compile(r"(\d{9,10})\.")  # Maildir names start with the delivery time

# Files that sit among messages but are not messages: mail programs' indexes and state.
_NOT_MAIL_NAMES = frozenset(
    {
        "maildirfolder",
        "subscriptions",
        "dovecot-uidlist",
        "dovecot-keywords",
        "dovecot-uidvalidity",
        "courierimapsubscribed",
        "courierimapuiddb",
        "courierimapkeywords",
        "courierimapacl",
    }
)
# .msf, .dat, .html: Thunderbird's indexes, filters, POP state and filter log
_NOT_MAIL_SUFFIXES = (
    ".lock",
    ".sqlite",
    ".db",
    ".json",
    ".idx",
    ".index",
    ".plist",
    ".msf",
    ".dat",
    ".html",
    "-wal",  # SQLite's write-ahead log and shared memory beside a database (Apple Mail's
    "-shm",  # "Envelope Index-wal", a .db or .sqlite in use)
    "-journal",
)


def is_candidate(name: str) -> bool:
    """Whether a file in a mail folder may be a message (hidden files, indexes and lock files
    of mail programs are not)."""
    return not (
        name.startswith((".", "dovecot.", "dovecot-uidvalidity."))
        or name in _NOT_MAIL_NAMES
        or name.endswith(_NOT_MAIL_SUFFIXES)
    )


def read_message_file(
    path: str, *, folder: str, flags: str = "", may_be_mbox: bool = False
) -> MessageRecord | SourceProblem | None:
    """The record of one message file; None when `may_be_mbox` and the file holds several
    messages (the caller then reads it with `read_mbox`)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return SourceProblem(path, "file", f"cannot be opened: {exc.strerror}")
    junk = False
    emlx_problem = None
    try:
        data = os.read(fd, READ_SIZE)
        # A short read of a regular file means its end: no fstat needed for small files.
        size = len(data) if len(data) < READ_SIZE else os.fstat(fd).st_size
        start = 0
        message_end = size
        if path.endswith(".emlx"):
            count = data[: data.find(b"\n") + 1]
            length = emlx_length(count)
            if length is None:
                return NotMail(
                    path, "file", "not an Apple Mail message: its first line is no byte count"
                )
            start = len(count)
            if start + length > size:  # Mail has not written all of it yet (or it was cut)
                return SourceProblem(
                    path,
                    "file",
                    f"holds {size - start} of the {length} bytes its count gives: "
                    + LEFT_FOR_NEXT_RUN,
                )
            message_end = start + length
            found = _emlx_flags(fd, data, message_end, size)
            if found is None:  # the count does not end where Mail's property list starts
                message_end = size
                emlx_problem = "its byte count does not match the file; read to its end"
            else:
                flags = "".join(sorted(set(flags + found[0])))
                junk = found[1]
        elif data.startswith(b"From "):
            start = header_start(data, 0, len(data))
            if start < 0:  # an envelope line without a date: still not a header field
                start = data.find(b"\n") + 1
            elif may_be_mbox and (
                size > len(data) or next_message(data, start, len(data)) < len(data)
            ):
                return None
        if not data:
            return NotMail(path, "file", "empty file")
        if FIELD_START.match(data, start) is None:
            return NotMail(path, "file", "not a mail message: its first line is not a header field")
        stop = header_end(data, start, min(len(data), message_end))
        while stop == len(data) < message_end and len(data) - start < HEADER_LIMIT:
            more = os.read(fd, _MORE)
            if not more:
                break
            data += more
            stop = header_end(data, start, min(len(data), message_end))
    except OSError as exc:
        return SourceProblem(path, "file", f"cannot be read: {exc.strerror}")
    finally:
        os.close(fd)
    block = data[start - 1 : stop] if start else b"\n" + data[:stop]
    envelope = data[: start - 1] if start else b""
    if not has_mail_fields(block):
        return NotMail(path, "file", "not a mail message: no field of mail (From, To, Date...)")
    try:
        record = build_record(
            block,
            source_file=path,
            offset=0,
            length=size,
            size=message_end - start,
            folder=folder,
            flags=flags,
            estimate=lambda: _estimate(path, envelope),
        )
        if stop == len(data) < message_end:
            cut = "header block over 1 MB; the rest unread"
            record = replace(record, problems=(*record.problems, cut))
        if junk:
            record = replace(record, labels=(*record.labels, "Junk"))
        if emlx_problem is not None:
            record = replace(record, problems=(*record.problems, emlx_problem))
        return record
    except Exception as exc:  # the reader goes on whatever one message holds
        return SourceProblem(path, "file", f"unreadable header: {exc!r}")


PLIST_STARTS = (b"<?xml", b"<!DOCTYPE", b"<plist", b"bplist")  # how Mail's trailer begins


def emlx_length(first_line: bytes) -> int | None:
    """The message's length an .emlx file's first line gives; None when it is no count."""
    count = first_line.strip()
    return int(count) if count.isdigit() and len(count) <= 20 else None


# Apple Mail's flag bits as Maildir letters
_EMLX_BITS = (
    (1 << 0, "S"),
    (1 << 1, "T"),
    (1 << 2, "R"),
    (1 << 4, "F"),
    (1 << 6, "D"),
    (1 << 8, "P"),
)
_EMLX_JUNK = 1 << 24
_PLIST_LIMIT = 1 << 16  # a property list larger than this is not read


def _emlx_flags(fd: int, data: bytes, at: int, size: int) -> tuple[str, bool] | None:
    """The Maildir letters, and whether Apple Mail took it for junk, of the property list
    that follows the message in an .emlx file ("", False when it cannot be read or is too
    large to be Mail's); None when what follows the message is no property list at all (the
    byte count is wrong)."""
    if at >= size:
        return "", False  # no property list: a file cut short, or written without one
    if size - at > _PLIST_LIMIT:
        return "", False
    if size <= len(data):
        tail = data[at:]
    else:
        try:
            here = os.lseek(fd, 0, os.SEEK_CUR)
            os.lseek(fd, at, os.SEEK_SET)
            tail = os.read(fd, size - at)
            os.lseek(fd, here, os.SEEK_SET)
        except OSError:
            return "", False
    tail = tail.lstrip()
    if not tail.startswith(PLIST_STARTS):
        return None
    try:
        info = plistlib.loads(tail)
    except Exception:  # a broken trailer: the message is still read, without its flags
        return "", False
    bits = info.get("flags") if isinstance(info, dict) else None
    if not isinstance(bits, int) or isinstance(bits, bool):
        return "", False
    return "".join(letter for bit, letter in _EMLX_BITS if bits & bit), bool(bits & _EMLX_JUNK)


def _estimate(path: str, envelope: bytes) -> tuple[datetime | None, str]:
    if envelope:
        return envelope_date(envelope), "the mbox From line"
    match = _DELIVERED.match(os.path.basename(path))
    if match is not None:
        return datetime.fromtimestamp(int(match[1]), UTC), "the Maildir file name"
    try:
        return datetime.fromtimestamp(os.stat(path).st_mtime, UTC), "the file's modification time"
    except (OSError, OverflowError, ValueError):
        return None, "nothing"
