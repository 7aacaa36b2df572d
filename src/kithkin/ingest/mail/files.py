"""Stage "read" for files and folders: mbox files, Maildirs (nested folders too), single
message files and folders of them, parsed by worker processes (`sources.mail.parallel`)
while this process stores.

Each batch is stored in one transaction together with how far reading got (an mbox's end
offset and the hash of the bytes before it, the message files read, renamed Maildir files as
flag changes), so a killed import leaves whole batches and the next run resumes after the
last; a folder unchanged since it was read to its end is not even listed again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from typing import Final

from sqlalchemy import Connection

from kithkin.ingest.mail.batch import Item, MailRun, Progress, chunks, log_activity, store_batch
from kithkin.ingest.mail.plan import (
    FolderPlan,
    MboxStart,
    filter_tasks,
    nothing_known,
    tail_hash,
)
from kithkin.ingest.mail.prepare import Prepared, from_values, prepare_values
from kithkin.sources.mail import SourceProblem
from kithkin.sources.mail.mbox import LEFT_FOR_NEXT_RUN
from kithkin.sources.mail.parallel import PART_BYTES, run_tasks
from kithkin.sources.mail.walk import MboxPart, Task, folder_mark, plan
from kithkin.store import Database
from kithkin.store import mail as store_mail
from kithkin.store.mail import FileState, SourceState

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
    held_back: bool = False  # a message left for the next run: the folder is not unchanged


def _unchanged_folder(db: Database, path: str, mark: str) -> bool:
    """A folder read to its end before, whose directories are as they were then (no file
    added, removed or renamed: a Maildir flag change renames), and that holds no mbox (an
    mbox grows without its directory changing): nothing to read, not even a file list."""
    with db.read() as conn:
        source = store_mail.source_state(conn, path)
        if source is None or not source.done or source.kind != "folder":
            return False
        return source.tail_hash == mark and not store_mail.mboxes_under(conn, path)


def _known_files(conn: Connection, source_id: int, keys: list[str]) -> Mapping[str, FileState]:
    """What the store knows of a batch of files, read on a connection of the import's own
    (opening one costs more than the query); its read transaction ends at once, so it holds
    no old snapshot of the store while the batches are written."""
    try:
        return store_mail.files_by_key(conn, source_id, keys)
    finally:
        conn.rollback()


def import_path(
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
        recorded = source is not None and store_mail.has_files(conn, source.id)
        mboxes: dict[str, SourceState | None] = {}
        if kind == "folder":
            mboxes.update(store_mail.mboxes_under(conn, path))
    if kind == "mbox":
        mboxes[path] = source
    if source is None:
        with db.write() as conn:
            source = store_mail.open_source(conn, path, kind, member_id=run.member_id)
    with db.read() as lookup:
        known = partial(_known_files, lookup, source.id) if recorded else nothing_known
        state = _PathRun(source, FolderPlan(known=known, mboxes=mboxes), mark=mark)
        if kind == "mbox":
            state.mbox_ids[path] = source.id
        todo: Iterator[Task | SourceProblem] = filter_tasks(chain([first], tasks), state.plan)
        if workers is None:
            ahead = list(islice(todo, SMALL_TASKS + 1))
            workers = min(WORKERS, os.cpu_count() or 1) if len(ahead) > SMALL_TASKS else 0
            todo = chain(ahead, todo)
        _read_and_store(db, todo, run, state, workers, batch_size, progress)
    _finish(db, path, run, state)


def _read_and_store(
    db: Database,
    todo: Iterator[Task | SourceProblem],
    run: MailRun,
    state: _PathRun,
    workers: int,
    batch_size: int,
    progress: Progress | None,
) -> None:
    """Parse the tasks (in `workers` processes) and store their records a batch at a time."""
    with db.writer(cache_mb=CACHE_MB) as writer:
        in_flight = AHEAD_MBOX if state.source.kind == "mbox" else AHEAD_FILES
        values = run_tasks(
            todo,
            workers=workers,
            transform=partial(prepare_values, run.me),
            ahead=max(1, in_flight // max(1, workers)),
        )
        parsed = (item if isinstance(item, SourceProblem) else from_values(item) for item in values)
        for chunk in chunks(parsed, batch_size):
            with writer.begin():
                _store(writer, chunk, run, state)
                log_activity(writer, run.summary)
            if progress is not None:
                progress(len(chunk))


def _store(conn: Connection, chunk: list[Item], run: MailRun, state: _PathRun) -> None:
    starts = state.plan.starts
    for item in chunk:  # nested mbox files are sources of their own
        name = item.source_file
        if isinstance(item, Prepared) and name in starts and name not in state.mbox_ids:
            state.mbox_ids[name] = store_mail.open_source(
                conn, name, "mbox", member_id=run.member_id
            ).id
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
    state.held_back = state.held_back or any(
        isinstance(item, SourceProblem) and item.message.endswith(LEFT_FOR_NEXT_RUN)
        for item in chunk
    )
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
                source_id = store_mail.open_source(conn, name, "mbox", member_id=run.member_id).id
            store_mail.save_progress(
                conn, source_id, done=True, size=start.size, mtime_ns=start.mtime_ns
            )
        if state.source.kind != "mbox":
            mark = None if state.held_back else state.mark
            store_mail.save_progress(conn, state.source.id, done=True, tail_hash=mark)


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
