"""Mail threads in the store: threads, the Message-IDs that belong to them, their merging, and
the threads a person took part in (for the person page and the API).

A thread is known by its root (the Message-ID of the first message it was made for);
`mail_thread_ref` maps every Message-ID seen (as a message or as a reference) to its thread.
An interaction made from a message carries its thread's id as `thread_key`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, Integer, bindparam, cast, delete, func, select, update

from kithkin.model import MailThread, Record, record
from kithkin.store.bulk import Bulk, among, chunks
from kithkin.store.schema import UTCDateTime, interaction, interaction_participant
from kithkin.store.schema_mail import mail_message, mail_thread, mail_thread_ref


@record
class ThreadRow(Record):
    id: int
    root: str
    subject: str | None
    subject_key: str
    first_at: datetime | None
    last_at: datetime | None
    message_count: int
    last_from_address: str | None
    last_from_name: str | None
    last_direction: str | None
    addresses: str


THREAD_COLUMNS: Final = (
    "root",
    "subject",
    "subject_key",
    "first_at",
    "last_at",
    "message_count",
    "last_from_address",
    "last_from_name",
    "last_direction",
    "addresses",
    "created_at",
)
_ADD = Bulk.insert(mail_thread, THREAD_COLUMNS)
_CHANGING = THREAD_COLUMNS[3:10]
_UPDATE = Bulk(
    update(mail_thread)
    .where(mail_thread.c.id == bindparam("thread"))
    .values({name: bindparam(f"new_{name}") for name in _CHANGING}),
    ("thread", *(f"new_{name}" for name in _CHANGING)),
    insert_keys=False,
)
_ADD_REF = Bulk.insert(mail_thread_ref, ("ref", "thread_id"))


def refs_to_threads(conn: Connection, refs: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for part in chunks(list(dict.fromkeys(refs))):
        rows = conn.execute(
            select(mail_thread_ref.c.ref, mail_thread_ref.c.thread_id).where(
                among(conn, mail_thread_ref.c.ref, part)
            )
        )
        found.update((ref, int(tid)) for ref, tid in rows)
    return found


def threads_by_id(conn: Connection, ids: Iterable[int]) -> list[ThreadRow]:
    return _threads(conn, mail_thread.c.id, ids)


def threads_by_subject(conn: Connection, keys: Iterable[str]) -> list[ThreadRow]:
    return _threads(conn, mail_thread.c.subject_key, keys)


def _threads(conn: Connection, column: Any, values: Iterable[Any]) -> list[ThreadRow]:
    out: list[ThreadRow] = []
    names = ("id", *THREAD_COLUMNS[:-1])
    for part in chunks(list(dict.fromkeys(values))):
        query = select(*(mail_thread.c[n] for n in names)).where(among(conn, column, part))
        out.extend(ThreadRow(*row) for row in conn.execute(query.order_by(mail_thread.c.id)))
    return out


def add_threads(conn: Connection, rows: Sequence[Sequence[Any]]) -> dict[str, int]:
    """Insert threads (values in `THREAD_COLUMNS` order); returns {root: id}."""
    if not rows:
        return {}
    made = _ADD.insert_ids(conn, rows, "root")
    return {row[0]: made_id for row, made_id in zip(rows, made, strict=True)}


def update_threads(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    """(id, first_at, last_at, message_count, last_from_address, last_from_name,
    last_direction, addresses) of threads that grew."""
    if conn.dialect.name == "postgresql" and len(rows) > 1:
        _update_on_postgresql(conn, rows)
        return
    _UPDATE.execute(conn, rows)


# PostgreSQL: one statement for a batch's threads, their values as arrays (unnest), not one
# UPDATE per thread (an executemany: a seventh of a 200,000-message import, measured)
_PG_UPDATE = (
    "UPDATE mail_thread AS t SET first_at = v.first_at, last_at = v.last_at, "
    "message_count = v.message_count, last_from_address = v.last_from_address, "
    "last_from_name = v.last_from_name, last_direction = v.last_direction, "
    "addresses = v.addresses FROM unnest(%s::integer[], %s::timestamp[], %s::timestamp[], "
    "%s::integer[], %s::text[], %s::text[], %s::text[], %s::text[]) AS v(id, first_at, "
    "last_at, message_count, last_from_address, last_from_name, last_direction, addresses) "
    "WHERE t.id = v.id"
)


def _update_on_postgresql(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    last = list({int(row[0]): row for row in rows}.values())  # a thread twice: its last row
    stored = UTCDateTime().process_bind_param  # raw SQL: the dates as the column type stores them
    columns: list[list[Any]] = [[] for _ in range(8)]
    for row in last:
        for i, value in enumerate(row):
            columns[i].append(stored(value, conn.dialect) if i in (1, 2) else value)
    conn.exec_driver_sql(_PG_UPDATE, tuple(columns))


def add_refs(conn: Connection, refs: Sequence[tuple[str, int]]) -> None:
    _ADD_REF.execute(conn, refs)


def merge_threads(conn: Connection, keep: int, other: int) -> None:
    """Fold thread `other` into `keep` (a message linked them): its messages, references and
    interactions move; `other` is deleted. The caller updates `keep`'s figures."""
    conn.execute(
        update(mail_message).where(mail_message.c.thread_id == other).values(thread_id=keep)
    )
    conn.execute(
        update(mail_thread_ref).where(mail_thread_ref.c.thread_id == other).values(thread_id=keep)
    )
    conn.execute(
        update(interaction)
        .where(interaction.c.thread_key == str(other))
        .values(thread_key=str(keep))
    )
    conn.execute(delete(mail_thread).where(mail_thread.c.id == other))


def threads_of(conn: Connection, person_id: int, *, limit: int = 50) -> list[MailThread]:
    """The mail threads a person took part in, the most recent first, with how many of their
    messages are interactions with them."""
    shared = (
        select(
            interaction.c.thread_key.label("key"),
            func.count().label("with_them"),
        )
        .join(interaction_participant, interaction_participant.c.interaction_id == interaction.c.id)
        .where(
            interaction_participant.c.person_id == person_id,
            interaction.c.source == "mail",
            interaction.c.thread_key.is_not(None),
        )
        .group_by(interaction.c.thread_key)
        .subquery()
    )
    rows = conn.execute(
        select(mail_thread, shared.c.with_them)
        .join(shared, cast(shared.c.key, Integer) == mail_thread.c.id)
        .order_by(mail_thread.c.last_at.desc().nulls_last(), mail_thread.c.id.desc())
        .limit(limit)
    )
    return [
        MailThread(
            id=row.id,
            subject=row.subject,
            first_at=row.first_at,
            last_at=row.last_at,
            message_count=row.message_count,
            last_from_address=row.last_from_address,
            last_from_name=row.last_from_name,
            last_from_me=row.last_direction in ("from_me", "both"),
            with_them=int(row.with_them),
        )
        for row in rows
    ]
