"""Contact sources: provenance of imported records, photos, dismissed duplicate pairs; phones
stored in E.164.

Revision ID: 0002
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_LINKED = ("contact_point", "story_fact", "note")


def upgrade() -> None:
    op.create_table(
        "source_record",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("source_id", sa.Text, nullable=False),
        sa.Column("source_file", sa.Text, nullable=False),
        sa.Column("place", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("person_id", sa.Integer, sa.ForeignKey("person.id", ondelete="SET NULL")),
        sa.Column("first_imported_at", sa.DateTime, nullable=False),
        sa.Column("last_imported_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("source", "source_id", name="uq_source_record_source"),
    )
    op.create_index("ix_source_record_person", "source_record", ["person_id"])

    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in _LINKED:
        if sqlite:  # SQLite adds a column with its reference in place, without a table rebuild
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN source_record_id INTEGER "
                "REFERENCES source_record (id) ON DELETE SET NULL"
            )
        else:
            op.add_column(table, sa.Column("source_record_id", sa.Integer))
            op.create_foreign_key(
                f"fk_{table}_source_record",
                table,
                "source_record",
                ["source_record_id"],
                ["id"],
                ondelete="SET NULL",
            )

    op.create_table(
        "person_photo",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("media_type", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column(
            "source_record_id",
            sa.Integer,
            sa.ForeignKey("source_record.id", ondelete="SET NULL"),
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_person_photo_person", "person_photo", ["person_id"])

    op.create_table(
        "duplicate_decision",
        sa.Column(
            "person_a",
            sa.Integer,
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "person_b",
            sa.Integer,
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("decided_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_duplicate_decision_b", "duplicate_decision", ["person_b"])
    _phones_to_e164()


def _phones_to_e164() -> None:
    """Re-key stored phone numbers as E.164 (where parseable and not already taken)."""
    import phonenumbers

    bind = op.get_bind()
    stored = bind.execute(
        sa.text("SELECT value FROM setting WHERE key = 'default_region'")
    ).scalar()
    region = json.loads(stored) if stored else "US"
    rows = list(
        bind.execute(
            sa.text("SELECT id, value, normalized FROM contact_point WHERE kind = 'phone'")
        )
    )
    taken = {str(row.normalized) for row in rows}
    for row in rows:
        try:
            number = phonenumbers.parse(row.value, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_possible_number(number):
            continue
        key = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if key == row.normalized or key in taken:
            continue
        bind.execute(
            sa.text("UPDATE contact_point SET normalized = :key WHERE id = :id"),
            {"key": key, "id": row.id},
        )
        taken.discard(row.normalized)
        taken.add(key)


def downgrade() -> None:
    op.drop_table("duplicate_decision")
    op.drop_table("person_photo")
    for table in _LINKED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("source_record_id")
    op.drop_table("source_record")
