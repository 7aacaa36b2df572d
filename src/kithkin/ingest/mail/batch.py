"""One batch of mail records into the store, in the caller's transaction.

A batch is a few thousand records: stored messages are found in one query, threads in a few
(`Threader.prepare`), new people are made in one bulk insert, interactions and messages in
one each. A message already stored (the same Message-ID, from another folder or an earlier
run) is not stored again; read again where it was before, its flags are brought up to date.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Final

from sqlalchemy import Connection

from kithkin import clock
from kithkin.ingest import knows
from kithkin.ingest.address_book import AddressBook
from kithkin.ingest.correspondents import Correspondent, a_person
from kithkin.ingest.mail.people import list_answer, with_whom
from kithkin.ingest.mail.prepare import Prepared
from kithkin.ingest.mail.rules import list_address
from kithkin.ingest.mail.threads import Thread, Threader, resolve
from kithkin.model import count_of
from kithkin.sources.mail import SourceProblem
from kithkin.sources.mail.files import NotMail
from kithkin.store import activity
from kithkin.store import mail as store_mail
from kithkin.store.interactions import NewInteraction, add_interactions
from kithkin.store.mail import StoredMessage

FIRST_BATCH: Final = 250
LISTED: Final = 1000  # notes and files that are not mail listed one by one; all are counted
ANALYZE_FIRST: Final = 5000  # new messages before PostgreSQL first gathers statistics
Item = Prepared | SourceProblem
Progress = Callable[[int], None]  # called with the number of records just stored


@dataclass
class MailSummary:
    """What one mail import did."""

    label: str
    read: int = 0  # records read (messages)
    new: int = 0  # messages stored
    duplicates: int = 0  # already stored (another copy, or an earlier run)
    flags_updated: int = 0
    interactions: int = 0
    new_people: int = 0
    new_threads: int = 0
    ties: int = 0  # evidence that two people other than me know each other (`ingest.knows`)
    undated: int = 0  # messages stored without any date (so without an interaction)
    by_category: Counter[str] = field(default_factory=Counter)
    unchanged_sources: list[str] = field(default_factory=list)
    files_skipped: int = 0  # message files already read, not opened again
    problems: list[SourceProblem] = field(default_factory=list)
    # what the parser noticed about messages it read (a header block over the limit, a
    # guessed charset, a date it could not read...): the first LISTED with file and place,
    # and how many of each kind
    notes: list[SourceProblem] = field(default_factory=list)
    note_counts: Counter[str] = field(default_factory=Counter)
    not_mail: int = 0  # files skipped because they are not mail (no header block of mail)
    not_mail_files: list[SourceProblem] = field(default_factory=list)  # the first LISTED
    me_known: bool = True  # whether "me" has addresses (else nothing is from or to me)
    activity_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "read": self.read,
            "new": self.new,
            "duplicates": self.duplicates,
            "flags_updated": self.flags_updated,
            "by_category": dict(sorted(self.by_category.items())),
            "new_people": self.new_people,
            "interactions": self.interactions,
            "new_threads": self.new_threads,
            "ties": self.ties,
            "undated": self.undated,
            "files_unchanged": self.files_skipped,
            "unchanged_sources": self.unchanged_sources,
            "skipped": [
                {"file": p.source_file, "place": p.place, "message": p.message}
                for p in self.problems
            ],
            "notes": [
                {"file": p.source_file, "place": p.place, "message": p.message} for p in self.notes
            ],
            "note_counts": dict(self.note_counts.most_common()),
            "not_mail": self.not_mail,
            "not_mail_files": [
                {"file": p.source_file, "place": p.place, "message": p.message}
                for p in self.not_mail_files
            ],
            "me_known": self.me_known,
            "activity_id": self.activity_id,
        }

    def note(self, source_file: str, place: str, note: str) -> None:
        self.note_counts[_NOTE_DETAIL.sub("...", note)] += 1
        if len(self.notes) < LISTED:
            self.notes.append(SourceProblem(source_file, place, note))

    def skip(self, problem: SourceProblem) -> None:
        """A file or message that could not be read; one that is no mail is only counted."""
        if isinstance(problem, NotMail):
            self.not_mail += 1
            if len(self.not_mail_files) < LISTED:
                self.not_mail_files.append(problem)
        else:
            self.problems.append(problem)


# What differs between two notes of one kind: a quoted value ("unreadable Date '32 Foo'")
_NOTE_DETAIL = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass
class MailRun:
    """The state one import keeps across its batches."""

    me: frozenset[str]
    book: AddressBook
    threads: Threader
    summary: MailSummary
    lists: set[str] = field(default_factory=set)  # list posting addresses met so far
    lists_loaded: bool = False
    member_id: int | None = None  # whose mail it is in team mode (None: the one user's)
    stored: int = 0  # new messages stored so far
    analyze_at: int = ANALYZE_FIRST  # PostgreSQL: statistics gathered again at so many


@dataclass
class _Fresh:
    """A message new to the store, and what this batch decides about it."""

    message: Prepared
    thread: Thread | None = None
    with_: list[Correspondent] = field(default_factory=list)
    answer: str | None = None  # list mail: the direction of an answer across me


def store_batch(
    conn: Connection,
    items: Sequence[Prepared | SourceProblem],
    run: MailRun,
    source_id: int,
    sources: Mapping[str, int],
) -> None:
    """Store a batch; messages come from source `source_id`, or `sources[their file]`."""
    summary = run.summary
    messages: list[Prepared] = []
    for read in items:
        if isinstance(read, SourceProblem):
            summary.skip(read)
        else:
            messages.append(read)
            for note in read.notes:
                summary.note(read.source_file, f"offset {read.offset}", note)
    summary.read += len(messages)
    parents = [m.parent for m in messages if m.parent is not None]
    stored = store_mail.stored_messages(conn, [*(m.message_id for m in messages), *parents])
    if not run.lists_loaded:
        run.lists.update(a for i in store_mail.list_ids(conn) if (a := list_address(i)))
        run.lists_loaded = True
    fresh: dict[str, _Fresh] = {}
    flags: list[tuple[int, str, str, int]] = []
    for message in messages:
        known = stored.get(message.message_id)
        if message.message_id in fresh or known is not None:
            summary.duplicates += 1
            where = sources.get(message.source_file, source_id)
            if known is not None and _moved_flags(known, message, where):
                flags.append((known.id, message.flags, message.source_file, message.offset))
            continue
        if message.list_address is not None:
            run.lists.add(message.list_address)
        fresh[message.message_id] = _Fresh(message)
    store_mail.set_flags(conn, flags)
    summary.flags_updated += len(flags)
    if not fresh:
        return
    run.threads.prepare(conn, [f.message for f in fresh.values()])
    for new in fresh.values():
        new.thread = run.threads.assign(conn, new.message)
        if new.message.category == "person":
            new.with_ = with_whom(new.message.people, run.lists)
    run.threads.flush(conn)
    replies = _answers(conn, fresh, stored, run)
    wanted = [c for f in fresh.values() for c in f.with_]
    wanted += [c for _, c in replies]
    run.book.ensure(conn, wanted)
    interactions = [i for f in fresh.values() if (i := _interaction(f, run)) is not None]
    interactions += [
        i for stored_reply, c in replies if (i := _reply(stored_reply, c, run)) is not None
    ]
    ids = add_interactions(conn, interactions, source="mail", member_id=run.member_id)
    summary.interactions += len(ids)
    now = clock.now()
    rows = []
    for new in fresh.values():
        message = new.message
        thread = resolve(new.thread) if new.thread is not None else None
        rows.append(
            (
                *message.row,
                thread.id if thread is not None else None,
                ids.get(message.message_id),
                sources.get(message.source_file, source_id),
                now,
            )
        )
    store_mail.add_messages(conn, rows)
    store_mail.link_interactions(
        conn, [(s.id, ids[s.message_id]) for s, _ in replies if s.message_id in ids]
    )
    for new in fresh.values():
        if new.message.date is None:
            summary.undated += 1
            place = f"offset {new.message.offset}"
            summary.note(new.message.source_file, place, "stored without a date: no interaction")
    summary.ties += knows.from_mail(conn, list(fresh), run.me, run.lists, now)
    summary.new += len(fresh)
    run.stored += len(fresh)
    if run.stored >= run.analyze_at:  # the tables grew much: plan the next batches on it
        store_mail.analyze_mail(conn)
        run.analyze_at = 2 * run.stored
    summary.by_category.update(f.message.category for f in fresh.values())
    summary.new_people = run.book.created
    summary.new_threads = run.threads.created


def _moved_flags(known: StoredMessage, message: Prepared, source_id: int) -> bool:
    """Whether a message read again where it was stored from has other flags now."""
    return (
        known.flags != message.flags
        and known.source_id == source_id
        and known.folder == message.folder
    )


def _answers(
    conn: Connection,
    fresh: dict[str, _Fresh],
    stored: dict[str, StoredMessage],
    run: MailRun,
) -> list[tuple[StoredMessage, Correspondent]]:
    """List answers across me: those of this batch (marked on the message), and earlier
    stored ones whose parent arrives only now (returned, with who they are with)."""
    me = run.me
    if not me:
        return []
    for item in fresh.values():
        message = item.message
        if message.category != "list" or message.parent is None:
            continue
        parent = fresh.get(message.parent)
        parent_sender = parent.message.sender if parent is not None else None
        if parent is None and message.parent in stored:
            parent_sender = stored[message.parent].from_address
        if not _a_person(parent_sender, run):
            continue
        way = list_answer(message.sender, parent_sender, me)
        if way is None or not _a_person(message.sender, run):
            continue
        other = message.sender if way == "to_me" else parent_sender
        assert other is not None
        item.answer = way
        item.with_ = [(other, "list", "", other)]
    out: list[tuple[StoredMessage, Correspondent]] = []
    senders = {
        mid: f.message.sender for mid, f in fresh.items() if _a_person(f.message.sender, run)
    }
    for child in store_mail.unlinked_replies(conn, senders):
        parent_sender = senders[child.in_reply_to or ""]
        way = list_answer(child.from_address, parent_sender, me)
        if way is None or not _a_person(child.from_address, run) or child.date is None:
            continue
        other = child.from_address if way == "to_me" else parent_sender
        assert other is not None
        out.append((child, (other, "list", "", other)))
    return out


def _a_person(address: str | None, run: MailRun) -> bool:
    return address is not None and address not in run.lists and a_person(address)


def _interaction(item: _Fresh, run: MailRun) -> NewInteraction | None:
    message = item.message
    if not item.with_:
        return None
    if message.date is None:
        return None
    people = _people(item.with_, run)
    if not people or item.thread is None:
        return None
    return NewInteraction(
        kind="email",
        direction=item.answer or message.direction,
        occurred_at=message.date,
        subject=message.subject,
        thread_key=str(resolve(item.thread).id),
        source_id=message.message_id,
        participants=people,
    )


def _reply(child: StoredMessage, who: Correspondent, run: MailRun) -> NewInteraction | None:
    people = _people([who], run)
    if not people or child.date is None:
        return None
    return NewInteraction(
        kind="email",
        direction="from_me" if child.from_address in run.me else "to_me",
        occurred_at=child.date,
        subject=child.subject,
        thread_key=str(child.thread_id) if child.thread_id is not None else None,
        source_id=child.message_id,
        participants=people,
    )


def _people(with_: Sequence[Correspondent], run: MailRun) -> tuple[tuple[int, str], ...]:
    person = run.book.person
    out: dict[int, str] = {}
    for key, role, _, _ in with_:
        person_id = person(key)
        if person_id is not None:
            out.setdefault(person_id, role)
    return tuple(out.items())


def chunks(stream: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Batches of `size`, the first ones smaller (FIRST_BATCH, doubling): storing starts as
    soon as the workers have parsed a little, instead of waiting for a whole batch."""
    iterator = iter(stream)
    step = min(FIRST_BATCH, size)
    while chunk := list(islice(iterator, max(1, step))):
        yield chunk
        step = min(step * 2, size)


def log_activity(conn: Connection, summary: MailSummary) -> None:
    text = (
        f"imported mail from {summary.label}: {count_of(summary.new, 'message')}, "
        f"{count_of(summary.new_people, 'new person', 'new people')}, "
        f"{count_of(summary.interactions, 'interaction')}"
    )
    payload = {
        "read": summary.read,
        "new": summary.new,
        "new_people": summary.new_people,
        "interactions": summary.interactions,
        "problems": len(summary.problems),
        "notes": summary.note_counts.total(),
        "not_mail": summary.not_mail,
    }
    if summary.activity_id is None:
        summary.activity_id = activity.record(conn, "import.mail", text, payload=payload)
    else:
        activity.revise(conn, summary.activity_id, text, payload=payload)
