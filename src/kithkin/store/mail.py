"""Mail in the store: sources and how far reading got, files read, messages (the people and
interactions a mail import adds in bulk are written by `people_bulk.py` and `interactions.py`).

Everything here is written for batches of thousands: statements are compiled once
(`store.bulk`), ids are read back by a natural key in one IN query per chunk, and no
function issues one SELECT per row. Activity rows are the import's business (one per run).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final, NamedTuple

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.model import Record, record
from kithkin.store.bulk import Bulk, among, chunks
from kithkin.store.schema_mail import mail_file, mail_message, mail_source

# -- sources and files -------------------------------------------------------------------------


@record
class SourceState(Record):
    id: int
    location: str
    kind: str
    size: int | None
    mtime_ns: int | None
    end_offset: int
    tail_hash: str | None
    uidvalidity: int | None
    last_uid: int | None
    messages: int
    done: bool


def source_state(conn: Connection, location: str) -> SourceState | None:
    row = conn.execute(select(mail_source).where(mail_source.c.location == location)).first()
    return _state(row) if row is not None else None


def _state(row: Any) -> SourceState:
    return SourceState(
        id=row.id,
        location=row.location,
        kind=row.kind,
        size=row.size,
        mtime_ns=row.mtime_ns,
        end_offset=row.end_offset,
        tail_hash=row.tail_hash,
        uidvalidity=row.uidvalidity,
        last_uid=row.last_uid,
        messages=row.messages,
        done=bool(row.done),
    )


def open_source(
    conn: Connection, location: str, kind: str, *, member_id: int | None = None
) -> SourceState:
    """The source's state, made (nothing read yet) when it is new: the member's mailbox in
    team mode (None: the one user's of a personal database)."""
    found = source_state(conn, location)
    if found is not None:
        return found
    at = clock.now()
    conn.execute(
        insert(mail_source).values(
            location=location,
            kind=kind,
            end_offset=0,
            messages=0,
            done=False,
            first_imported_at=at,
            last_imported_at=at,
            member_id=member_id,
        )
    )
    made = source_state(conn, location)
    assert made is not None
    return made


def save_progress(conn: Connection, source_id: int, *, messages: int = 0, **values: Any) -> None:
    """Record how far reading got (end_offset, tail_hash, size, mtime_ns, uidvalidity,
    last_uid, done); `messages` read are added to the source's count."""
    unknown = set(values) - {c.name for c in mail_source.columns}
    if unknown:
        raise ValueError(f"not columns of mail_source: {sorted(unknown)}")
    conn.execute(
        update(mail_source)
        .where(mail_source.c.id == source_id)
        .values(
            **values,
            messages=mail_source.c.messages + messages,
            last_imported_at=clock.now(),
        )
    )


def set_team_sees(
    conn: Connection, locations: Sequence[str], level: str, *, member_id: int | None
) -> list[str]:
    """What the team sees of the member's mailboxes at these locations (and the mailboxes
    read inside a folder among them): metadata, subjects or everything. Returns the
    locations changed; InvalidInput for another level."""
    from kithkin.model import TEAM_SEES

    if level not in TEAM_SEES:
        raise InvalidInput(f"the team sees {level!r}? one of {', '.join(TEAM_SEES)}")
    owner = (
        mail_source.c.member_id.is_(None)
        if member_id is None
        else mail_source.c.member_id == member_id
    )
    changed: list[str] = []
    for location in locations:
        inside = location.rstrip("/") + "/"
        where = (mail_source.c.location == location) | mail_source.c.location.startswith(
            inside, autoescape=True
        )
        found = list(conn.scalars(select(mail_source.c.location).where(owner, where)))
        if found:
            conn.execute(update(mail_source).where(owner, where).values(team_sees=level))
            changed += found
    return changed


def team_sees_of(conn: Connection, member_id: int | None) -> dict[str, str]:
    """{location: what the team sees} of the member's mailboxes."""
    owner = (
        mail_source.c.member_id.is_(None)
        if member_id is None
        else mail_source.c.member_id == member_id
    )
    rows = conn.execute(
        select(mail_source.c.location, mail_source.c.team_sees)
        .where(owner)
        .order_by(mail_source.c.location)
    )
    return {str(loc): str(level) for loc, level in rows}


def mboxes_under(conn: Connection, folder: str) -> dict[str, SourceState]:
    """The mbox files inside a folder that were read before, by path."""
    prefix = folder.rstrip("/") + "/"
    rows = conn.execute(
        select(mail_source).where(
            mail_source.c.kind == "mbox",
            mail_source.c.location.startswith(prefix, autoescape=True),
        )
    )
    return {row.location: _state(row) for row in rows}


def list_ids(conn: Connection) -> list[str]:
    """Every List-Id of the stored mail."""
    rows = conn.execute(
        select(mail_message.c.list_id).where(mail_message.c.list_id.is_not(None)).distinct()
    )
    return [str(value) for (value,) in rows]


class FileState(NamedTuple):
    id: int
    path: str
    size: int
    message_id: str | None


def files_by_key(conn: Connection, source_id: int, keys: Iterable[str]) -> dict[str, FileState]:
    """What is known of the files of a folder source already read, of those among `keys`
    (folder + Maildir unique name): a batch at a time, so that a re-import of a million files
    never holds all their rows (`ix_mail_file_source_key` answers each chunk)."""
    found: dict[str, FileState] = {}
    f = mail_file.c
    for part in chunks(list(dict.fromkeys(keys))):
        rows = conn.execute(
            select(f.key, f.id, f.path, f.size, f.message_id).where(
                f.source_id == source_id, among(conn, f.key, part)
            )
        )
        found.update((row[0], FileState._make(row[1:])) for row in rows)
    return found


def has_files(conn: Connection, source_id: int) -> bool:
    """Whether any file of the source was recorded as read."""
    query = select(mail_file.c.id).where(mail_file.c.source_id == source_id).limit(1)
    return conn.execute(query).first() is not None


_ADD_FILE = Bulk.insert(mail_file, ("source_id", "path", "key", "size", "message_id"))
_MOVE_FILE = Bulk(
    update(mail_file).where(mail_file.c.id == bindparam("file_id")).values(path=bindparam("to")),
    ("file_id", "to"),
    insert_keys=False,
)


def add_files(
    conn: Connection,
    source_id: int,
    files: Sequence[tuple[str, str, int, str | None]],
    replacing: Sequence[int] = (),
) -> None:
    """Remember files read: (path, key, size, message id), instead of the rows `replacing`
    (what was known of them before: they changed)."""
    for part in chunks(list(replacing)):
        conn.execute(delete(mail_file).where(mail_file.c.id.in_(part)))
    _ADD_FILE.execute(conn, [(source_id, *row) for row in files])


def move_files(conn: Connection, moves: Sequence[tuple[int, str]]) -> None:
    """Files renamed since they were read (a Maildir file whose flags changed): (id, new path)."""
    _MOVE_FILE.execute(conn, moves)


# -- messages ----------------------------------------------------------------------------------

MESSAGE_COLUMNS: Final = (
    "message_id",
    "category",
    "direction",
    "date",
    "date_estimated",
    "from_address",
    "from_name",
    "subject",
    "recipients",
    "in_reply_to",
    "list_id",
    "list_name",
    "list_unsubscribe",
    "list_unsubscribe_post",
    "precedence",
    "auto_submitted",
    "has_dkim",
    "flags",
    "folder",
    "source_file",
    "source_offset",
    "size",
    "thread_id",
    "interaction_id",
    "source_id",
    "imported_at",
)
_ADD_MESSAGES = Bulk.insert(mail_message, MESSAGE_COLUMNS)
_SET_FLAGS = Bulk(
    update(mail_message)
    .where(mail_message.c.id == bindparam("row_id"))
    .values(
        flags=bindparam("new_flags"),
        source_file=bindparam("new_file"),
        source_offset=bindparam("new_offset"),
    ),
    ("row_id", "new_flags", "new_file", "new_offset"),
    insert_keys=False,
)
_SET_FLAGS_BY_ID = Bulk(
    update(mail_message)
    .where(mail_message.c.message_id == bindparam("mid"))
    .values(flags=bindparam("new_flags"), source_file=bindparam("new_file")),
    ("mid", "new_flags", "new_file"),
    insert_keys=False,
)
_LINK = Bulk(
    update(mail_message)
    .where(mail_message.c.id == bindparam("row_id"))
    .values(interaction_id=bindparam("iid")),
    ("row_id", "iid"),
    insert_keys=False,
)


@record
class StoredMessage(Record):
    """What a batch needs to know of a message stored before it."""

    id: int
    message_id: str
    category: str
    date: datetime | None
    from_address: str | None
    subject: str | None
    in_reply_to: str | None
    thread_id: int | None
    interaction_id: int | None
    flags: str
    folder: str
    source_id: int | None


_KNOWN_COLUMNS = (
    mail_message.c.id,
    mail_message.c.message_id,
    mail_message.c.category,
    mail_message.c.date,
    mail_message.c.from_address,
    mail_message.c.subject,
    mail_message.c.in_reply_to,
    mail_message.c.thread_id,
    mail_message.c.interaction_id,
    mail_message.c.flags,
    mail_message.c.folder,
    mail_message.c.source_id,
)


def stored_messages(conn: Connection, message_ids: Iterable[str]) -> dict[str, StoredMessage]:
    found: dict[str, StoredMessage] = {}
    for part in chunks(list(dict.fromkeys(message_ids))):
        for row in conn.execute(
            select(*_KNOWN_COLUMNS).where(among(conn, mail_message.c.message_id, part))
        ):
            found[row.message_id] = StoredMessage(**row._mapping)
    return found


def unlinked_replies(conn: Connection, parent_ids: Iterable[str]) -> list[StoredMessage]:
    """List messages answering one of `parent_ids` that are no interaction (yet)."""
    out: list[StoredMessage] = []
    for part in chunks(list(dict.fromkeys(parent_ids))):
        rows = conn.execute(
            select(*_KNOWN_COLUMNS).where(
                among(conn, mail_message.c.in_reply_to, part),
                mail_message.c.interaction_id.is_(None),
                mail_message.c.category == "list",
            )
        )
        out.extend(StoredMessage(**row._mapping) for row in rows)
    return out


def add_messages(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Insert messages: tuples of values in `MESSAGE_COLUMNS` order."""
    _ADD_MESSAGES.execute(conn, rows)


def set_flags(conn: Connection, changes: Sequence[tuple[int, str, str, int]]) -> None:
    """(row id, flags, source file, offset) of messages read again where they were before."""
    _SET_FLAGS.execute(conn, changes)


def flags_of_source(conn: Connection, source_id: int) -> list[tuple[int, str, str]]:
    """(row id, source file, flags) of the messages read from one source (an IMAP folder)."""
    m = mail_message.c
    rows = conn.execute(select(m.id, m.source_file, m.flags).where(m.source_id == source_id))
    return [(int(i), str(f), str(g or "")) for i, f, g in rows]


def set_flags_by_message_id(conn: Connection, changes: Sequence[tuple[str, str, str]]) -> None:
    """(Message-ID, flags, source file) of messages whose Maildir file was renamed."""
    _SET_FLAGS_BY_ID.execute(conn, changes)


def link_interactions(conn: Connection, links: Sequence[tuple[int, int]]) -> None:
    """(message row id, interaction id): messages stored earlier that became interactions."""
    _LINK.execute(conn, links)


def analyze_mail(conn: Connection) -> None:
    """PostgreSQL: gather the planner's statistics on the tables an import grows, in its
    transaction (its next batches see them). Without, a mailbox imported into a new
    database is planned all along as if its tables were empty — each batch's lookups (threads,
    replies) then read more of what earlier batches stored, and the import slows as it goes.
    Called at 5,000 new messages, then each time the count doubles. SQLite: nothing."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        "ANALYZE mail_message, mail_thread, mail_thread_ref, interaction, "
        "interaction_participant, person, contact_point"
    )
