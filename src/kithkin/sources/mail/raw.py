"""The raw bytes of one stored message, read again from where the import found it.

The store keeps headers only, with a pointer to the original (`source_file`, `offset`); a
DKIM check needs the message exactly as it was delivered. A message file (.eml, Enron's
`1.`, a Maildir file) is read whole. An mbox message is found the way `read_mbox` found it:
from its "From " line to the next separator, without that line and the blank line that ends
the message, and with the ">From " quoting of mboxrd (and mboxo) undone.

An Apple Mail .emlx file gives the message between its byte count line and its property
list. A Maildir file whose flags changed since the import (or that moved from new/ to cur/) is
found again by its unique name, the part before ":2,". IMAP messages live on the server:
reading them needs a connection, which this module never opens.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kithkin.errors import OriginalUnavailable
from kithkin.sources.mail.files import PLIST_STARTS, emlx_length
from kithkin.sources.mail.maildir import MAILDIR_PARTS
from kithkin.sources.mail.mbox import read_mbox
from kithkin.sources.mail.records import MessageRecord

_IMAP_SCHEMES = ("imap://", "imaps://")
_QUOTED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)
_INFO_MARKERS = (":2,", "!2,")  # "!2," where ":" is not allowed in file names (mu)


def read_raw(source_file: str, offset: int) -> bytes:
    """The whole raw message stored at `offset` of `source_file` (0 for a message file)."""
    if source_file.startswith(_IMAP_SCHEMES):
        raise OriginalUnavailable(
            f"cannot read the original of an IMAP message offline: {source_file}"
        )
    if offset < 0:
        raise OriginalUnavailable(f"{source_file}: offset {offset} is not a message's start")
    path = _existing(source_file)
    try:
        if offset == 0 and path.name.endswith(".emlx"):
            return _emlx_message(path)
        if offset == 0 and not _starts_with_envelope(path):
            return path.read_bytes()
        return _mbox_message(path, offset)
    except OSError as exc:
        raise OriginalUnavailable(f"{path}: cannot be read: {exc.strerror}") from exc


def _emlx_message(path: Path) -> bytes:
    """The message of an Apple Mail .emlx file: between its byte count line and Mail's
    property list (to the end when the count does not end at one, as the reader does)."""
    data = path.read_bytes()
    first = data.find(b"\n") + 1
    length = emlx_length(data[:first])
    if length is None:
        raise OriginalUnavailable(f"{path}: not an Apple Mail message (no byte count)")
    end = first + length
    if end < len(data) and not data[end:].lstrip().startswith(PLIST_STARTS):
        end = len(data)
    return data[first:end]


def _existing(source_file: str) -> Path:
    """The file itself, or the same Maildir message under its current name."""
    path = Path(source_file)
    if path.is_file():
        return path
    moved = _maildir_renamed(path)
    if moved is not None:
        return moved
    raise OriginalUnavailable(f"{source_file}: no such file (was it moved or deleted?)")


def _maildir_renamed(path: Path) -> Path | None:
    """A Maildir message's file after its flags changed: same unique name in cur/ or new/."""
    if path.parent.name not in MAILDIR_PARTS:
        return None
    unique = _unique_name(path.name)
    root = path.parent.parent
    for part in MAILDIR_PARTS:
        try:
            entries = list(os.scandir(root / part))
        except OSError:
            continue
        for entry in entries:
            if _unique_name(entry.name) == unique and entry.is_file():
                return Path(entry.path)
    return None


def _unique_name(name: str) -> str:
    """A Maildir file name without its info (":2,FRS"): what stays when flags change."""
    for marker in _INFO_MARKERS:
        at = name.rfind(marker)
        if at >= 0:
            return name[:at]
    return name


def _starts_with_envelope(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def _mbox_message(path: Path, offset: int) -> bytes:
    """The message whose "From " line starts at `offset`: bounded exactly as `read_mbox` does."""
    record = _record_at(path, offset)
    with path.open("rb") as handle:
        handle.seek(offset)
        # no record: a message file whose envelope line has no date, all of it after that line
        data = handle.read() if record is None else handle.read(record.length)
    start = data.find(b"\n") + 1
    if start == 0:
        raise OriginalUnavailable(f"{path}: offset {offset}: no message after the 'From ' line")
    return _unquoted(_without_separator(data[start:]))


def _record_at(path: Path, offset: int) -> MessageRecord | None:
    """The mbox record that starts at `offset`; None for a lone message (offset 0) that
    starts with an envelope line `read_mbox` does not take for a separator."""
    # the reader is dropped at once: its generator closes the file
    first = next(read_mbox(path, folder="", start_offset=offset), None)
    if isinstance(first, MessageRecord) and first.offset == offset:
        return first
    if offset == 0:
        return None
    raise OriginalUnavailable(
        f"{path}: offset {offset} is not the start of a message (was the mailbox rewritten?)"
    )


def _without_separator(data: bytes) -> bytes:
    """The message without the blank line an mbox writer puts before the next "From " line."""
    if data.endswith(b"\r\n\r\n"):
        return data[:-2]
    if data.endswith(b"\n\n"):
        return data[:-1]
    return data


def _unquoted(data: bytes) -> bytes:
    """mboxrd unquoting: one ">" off every line that is ">From ", ">>From ", ..."""
    return _QUOTED_FROM.sub(rb"\1", data)
