"""The tables of service (practice P9, migration 0012), on the shared `metadata`.

- `offer`: what I can give: a skill, knowledge, a relationship, a resource (in team mode,
  each member's own).
- `need`: what a person needs or is going through ("hiring a CISO"), until a day or open;
  `status` is `open`, `suggested` (proposed from a note or story fact: shown for review, never
  counted until accepted) or `dismissed` (a refused suggestion, kept so it is not proposed
  again); `source` says where it came from.
- `ledger_entry`: help I gave a person, or asked of them, with what it was.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, false

from kithkin.store import schema_team as schema_team  # the owners (member) of needs and entries
from kithkin.store.schema import UTCDateTime, metadata

offer = Table(
    "offer",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # skill, knowledge, relationship, resource
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # whose offer it is (migration 0021; None: the one user of a personal database)
    Column("member_id", Integer),  # no foreign key, as the owned rows of migration 0018
)
Index("ix_offer_member", offer.c.member_id)

need = Table(
    "need",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("until", Date),  # it stops being shown after this day
    Column("status", String(12), nullable=False),  # open, suggested, dismissed
    Column("source", String(32), nullable=False),  # manual, note:12, fact:40
    Column("created_at", UTCDateTime, nullable=False),
    Column("member_id", Integer, ForeignKey("member.id", ondelete="SET NULL")),  # 0017: owner
    Column("shared", Boolean, nullable=False, server_default=false()),
)
Index("ix_need_person", need.c.person_id)
Index("ix_need_member", need.c.member_id)

ledger_entry = Table(
    "ledger_entry",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("direction", String(8), nullable=False),  # gave, asked
    Column("text", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("member_id", Integer, ForeignKey("member.id", ondelete="SET NULL")),  # 0017: owner
    Column("shared", Boolean, nullable=False, server_default=false()),
)
Index("ix_ledger_person", ledger_entry.c.person_id)
Index("ix_ledger_entry_member", ledger_entry.c.member_id)
