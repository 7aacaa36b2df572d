"""Gatherings and practice: recurring gatherings, attendance, people met there, reflections.

Revision ID: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _fk(table: str, ondelete: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "gathering",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("rrule", sa.Text, nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("at_time", sa.String(5), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("platform", sa.Text),
        sa.Column("link", sa.Text),
        sa.Column("hashtag", sa.Text),
        sa.Column("channel", sa.Text),
        sa.Column("group_name", sa.Text),
        sa.Column("calendar_uid", sa.Text),
        sa.Column("skip_budget", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_gathering_calendar_uid", "gathering", ["calendar_uid"])
    op.create_table(
        "gathering_attendance",
        sa.Column("gathering_id", sa.Integer, _fk("gathering", "CASCADE"), primary_key=True),
        sa.Column("on_day", sa.Date, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "gathering_person",
        sa.Column("gathering_id", sa.Integer, _fk("gathering", "CASCADE"), primary_key=True),
        sa.Column("person_id", sa.Integer, _fk("person", "CASCADE"), primary_key=True),
        sa.Column("on_day", sa.Date, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_gathering_person_person", "gathering_person", ["person_id"])
    op.create_table(
        "reflection",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("on_day", sa.Date, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("interaction_id", sa.Integer, _fk("interaction", "SET NULL")),
        sa.Column("gathering_id", sa.Integer, _fk("gathering", "SET NULL")),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("person_id", sa.Integer, _fk("person", "SET NULL")),
        sa.Column("story_fact_id", sa.Integer, _fk("story_fact", "SET NULL")),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_reflection_day", "reflection", ["on_day"])
    op.create_index("ix_reflection_interaction", "reflection", ["interaction_id"])


def downgrade() -> None:
    for table in ("reflection", "gathering_person", "gathering_attendance", "gathering"):
        op.drop_table(table)
