"""Mail -> people, interactions, threads and stored messages: `kithkin import mail`.

    summary = import_mail(db, ["~/Mail/archive.mbox", "imaps://me@mail.example/INBOX"])

Locations are read one after the other: mbox files, Maildirs (nested folders too), single
message files and folders of them (parsed by worker processes, `sources.mail.parallel`,
while this process stores), and IMAP folders (read-only).

Crash-safe and incremental: records are stored `batch_size` at a time, each batch in one
transaction together with how far reading got (the mbox's end offset and the hash of the
bytes before it, the message files read, the last IMAP UID). A killed import leaves whole
batches only, and the next run takes up where the last committed batch ended; a run over
unchanged mail reads (almost) nothing (`ingest.mail.plan`).
"""

from __future__ import annotations

import os
import re
import ssl
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from typing import Any, Final

from sqlalchemy import Connection

from kithkin.ingest.address_book import AddressBook
from kithkin.ingest.mail.batch import MailRun, MailSummary, store_batch
from kithkin.ingest.mail.plan import FolderPlan, MboxStart, filter_tasks, tail_hash
from kithkin.ingest.mail.prepare import Prepared, from_values, prepare, prepare_values
from kithkin.ingest.mail.threads import Threader
from kithkin.sources.mail import MessageRecord, SourceProblem
from kithkin.sources.mail.imap_url import is_imap
from kithkin.sources.mail.parallel import PART_BYTES, fewer_collections, run_tasks
from kithkin.sources.mail.walk import MboxPart, Task, folder_mark, plan
from kithkin.store import Database, activity, settings
from kithkin.store import mail as store_mail

BATCH_SIZE: Final = 2000
FIRST_BATCH: Final = 250
# Up to this many reading tasks (256 message files, or 8 MB of mbox, each), a mailbox is
# parsed in this process: a worker process takes longer to start than it would save.
SMALL_TASKS: Final = 12
# Parsing processes for a large mailbox: two, where there are two cores. Parsing a message
# (scan, decide what it is, hand it over) costs a little more CPU than storing it, so one
# worker leaves the storing process waiting; with two, the three processes share the cores.
# Measured on a 50,000-message mbox: 4.5-4.7 s against 4.9-5.0 s; on the Enron folder
# 0.66-0.80 s against 0.76-0.94 s.
WORKERS: Final = 2
# Reading tasks in flight, all workers together: several batches' worth (2,000 messages are
# 8 tasks of 256 message files, or one or two 8 MB parts of an mbox), so a worker slowed down
# while a batch is stored catches up instead of idling, and no more (their records wait in
# this process's memory: some 2 KB each). Measured on the Enron folder: 10 tasks ahead
# 0.86-1.0 s, 48 ahead 0.77 s.
AHEAD_FILES: Final = 48
AHEAD_MBOX: Final = 6
CACHE_MB: Final = 32  # SQLite page cache of the connection that stores the batches
_UID = re.compile(r";UID=(\d+)$")
Item = Prepared | SourceProblem
Progress = Callable[[int], None]

__all__ = ["BATCH_SIZE", "MailSummary", "import_mail"]


def import_mail(
    db: Database,
    locations: Sequence[str],
    *,
    workers: int | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    password: Callable[[str], str] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> MailSummary:
    """Import every location in turn; returns what was done. `workers`: parsing processes
    (0: parse in this process; None: `WORKERS` for large mailboxes, none for small ones,
    where starting a process costs more than it saves); `password(url)` gives an IMAP
    password."""
    summary = MailSummary(label=_describe(locations))
    with db.read() as conn:
        me = frozenset(settings.get_me(conn).addresses)
    summary.me_known = bool(me)
    run = MailRun(me=me, book=AddressBook(), threads=Threader(), summary=summary)
    with fewer_collections():
        for location in locations:
            if is_imap(location):
                if password is None:
                    raise ValueError("an IMAP location needs a password function")
                _import_imap(db, location, run, password, ssl_context, batch_size, progress)
            else:
                _import_path(db, location, run, workers, batch_size, progress)
    if summary.activity_id is None and (summary.new or summary.flags_updated):
        with db.write() as conn:
            _log(conn, summary)
    return summary


# -- files and folders -------------------------------------------------------------------------


@dataclass
class _PathRun:
    source: store_mail.SourceState
    plan: FolderPlan
    mbox_ids: dict[str, int] = field(default_factory=dict)
    # The message file of the last record seen and its first Message-ID: recorded as read
    # once a record of another file follows (a file may hold several messages).
    unrecorded: str | None = None
    first_id: str | None = None
    wrote: bool = False
    mark: str | None = None  # a folder's `folder_mark` when reading began


def _unchanged_folder(db: Database, path: str, mark: str) -> bool:
    """A folder read to its end before, whose directories are as they were then (no file
    added, removed or renamed: a Maildir flag change renames), and that holds no mbox (an
    mbox grows without its directory changing): nothing to read, not even a file list."""
    with db.read() as conn:
        source = store_mail.source_state(conn, path)
        if source is None or not source.done or source.kind != "folder":
            return False
        return source.tail_hash == mark and not store_mail.mboxes_under(conn, path)


def _import_path(
    db: Database,
    location: str,
    run: MailRun,
    workers: int | None,
    batch_size: int,
    progress: Progress | None,
) -> None:
    path = os.path.abspath(os.path.expanduser(location))
    mark = folder_mark(path) if os.path.isdir(path) else None
    if mark is not None and _unchanged_folder(db, path, mark):
        run.summary.unchanged_sources.append(path)
        return
    tasks = plan(path, part_bytes=PART_BYTES)
    first = next(tasks, None)
    folder = os.path.isdir(path)
    if first is None or (isinstance(first, SourceProblem) and not folder):
        if first is not None:  # the path itself cannot be read
            run.summary.problems.append(first)
        return
    kind = "folder" if folder else "mbox" if isinstance(first, MboxPart) else "file"
    with db.read() as conn:
        source = store_mail.source_state(conn, path)
        files = store_mail.files_of(conn, source.id) if source is not None else {}
        mboxes: dict[str, Any] = store_mail.mboxes_under(conn, path) if kind == "folder" else {}
    if kind == "mbox":
        mboxes[path] = source
    if source is None:
        with db.write() as conn:
            source = store_mail.open_source(conn, path, kind)
    state = _PathRun(source, FolderPlan(files=files, mboxes=mboxes), mark=mark)
    if kind == "mbox":
        state.mbox_ids[path] = source.id
    todo: Iterator[Task | SourceProblem] = filter_tasks(chain([first], tasks), state.plan)
    if workers is None:
        ahead = list(islice(todo, SMALL_TASKS + 1))
        workers = min(WORKERS, os.cpu_count() or 1) if len(ahead) > SMALL_TASKS else 0
        todo = chain(ahead, todo)
    with db.writer(cache_mb=CACHE_MB) as writer:
        in_flight = AHEAD_MBOX if kind == "mbox" else AHEAD_FILES
        values = run_tasks(
            todo,
            workers=workers,
            transform=partial(prepare_values, run.me),
            ahead=max(1, in_flight // max(1, workers)),
        )
        parsed = (item if isinstance(item, SourceProblem) else from_values(item) for item in values)
        for chunk in _chunks(parsed, batch_size):
            with writer.begin():
                _store(writer, chunk, run, state)
                _log(writer, run.summary)
            if progress is not None:
                progress(len(chunk))
    _finish(db, path, run, state)


def _store(conn: Connection, chunk: list[Item], run: MailRun, state: _PathRun) -> None:
    starts = state.plan.starts
    for item in chunk:  # nested mbox files are sources of their own
        name = item.source_file
        if isinstance(item, Prepared) and name in starts and name not in state.mbox_ids:
            state.mbox_ids[name] = store_mail.open_source(conn, name, "mbox").id
    store_batch(conn, chunk, run, state.source.id, state.mbox_ids)
    ends: dict[str, tuple[int, int]] = {}
    files: list[tuple[str, str, int, str | None, int | None]] = []
    for item in chunk:
        if not isinstance(item, Prepared):
            continue
        name = item.source_file
        if name in starts:
            end, count = ends.get(name, (0, 0))
            ends[name] = (max(end, item.offset + item.length), count + 1)
        elif name != state.unrecorded:
            files += _record_file(state)
            state.unrecorded = name if name in state.plan.to_record else None
            state.first_id = item.message_id
    state.plan.problems, problems = [], state.plan.problems
    run.summary.problems += problems
    _add_files(conn, state, files)
    from_files = sum(1 for i in chunk if isinstance(i, Prepared) and i.source_file not in starts)
    if from_files:
        store_mail.save_progress(conn, state.source.id, messages=from_files)
    for name, (end, count) in ends.items():
        store_mail.save_progress(
            conn,
            state.mbox_ids[name],
            messages=count,
            end_offset=end,
            tail_hash=tail_hash(name, end),
            done=False,
        )
    _renames(conn, run, state)
    state.wrote = True


def _record_file(state: _PathRun) -> list[tuple[str, str, int, str | None, int | None]]:
    name = state.unrecorded
    if name is None:
        return []
    state.unrecorded = None
    key, size, replaced = state.plan.to_record.pop(name)
    return [(name, key, size, state.first_id, replaced)]


def _add_files(
    conn: Connection, state: _PathRun, files: list[tuple[str, str, int, str | None, int | None]]
) -> None:
    store_mail.add_files(
        conn,
        state.source.id,
        [(path, key, size, mid) for path, key, size, mid, _ in files],
        [replaced for *_, replaced in files if replaced is not None],
    )


def _renames(conn: Connection, run: MailRun, state: _PathRun) -> None:
    renamed, state.plan.renamed = state.plan.renamed, []
    if not renamed:
        return
    store_mail.move_files(conn, [(file_id, path) for file_id, path, _, _ in renamed])
    store_mail.set_flags_by_message_id(
        conn, [(mid, flags, path) for _, path, mid, flags in renamed]
    )
    run.summary.flags_updated += len(renamed)


def _finish(db: Database, path: str, run: MailRun, state: _PathRun) -> None:
    plan_ = state.plan
    run.summary.files_skipped += plan_.skipped
    run.summary.problems += plan_.problems
    unchanged = [name for name, start in plan_.starts.items() if start.start is None]
    if state.source.kind == "mbox" and path in unchanged:
        run.summary.unchanged_sources.append(path)
    stale = [
        (name, start)
        for name, start in plan_.starts.items()
        if start.start is not None or not _marked(plan_, name, start)
    ]
    marked = state.source.kind != "folder" or state.source.tail_hash == state.mark
    if not (
        state.wrote
        or stale
        or plan_.renamed
        or state.unrecorded
        or not state.source.done
        or not marked
    ):
        return
    with db.write() as conn:
        _add_files(conn, state, _record_file(state))
        _renames(conn, run, state)
        for name, start in stale:
            source_id = state.mbox_ids.get(name)
            if source_id is None:
                source_id = store_mail.open_source(conn, name, "mbox").id
            store_mail.save_progress(
                conn, source_id, done=True, size=start.size, mtime_ns=start.mtime_ns
            )
        if state.source.kind != "mbox":
            store_mail.save_progress(conn, state.source.id, done=True, tail_hash=state.mark)


def _marked(plan_: FolderPlan, name: str, start: MboxStart) -> bool:
    """Whether an unchanged mbox is recorded as read to its end at this size and time."""
    known = plan_.mboxes.get(name)
    return (
        known is not None
        and known.done
        and (known.size, known.mtime_ns)
        == (
            start.size,
            start.mtime_ns,
        )
    )


# -- IMAP ------------------------------------------------------------------------------------


def _import_imap(
    db: Database,
    location: str,
    run: MailRun,
    password: Callable[[str], str],
    ssl_context: ssl.SSLContext | None,
    batch_size: int,
    progress: Progress | None,
) -> None:
    from kithkin.sources.mail.imap import ImapSession, parse_imap_url

    url = parse_imap_url(location)
    key = str(url)
    with db.read() as conn:
        known = store_mail.source_state(conn, key)
    since = known.last_uid or 0 if known is not None else 0
    validity = known.uidvalidity if known is not None else None
    source_id = known.id if known is not None else None
    with ImapSession(url, password=password(location), ssl_context=ssl_context) as session:
        read = session.read(since_uid=since, uidvalidity=validity)
        stream = (prepare(run.me, r) if isinstance(r, MessageRecord) else r for r in read)
        for chunk in _chunks(stream, batch_size):
            with db.write() as conn:  # one batch per network round trip: no warm cache needed
                if source_id is None:
                    source_id = store_mail.open_source(conn, key, "imap").id
                store_batch(conn, chunk, run, source_id, {})
                uids = [_uid(i) for i in chunk if isinstance(i, Prepared)]
                values: dict[str, Any] = {"messages": len(uids)}
                if session.state is not None:
                    values["uidvalidity"] = session.state.uidvalidity
                if uids:
                    values["last_uid"] = max(uids)
                store_mail.save_progress(conn, source_id, **values)
                _log(conn, run.summary)
            if progress is not None:
                progress(len(chunk))
        state = session.state
        changed = 0
        if state is not None and source_id is not None and since and not state.reset:
            changed = _refresh_imap_flags(db, run, source_id, session.flags(since))
    if state is None:
        return
    if known is None or not known.done or known.uidvalidity != state.uidvalidity:
        with db.write() as conn:
            if source_id is None:
                source_id = store_mail.open_source(conn, key, "imap").id
            store_mail.save_progress(
                conn, source_id, done=True, uidvalidity=state.uidvalidity, last_uid=state.last_uid
            )
    elif state.last_uid == since and not changed:
        run.summary.unchanged_sources.append(key)


def _refresh_imap_flags(db: Database, run: MailRun, source_id: int, now: dict[int, str]) -> int:
    """Messages read in earlier runs whose flags changed on the server since (read,
    answered...): hygiene's read rates and the waiting list follow them."""
    with db.read() as conn:
        stored = store_mail.flags_of_source(conn, source_id)
    changes = [
        (row_id, now[uid], source_file, 0)
        for row_id, source_file, flags in stored
        if (uid := _uid_of(source_file)) in now and now[uid] != flags
    ]
    if changes:
        with db.write() as conn:
            store_mail.set_flags(conn, changes)
        run.summary.flags_updated += len(changes)
    return len(changes)


def _uid_of(source_file: str) -> int:
    found = _UID.search(source_file)
    return int(found[1]) if found else 0


def _uid(record: Prepared) -> int:
    found = _UID.search(record.source_file)
    return int(found[1]) if found else 0


# -- helpers -----------------------------------------------------------------------------------


def _chunks(stream: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Batches of `size`, the first ones smaller (FIRST_BATCH, doubling): storing starts as
    soon as the workers have parsed a little, instead of waiting for a whole batch."""
    iterator = iter(stream)
    step = min(FIRST_BATCH, size)
    while chunk := list(islice(iterator, max(1, step))):
        yield chunk
        step = min(step * 2, size)


def _describe(names: Sequence[str]) -> str:
    shown = ", ".join(names[:2])
    return shown + (f" and {len(names) - 2} more" if len(names) > 2 else "") if names else "-"


def _log(conn: Connection, summary: MailSummary) -> None:
    text = (
        f"imported mail from {summary.label}: {summary.new} messages, "
        f"{summary.new_people} new people, {summary.interactions} interactions"
    )
    payload = {
        "read": summary.read,
        "new": summary.new,
        "new_people": summary.new_people,
        "interactions": summary.interactions,
        "problems": len(summary.problems),
    }
    if summary.activity_id is None:
        summary.activity_id = activity.record(conn, "import.mail", text, payload=payload)
    else:
        activity.revise(conn, summary.activity_id, text, payload=payload)
