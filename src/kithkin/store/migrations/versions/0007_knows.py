"""The "knows" graph: ties between the people other than me, and their evidence.

The ties of mail and meetings imported before this revision are made from the stored mail
and calendar by the first read of the graph (`services.knows`), or by `kithkin knows --rebuild`.

Revision ID: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knows_tie",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Text, nullable=False),
        sa.Column("b", sa.Text, nullable=False),
        sa.Column("a_domain", sa.Text),
        sa.Column("b_domain", sa.Text),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("evidence", sa.Integer, nullable=False),
        sa.Column("last_at", sa.DateTime),
        sa.Column("last_kind", sa.String(8)),
        sa.Column("last_ref", sa.Text),
        sa.Column("last_subject", sa.Text),
        sa.Column("stated", sa.String(8)),
        sa.Column("computed_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("a", "b", name="uq_knows_tie_ends"),
    )
    op.create_index("ix_knows_tie_b", "knows_tie", ["b"])
    op.create_index("ix_knows_tie_a_domain", "knows_tie", ["a_domain"])
    op.create_index("ix_knows_tie_b_domain", "knows_tie", ["b_domain"])
    op.create_table(
        "knows_evidence",
        sa.Column(
            "tie_id",
            sa.Integer,
            sa.ForeignKey("knows_tie.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("ref", sa.Text, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("subject", sa.Text),
    )
    # mail or meetings imported before: their ties are made by the first read of the graph
    op.execute(
        "INSERT INTO setting (key, value) SELECT 'knows.pending', 'true'"
        " WHERE EXISTS (SELECT 1 FROM mail_message) OR EXISTS (SELECT 1 FROM calendar_event)"
    )


def downgrade() -> None:
    op.drop_table("knows_evidence")
    op.drop_table("knows_tie")
