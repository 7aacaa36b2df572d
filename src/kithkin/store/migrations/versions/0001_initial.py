"""People, contact points, tags, stories, notes, interactions, activity log, settings, search.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(32), nullable=False, unique=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("given_name", sa.Text),
        sa.Column("family_name", sa.Text),
        sa.Column("organisation", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("deleted_at", sa.DateTime),
        sa.Column("merged_into_id", sa.Integer, sa.ForeignKey("person.id", ondelete="SET NULL")),
    )
    op.create_index("ix_person_display_name", "person", ["display_name"])
    op.create_index("ix_person_deleted_at", "person", ["deleted_at"])

    op.create_table(
        "contact_point",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("normalized", sa.Text, nullable=False),
        sa.Column("label", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("kind", "normalized", name="uq_contact_point_kind_normalized"),
    )
    op.create_index("ix_contact_point_person", "contact_point", ["person_id"])

    op.create_table(
        "tag",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
    )
    op.create_table(
        "person_tag",
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "tag_id", sa.Integer, sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True
        ),
    )
    op.create_index("ix_person_tag_tag", "person_tag", ["tag_id"])

    op.create_table(
        "story_fact",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("field", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("learned_on", sa.Date),
        sa.Column("learned_where", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_story_fact_person", "story_fact", ["person_id"])

    op.create_table(
        "note",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_note_person", "note", ["person_id"])

    op.create_table(
        "interaction",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("direction", sa.String(8), nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("subject", sa.Text),
        sa.Column("summary", sa.Text),
        sa.Column("thread_key", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("source", "source_id", name="uq_interaction_source"),
    )
    op.create_index("ix_interaction_occurred_at", "interaction", ["occurred_at"])
    op.create_index("ix_interaction_thread_key", "interaction", ["thread_key"])

    op.create_table(
        "interaction_participant",
        sa.Column(
            "interaction_id",
            sa.Integer,
            sa.ForeignKey("interaction.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(16), primary_key=True),
    )
    op.create_index("ix_interaction_participant_person", "interaction_participant", ["person_id"])

    op.create_table(
        "activity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id", ondelete="SET NULL")),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("payload", sa.Text),
        sa.Column("undoable", sa.Boolean, nullable=False),
        sa.Column("undone_at", sa.DateTime),
    )
    op.create_index("ix_activity_person", "activity", ["person_id"])

    op.create_table(
        "setting",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )

    if op.get_bind().dialect.name == "sqlite":
        # The search seam (store/search.py): one FTS5 row per live person, rowid = person.id.
        op.execute(
            "CREATE VIRTUAL TABLE person_fts USING fts5("
            "name, organisation, title, story, notes, tags, contacts, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS person_fts")
    for name in (
        "setting",
        "activity",
        "interaction_participant",
        "interaction",
        "note",
        "story_fact",
        "person_tag",
        "tag",
        "contact_point",
        "person",
    ):
        op.drop_table(name)
