"""What a mail import still has to read: the reader's tasks (`walk.plan`) minus what the store
says was read before.

- An mbox whose size and modification time are those recorded when it was last read to its
  end is not read at all; one that grew (the bytes before its recorded end unchanged) is read
  from there; one that was rewritten, from the start (stored messages are recognised by
  Message-ID, so nothing is stored twice).
- A message file whose path and size are recorded is not opened; a Maildir file renamed
  since (its flags changed: ":2,S" became ":2,RS") is not read either, its new flags come
  from its name.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from kithkin.sources.mail.maildir import MAILDIR_PARTS, flags_of
from kithkin.sources.mail.walk import FileBatch, MboxPart, Task
from kithkin.sources.records import SourceProblem
from kithkin.store.mail import FileState, SourceState

TAIL: Final = 1024  # bytes before an mbox's recorded end, hashed to see that they stayed


@dataclass(frozen=True)
class MboxStart:
    """Where to read an mbox from (None: it is unchanged), and its size and mtime now."""

    start: int | None
    size: int
    mtime_ns: int


def tail_hash(path: str, end: int) -> str | None:
    """sha256 of the `TAIL` bytes before `end` of the file (None if it is shorter)."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, end - TAIL))
            data = handle.read(min(end, TAIL))
    except OSError:
        return None
    if len(data) != min(end, TAIL):
        return None
    return hashlib.sha256(data).hexdigest()


def mbox_start(path: str, state: SourceState | None) -> MboxStart | SourceProblem:
    try:
        info = os.stat(path)
    except OSError as exc:
        return SourceProblem(path, "file", f"cannot be read: {exc.strerror}")
    size, mtime = info.st_size, info.st_mtime_ns
    if state is None or state.end_offset == 0:
        return MboxStart(0, size, mtime)
    end = state.end_offset
    if size < end or tail_hash(path, end) != state.tail_hash:
        return MboxStart(0, size, mtime)  # rewritten: read again, stored messages are known
    if size == end or (state.done and (size, mtime) == (state.size, state.mtime_ns)):
        return MboxStart(None, size, mtime)
    return MboxStart(end, size, mtime)


def file_key(path: str) -> str:
    """What stays the same when a Maildir file is renamed: its folder and unique name (the
    part before ":2," and not whether it sits in new/ or cur/)."""
    folder, _, name = path.rpartition(os.sep)
    parent, _, part = folder.rpartition(os.sep)
    if part in MAILDIR_PARTS:
        folder = parent
    at = name.rfind(":2,")
    if at < 0:
        at = name.rfind("!2,")
    return f"{folder}/{name[:at] if at >= 0 else name}"


@dataclass
class FolderPlan:
    """The outcome of filtering a folder's tasks, filled in as the tasks are taken."""

    files: dict[str, FileState]  # what the store knows, by key
    mboxes: dict[str, SourceState | None]  # nested mbox files and what the store knows
    # path -> (key, size, id of the row it replaces): files to record once read
    to_record: dict[str, tuple[str, int, int | None]] = field(default_factory=dict)
    renamed: list[tuple[int, str, str, str]] = field(default_factory=list)  # id, path, mid, flags
    starts: dict[str, MboxStart] = field(default_factory=dict)
    skipped: int = 0
    problems: list[SourceProblem] = field(default_factory=list)


def filter_tasks(
    tasks: Iterator[Task | SourceProblem], plan: FolderPlan
) -> Iterator[Task | SourceProblem]:
    """The tasks still to run; what was left out and why goes to `plan`."""
    for task in tasks:
        if isinstance(task, SourceProblem):
            yield task
        elif isinstance(task, MboxPart):
            part = _mbox_part(task, plan)
            if part is not None:
                yield part
        else:
            kept = tuple(entry for entry in task.files if _unread(entry[0], plan))
            if kept:
                yield FileBatch(kept)


def _mbox_part(task: MboxPart, plan: FolderPlan) -> MboxPart | None:
    start = plan.starts.get(task.path)
    if start is None:
        found = mbox_start(task.path, plan.mboxes.get(task.path))
        if isinstance(found, SourceProblem):
            plan.problems.append(found)
            start = MboxStart(None, 0, 0)
        else:
            start = found
        plan.starts[task.path] = start
    if start.start is None:
        return None
    if start.start == 0 or (task.end is not None and task.end <= start.start):
        return task if start.start == 0 else None
    if task.start < start.start:  # the recorded end is a message boundary
        return MboxPart(task.path, task.folder, start.start, task.end, False, task.single_folder)
    return task


def _unread(path: str, plan: FolderPlan) -> bool:
    try:
        size = os.stat(path).st_size
    except OSError:
        return True  # the reader reports it
    key = file_key(path)
    known = plan.files.get(key)
    if known is not None and known.size == size:
        if known.path == path:
            plan.skipped += 1
            return False
        if known.message_id is not None:
            flags = flags_of(os.path.basename(path))
            plan.renamed.append((known.id, path, known.message_id, flags))
            return False
    plan.to_record[path] = (key, size, known.id if known is not None else None)
    return True
