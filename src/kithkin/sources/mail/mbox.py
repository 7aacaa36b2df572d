"""mbox files (mboxo, mboxrd, mboxcl, Gmail Takeout): one record per message, headers only.

The file is read in 4 MiB blocks through a sliding window and scanned for "\\nFrom " with the
C byte search; bodies are never decoded and only the header blocks are copied out.
Content-Length is not trusted (writers disagree on it), so a message ends where the next
separator starts. A separator is a "From " line that carries a time (every writer puts a
date there) followed by a header field; a body line quoted as ">From " (mboxrd, mboxo) is
never one, and an unquoted "From " line in a body almost never passes both tests.

Blocks are read, not memory-mapped: a mail program that rewrites the mailbox in place while
it is read (mutt does) makes a mapping fault and kills the process; a read only sees the file
end early. The window holds one block plus the message being read, so the resident size
stays small however large the mailbox.

`start_offset` resumes a grown mailbox where the last run ended (the end of its last
record); `end_offset` with `resync=True` reads one byte range of a mailbox, for the process
pool: a range owns the messages that start inside it.

A mailbox may be read while a mail program appends to it. Its last message, when it is not
whole yet, is not read: a problem says so and no record covers it, so the next run resumes
before it and reads it whole. A message cut inside its header block is never whole; one that
ends inside a line (or is followed by a lone "From " line) may also be a finished mailbox that
lacks its last line break, so it waits only while the file is fresh (changed less than
`STILL_WRITING` seconds ago) and is read as it stands once the file has been left alone.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import BinaryIO

from kithkin.sources.mail.dates import envelope_date
from kithkin.sources.mail.headers import FIELD_START, HEADER_LIMIT, header_end
from kithkin.sources.mail.records import MessageRecord, build_record
from kithkin.sources.records import SourceProblem

BLOCK = 4 << 20  # bytes read at a time
_LOOKAHEAD = 2100  # enough to see a whole envelope line and the field after it
STILL_WRITING = 600.0  # seconds since its last change that a mailbox may still be written
_ENVELOPE = re.compile(rb"From [^\n]{0,1000}\d:\d\d[^\n]{0,1000}\n")


def header_start(data: bytes, at: int, end: int) -> int:
    """If a separator ("From " line with a time, then a header field) starts at `at`, where its
    header block starts; else -1."""
    match = _ENVELOPE.match(data, at, end)
    if match is None:
        return -1
    start = match.end()
    return start if FIELD_START.match(data, start, end) is not None else -1


def next_message(data: bytes, start: int, end: int) -> int:
    """The first separator in `data` at or after `start`; `end` when there is none."""
    if start == 0 and header_start(data, 0, end) >= 0:
        return 0
    at = data.find(b"\nFrom ", max(start - 1, 0), end)
    while at >= 0:
        if header_start(data, at + 1, end) >= 0:
            return at + 1
        at = data.find(b"\nFrom ", at + 6, end)
    return end


class _Window:
    """The bytes of a file from offset `base` on, read block by block; offsets are absolute."""

    def __init__(self, handle: BinaryIO, start: int, size: int, *, fresh: bool = True) -> None:
        self.handle = handle
        self.size = size  # as it was when reading began: what is appended later waits
        self.fresh = fresh  # changed lately: a mail program may still be appending to it
        self.base = start
        self.data = b""
        self.read_to = start

    @property
    def end(self) -> int:
        return self.base + len(self.data)

    def fill(self, keep: int) -> bool:
        """Forget the bytes before `keep` and read the next block; False at the file's end."""
        if self.read_to >= self.size:
            return False
        self.handle.seek(self.read_to)
        block = self.handle.read(min(BLOCK, self.size - self.read_to))
        if not block:  # the file shrank while it was read
            self.size = self.read_to
            return False
        self.data = self.data[keep - self.base :] + block
        self.base = keep
        self.read_to += len(block)
        return True

    def header_start(self, at: int) -> int:
        """`header_start` at absolute offset `at`, with enough of the file read to tell."""
        while self.end < at + _LOOKAHEAD and self.fill(max(at - 2, self.base)):
            pass
        found = header_start(self.data, at - self.base, len(self.data))
        return -1 if found < 0 else self.base + found

    def next_message(self, start: int) -> tuple[int, int]:
        """(the first separator at or after `start`, where its header starts), reading on as
        needed; (the file's end, -1) when there is none."""
        at = start - 1 if start > self.base else self.base
        while True:
            found = self.data.find(b"\nFrom ", at - self.base)
            if found < 0:
                at = max(at, self.end - 5)  # "\nFrom " may straddle two blocks
                if not self.fill(max(at - 2, self.base)):
                    return self.size, -1
                continue
            candidate = self.base + found + 1
            head = self.header_start(candidate)
            if head >= 0:
                return candidate, head
            at = candidate + 5

    def header_end(self, start: int, limit: int, keep: int) -> int:
        """Where the header block that starts at `start` ends (see `headers.header_end`),
        reading on as needed but keeping the bytes from `keep` on."""
        while True:
            stop = min(limit, self.end)
            found = header_end(self.data, start - self.base, stop - self.base) + self.base
            if found < stop or stop == limit or not self.fill(keep):
                return found

    def slice(self, start: int, stop: int) -> bytes:
        return self.data[start - self.base : stop - self.base]


def read_mbox(
    path: str | os.PathLike[str],
    *,
    folder: str,
    start_offset: int = 0,
    end_offset: int | None = None,
    resync: bool = False,
    single_folder: str | None = None,
) -> Iterator[MessageRecord | SourceProblem]:
    """The messages of an mbox that start in [start_offset, end_offset).

    `start_offset` must be a message's start (an earlier run's end) unless `resync` is set;
    when it is not, a problem is reported and reading goes on from the next message.
    `single_folder` names the folder when the file holds exactly one message (a message file
    that begins with an envelope line, as in the SpamAssassin corpus).
    """
    source = os.fspath(path)
    try:
        handle = open(source, "rb", buffering=0)  # noqa: SIM115 - closed below
    except OSError as exc:
        yield SourceProblem(source, "file", f"cannot be opened: {exc.strerror}")
        return
    with handle:
        stat = os.fstat(handle.fileno())
        size = stat.st_size
        fresh = time.time() - stat.st_mtime < STILL_WRITING
        end = size if end_offset is None else min(end_offset, size)
        if start_offset < end:
            # one byte early for a range: the newline before a message that starts right there
            early = 1 if resync and start_offset > 0 else 0
            window = _Window(handle, start_offset - early, size, fresh=fresh)
            try:
                yield from _scan(window, source, folder, start_offset, end, resync, single_folder)
            except OSError as exc:
                yield SourceProblem(source, f"offset {window.end}", f"cannot be read: {exc}")


def _scan(
    window: _Window,
    source: str,
    folder: str,
    pos: int,
    end: int,
    resync: bool,
    single_folder: str | None,
) -> Iterator[MessageRecord | SourceProblem]:
    start = -1 if resync and pos > 0 else window.header_start(pos)
    if start < 0 and not resync and _separator_begun(window, pos):
        begun = "the last message ends inside its 'From ' line or first field"
        yield SourceProblem(source, f"offset {pos}", f"{begun}: {LEFT_FOR_NEXT_RUN}")
        return
    if start < 0 and not resync and not _separator_rest(window, pos):
        # read on as a byte range that starts there would (the pool reads large files so)
        yield SourceProblem(
            source,
            f"offset {pos}",
            "no 'From ' line starts the file (is it an mbox?); reading on from the first message"
            if pos == 0
            else "not the start of a message (the last message read was not whole, or the "
            "mailbox was rewritten); reading on from the next message",
        )
    if start < 0:
        pos, start = window.next_message(pos)
    while pos < end and start >= 0:
        stop = window.header_end(start, start + HEADER_LIMIT, keep=pos)
        block = window.slice(start - 1, stop)
        envelope = window.slice(pos, start - 1)
        following, following_start = window.next_message(start + 1)
        if following < stop:  # no blank line before the next message: the header ends there
            block = block[: following - start + 1]
        elif following == window.size and (cut := _unfinished(window, start, stop)):
            yield SourceProblem(source, f"offset {pos}", f"{cut}: {LEFT_FOR_NEXT_RUN}")
            return
        blank = window.slice(following - 2, following) == b"\n\n"
        record: MessageRecord | SourceProblem
        try:
            built = build_record(
                block,
                source_file=source,
                offset=pos,
                length=following - pos,
                size=following - start - blank,
                folder=single_folder
                if single_folder is not None and pos == 0 and following == window.size
                else folder,
                estimate=lambda: _envelope(envelope),  # noqa: B023 - called right here
            )
            if stop == start + HEADER_LIMIT < following:
                cut = "header block over 1 MB; the rest unread"
                built = replace(built, problems=(*built.problems, cut))
            record = built
        except Exception as exc:  # the reader goes on whatever one message holds
            record = SourceProblem(source, f"offset {pos}", f"unreadable header: {exc!r}")
        yield record
        pos, start = following, following_start


def _separator_rest(window: _Window, pos: int) -> bool:
    """Whether only line breaks lie at `pos` before the next message or the file's end: the
    blank line that ended the last message read, written after it was read."""
    if pos == 0:
        return False
    rest = window.slice(pos, window.end)
    after = pos + len(rest) - len(rest.lstrip(b"\r\n"))
    return after == window.size or (after < window.end and window.header_start(after) >= 0)


def _separator_begun(window: _Window, pos: int) -> bool:
    """Whether the file ends in the first line or field of a message that starts at `pos`."""
    if window.end != window.size or window.size - pos > _LOOKAHEAD:
        return False
    return _begun(window.slice(pos, window.size))


def _begun(rest: bytes) -> bool:
    """Whether `rest` (a line's start to the file's end) is the beginning of a separator cut
    short: "From", "From a@b Mon Apr 19", "From a@b Mon Apr 19 15:28:51 2021\\nSubj"."""
    line = rest.find(b"\n")
    if line < 0:
        return bool(rest) and (rest.startswith(b"From ") or b"From ".startswith(rest))
    envelope = _ENVELOPE.match(rest)
    if envelope is None or envelope.end() != line + 1:
        return False
    field = rest[line + 1 :]  # no field yet, or the start of its name
    return not field or (b"\n" not in field and FIELD_START.fullmatch(field + b":") is not None)


LEFT_FOR_NEXT_RUN = "not read, left for the next import (is the mailbox still being written?)"


def _unfinished(window: _Window, start: int, stop: int) -> str | None:
    """Why the last message of the file, whose header block starts at `start` and was read
    to `stop`, is not whole yet (a mail program is still appending it); None when it is.

    A message an mbox writer has finished has a header block that ends in a blank line (the
    block reaches the file's end only when it was cut inside it) and ends in a line break;
    one cut anywhere else looks whole, and only its `size` is short (the next run, finding
    its recorded end inside a message, reads on from the next one)."""
    if stop == start + HEADER_LIMIT:
        return None  # a header block over the limit is cut on purpose: it is reported
    if stop >= window.size:
        return "the last message ends inside its header block"
    if not window.fresh:
        return None  # left alone for a while: as whole as it will get
    if window.slice(window.size - 1, window.size) != b"\n":
        return "the last message ends inside a line"
    tail = window.slice(max(start, window.size - _LOOKAHEAD, window.base), window.size)
    after = tail.rfind(b"\nFrom ")
    if after >= 0 and _begun(tail[after + 1 :]):
        return "the next message has begun after it, its 'From ' line but no field yet"
    return None


def _envelope(line: bytes) -> tuple[datetime | None, str]:
    return envelope_date(line), "the mbox From line"
