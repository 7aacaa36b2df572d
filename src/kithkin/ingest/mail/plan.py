"""What a mail import still has to read: the reader's tasks (`walk.plan`) minus what the store
says was read before.

- An mbox whose size and modification time are those recorded when it was last read to its
  end is not read at all; one that grew (the bytes before its recorded end unchanged) is read
  from there; one that was rewritten, from the start (stored messages are recognised by
  Message-ID, so nothing is stored twice).
- A message file whose path and size are recorded is not opened; a Maildir file renamed
  since (its flags changed: ":2,S" became ":2,RS") is not read either, its new flags come
  from its name. The store is asked about the files a batch (`walk.BATCH`) at a time, as the
  folder is listed: what a re-import holds in memory does not grow with the folder.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from kithkin.sources.mail.maildir import MAILDIR_PARTS, flags_of
from kithkin.sources.mail.walk import FileBatch, MboxPart, Task
from kithkin.sources.records import SourceProblem
from kithkin.store.mail import FileState, SourceState

Entry = tuple[str, str, str, bool]  # a message file of a `FileBatch`
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


Known = Callable[[list[str]], Mapping[str, FileState]]  # what the store knows, by file key


def nothing_known(keys: list[str]) -> Mapping[str, FileState]:
    """A source no file of which was recorded yet."""
    return {}


@dataclass
class FolderPlan:
    """The outcome of filtering a folder's tasks, filled in as the tasks are taken. What the
    store knows of the files is asked a batch of files at a time (`known`), never loaded
    whole: a folder of a million files is compared in a thousand small queries."""

    known: Known
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
            kept = _unread(task.files, plan)
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


def _unread(files: tuple[Entry, ...], plan: FolderPlan) -> tuple[Entry, ...]:
    """The files of a batch still to read, compared with what the store knows of them in one
    question for the whole batch."""
    sized: list[tuple[Entry, str, int | None]] = []
    for entry in files:
        try:
            size: int | None = os.stat(entry[0]).st_size
        except OSError:
            size = None  # the reader reports it
        sized.append((entry, file_key(entry[0]), size))
    known = plan.known([key for _, key, size in sized if size is not None])
    kept: list[Entry] = []
    for entry, key, size in sized:
        path = entry[0]
        found = known.get(key) if size is not None else None
        if found is not None and found.size == size:
            if found.path == path:
                plan.skipped += 1
                continue
            if found.message_id is not None:
                flags = flags_of(os.path.basename(path))
                plan.renamed.append((found.id, path, found.message_id, flags))
                continue
        if size is not None:
            plan.to_record[path] = (key, size, found.id if found is not None else None)
        kept.append(entry)
    return tuple(kept)
