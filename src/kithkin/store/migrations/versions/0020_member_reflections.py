"""Reflections become their writer's (`reflection.member_id`, as notes are): in team mode
each member reflects on their own meetings, and only they read it; NULL: the personal
user's, from before team mode (the first owner adopts them).

Revision ID: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reflection") as batch:  # on SQLite: a rebuild, references whole
        batch.add_column(sa.Column("member_id", sa.Integer))
        batch.create_foreign_key(
            "fk_reflection_member", "member", ["member_id"], ["id"], ondelete="SET NULL"
        )
    op.create_index("ix_reflection_member", "reflection", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_reflection_member", "reflection")
    with op.batch_alter_table("reflection") as batch:
        batch.drop_constraint("fk_reflection_member", type_="foreignkey")
        batch.drop_column("member_id")
