"""The circle and Today: relationship strength, circle members and cadences, muted agenda items.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _fk(table: str, ondelete: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "relationship",
        sa.Column("person_id", sa.Integer, _fk("person", "CASCADE"), primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("tier", sa.String(8), nullable=False),
        sa.Column("last_touch_at", sa.DateTime),
        sa.Column("last_inbound_at", sa.DateTime),
        sa.Column("last_mutual_at", sa.DateTime),
        sa.Column("waiting_since", sa.DateTime),
        sa.Column("waiting_last_at", sa.DateTime),
        sa.Column("waiting_kind", sa.String(8)),
        sa.Column("waiting_count", sa.Integer, nullable=False),
        sa.Column("waiting_interaction_id", sa.Integer, _fk("interaction", "SET NULL")),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("reciprocity", sa.Float, nullable=False),
        sa.Column("n_30", sa.Integer, nullable=False),
        sa.Column("n_90", sa.Integer, nullable=False),
        sa.Column("n_365", sa.Integer, nullable=False),
        sa.Column("n_all", sa.Integer, nullable=False),
        sa.Column("next_event_at", sa.DateTime),
        sa.Column("fading", sa.Float, nullable=False),
        sa.Column("fading_from", sa.DateTime),
        sa.Column("fading_last_at", sa.DateTime),
        sa.Column("unanswered_since", sa.DateTime),
        sa.Column("computed_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "relationship_inputs",
        sa.Column("person_id", sa.Integer, _fk("person", "CASCADE"), primary_key=True),
        sa.Column("inputs", sa.Text, nullable=False),
    )
    op.create_index("ix_relationship_score", "relationship", ["score"])
    op.create_index("ix_relationship_waiting", "relationship", ["waiting_last_at"])
    op.create_index("ix_relationship_fading", "relationship", ["fading_last_at"])
    op.create_index("ix_relationship_next_event", "relationship", ["next_event_at"])
    op.create_table(
        "circle_member",
        sa.Column("person_id", sa.Integer, _fk("person", "CASCADE"), primary_key=True),
        sa.Column("cadence_days", sa.Integer),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "circle_tag_cadence",
        sa.Column("tag", sa.Text, primary_key=True),
        sa.Column("days", sa.Integer, nullable=False),
    )
    op.create_table(
        "agenda_mute",
        sa.Column("item_key", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("until", sa.DateTime),
        sa.Column("at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    tables = ("agenda_mute", "circle_tag_cadence", "circle_member", "relationship_inputs")
    for table in (*tables, "relationship"):
        op.drop_table(table)
