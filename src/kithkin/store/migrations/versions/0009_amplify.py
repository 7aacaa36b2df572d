"""Amplification: the share log (own posts and amplified ones, imported or logged), the keys
of the authors amplified, and the amplify queue's feeds and items.

Revision ID: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


def _fk(table: str, ondelete: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "share",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("network", sa.String(16), nullable=False),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("style", sa.String(16), nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("person_id", sa.Integer, _fk("person", "SET NULL")),
        sa.Column("text", sa.Text),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("place", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("network", "source_id", name="uq_share_source"),
    )
    op.create_index("ix_share_occurred_at", "share", ["occurred_at"])
    op.create_index("ix_share_person", "share", ["person_id"])
    op.create_table(
        "share_author_key",
        sa.Column("share_id", sa.Integer, _fk("share", "CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("normalized", sa.Text, primary_key=True),
    )
    op.create_index("ix_share_author_key", "share_author_key", ["kind", "normalized"])
    op.create_table(
        "amplify_feed",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("person_id", sa.Integer, _fk("person", "CASCADE"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("feed_url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("fetched_at", sa.DateTime),
        sa.Column("status", sa.Text),
        sa.Column("added_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_amplify_feed_person", "amplify_feed", ["person_id"])
    op.create_table(
        "amplify_item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("feed_id", sa.Integer, _fk("amplify_feed", "CASCADE"), nullable=False),
        sa.Column("person_id", sa.Integer, _fk("person", "CASCADE"), nullable=False),
        sa.Column("guid", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("summary", sa.Text),
        sa.Column("published_at", sa.DateTime),
        sa.Column("fetched_at", sa.DateTime, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("share_id", sa.Integer, _fk("share", "SET NULL")),
        sa.UniqueConstraint("feed_id", "guid", name="uq_amplify_item"),
    )
    op.create_index("ix_amplify_item_state", "amplify_item", ["state", "published_at"])
    op.create_index("ix_amplify_item_person", "amplify_item", ["person_id"])


def downgrade() -> None:
    for table in ("amplify_item", "amplify_feed", "share_author_key", "share"):
        op.drop_table(table)
