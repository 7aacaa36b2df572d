"""The tables of introductions with double opt-in (migration 0008), on the shared `metadata`.

- `intro`: one proposed introduction of two people (`a`, `b`), why, where it stands
  (proposed, asked, consented, declined, introduced) and, once made, its outcome (met,
  not_yet, no). `introducer_id` is who makes it (NULL: me), so an introducer's reliability
  can be counted from the outcomes. `pair_key` ("<low id>-<high id>") finds every intro of a
  pair: a decline is final for the pair.
- `intro_party`: each of the two, asked separately: the address asked, the consent request
  drafted (subject, body) and the outbox entry that sends it (its Message-ID is what a reply
  answers), the answer (yes, no, unclear) with where it came from (reply, manual) and the
  reply's own words (quotes stripped), and the one follow-up's outbox entry.

Every mail goes through the `outbox` (schema_hygiene) with an idempotency key, so a crash at
any step never sends one twice; the answers live here, written in one transaction each.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from kithkin.store.schema import UTCDateTime, metadata

intro = Table(
    "intro",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("a_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("b_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("pair_key", String(32), nullable=False),
    Column("introducer_id", Integer, ForeignKey("person.id", ondelete="SET NULL")),
    Column("why", Text, nullable=False),
    Column("status", String(12), nullable=False),  # proposed asked consented declined introduced
    Column("created_at", UTCDateTime, nullable=False),
    Column("consented_at", UTCDateTime),
    Column("declined_at", UTCDateTime),
    Column("intro_subject", Text),  # the introduction, drafted once both said yes
    Column("intro_body", Text),
    Column("intro_outbox_id", Integer),
    Column("introduced_at", UTCDateTime),
    Column("outcome", String(8)),  # met, not_yet, no
    Column("outcome_at", UTCDateTime),
)
Index("ix_intro_pair", intro.c.pair_key)
Index("ix_intro_status", intro.c.status)

intro_party = Table(
    "intro_party",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("intro_id", Integer, ForeignKey("intro.id", ondelete="CASCADE"), nullable=False),
    Column("side", String(1), nullable=False),  # a, b
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("address", Text, nullable=False),
    Column("request_subject", Text, nullable=False),
    Column("request_body", Text, nullable=False),
    Column("request_outbox_id", Integer),  # set once queued (--send)
    Column("request_message_id", Text),
    Column("asked_at", UTCDateTime),  # the request went out
    Column("answer", String(8)),  # yes, no, unclear
    Column("answer_source", String(8)),  # reply, manual
    Column("answer_text", Text),  # the reply's own words, quotes stripped (at most 500 chars)
    Column("answer_message_id", Text),
    Column("answered_at", UTCDateTime),
    Column("followup_outbox_id", Integer),
)
Index("ix_intro_party_intro", intro_party.c.intro_id)
Index("ix_intro_party_message", intro_party.c.request_message_id)

# Introductions others made for me (migration 0013): who introduced me to whom, and how it
# turned out — the record an introducer's reliability on intro paths is counted from, with
# the introductions made through them in `intro` (`introducer_id`).
intro_received = Table(
    "intro_received",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("introducer_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("why", Text),
    Column("introduced_at", UTCDateTime, nullable=False),
    Column("outcome", String(8)),  # met, not_yet, no; NULL: not known yet
    Column("outcome_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_intro_received_introducer", intro_received.c.introducer_id)
