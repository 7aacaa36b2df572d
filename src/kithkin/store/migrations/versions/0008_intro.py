"""Introductions with double opt-in: the intro and its two parties (consent asked, answered).

Revision ID: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intro",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "a_id", sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "b_id", sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("pair_key", sa.String(32), nullable=False),
        sa.Column("introducer_id", sa.Integer, sa.ForeignKey("person.id", ondelete="SET NULL")),
        sa.Column("why", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("consented_at", sa.DateTime),
        sa.Column("declined_at", sa.DateTime),
        sa.Column("intro_subject", sa.Text),
        sa.Column("intro_body", sa.Text),
        sa.Column("intro_outbox_id", sa.Integer),
        sa.Column("introduced_at", sa.DateTime),
        sa.Column("outcome", sa.String(8)),
        sa.Column("outcome_at", sa.DateTime),
    )
    op.create_index("ix_intro_pair", "intro", ["pair_key"])
    op.create_index("ix_intro_status", "intro", ["status"])
    op.create_table(
        "intro_party",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "intro_id", sa.Integer, sa.ForeignKey("intro.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("side", sa.String(1), nullable=False),
        sa.Column(
            "person_id", sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("request_subject", sa.Text, nullable=False),
        sa.Column("request_body", sa.Text, nullable=False),
        sa.Column("request_outbox_id", sa.Integer),
        sa.Column("request_message_id", sa.Text),
        sa.Column("asked_at", sa.DateTime),
        sa.Column("answer", sa.String(8)),
        sa.Column("answer_source", sa.String(8)),
        sa.Column("answer_text", sa.Text),
        sa.Column("answer_message_id", sa.Text),
        sa.Column("answered_at", sa.DateTime),
        sa.Column("followup_outbox_id", sa.Integer),
    )
    op.create_index("ix_intro_party_intro", "intro_party", ["intro_id"])
    op.create_index("ix_intro_party_message", "intro_party", ["request_message_id"])


def downgrade() -> None:
    for table in ("intro_party", "intro"):
        op.drop_table(table)
