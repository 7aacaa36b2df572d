"""The demo's gatherings (practice P6) and practice (P13): a monthly breakfast of the CIO Forum,
a weekly online chat and a Friday run, attended most of the time over the last months (a week
missed here and there), people met there, and reflections written after some of them — so the
Gatherings and Review pages show a real picture out of the box."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, select

from kithkin import clock
from kithkin.model import Gathering
from kithkin.practices import gatherings as practice
from kithkin.store import gatherings, reflections, story
from kithkin.store.schema import person

PLAN = (  # name, rule, time, zone, minutes, where, first day (days ago), how often I go
    (
        "CIO Forum breakfast",
        "FREQ=MONTHLY;BYDAY=1TU",
        "07:30",
        "America/New_York",
        90,
        {"platform": "Café Luna, Boston", "group_name": "CIO Forum"},
        400,
        0.85,
    ),
    (
        "Cloud leaders chat",
        "FREQ=WEEKLY;BYDAY=TH",
        "12:00",
        "America/New_York",
        45,
        {
            "platform": "Zoom",
            "link": "https://zoom.example/j/cloudleaders",
            "hashtag": "cloudleaders",
            "group_name": "Boston Cloud Meetup",
        },
        200,
        0.75,
    ),
    (
        "Friday run by the river",
        "FREQ=WEEKLY;BYDAY=FR",
        "07:00",
        "America/New_York",
        60,
        {"platform": "Charles River Esplanade", "channel": "#friday-run on Slack"},
        120,
        0.6,
    ),
)
THOUGHTS = (
    "Good energy; two people asked about our cloud migration — follow up with notes.",
    "Quiet one. Should come with a question to ask, not just listen.",
    "Learned a lot about how others budget for security; worth a coffee with the speaker.",
    "Left early; next time block the whole hour.",
)


def write_gatherings(conn: Connection, rng: random.Random, now: datetime) -> int:
    """The demo's gatherings with their attendance, people met and reflections, as of `now`
    (the clock is set at each moment written). Returns how many gatherings."""
    people = [
        int(i)
        for i in conn.scalars(
            select(person.c.id).where(person.c.deleted_at.is_(None)).order_by(person.c.id)
        )
    ]
    picked = rng.sample(people, min(len(people), 6)) if people else []
    for n, (name, rule, at, tz, minutes, where, ago, rate) in enumerate(PLAN):
        clock.freeze(now - timedelta(days=ago + 1))
        first = (now - timedelta(days=ago)).date()
        g = gatherings.add(
            conn,
            {
                "name": name,
                "rrule": rule,
                "first_day": first,
                "at_time": at,
                "tz": tz,
                "minutes": minutes,
                "skip_budget": 1,
                **where,
            },
        )
        went = _attend(conn, rng, g, now, rate, first)
        for k, pid in enumerate(picked[2 * n : 2 * n + 2]):
            if went:
                day = went[-(1 + 3 * k) % len(went)]
                clock.freeze(min(_moment(day) + timedelta(hours=3), now))
                gatherings.meet(conn, g.id, pid, day)
        for day in went[-2:]:
            clock.freeze(min(_moment(day) + timedelta(hours=4), now))
            text = THOUGHTS[rng.randrange(len(THOUGHTS))]
            fact = None
            met = picked[0] if n == 0 and picked and day == went[-1] else None
            if met is not None:
                text = "Heard they are moving into AI governance; ask how it goes."
                fact = story.add_fact(
                    conn, met, "work", text, learned_on=day, learned_where=name, source="demo"
                )
            reflections.add(
                conn,
                kind="gathering",
                on_day=day,
                title=name,
                text=text,
                gathering_id=g.id,
                person_id=met,
                story_fact_id=fact,
            )
    clock.freeze(now)
    return len(PLAN)


def _attend(
    conn: Connection, rng: random.Random, g: Gathering, now: datetime, rate: float, first: date
) -> list[date]:
    start = datetime.combine(first, time(0), tzinfo=UTC)
    days = [
        practice.local_day(o, g)
        for o in practice.occurrences(g, start, now)
        if o + timedelta(minutes=g.minutes) <= now
    ]
    went = [d for d in days[:-1] if rng.random() < rate] + days[-1:]  # the last one: I was there
    for day in went:
        clock.freeze(min(_moment(day) + timedelta(hours=2), now))
        gatherings.mark_attended(conn, g.id, day)
    return went


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(18), tzinfo=UTC)
