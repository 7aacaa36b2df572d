"""The "knows" graph (migration 0007), on the shared `metadata`: who knows whom, among the
people other than me, and why.

- `knows_tie`: one row per pair of endpoints (`a` < `b`). An endpoint is a normalised mail
  address, or `#<person id>` for a tie I stated between people (`kithkin knows A B`). The row
  keeps a summary of its evidence: its weight as of `computed_at` (it only decays from there,
  as `practices.strength` decays my own relationships), how many pieces, the last one, and
  the tier I gave it by hand, if any. The domains of both ends are kept apart and indexed, so
  "anyone at Acme" is an index lookup too. Paths are read from the target's side: the
  unique (a, b) index serves `a = target`, `ix_knows_tie_b` serves `b = target`.
- `knows_evidence`: each piece of evidence once (a reply between the two: its Message-ID; a
  meeting both attended: its `calendar_event.source_id`; my statement), with its date and
  weight; a re-import adds nothing twice.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from kithkin.store.schema import UTCDateTime, metadata

knows_tie = Table(
    "knows_tie",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("a", Text, nullable=False),
    Column("b", Text, nullable=False),
    Column("a_domain", Text),
    Column("b_domain", Text),
    Column("weight", Float, nullable=False, default=0.0),  # decayed evidence weight at computed_at
    Column("evidence", Integer, nullable=False, default=0),  # how many pieces
    Column("last_at", UTCDateTime),  # the last piece of evidence
    Column("last_kind", String(8)),  # mail, meeting, manual
    Column("last_ref", Text),  # its Message-ID or meeting
    Column("last_subject", Text),
    Column("stated", String(8)),  # the tier I gave it (strong, moderate, weak), if I did
    Column("computed_at", UTCDateTime, nullable=False),
    UniqueConstraint("a", "b", name="uq_knows_tie_ends"),
)
Index("ix_knows_tie_b", knows_tie.c.b)
Index("ix_knows_tie_a_domain", knows_tie.c.a_domain)
Index("ix_knows_tie_b_domain", knows_tie.c.b_domain)

knows_evidence = Table(
    "knows_evidence",
    metadata,
    Column("tie_id", Integer, ForeignKey("knows_tie.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(8), primary_key=True),  # mail, meeting, manual
    Column("ref", Text, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("weight", Float, nullable=False),
    Column("subject", Text),
)
