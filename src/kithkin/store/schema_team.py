"""The tables of team mode (migration 0015), on the shared `metadata`.

- `member`: someone of the team sharing this database: a login name, a display name, a role
  (`owner` manages members and settings, `editor` adds and changes, `viewer` reads) and the
  person who is them in the shared network (optional). A database with no member is a
  personal one: one user, no login, exactly as before team mode.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text

from kithkin.store.schema import UTCDateTime, metadata

member = Table(
    "member",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),  # lower case
    Column("name", Text),
    Column("role", String(8), nullable=False),  # owner, editor, viewer
    Column("person_id", Integer, ForeignKey("person.id", ondelete="SET NULL")),
    Column("created_at", UTCDateTime, nullable=False),
)
