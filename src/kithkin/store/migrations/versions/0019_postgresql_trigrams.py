"""Fuzzy names on PostgreSQL: the pg_trgm extension (PostgreSQL's contrib, in Debian's
`postgresql` package) and a GIN trigram index on people's names, so "Jon Smtih" finds John
Smith without reading every name. SQLite computes the same trigram similarity itself
(store/search.py): on it this revision does nothing.

Revision ID: 0019
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX ix_person_name_trigrams ON person "
        "USING GIN (lower(display_name) gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_person_name_trigrams")
    op.execute("DROP EXTENSION IF EXISTS pg_trgm")
