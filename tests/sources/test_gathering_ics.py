"""The .ics of gatherings parsed back by icalendar and recurring-ical-events gives exactly the
occurrences kithkin computes, for any rule, zone and time (DST included); and it has what
Google, Apple and Outlook expect of a subscribed calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import recurring_ical_events
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from kithkin.model import Gathering
from kithkin.practices import gatherings as practice
from kithkin.sources.gathering_ics import Due, write_ics

RULES = st.sampled_from(
    [
        "FREQ=DAILY",
        "FREQ=WEEKLY;BYDAY=TH",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "FREQ=MONTHLY;BYDAY=1TU",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=WEEKLY;COUNT=5",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    ]
)
ZONES = st.sampled_from(
    ["Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
)
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def _ics(g: Gathering) -> Calendar:
    first = practice.first_occurrence(g)
    assert first is not None
    return Calendar.from_ical(write_ics([(g, first)], [], stamp=STAMP, name="t"))


@given(
    RULES,
    ZONES,
    st.integers(0, 23),
    st.sampled_from([0, 15, 30, 45]),
    st.dates(date(2024, 1, 1), date(2026, 12, 31)),
)
def test_the_calendar_repeats_as_kithkin_does(
    rule: str, tz: str, hour: int, minute: int, first: date
) -> None:
    g = Gathering(
        id=7, name="G", rrule=rule, first_day=first, at_time=f"{hour:02d}:{minute:02d}",
        tz=tz, minutes=60,
    )  # fmt: skip
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
    end = start + timedelta(days=200)
    ours = practice.occurrences(g, start, end)
    theirs = [
        e.decoded("DTSTART").astimezone(UTC)
        for e in recurring_ical_events.of(_ics(g)).between(start, end)
    ]
    assert sorted(theirs) == ours


def test_what_subscribed_calendars_expect() -> None:
    g = Gathering(
        id=3, name="CIO lunch", rrule="FREQ=MONTHLY;BYDAY=1TU", first_day=date(2026, 1, 1),
        at_time="12:30", tz="Europe/Paris", minutes=90, platform="Café Luna",
        link="https://meet.example/x", hashtag="cio", group_name="CIO Forum",
    )  # fmt: skip
    first = practice.first_occurrence(g)
    assert first is not None and first.date() == date(2026, 1, 6)
    due = [Due(person_id=12, name="Dana Whitfield", day=date(2026, 1, 9), reason="every 14 days")]
    raw = write_ics([(g, first)], due, stamp=STAMP, name="kithkin")
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded as RFC 5545 says
    cal = Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0" and str(cal["METHOD"]) == "PUBLISH"
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    gathering, reminder = cal.walk("VEVENT")
    assert str(gathering["UID"]) == "gathering-3@kithkin"
    assert gathering["DTSTART"].params["TZID"] == "Europe/Paris"
    assert gathering.decoded("DTSTAMP") == STAMP
    assert gathering.decoded("DURATION") == timedelta(minutes=90)
    assert "Group: CIO Forum" in str(gathering["DESCRIPTION"])
    assert str(reminder["SUMMARY"]) == "Be in touch with Dana Whitfield"
    assert reminder.decoded("DTSTART") == date(2026, 1, 9)
