"""Team privacy: notes, story facts, needs and ledger entries get an owner (`member_id`, the
member who wrote them; NULL for the personal user's rows from before team mode) and a
`shared` flag (false: private to their owner); the activity log records its author
(`member_id`) and whether the row tells of a private one (`private`).

Revision ID: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_OWNED = ("note", "story_fact", "need", "ledger_entry")
# SQLite reads back the references migration 0002 added in place without their ON DELETE: a
# rebuild of these two would lose it, so their new column is added in place too.
_ADDED_IN_PLACE = ("note", "story_fact")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in (*_OWNED, "activity"):
        if sqlite and table in _ADDED_IN_PLACE:
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN member_id INTEGER "
                f"CONSTRAINT fk_{table}_member REFERENCES member (id) ON DELETE SET NULL"
            )
            continue
        with op.batch_alter_table(table) as batch:  # on SQLite: a rebuild, references whole
            batch.add_column(sa.Column("member_id", sa.Integer))
            batch.create_foreign_key(
                f"fk_{table}_member", "member", ["member_id"], ["id"], ondelete="SET NULL"
            )
    for table in _OWNED:
        op.add_column(
            table, sa.Column("shared", sa.Boolean, nullable=False, server_default=sa.false())
        )
        op.create_index(f"ix_{table}_member", table, ["member_id"])
    op.add_column(
        "activity", sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.create_index("ix_activity_member", "activity", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_activity_member", "activity")
    for table in _OWNED:
        op.drop_index(f"ix_{table}_member", table)
    for table in (*_OWNED, "activity"):
        with op.batch_alter_table(table) as batch:
            if not (op.get_bind().dialect.name == "sqlite" and table in _ADDED_IN_PLACE):
                batch.drop_constraint(f"fk_{table}_member", type_="foreignkey")
            batch.drop_column("private" if table == "activity" else "shared")
            batch.drop_column("member_id")
