"""The tables of gatherings and practice (migration 0011), on the shared `metadata`.

- `gathering`: a recurring gathering (practice P6): its RFC 5545 rule, local time and time
  zone (occurrences are computed, never stored), where it happens (platform, link, hashtag,
  channel), the offline group it belongs to, the calendar event it was picked from, and how
  many missed occurrences in a row of eight its habit score forgives.
- `gathering_attendance`: the days I said I was there (calendar events that match a
  gathering count too, read from `calendar_event` when asked, not copied here).
- `gathering_person`: the people I met at a gathering, and on which day.
- `reflection`: a line written after a meeting or a gathering (practice P13); it may have
  become a story fact of a person. In team mode it is its writer's alone (`member_id`).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text

from kithkin.store.schema import UTCDateTime, metadata

gathering = Table(
    "gathering",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("rrule", Text, nullable=False),  # "FREQ=WEEKLY;BYDAY=TH" (no DTSTART)
    Column("first_day", Date, nullable=False),  # the DTSTART's day, local to `tz`
    Column("at_time", String(5), nullable=False),  # "18:30", local to `tz`
    Column("tz", String(64), nullable=False),  # an IANA zone
    Column("minutes", Integer, nullable=False),  # how long it lasts
    Column("platform", Text),
    Column("link", Text),
    Column("hashtag", Text),
    Column("channel", Text),
    Column("group_name", Text),  # the offline group it belongs to
    Column("calendar_uid", Text),  # the recurring calendar event it was picked from
    Column("skip_budget", Integer, nullable=False),  # misses forgiven in any eight in a row
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_gathering_calendar_uid", gathering.c.calendar_uid)

gathering_attendance = Table(
    "gathering_attendance",
    metadata,
    Column(
        "gathering_id",
        Integer,
        ForeignKey("gathering.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("on_day", Date, primary_key=True),  # local to the gathering's zone
    Column("at", UTCDateTime, nullable=False),  # when it was said
)

gathering_person = Table(
    "gathering_person",
    metadata,
    Column(
        "gathering_id",
        Integer,
        ForeignKey("gathering.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("on_day", Date, nullable=False),  # the first time we met there
    Column("at", UTCDateTime, nullable=False),
)
Index("ix_gathering_person_person", gathering_person.c.person_id)

reflection = Table(
    "reflection",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # meeting, gathering
    Column("on_day", Date, nullable=False),
    Column("title", Text, nullable=False),  # what it was about: the meeting's or gathering's name
    Column("interaction_id", Integer, ForeignKey("interaction.id", ondelete="SET NULL")),
    Column("gathering_id", Integer, ForeignKey("gathering.id", ondelete="SET NULL")),
    Column("text", Text, nullable=False),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="SET NULL")),
    Column("story_fact_id", Integer, ForeignKey("story_fact.id", ondelete="SET NULL")),
    Column("at", UTCDateTime, nullable=False),
    # 0020: whose it is (team mode: each member's own; NULL: the personal user's)
    Column("member_id", Integer, ForeignKey("member.id", ondelete="SET NULL")),
)
Index("ix_reflection_day", reflection.c.on_day)
Index("ix_reflection_member", reflection.c.member_id)
Index("ix_reflection_interaction", reflection.c.interaction_id)
