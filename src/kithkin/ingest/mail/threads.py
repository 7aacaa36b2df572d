"""Threading mail: which conversation each message belongs to.

1. By Message-IDs: a message joins the thread of any message it names (In-Reply-To,
   References) or that named it. When it names messages of two threads, they are one
   conversation and merge (the older thread keeps its id).
2. When a message has neither field (Enron's mail, many Outlook replies): by subject, the
   thread whose normalised subject (`rules.thread_subject`) is the same, whose messages
   are within `WINDOW` of it, and that shares at least one correspondent with it (me
   aside), so "Re: Lunch" between other people stays apart.
3. Else a new thread.

A `Threader` lives for one import. Its caches (Message-ID -> thread, subject -> threads,
threads by id) are copies of what the store holds, loaded per batch in one query each
(`prepare`), grown in memory while the batch is assigned (`assign`), and written back
(`flush`) in the batch's transaction; they are dropped when they grow large, so memory stays
bounded, and a resumed import (after a crash) decides exactly as an uninterrupted one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

from sqlalchemy import Connection

from kithkin import clock
from kithkin.store import mail_threads
from kithkin.store.mail_threads import ThreadRow

WINDOW: Final = timedelta(days=14)
MAX_ADDRESSES: Final = 64  # correspondents a thread remembers for subject matching
CACHE_LIMIT: Final = 100_000  # Message-IDs kept in memory between batches


class Threadable(Protocol):
    """What threading reads of a message (`prepare.Prepared` has it all)."""

    @property
    def message_id(self) -> str: ...
    @property
    def refs(self) -> tuple[str, ...]: ...  # In-Reply-To and References, as written
    @property
    def subject(self) -> str | None: ...
    @property
    def subject_key(self) -> str: ...
    @property
    def date(self) -> datetime | None: ...
    @property
    def correspondents(self) -> frozenset[str]: ...  # addresses on it but mine
    @property
    def sender(self) -> str | None: ...
    @property
    def sender_name(self) -> str | None: ...
    @property
    def direction(self) -> str: ...


class Thread:
    """A thread as the import sees it: `id` is None until it is stored."""

    __slots__ = (
        "addresses",
        "count",
        "first_at",
        "id",
        "key",
        "last_at",
        "last_direction",
        "last_from_address",
        "last_from_name",
        "merged_into",
        "root",
        "seq",
        "subject",
        "text",
    )

    def __init__(self, root: str, subject: str | None, key: str, seq: int) -> None:
        self.id: int | None = None
        self.root = root
        self.subject = subject
        self.key = key
        self.seq = seq  # creation order, for a deterministic choice among new threads
        self.first_at: datetime | None = None
        self.last_at: datetime | None = None
        self.count = 0
        self.last_from_address: str | None = None
        self.last_from_name: str | None = None
        self.last_direction: str | None = None
        self.addresses: set[str] = set()
        self.text: str | None = ""  # the addresses as stored; None once they changed
        self.merged_into: Thread | None = None

    @classmethod
    def stored(cls, row: ThreadRow) -> Thread:
        thread = cls(row.root, row.subject, row.subject_key, -row.id)
        thread.id = row.id
        thread.first_at, thread.last_at, thread.count = row.first_at, row.last_at, row.message_count
        thread.last_from_address, thread.last_from_name = row.last_from_address, row.last_from_name
        thread.last_direction = row.last_direction
        thread.addresses = set(row.addresses.split())
        thread.text = row.addresses
        return thread

    def add(self, message: Threadable) -> None:
        self.count += 1
        self._span(message.date, message.date)
        when = message.date
        if when is not None and (self.last_at is None or when >= self.last_at):
            self.last_from_address, self.last_from_name = message.sender, message.sender_name
            self.last_direction = message.direction
        self._remember(message.correspondents)

    def absorb(self, other: Thread) -> None:
        self.count += other.count
        if other.last_at is not None and (self.last_at is None or other.last_at > self.last_at):
            self.last_from_address, self.last_from_name = (
                other.last_from_address,
                other.last_from_name,
            )
            self.last_direction = other.last_direction
        self._span(other.first_at, other.last_at)
        self._remember(other.addresses)
        other.merged_into = self

    def _span(self, first: datetime | None, last: datetime | None) -> None:
        if first is not None and (self.first_at is None or first < self.first_at):
            self.first_at = first
        if last is not None and (self.last_at is None or last > self.last_at):
            self.last_at = last

    def _remember(self, addresses: Collection[str]) -> None:
        known = len(self.addresses)
        if known + len(addresses) <= MAX_ADDRESSES:
            self.addresses.update(addresses)
        else:
            for address in sorted(addresses):
                if len(self.addresses) >= MAX_ADDRESSES:
                    break
                self.addresses.add(address)
        if len(self.addresses) != known:
            self.text = None

    def stored_addresses(self) -> str:
        if self.text is None:
            self.text = " ".join(sorted(self.addresses))
        return self.text

    def figures(self) -> tuple[Any, ...]:
        """What the store keeps of a thread that changes as it grows (first and last date,
        count, last sender and direction, addresses), in `mail_threads`' column order."""
        return (
            self.first_at,
            self.last_at,
            self.count,
            self.last_from_address,
            self.last_from_name,
            self.last_direction,
            self.stored_addresses(),
        )

    def near(self, message: Threadable) -> bool:
        """Within the window of this thread's messages, sharing a correspondent."""
        when = message.date
        if when is None or self.first_at is None or self.last_at is None:
            return False
        if not self.first_at - WINDOW <= when <= self.last_at + WINDOW:
            return False
        return not self.addresses.isdisjoint(message.correspondents)


def resolve(thread: Thread) -> Thread:
    while thread.merged_into is not None:
        thread = thread.merged_into
    return thread


class Threader:
    def __init__(self) -> None:
        self._by_ref: dict[str, Thread] = {}
        self._by_id: dict[int, Thread] = {}
        self._by_subject: dict[str, list[Thread]] = {}
        self._touched: dict[int, Thread] = {}  # id(thread) -> thread, in order
        self._new_refs: dict[str, Thread] = {}
        self._seq = 0
        # the first id of a thread this run stored: those after it are this run's (ids only
        # grow), so telling them apart costs no set of every thread made
        self._first_made: int | None = None
        self.created = 0  # threads this run made (and that still stand)
        self.merged = 0

    def prepare(self, conn: Connection, messages: Sequence[Threadable]) -> None:
        """Load what the batch's messages may join: the threads of the Message-IDs they name,
        and the threads with their subjects."""
        if len(self._by_ref) > CACHE_LIMIT:
            self._by_ref.clear()
            self._by_id.clear()
            self._by_subject.clear()
        refs = {ref for m in messages for ref in (m.message_id, *m.refs) if ref not in self._by_ref}
        found = mail_threads.refs_to_threads(conn, refs)
        keys = {m.subject_key for m in messages if m.subject_key and not m.refs} - set(
            self._by_subject
        )
        rows = mail_threads.threads_by_id(
            conn, {tid for tid in found.values() if tid not in self._by_id}
        )
        for row in rows:
            self._by_id[row.id] = Thread.stored(row)
        for ref, tid in found.items():
            self._by_ref[ref] = self._by_id[tid]
        for key in keys:
            self._by_subject[key] = []
        for row in mail_threads.threads_by_subject(conn, keys):
            thread = self._by_id.get(row.id)
            if thread is None:
                thread = self._by_id[row.id] = Thread.stored(row)
            self._by_subject[row.subject_key].append(thread)

    def assign(self, conn: Connection, message: Threadable) -> Thread:
        """The thread `message` belongs to (made if need be); merges the threads it links."""
        names = (message.message_id, *message.refs)
        linked: dict[int, Thread] = {}
        for ref in names:
            known = self._by_ref.get(ref)
            if known is not None:
                thread = resolve(known)
                linked[id(thread)] = thread
        chosen: Thread | None = None
        if linked:
            ordered = sorted(linked.values(), key=_age)
            chosen = ordered[0]
            for other in ordered[1:]:
                self._merge(conn, chosen, other)
        elif not message.refs and message.subject_key:
            chosen = self._by_subject_match(message)
        if chosen is None:
            chosen = self._new(message)
        for ref in names:
            if ref not in self._by_ref:
                self._new_refs[ref] = chosen
            self._by_ref[ref] = chosen
        chosen.add(message)
        self._touched[id(chosen)] = chosen
        return chosen

    def flush(self, conn: Connection) -> None:
        """Store new threads, new references and the figures of threads that grew."""
        now = clock.now()
        touched = [t for t in self._touched.values() if t.merged_into is None]
        grown = [t for t in touched if t.id is not None]
        fresh = [t for t in touched if t.id is None]
        ids = mail_threads.add_threads(
            conn, [(t.root, t.subject, t.key, *t.figures(), now) for t in fresh]
        )
        for thread in fresh:
            thread.id = ids[thread.root]
            self._by_id[thread.id] = thread
            if self._first_made is None or thread.id < self._first_made:
                self._first_made = thread.id
        mail_threads.update_threads(conn, [(t.id, *t.figures()) for t in grown])
        refs: list[tuple[str, int]] = []
        for ref, thread in self._new_refs.items():
            owner = resolve(thread)
            assert owner.id is not None
            refs.append((ref, owner.id))
        mail_threads.add_refs(conn, refs)
        self._touched.clear()
        self._new_refs.clear()

    def _new(self, message: Threadable) -> Thread:
        self._seq += 1
        self.created += 1
        thread = Thread(message.message_id, message.subject, message.subject_key, self._seq)
        # Only into a subject list already loaded: one that is not is read from the store
        # (where this thread will be by then) when a message needs it.
        if message.subject_key in self._by_subject:
            self._by_subject[message.subject_key].append(thread)
        return thread

    def _by_subject_match(self, message: Threadable) -> Thread | None:
        best: Thread | None = None
        for candidate in self._by_subject.get(message.subject_key, ()):
            if candidate.merged_into is not None or not candidate.near(message):
                continue
            if best is None or _later(candidate, best):
                best = candidate
        return best

    def _merge(self, conn: Connection, keep: Thread, other: Thread) -> None:
        keep.absorb(other)
        self.merged += 1
        if other.id is not None:
            assert keep.id is not None  # stored threads are older than new ones
            mail_threads.merge_threads(conn, keep.id, other.id)
            self._by_id.pop(other.id, None)
        if other.id is None or (self._first_made is not None and other.id >= self._first_made):
            self.created -= 1
        self._touched[id(keep)] = keep


def _age(thread: Thread) -> tuple[int, int]:
    """Stored threads first, by id; then new ones, by creation."""
    return (0, thread.id) if thread.id is not None else (1, thread.seq)


def _later(a: Thread, b: Thread) -> bool:
    assert a.last_at is not None and b.last_at is not None
    return (a.last_at, -_age(a)[0], -_age(a)[1]) > (b.last_at, -_age(b)[0], -_age(b)[1])
