"""The entry point: any mail on disk, as records in a stable order.

`read_mail(path)` takes an mbox file, a message file, a Maildir (with nested or Maildir++
folders), Apple Mail's folders (`~/Library/Mail/V10`: a mailbox is a directory `Name.mbox`
holding `.emlx` files somewhere below it, and attachments beside them), or a folder of
message files in any layout (Enron's `user/inbox/1.`), and yields a `MessageRecord` per
message or a `SourceProblem` per thing it could not read, then goes on.

Reading is planned as tasks first (`plan`): batches of message files, and byte ranges of an
mbox. Running the tasks in order (`run`) is `read_mail`; running them in a process pool is
`read_many` (parallel.py), with the same records in the same order.

Order: in a folder its own files, then cur/, then new/, then its sub-folders; names that are
numbers by value ("2" before "10"), the others by code point.
"""

from __future__ import annotations

import errno
import hashlib
import heapq
import os
import re
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from kithkin.sources.mail.files import is_candidate, read_message_file
from kithkin.sources.mail.maildir import MAILDIR_PARTS, flags_of, folder_name, has_info
from kithkin.sources.mail.mbox import header_start, read_mbox
from kithkin.sources.mail.records import MessageRecord
from kithkin.sources.records import SourceProblem

RACY_NS = 2_000_000_000  # a folder changed this recently is not marked unchanged
BATCH = 256  # message files per task
_MBOX_SUFFIXES = (".mbox", ".mbx", ".mbs")


@dataclass(frozen=True)
class MboxPart:
    """Messages of an mbox that start in [start, end); `resync`: start is not a boundary."""

    path: str
    folder: str
    start: int = 0
    end: int | None = None
    resync: bool = False
    single_folder: str | None = None


@dataclass(frozen=True)
class FileBatch:
    """Message files: (path, folder, Maildir flags, whether it may turn out to be an mbox)."""

    files: tuple[tuple[str, str, str, bool], ...]


Task = MboxPart | FileBatch


def read_mail(
    path: str | os.PathLike[str], *, start_offset: int = 0
) -> Iterator[MessageRecord | SourceProblem]:
    """Every message under `path`. `start_offset` (an mbox only) resumes a grown mailbox at the
    end of the last record an earlier run read (its offset + length)."""
    for task in plan(path, start_offset=start_offset):
        if isinstance(task, SourceProblem):
            yield task
        else:
            yield from run(task)


def run(task: Task) -> Iterator[MessageRecord | SourceProblem]:
    """The records of one task."""
    if isinstance(task, MboxPart):
        yield from read_mbox(
            task.path,
            folder=task.folder,
            start_offset=task.start,
            end_offset=task.end,
            resync=task.resync,
            single_folder=task.single_folder,
        )
        return
    for path, folder, flags, may_be_mbox in task.files:
        item = read_message_file(path, folder=folder, flags=flags, may_be_mbox=may_be_mbox)
        if item is None:
            stem = _mbox_stem(os.path.basename(path))
            yield from read_mbox(path, folder=f"{folder}/{stem}", single_folder=folder)
        else:
            yield item


def plan(
    path: str | os.PathLike[str], *, start_offset: int = 0, part_bytes: int | None = None
) -> Iterator[Task | SourceProblem]:
    """The tasks that read `path`, in order. With `part_bytes`, an mbox is cut into byte
    ranges of about that size (each task finds its first message itself)."""
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        yield SourceProblem(str(path), "path", f"cannot be read: {exc.strerror}")
        return
    if stat.S_ISDIR(info.st_mode):
        if start_offset:
            raise ValueError("start_offset applies to an mbox file, not to a folder")
        yield from _plan_root(path, part_bytes)
        return
    if not stat.S_ISREG(info.st_mode):
        yield SourceProblem(str(path), "path", "not a file or a folder")
        return
    parent = path.parent
    folder = parent.parent.name if parent.name in MAILDIR_PARTS else parent.name
    if _looks_like_mbox(path):
        yield from _mbox_parts(
            str(path), _mbox_stem(path.name), info.st_size, start_offset, part_bytes, folder
        )
        return
    if start_offset:
        raise ValueError(f"start_offset applies to an mbox file; {path} is a message file")
    yield FileBatch(((str(path), folder, flags_of(path.name), False),))


def _looks_like_mbox(path: Path) -> bool:
    if has_info(path.name) or path.name.endswith(".eml"):
        return False
    if path.name.endswith(_MBOX_SUFFIXES):
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return header_start(head, 0, len(head)) >= 0


def _mbox_stem(name: str) -> str:
    for suffix in _MBOX_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _mbox_parts(
    path: str,
    folder: str,
    size: int,
    start: int,
    part_bytes: int | None,
    single_folder: str | None,
) -> Iterator[MboxPart]:
    if part_bytes is None or size - start <= part_bytes:
        yield MboxPart(path, folder, start, None, False, single_folder)
        return
    at, resync = start, False
    while at < size:
        end = at + part_bytes if at + part_bytes < size else None
        yield MboxPart(path, folder, at, end, resync, single_folder)
        if end is None:
            break
        at, resync = end, True


RUN: Final = 4096  # names sorted together, then kept as one string


class _Names:
    """A folder's file names in reading order, kept as sorted runs of `RUN` names, each one
    string ("\0a\0b\0"), not one object per name: a Maildir of 500,000 files in one cur/
    holds some 25 MB of names instead of some 50 MB; iterating merges the runs."""

    __slots__ = ("_runs",)

    def __init__(self) -> None:
        self._runs: list[str] = []

    def add_run(self, names: list[str]) -> None:
        if names:
            self._runs.append("\0" + "\0".join(sorted(names, key=_order)) + "\0")

    def __iter__(self) -> Iterator[str]:
        if len(self._runs) == 1:
            return _split(self._runs[0])
        return heapq.merge(*(_split(run) for run in self._runs), key=_order)

    def __contains__(self, name: object) -> bool:
        needle = f"\0{name}\0"
        return any(needle in run for run in self._runs)


def _split(run: str) -> Iterator[str]:
    at = 1
    while at < len(run):
        end = run.index("\0", at)
        yield run[at:end]
        at = end + 1


def _order(name: str) -> tuple[int, int, str]:
    """Names that are numbers by their value (Enron's "1.", "2.", "10."), then the others by
    code point (Maildir names start with the delivery time)."""
    number = name.rstrip(".")
    if number.isascii() and number.isdigit():  # not "¹": a digit int() cannot read
        return (0, int(number), name)
    return (1, 0, name)


@dataclass(frozen=True)
class _Listing:
    """A folder's files and sub-folders by name, in reading order (`_order`). Names only,
    compacted (`_Names`), so a folder of a million files stays small."""

    files: _Names
    folders: list[str]

    @property
    def is_maildir(self) -> bool:
        return any(part in self.folders for part in MAILDIR_PARTS)


@dataclass
class _Walk:
    """One walk through a folder tree. A symbolic link is followed only to what lies inside
    the tree (`real_root`); every directory is entered once, by what it is (device and
    inode), whatever path leads to it, so a link or a bind mount back up the tree is a loop
    entered once. What was left out and why waits in `problems` for the walk to report it."""

    real_root: str
    entered: dict[tuple[int, int], str] = field(default_factory=dict)  # identity -> path
    problems: list[SourceProblem] = field(default_factory=list)

    def enter(self, directory: str) -> _Listing | None:
        """The listing of a directory not entered before; None (a problem noted) when it
        was, or when it cannot be listed."""
        try:
            info = os.stat(directory)
            identity = (info.st_dev, info.st_ino)
            if identity in self.entered:
                first = self.entered[identity]
                self.note(directory, "folder", f"a folder met before, as {first}: read once")
                return None
            self.entered[identity] = directory
            return self._list(directory)
        except OSError as exc:
            self.note(directory, "folder", f"cannot be listed: {exc.strerror}")
            return None

    def note(self, path: str, place: str, message: str) -> None:
        self.problems.append(SourceProblem(path, place, message))

    def drain(self) -> list[SourceProblem]:
        found, self.problems = self.problems, []
        return found

    def _list(self, directory: str) -> _Listing:
        names = _Names()
        files: list[str] = []
        folders: list[str] = []
        links: list[str] = []
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_symlink():
                    links.append(entry.name)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(entry.name)
                elif entry.is_file(follow_symlinks=False):
                    files.append(entry.name)
                    if len(files) >= RUN:
                        names.add_run(files)
                        files = []
        linked: list[str] = []  # folders links lead to: after the real ones (their names win)
        for name in sorted(links):  # their problems in a stable order
            kind = self._link(os.path.join(directory, name))
            if kind is not None:
                (linked if kind == "folder" else files).append(name)
        names.add_run(files)
        return _Listing(names, sorted(folders, key=_order) + sorted(linked, key=_order))

    def _link(self, path: str) -> str | None:
        """ "file" or "folder": what a symbolic link leads to, inside the tree; None, noted,
        when it leads nowhere, round in a loop, or out of the tree (importing a folder reads
        that folder: a link to a file elsewhere is not followed, it is said)."""
        try:
            info = os.stat(path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self.note(path, "link", "a symbolic link loop: skipped")
            elif exc.errno == errno.ENOENT:
                self.note(path, "link", f"a symbolic link to nothing ({_target(path)}): skipped")
            else:
                self.note(path, "link", f"cannot be followed: {exc.strerror}")
            return None
        real = os.path.realpath(path)
        if os.path.commonpath((real, self.real_root)) != self.real_root:
            what = "folder" if stat.S_ISDIR(info.st_mode) else "file"
            self.note(path, "link", f"a symbolic link to a {what} out of the folder: {real}")
            return None
        if stat.S_ISDIR(info.st_mode):
            return "folder"
        return "file" if stat.S_ISREG(info.st_mode) else None


def _target(link: str) -> str:
    try:
        return os.readlink(link)
    except OSError:
        return "?"


def _plan_root(root: Path, part_bytes: int | None) -> Iterator[Task | SourceProblem]:
    walk = _Walk(os.path.realpath(root))
    listing = walk.enter(str(root))
    yield from walk.drain()
    if listing is None:
        return
    root_folder = root.resolve().name
    if listing.is_maildir and any(name.startswith(".") for name in listing.folders):
        root_folder = "INBOX"  # Maildir++: the root is the inbox, .Name are the other folders
    apple = (_mbox_stem(root_folder),) if _is_apple_mailbox(root_folder, listing) else None
    batch: list[tuple[str, str, str, bool]] = []
    yield from _plan_folder(walk, str(root), (), listing, root_folder, batch, part_bytes, apple)
    if batch:
        yield FileBatch(tuple(batch))


def _plan_folder(
    walk: _Walk,
    directory: str,
    parts: tuple[str, ...],
    listing: _Listing,
    root_folder: str,
    batch: list[tuple[str, str, str, bool]],
    part_bytes: int | None,
    apple: tuple[str, ...] | None = None,
) -> Iterator[Task | SourceProblem]:
    """`apple`: inside an Apple Mail mailbox, the names of the `.mbox` directories it is in
    (the folder is theirs, not that of the directories that hold the files); there only
    `.emlx` files are messages (not Info.plist, not the attachments)."""
    folder = "/".join(apple) if apple else folder_name(parts) or root_folder
    maildir = listing.is_maildir and apple is None
    # Thunderbird's mbox files have no extension, and an index "Name.msf" beside them: one
    # holding a single message is still a folder, and a large one is read in parts and,
    # grown, from where it ended
    indexed = {name[:-4] for name in listing.files if name.endswith(".msf")}
    for name in listing.files:
        if not is_candidate(name) or (apple is not None and not name.endswith(".emlx")):
            continue
        path = os.path.join(directory, name)
        if name.endswith(_MBOX_SUFFIXES) or name in indexed:
            if batch:
                yield FileBatch(tuple(batch))
                batch.clear()
            stem = f"{folder_name(parts)}/{_mbox_stem(name)}".lstrip("/")
            size = os.stat(path).st_size
            alone = None if name in indexed else folder  # a lone message: the folder's
            yield from _mbox_parts(path, stem, size, 0, part_bytes, alone)
            continue
        single = has_info(name) or name.endswith((".eml", ".emlx"))
        batch.append((path, folder, flags_of(name), not single))
        if len(batch) >= BATCH:
            yield FileBatch(tuple(batch))
            batch.clear()
    for part in MAILDIR_PARTS if maildir else ():
        if part not in listing.folders:
            continue
        held = walk.enter(os.path.join(directory, part))
        yield from walk.drain()
        for name in held.files if held is not None else ():
            if is_candidate(name):
                path = os.path.join(directory, part, name)
                batch.append((path, folder, flags_of(name), False))
                if len(batch) >= BATCH:
                    yield FileBatch(tuple(batch))
                    batch.clear()
    for name in listing.folders:
        if maildir and name in (*MAILDIR_PARTS, "tmp"):
            continue
        inside = os.path.join(directory, name)
        if name.startswith(".") and not _maildir_at(inside):
            continue  # .git, .notmuch and the like; Maildir++ folders are Maildirs
        sub = walk.enter(inside)
        yield from walk.drain()
        if sub is None:
            continue
        inner = apple
        if _is_apple_mailbox(name, sub):
            inner = (*(apple or ()), _mbox_stem(name))
        elif apple is not None and name == "Attachments":
            continue
        elif name == "MailData" and "Envelope Index" in sub.files:
            continue  # Apple Mail's own index and settings, beside the accounts' mailboxes
        yield from _plan_folder(
            walk, inside, (*parts, name), sub, root_folder, batch, part_bytes, inner
        )


def _maildir_at(directory: str) -> bool:
    return any(os.path.isdir(os.path.join(directory, part)) for part in MAILDIR_PARTS)


_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


def _is_apple_mailbox(name: str, listing: _Listing) -> bool:
    """A directory `Name.mbox` as Apple Mail keeps a mailbox (Info.plist, a Messages folder,
    a folder named by a UUID or mailboxes of its own inside), not Mail's export (a file
    `mbox` inside), not a Maildir whose name happens to end in ".mbox"."""
    if not name.endswith(".mbox") or listing.is_maildir or "mbox" in listing.files:
        return False
    return (
        "Info.plist" in listing.files
        or "Messages" in listing.folders
        or any(_UUID.fullmatch(folder) or folder.endswith(".mbox") for folder in listing.folders)
    )


def folder_mark(root: str) -> str | None:
    """A fingerprint of a folder's directories (each one's path and modification time): it
    changes when a file is added, removed or renamed anywhere below (a Maildir flag change
    renames), not when a file's bytes change in place. Lists the directories without a
    stat of any file or a list of their names, entering each directory once (a bind mount
    of a folder inside itself is no endless walk); symbolic links are not followed: one
    that `plan` follows leads inside the folder, to a directory fingerprinted there. None
    when a directory changed in the last `RACY_NS` (a file added in the same clock tick
    would leave its time as it is: the next import could not tell)."""
    digest = hashlib.sha256()
    recent = time.time_ns() - RACY_NS
    entered: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            info = os.stat(directory)
        except OSError:
            return None
        if info.st_mtime_ns >= recent:
            return None
        if (info.st_dev, info.st_ino) in entered:
            continue
        entered.add((info.st_dev, info.st_ino))
        digest.update(f"{os.path.relpath(directory, root)}\0{info.st_mtime_ns}\0".encode())
        below = []
        try:
            with os.scandir(directory) as entries:
                below = [e.path for e in entries if e.is_dir(follow_symlinks=False)]
        except OSError:
            pass  # as os.walk: an unreadable directory counts by its own time only
        pending.extend(sorted(below, reverse=True))
    return digest.hexdigest()
