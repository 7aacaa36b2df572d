"""The tables of the circle and the Today agenda (migration 0004), on the shared `metadata`.

- `relationship`: one row per person I have interacted with: the strength of the relationship
  (score 0–100, tier), when I last touched them and they last reached me, whether a message of
  theirs waits for my answer, counts per window, the fading signals; `relationship_inputs`
  holds the inputs of it all (JSON). Both are a cache of what `practices.strength` computes
  from the interactions, refreshed only for the people whose interactions changed (see
  `store.relationships`).
- `circle_member`: the circle (practice P1), each member with an optional cadence of their own.
- `circle_tag_cadence`: a cadence for every member carrying a tag.
- `agenda_mute`: Today items snoozed or dismissed, with a fingerprint of their reason, so an item
  comes back when its reason changes (or, when snoozed, when the snooze ends).

All but the tag cadences are each member's own (migration 0018): keyed by (member_id, ...),
member_id 0 being the one user of a personal database (`member_key`).
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, Table, Text

from kithkin.store.schema import UTCDateTime, metadata


def member_key(member_id: int | None) -> int:
    """The member_id of a member's rows in these tables: 0 for the one user of a personal
    database (None elsewhere)."""
    return 0 if member_id is None else member_id


relationship = Table(
    "relationship",
    metadata,
    Column("member_id", Integer, primary_key=True, server_default="0"),  # 0: solo
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("score", Float, nullable=False),  # 0-100 when computed (it only decays afterwards)
    Column("tier", String(8), nullable=False),  # strong, moderate, weak, none
    Column("last_touch_at", UTCDateTime),  # the last interaction I made happen
    Column("last_inbound_at", UTCDateTime),  # the last time they reached me
    Column("last_mutual_at", UTCDateTime),  # the last two-way contact (met, or an answer)
    Column("waiting_since", UTCDateTime),  # their message I have not answered
    Column("waiting_last_at", UTCDateTime),  # and the last of them (Today shows recent ones)
    Column("waiting_kind", String(8)),  # new (they opened it), followup, reply
    Column("waiting_count", Integer, nullable=False),  # how many of theirs wait
    Column("waiting_interaction_id", Integer, ForeignKey("interaction.id", ondelete="SET NULL")),
    Column("weight", Float, nullable=False),  # decayed weight of our interactions at computed_at
    Column("reciprocity", Float, nullable=False),  # 0 (one-way) to 1 (balanced, or met)
    Column("n_30", Integer, nullable=False),  # interactions in the last 30, 90, 365 days, ever
    Column("n_90", Integer, nullable=False),
    Column("n_365", Integer, nullable=False),
    Column("n_all", Integer, nullable=False),
    Column("next_event_at", UTCDateTime),  # the next planned interaction: recompute once past
    Column("fading", Float, nullable=False),  # the most fading could reach as time passes, 0-1
    Column("fading_from", UTCDateTime),  # from when the conversation counts as fading, if ever
    Column("fading_last_at", UTCDateTime),  # its last message, when it can fade
    Column("unanswered_since", UTCDateTime),  # my first message since their last one
    Column("computed_at", UTCDateTime, nullable=False),
)
Index("ix_relationship_score", relationship.c.score)
Index("ix_relationship_waiting", relationship.c.waiting_last_at)
Index("ix_relationship_fading", relationship.c.fading_last_at)
Index("ix_relationship_next_event", relationship.c.next_event_at)

# The inputs of each relationship row (JSON: the weighted sums, counts by kind, the fading
# signals, and the running tally a refresh adds new interactions to), apart from it so the
# agenda's range scans over `relationship` stay narrow.
relationship_inputs = Table(
    "relationship_inputs",
    metadata,
    Column("member_id", Integer, primary_key=True, server_default="0"),  # 0: solo
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("inputs", Text, nullable=False),
)

circle_member = Table(
    "circle_member",
    metadata,
    Column("member_id", Integer, primary_key=True, server_default="0"),  # 0: solo
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("cadence_days", Integer),  # None: the cadence of their tags, else the default
    Column("source", String(16), nullable=False),  # manual, tag (taken from the circle tag)
    Column("added_at", UTCDateTime, nullable=False),
)

circle_tag_cadence = Table(
    "circle_tag_cadence",
    metadata,
    Column("tag", Text, primary_key=True),
    Column("days", Integer, nullable=False),
)

agenda_mute = Table(
    "agenda_mute",
    metadata,
    Column("member_id", Integer, primary_key=True, server_default="0"),  # 0: solo
    Column("item_key", String(64), primary_key=True),  # "due:12", "waiting:40", ...
    Column("fingerprint", String(64), nullable=False),  # of the reason it was muted for
    Column("action", String(8), nullable=False),  # snooze, dismiss
    Column("until", UTCDateTime),  # a snooze ends then
    Column("at", UTCDateTime, nullable=False),
)
