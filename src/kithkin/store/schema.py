"""The tables, described once for SQLAlchemy Core (portable to SQLite and PostgreSQL).

Migrations in `store/migrations/versions` create and change them; this module is what the
queries read. The full-text index lives beside them and is dialect-specific (see search.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    bindparam,
    false,
)
from sqlalchemy.sql.elements import ColumnElement

from kithkin.model import SPOKEN


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back timezone-aware UTC, whatever the dialect does."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the store; use clock.now()")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

person = Table(
    "person",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", String(32), nullable=False, unique=True),
    Column("display_name", Text, nullable=False),
    Column("given_name", Text),
    Column("family_name", Text),
    Column("organisation", Text),
    Column("title", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("deleted_at", UTCDateTime),
    Column("merged_into_id", Integer, ForeignKey("person.id", ondelete="SET NULL")),
)
Index("ix_person_display_name", person.c.display_name)
Index("ix_person_deleted_at", person.c.deleted_at)

contact_point = Table(
    "contact_point",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", Text, nullable=False),
    Column("normalized", Text, nullable=False),
    Column("label", Text),
    Column("source", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("source_record_id", Integer, ForeignKey("source_record.id", ondelete="SET NULL")),
    UniqueConstraint("kind", "normalized", name="uq_contact_point_kind_normalized"),
)
Index("ix_contact_point_person", contact_point.c.person_id)

tag = Table(
    "tag",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
)

person_tag = Table(
    "person_tag",
    metadata,
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)
Index("ix_person_tag_tag", person_tag.c.tag_id)

story_fact = Table(
    "story_fact",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("learned_on", Date),
    Column("learned_where", Text),
    Column("source", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("source_record_id", Integer, ForeignKey("source_record.id", ondelete="SET NULL")),
    Column("member_id", Integer, ForeignKey("member.id", ondelete="SET NULL")),  # 0017: owner
    Column("shared", Boolean, nullable=False, server_default=false()),
)
Index("ix_story_fact_person", story_fact.c.person_id)
Index("ix_story_fact_member", story_fact.c.member_id)

note = Table(
    "note",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("source_record_id", Integer, ForeignKey("source_record.id", ondelete="SET NULL")),
    Column("member_id", Integer, ForeignKey("member.id", ondelete="SET NULL")),  # 0017: owner
    Column("shared", Boolean, nullable=False, server_default=false()),
)
Index("ix_note_person", note.c.person_id)
Index("ix_note_member", note.c.member_id)

interaction = Table(
    "interaction",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("subject", Text),
    Column("summary", Text),
    Column("thread_key", Text),
    Column("source", Text, nullable=False),
    Column("source_id", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # whose it is (migration 0018): a member of a team, None for the one user of a personal
    # database
    Column("member_id", Integer),  # no foreign key: see migration 0018
    UniqueConstraint("source", "source_id", name="uq_interaction_source"),
)
Index("ix_interaction_occurred_at", interaction.c.occurred_at)
Index("ix_interaction_member", interaction.c.member_id)
# The spoken interactions (meetings, calls, coffees...) by time, a partial index (migration
# 0021): the meetings of the last days are found without reading the mail of those days, and
# importing mail does not write to it. A query uses it with `spoken()`: SQLite matches a
# partial index's condition only when the query states it with the same literal values.
# PostgreSQL's index has the same condition (the migration makes it); it is not named here, as
# `postgresql_where` would load SQLAlchemy's PostgreSQL dialect in every command.
SPOKEN_KINDS: Final = tuple(sorted(SPOKEN))
Index(
    "ix_interaction_spoken",
    interaction.c.occurred_at,
    sqlite_where=interaction.c.kind.in_(SPOKEN_KINDS),
)


def spoken() -> ColumnElement[bool]:
    """`interaction.kind IN (the spoken kinds)`, its values written into the statement."""
    kinds = bindparam(
        "spoken_kinds", SPOKEN_KINDS, type_=String(), expanding=True, literal_execute=True
    )
    return interaction.c.kind.in_(kinds)


def of_member(member_id: int | None, table: Table | None = None) -> list[Any]:
    """The condition on `table` (`interaction` by default; any table whose `member_id` NULL is
    the personal user's: calendar_event, share, offer...) of a member's own rows (team mode);
    none for the one user of a personal database, who has them all."""
    if member_id is None:
        return []
    return [(interaction if table is None else table).c.member_id == member_id]


Index("ix_interaction_thread_key", interaction.c.thread_key)

interaction_participant = Table(
    "interaction_participant",
    metadata,
    Column(
        "interaction_id",
        Integer,
        ForeignKey("interaction.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), primary_key=True),
)
Index("ix_interaction_participant_person", interaction_participant.c.person_id)

activity = Table(
    "activity",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("action", String(32), nullable=False),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="SET NULL")),
    Column("summary", Text, nullable=False),
    Column("payload", Text),
    Column("undoable", Boolean, nullable=False, default=False),
    Column("undone_at", UTCDateTime),
    Column("member_id", Integer, ForeignKey("member.id", ondelete="SET NULL")),  # 0017: author
    Column("private", Boolean, nullable=False, server_default=false()),
)
Index("ix_activity_person", activity.c.person_id)
Index("ix_activity_member", activity.c.member_id)

setting = Table(
    "setting",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)


# -- provenance of imported contacts (migration 0002) -------------------------------------------

# One row per record of a source (a vCard, a CSV row): where it came from, the record exactly as
# read, a hash of its content (an unchanged record is skipped on re-import), the values it
# offered (`fields`, JSON: what "the previous import set", so a newer export only overwrites
# what the user has not edited) and the person it became. Contact points, story facts and
# notes created from it point back through their `source_record_id`.
source_record = Table(
    "source_record",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(32), nullable=False),
    Column("source_id", Text, nullable=False),
    Column("source_file", Text, nullable=False),
    Column("place", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("fields", Text, nullable=False),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="SET NULL")),
    Column("first_imported_at", UTCDateTime, nullable=False),
    Column("last_imported_at", UTCDateTime, nullable=False),
    UniqueConstraint("source", "source_id", name="uq_source_record_source"),
)
Index("ix_source_record_person", source_record.c.person_id)

person_photo = Table(
    "person_photo",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("source", Text, nullable=False),
    Column("source_record_id", Integer, ForeignKey("source_record.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_person_photo_person", person_photo.c.person_id)

# Pairs the user said are not the same person (person_a < person_b): never proposed again.
duplicate_decision = Table(
    "duplicate_decision",
    metadata,
    Column("person_a", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("person_b", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("decision", String(16), nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
)
Index("ix_duplicate_decision_b", duplicate_decision.c.person_b)
