"""The tables of mail and calendar import (migration 0003), on the shared `metadata`.

Imported by the store modules that query them (and by `backup.backup_tables`), so a command
builds them only when it reads or writes mail.

- `mail_source`: one row per mailbox read (an mbox file, a folder, an IMAP folder) with how
  far reading got, so a second import of an unchanged mailbox reads nothing and a grown mbox
  only its new end; progress is written in the same transaction as the messages it covers.
- `mail_file`: the message files of a folder already read (path, size, the Maildir name
  without its flags), so they are not read again and a renamed Maildir file (its flags
  changed) only updates the flags.
- `mail_message`: every message once (by Message-ID), person mail, list mail and bulk mail
  alike, with what hygiene, threads and the practices need; message bodies stay on disk.
- `mail_thread` + `mail_thread_ref`: conversations, and which Message-IDs belong to which.
- `calendar_event` + `calendar_attendee`: meetings (past and upcoming) with their attendees;
  past ones also become interactions.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from kithkin.store.schema import UTCDateTime, metadata

mail_source = Table(
    "mail_source",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("location", Text, nullable=False, unique=True),  # absolute path, or IMAP folder URL
    Column("kind", String(16), nullable=False),  # mbox, folder, file, imap
    Column("size", BigInteger),  # mbox: its size and mtime when reading started
    Column("mtime_ns", BigInteger),
    Column("end_offset", BigInteger, nullable=False, default=0),  # mbox: where reading got to
    # mbox: sha256 of the bytes just before end_offset; folder: its `walk.folder_mark`
    Column("tail_hash", String(64)),
    Column("uidvalidity", BigInteger),  # IMAP
    Column("last_uid", BigInteger),
    Column("messages", Integer, nullable=False, default=0),  # records read from it, all runs
    Column("done", Boolean, nullable=False, default=False),  # the last reading got to the end
    Column("first_imported_at", UTCDateTime, nullable=False),
    Column("last_imported_at", UTCDateTime, nullable=False),
    # whose mailbox it is (migration 0018; None: the one user of a personal database), and
    # what the rest of the team sees of its mail: metadata, subjects or everything
    Column("member_id", Integer),  # no foreign key: see migration 0018
    Column("team_sees", String(8), nullable=False, server_default="metadata"),
)
Index("ix_mail_source_member", mail_source.c.member_id)

mail_file = Table(
    "mail_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("mail_source.id", ondelete="CASCADE"), nullable=False),
    Column("path", Text, nullable=False),
    Column("key", Text, nullable=False),  # folder + Maildir unique name (without cur/new, flags)
    Column("size", BigInteger, nullable=False),
    Column("message_id", Text),  # the (first) message it holds
)
Index("ix_mail_file_source_key", mail_file.c.source_id, mail_file.c.key)

mail_thread = Table(
    "mail_thread",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("root", Text, nullable=False, unique=True),  # Message-ID of the message it began with
    Column("subject", Text),
    Column("subject_key", Text, nullable=False),  # ingest.mail.rules.thread_subject of that subject
    Column("first_at", UTCDateTime),
    Column("last_at", UTCDateTime),
    Column("message_count", Integer, nullable=False, default=0),
    Column("last_from_address", Text),  # who wrote last, and whether it was me
    Column("last_from_name", Text),
    Column("last_direction", String(8)),
    Column("addresses", Text, nullable=False, default=""),  # correspondents but me, space-joined
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_mail_thread_subject_key", mail_thread.c.subject_key)

mail_thread_ref = Table(
    "mail_thread_ref",
    metadata,
    Column("ref", Text, primary_key=True),  # a Message-ID, seen as a message or a reference
    Column("thread_id", Integer, ForeignKey("mail_thread.id", ondelete="CASCADE"), nullable=False),
)
Index("ix_mail_thread_ref_thread", mail_thread_ref.c.thread_id)

mail_message = Table(
    "mail_message",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", Text, nullable=False, unique=True),
    Column("category", String(8), nullable=False),  # person, list, bulk (ingest.mail.rules)
    Column("direction", String(8), nullable=False),  # from_me, to_me, both, neither
    Column("date", UTCDateTime),
    Column("date_estimated", Boolean, nullable=False, default=False),
    Column("from_address", Text),
    Column("from_name", Text),
    Column("subject", Text),
    Column("recipients", Integer, nullable=False, default=0),  # addresses in To, Cc and Bcc
    Column("in_reply_to", Text),  # the parent's Message-ID (In-Reply-To, else last reference)
    Column("thread_id", Integer, ForeignKey("mail_thread.id", ondelete="SET NULL")),
    Column("interaction_id", Integer, ForeignKey("interaction.id", ondelete="SET NULL")),
    Column("list_id", Text),
    Column("list_name", Text),
    Column("list_unsubscribe", Text),  # the List-Unsubscribe URIs, one per line
    Column("list_unsubscribe_post", Text),
    Column("precedence", Text),
    Column("auto_submitted", Text),
    Column("has_dkim", Boolean, nullable=False, default=False),
    Column("flags", String(16), nullable=False, default=""),  # Maildir letters: S seen, R replied
    Column("folder", Text, nullable=False, default=""),
    Column("source_id", Integer, ForeignKey("mail_source.id", ondelete="SET NULL")),
    Column("source_file", Text, nullable=False),  # file, or IMAP URL with UIDVALIDITY and UID
    Column("source_offset", BigInteger, nullable=False, default=0),
    Column("size", BigInteger, nullable=False, default=0),
    Column("imported_at", UTCDateTime, nullable=False),
)
Index("ix_mail_message_thread", mail_message.c.thread_id, mail_message.c.date)
# Most messages are no interaction and many answer nothing: only the others are indexed.
# Migration 0003 makes these partial indexes on PostgreSQL too (`postgresql_where`); said here,
# it would load SQLAlchemy's PostgreSQL dialect into every command on SQLite (30 ms of each).
Index(
    "ix_mail_message_interaction",
    mail_message.c.interaction_id,
    sqlite_where=mail_message.c.interaction_id.is_not(None),
)
Index(
    "ix_mail_message_in_reply_to",
    mail_message.c.in_reply_to,
    sqlite_where=mail_message.c.in_reply_to.is_not(None),
)
