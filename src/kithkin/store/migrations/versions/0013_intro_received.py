"""Introductions others made for me, with how each turned out (an introducer's record).

Revision ID: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intro_received",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "introducer_id",
            sa.Integer,
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "person_id", sa.Integer, sa.ForeignKey("person.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("why", sa.Text),
        sa.Column("introduced_at", sa.DateTime, nullable=False),
        sa.Column("outcome", sa.String(8)),
        sa.Column("outcome_at", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_intro_received_introducer", "intro_received", ["introducer_id"])


def downgrade() -> None:
    op.drop_index("ix_intro_received_introducer", table_name="intro_received")
    op.drop_table("intro_received")
