"""Capture: drafts of people read from card photos, QR codes, vCards and pasted text.

Revision ID: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "capture_draft",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("media_type", sa.String(32)),
        sa.Column("image", sa.LargeBinary),
        sa.Column("draft", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("capture_draft")
