"""The tables of calendar import (migration 0003), on the shared `metadata`.

`calendar_event` holds every meeting occurrence read from a calendar (one row per
occurrence of a recurring event, keyed by `EventRecord.source_id`), past and upcoming, with
whether it counts (not cancelled, not declined by me) and, once it has happened, the
interaction it became. `calendar_attendee` holds who was invited (me excluded), by address
and, for those who became people, by person: what a brief for tomorrow's meetings reads.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from kithkin.store.schema import UTCDateTime, metadata

calendar_event = Table(
    "calendar_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Text, nullable=False, unique=True),  # "<UID>@<occurrence start>"
    Column("uid", Text, nullable=False),
    Column("summary", Text),
    Column("location", Text),
    Column("start_at", UTCDateTime, nullable=False),
    Column("end_at", UTCDateTime, nullable=False),
    Column("all_day", Boolean, nullable=False, default=False),
    Column("recurring", Boolean, nullable=False, default=False),
    Column("status", String(16)),  # CONFIRMED, TENTATIVE, CANCELLED
    Column("my_partstat", String(16)),  # how I answered: ACCEPTED, DECLINED, ...
    Column("counted", Boolean, nullable=False),  # a meeting that happens with me in it
    Column("organizer_address", Text),
    Column("organizer_name", Text),
    Column("source_file", Text, nullable=False),
    Column("interaction_id", Integer, ForeignKey("interaction.id", ondelete="SET NULL")),
    Column("imported_at", UTCDateTime, nullable=False),
    # whose calendar it is from (migration 0021; None: the one user of a personal database): a
    # member's Today, briefs and review show their own meetings only
    Column("member_id", Integer),  # no foreign key, as the owned rows of migration 0018
)
Index("ix_calendar_event_start", calendar_event.c.start_at)
Index("ix_calendar_event_member", calendar_event.c.member_id)


Index("ix_calendar_event_interaction", calendar_event.c.interaction_id)

calendar_attendee = Table(
    "calendar_attendee",
    metadata,
    Column(
        "event_id",
        Integer,
        ForeignKey("calendar_event.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("address", Text, primary_key=True),
    Column("name", Text),
    Column("partstat", String(16)),
    Column("role", String(24)),  # REQ-PARTICIPANT, OPT-PARTICIPANT, CHAIR, ORGANIZER
    Column("person_id", Integer, ForeignKey("person.id", ondelete="SET NULL")),
)
Index("ix_calendar_attendee_person", calendar_attendee.c.person_id)
