"""Inbox hygiene: the user's keep/digest rules on subscriptions, and the outbox of actions.

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscription_rule",
        sa.Column("subscription_key", sa.Text, primary_key=True),
        sa.Column("rule", sa.String(8), nullable=False),
        sa.Column("set_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("subscription_key", sa.Text, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("tried_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("outcome", sa.Text),
        sa.Column("message_id", sa.Text),
    )
    op.create_index("ix_outbox_subscription", "outbox", ["subscription_key"])
    op.create_index("ix_outbox_status", "outbox", ["status"])


def downgrade() -> None:
    for table in ("outbox", "subscription_rule"):
        op.drop_table(table)
