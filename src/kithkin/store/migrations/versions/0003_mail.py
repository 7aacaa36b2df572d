"""Mail and calendar import: sources and their progress, files read, messages, threads,
calendar events and their attendees.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _fk(table: str, ondelete: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "mail_source",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("location", sa.Text, nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("size", sa.BigInteger),
        sa.Column("mtime_ns", sa.BigInteger),
        sa.Column("end_offset", sa.BigInteger, nullable=False),
        sa.Column("tail_hash", sa.String(64)),
        sa.Column("uidvalidity", sa.BigInteger),
        sa.Column("last_uid", sa.BigInteger),
        sa.Column("messages", sa.Integer, nullable=False),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("first_imported_at", sa.DateTime, nullable=False),
        sa.Column("last_imported_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "mail_file",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, _fk("mail_source", "CASCADE"), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.Text),
    )
    op.create_index("ix_mail_file_source_key", "mail_file", ["source_id", "key"])
    op.create_table(
        "mail_thread",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("root", sa.Text, nullable=False, unique=True),
        sa.Column("subject", sa.Text),
        sa.Column("subject_key", sa.Text, nullable=False),
        sa.Column("first_at", sa.DateTime),
        sa.Column("last_at", sa.DateTime),
        sa.Column("message_count", sa.Integer, nullable=False),
        sa.Column("last_from_address", sa.Text),
        sa.Column("last_from_name", sa.Text),
        sa.Column("last_direction", sa.String(8)),
        sa.Column("addresses", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_mail_thread_subject_key", "mail_thread", ["subject_key"])
    op.create_table(
        "mail_thread_ref",
        sa.Column("ref", sa.Text, primary_key=True),
        sa.Column("thread_id", sa.Integer, _fk("mail_thread", "CASCADE"), nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_mail_thread_ref_thread", "mail_thread_ref", ["thread_id"])
    _mail_message()
    _calendar()


def _mail_message() -> None:
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.Text, nullable=False, unique=True),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("date", sa.DateTime),
        sa.Column("date_estimated", sa.Boolean, nullable=False),
        sa.Column("from_address", sa.Text),
        sa.Column("from_name", sa.Text),
        sa.Column("subject", sa.Text),
        sa.Column("recipients", sa.Integer, nullable=False),
        sa.Column("in_reply_to", sa.Text),
        sa.Column("thread_id", sa.Integer, _fk("mail_thread", "SET NULL")),
        sa.Column("interaction_id", sa.Integer, _fk("interaction", "SET NULL")),
        sa.Column("list_id", sa.Text),
        sa.Column("list_name", sa.Text),
        sa.Column("list_unsubscribe", sa.Text),
        sa.Column("list_unsubscribe_post", sa.Text),
        sa.Column("precedence", sa.Text),
        sa.Column("auto_submitted", sa.Text),
        sa.Column("has_dkim", sa.Boolean, nullable=False),
        sa.Column("flags", sa.String(16), nullable=False),
        sa.Column("folder", sa.Text, nullable=False),
        sa.Column("source_id", sa.Integer, _fk("mail_source", "SET NULL")),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("source_offset", sa.BigInteger, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_mail_message_thread", "mail_message", ["thread_id", "date"])
    for name, column in (
        ("ix_mail_message_interaction", "interaction_id"),
        ("ix_mail_message_in_reply_to", "in_reply_to"),
    ):
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, "mail_message", [column], sqlite_where=where, postgresql_where=where)


def _calendar() -> None:
    op.create_table(
        "calendar_event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Text, nullable=False, unique=True),
        sa.Column("uid", sa.Text, nullable=False),
        sa.Column("summary", sa.Text),
        sa.Column("location", sa.Text),
        sa.Column("start_at", sa.DateTime, nullable=False),
        sa.Column("end_at", sa.DateTime, nullable=False),
        sa.Column("all_day", sa.Boolean, nullable=False),
        sa.Column("recurring", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16)),
        sa.Column("my_partstat", sa.String(16)),
        sa.Column("counted", sa.Boolean, nullable=False),
        sa.Column("organizer_address", sa.Text),
        sa.Column("organizer_name", sa.Text),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("interaction_id", sa.Integer, _fk("interaction", "SET NULL")),
        sa.Column("imported_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_calendar_event_start", "calendar_event", ["start_at"])
    op.create_index("ix_calendar_event_interaction", "calendar_event", ["interaction_id"])
    op.create_table(
        "calendar_attendee",
        sa.Column("event_id", sa.Integer, _fk("calendar_event", "CASCADE"), primary_key=True),
        sa.Column("address", sa.Text, primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("partstat", sa.String(16)),
        sa.Column("role", sa.String(24)),
        sa.Column("person_id", sa.Integer, _fk("person", "SET NULL")),
    )
    op.create_index("ix_calendar_attendee_person", "calendar_attendee", ["person_id"])


def downgrade() -> None:
    for table in (
        "calendar_attendee",
        "calendar_event",
        "mail_message",
        "mail_thread_ref",
        "mail_file",
        "mail_thread",
        "mail_source",
    ):
        op.drop_table(table)
