"""Both cores: the tasks of `plan` run in a process pool, records come back in plan order.

A few tasks are in flight at a time (two per worker), so memory stays bounded whatever the
size of the mail; each worker reads only the byte range of the mbox it is given.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar, overload

from kithkin.sources.mail.records import MessageRecord, from_values, to_values
from kithkin.sources.mail.walk import Task, plan, run
from kithkin.sources.records import SourceProblem

PART_BYTES = 8 << 20  # an mbox is cut into byte ranges of this size

# The cyclic garbage collector's thresholds while mail is read and stored. An import makes
# millions of small tuples and strings that are never cyclic garbage, and at the default
# thresholds (a collection every 700 allocations, a full one every 100 of those) the
# collector walks every object kept so far (the caches of threads and people, the batches
# in flight) again and again: on a 50,000-message mbox that was a fifth of the storing
# process's CPU. Collections still run, about 140 times less often.
BULK_GC_THRESHOLD = (100_000, 50, 100)
_gc_lock = threading.Lock()
_gc_depth = 0
_gc_before: tuple[int, int, int] = (700, 10, 10)

Item = MessageRecord | SourceProblem
T = TypeVar("T")


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run a bulk import with `BULK_GC_THRESHOLD`; the thresholds are as they were once the
    last of the imports running at the same time (a web server's threads) ends."""
    global _gc_depth, _gc_before
    with _gc_lock:
        if _gc_depth == 0:
            _gc_before = gc.get_threshold()
            gc.set_threshold(*BULK_GC_THRESHOLD)
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0:
                gc.set_threshold(*_gc_before)


WATCH_SECONDS = 0.5  # how often a worker looks whether the import is still there


def _worker_start(importer: int) -> None:
    gc.set_threshold(*BULK_GC_THRESHOLD)  # a worker process does nothing but bulk reading
    die_with(importer)


def die_with(importer: int) -> None:
    """End this process when the import that started it (process `importer`) ends, however
    it ends: a worker waits on its task queue forever otherwise, once an import is killed
    (SIGKILL runs no cleanup).

    On Linux the kernel sends SIGKILL when the parent dies (PR_SET_PDEATHSIG). Everywhere, a
    daemon thread watches too: for the parent to change (the orphan is given to init or a
    subreaper) and for the import to end, since a worker started by a fork server is the
    fork server's child, and the fork server lives as long as its children do. The checks
    run once at once, for an import that died before the signal was asked for."""
    parent = os.getppid()
    _parent_death_signal()
    if os.getppid() != parent or not running(importer):
        os._exit(1)
    watch = threading.Thread(target=_watch, args=(parent, importer), daemon=True)
    watch.start()


_PR_SET_PDEATHSIG = 1


def _parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc to ask: the watching thread does it
        pass


def running(pid: int) -> bool:
    """Whether process `pid` runs: not when it is gone, nor a zombie (ended, its exit status
    not yet collected by its own parent). Always True on Windows, where `os.kill` would end
    the process instead of asking about it."""
    if sys.platform == "win32":
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except (OSError, IndexError):  # no /proc here: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:
            return True  # someone else's process by now, or not ours to signal: still there
        return True


def _watch(parent: int, importer: int) -> None:
    while os.getppid() == parent and running(importer):
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _run_all(task: Task, transform: Callable[[MessageRecord], Any] | None = None) -> list[Any]:
    if transform is not None:
        return [transform(item) if isinstance(item, MessageRecord) else item for item in run(task)]
    return [to_values(item) if isinstance(item, MessageRecord) else item for item in run(task)]


def read_many(
    paths: Iterable[str | os.PathLike[str]],
    *,
    workers: int = 2,
    start_offsets: Mapping[str, int] | None = None,
    part_bytes: int = PART_BYTES,
) -> Iterator[Item]:
    """What `read_mail` yields for each path in turn, read by `workers` processes.
    `start_offsets` maps an mbox path (as given) to where its earlier reading ended."""
    offsets = start_offsets or {}
    tasks = (
        task
        for path in paths
        for task in plan(path, start_offset=offsets.get(os.fspath(path), 0), part_bytes=part_bytes)
    )
    return run_tasks(tasks, workers=workers if workers > 1 else 0)


@overload
def run_tasks(
    tasks: Iterable[Task | SourceProblem],
    *,
    workers: int = 2,
    transform: None = None,
    ahead: int = 2,
) -> Iterator[Item]: ...
@overload
def run_tasks(
    tasks: Iterable[Task | SourceProblem],
    *,
    workers: int = 2,
    transform: Callable[[MessageRecord], T],
    ahead: int = 2,
) -> Iterator[T | SourceProblem]: ...
def run_tasks(
    tasks: Iterable[Task | SourceProblem],
    *,
    workers: int = 2,
    transform: Callable[[MessageRecord], Any] | None = None,
    ahead: int = 2,
) -> Iterator[Any]:
    """The records of planned tasks (`walk.plan`, perhaps filtered: an import leaves out
    what it has read before), in order, read by a pool of `workers` processes (0: in this
    process). One worker already frees this process for other work, such as storing.

    `transform` (a picklable function: module-level, or a partial of one) is applied to each
    record where it is read, in the worker: what it returns comes back instead. `ahead`
    tasks per worker are in flight: a caller that works on batches of records between
    reads wants enough of them to keep the workers busy meanwhile."""
    if workers <= 0:
        for task in tasks:
            if isinstance(task, SourceProblem):
                yield task
                continue
            for item in run(task):
                yield transform(item) if transform and isinstance(item, MessageRecord) else item
        return
    pool = reading_pool(workers)
    window: deque[Future[list[Any]] | SourceProblem] = deque()
    try:
        for task in tasks:
            if isinstance(task, SourceProblem):
                window.append(task)
            else:
                window.append(pool.submit(_run_all, task, transform))
            while len(window) > ahead * workers:
                yield from _take(window.popleft(), transform is None)
        while window:
            yield from _take(window.popleft(), transform is None)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def reading_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes for bulk reading, which end with this process."""
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context(_start_method()),
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )


def _start_method() -> str:
    """How workers start: forked, when this process runs one thread (a fork copies it in
    milliseconds, where a fresh interpreter takes a good part of a second to import what
    parsing needs); else from a fork server, since forking a process whose other threads may
    hold locks (a web server's) can leave the child stuck on them."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _take(slot: Future[list[Any]] | SourceProblem, records: bool) -> Iterator[Any]:
    if isinstance(slot, SourceProblem):
        yield slot
        return
    for item in slot.result():
        yield item if isinstance(item, SourceProblem) or not records else from_values(item)
