"""Message files: one message per file, whatever its name (`.eml`, Enron's `1.`, `msg_01.txt`,
Maildir's `1220863087.12663_7.mindcrime:2,RS`).

Only the head of a file is read: one `os.read` of 16 KiB holds the whole header block of
nearly every message (more is read only while no blank line has been seen). A file that
starts with an mbox envelope line ("From sender date") is a message with its envelope, or,
when it holds more than one message, an mbox (the caller reads it as one).
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import UTC, datetime

from kithkin.sources.mail.dates import envelope_date
from kithkin.sources.mail.headers import FIELD_START, HEADER_LIMIT, header_end
from kithkin.sources.mail.mbox import header_start, next_message
from kithkin.sources.mail.records import MessageRecord, build_record
from kithkin.sources.records import SourceProblem

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
_NOT_MAIL_SUFFIXES = (".msf", ".lock", ".sqlite", ".db", ".json", ".idx", ".index")


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
    try:
        data = os.read(fd, READ_SIZE)
        # A short read of a regular file means its end: no fstat needed for small files.
        size = len(data) if len(data) < READ_SIZE else os.fstat(fd).st_size
        start = 0
        if data.startswith(b"From "):
            start = header_start(data, 0, len(data))
            if start < 0:  # an envelope line without a date: still not a header field
                start = data.find(b"\n") + 1
            elif may_be_mbox and (
                size > len(data) or next_message(data, start, len(data)) < len(data)
            ):
                return None
        if not data:
            return SourceProblem(path, "file", "empty file")
        if FIELD_START.match(data, start) is None:
            return SourceProblem(
                path, "file", "not a mail message: its first line is not a header field"
            )
        stop = header_end(data, start)
        while stop == len(data) < size and len(data) - start < HEADER_LIMIT:
            more = os.read(fd, _MORE)
            if not more:
                break
            data += more
            stop = header_end(data, start)
    except OSError as exc:
        return SourceProblem(path, "file", f"cannot be read: {exc.strerror}")
    finally:
        os.close(fd)
    block = data[start - 1 : stop] if start else b"\n" + data[:stop]
    envelope = data[: start - 1] if start else b""
    try:
        record = build_record(
            block,
            source_file=path,
            offset=0,
            length=size,
            size=size - start,
            folder=folder,
            flags=flags,
            estimate=lambda: _estimate(path, envelope),
        )
        if stop == len(data) < size:
            cut = "header block over 1 MB; the rest unread"
            record = replace(record, problems=(*record.problems, cut))
        return record
    except Exception as exc:  # the reader goes on whatever one message holds
        return SourceProblem(path, "file", f"unreadable header: {exc!r}")


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
