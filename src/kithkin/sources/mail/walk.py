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

import hashlib
import os
import re
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class _Listing:
    """A folder's files and sub-folders by name, in reading order: names that are numbers
    by their value (Enron's "1.", "2.", "10."), then the others by code point (Maildir names
    start with the delivery time). Names only, so a folder of a million files stays small."""

    files: list[str]
    folders: list[str]

    @property
    def is_maildir(self) -> bool:
        return any(part in self.folders for part in MAILDIR_PARTS)


def _ordered(names: list[str]) -> list[str]:
    numbered = [name for name in names if name.rstrip(".").isdigit()]  # CMU's Enron: "1."
    numbered.sort(key=lambda name: int(name.rstrip(".")))
    return numbered + sorted(name for name in names if not name.rstrip(".").isdigit())


def _list(directory: str) -> _Listing:
    files, folders = [], []
    with os.scandir(directory) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):  # no symbolic links: no cycles
                folders.append(entry.name)
            elif entry.is_file():
                files.append(entry.name)
    return _Listing(_ordered(files), _ordered(folders))


def _plan_root(root: Path, part_bytes: int | None) -> Iterator[Task | SourceProblem]:
    try:
        listing = _list(str(root))
    except OSError as exc:
        yield SourceProblem(str(root), "folder", f"cannot be listed: {exc.strerror}")
        return
    root_folder = root.resolve().name
    if listing.is_maildir and any(name.startswith(".") for name in listing.folders):
        root_folder = "INBOX"  # Maildir++: the root is the inbox, .Name are the other folders
    apple = (_mbox_stem(root_folder),) if _is_apple_mailbox(root_folder, listing) else None
    batch: list[tuple[str, str, str, bool]] = []
    yield from _plan_folder(str(root), (), listing, root_folder, batch, part_bytes, apple)
    if batch:
        yield FileBatch(tuple(batch))


def _plan_folder(
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
        inside = os.path.join(directory, part)
        try:
            names = _list(inside).files
        except OSError as exc:
            yield SourceProblem(inside, "folder", f"cannot be listed: {exc.strerror}")
            continue
        for name in names:
            if is_candidate(name):
                batch.append((os.path.join(inside, name), folder, flags_of(name), False))
                if len(batch) >= BATCH:
                    yield FileBatch(tuple(batch))
                    batch.clear()
    for name in listing.folders:
        if maildir and name in (*MAILDIR_PARTS, "tmp"):
            continue
        inside = os.path.join(directory, name)
        try:
            sub = _list(inside)
        except OSError as exc:
            yield SourceProblem(inside, "folder", f"cannot be listed: {exc.strerror}")
            continue
        if name.startswith(".") and not sub.is_maildir:
            continue  # .git, .notmuch and the like; Maildir++ folders are Maildirs
        inner = apple
        if _is_apple_mailbox(name, sub):
            inner = (*(apple or ()), _mbox_stem(name))
        elif apple is not None and name == "Attachments":
            continue
        elif name == "MailData" and "Envelope Index" in sub.files:
            continue  # Apple Mail's own index and settings, beside the accounts' mailboxes
        yield from _plan_folder(inside, (*parts, name), sub, root_folder, batch, part_bytes, inner)


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
    stat of any file. None when a directory changed in the last `RACY_NS` (a file added in
    the same clock tick would leave its time as it is: the next import could not tell)."""
    digest = hashlib.sha256()
    recent = time.time_ns() - RACY_NS
    for directory, subdirectories, _ in os.walk(root):
        subdirectories.sort()
        try:
            mtime = os.stat(directory).st_mtime_ns
        except OSError:
            return None
        if mtime >= recent:
            return None
        digest.update(f"{os.path.relpath(directory, root)}\0{mtime}\0".encode())
    return digest.hexdigest()
