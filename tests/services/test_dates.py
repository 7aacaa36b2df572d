"""Natural dates: the phrases people type, read against kithkin's clock in the local zone; ISO
dates round-trip; anything else is the one clear error, never a crash or a hang."""

from __future__ import annotations

import time as time_module
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.services.common import parse_date, parse_when

NOW = datetime(2026, 12, 7, 12, 30, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def _utc_monday(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time_module.tzset()
    clock.freeze(NOW)
    yield
    monkeypatch.undo()
    time_module.tzset()


def at(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("today", NOW),  # a day alone that is today is now
        ("Today", NOW),
        ("yesterday", at(2026, 12, 6)),  # another day alone is its midday
        ("tomorrow", at(2026, 12, 8)),
        ("yesterday 3pm", at(2026, 12, 6, 15)),
        ("yesterday at 9:15am", at(2026, 12, 6, 9, 15)),
        ("last friday 3pm", at(2026, 12, 4, 15)),
        ("last friday", at(2026, 12, 4)),
        ("friday", at(2026, 12, 4)),
        ("next friday", at(2026, 12, 11)),
        ("last monday", at(2026, 11, 30)),  # today is Monday: the one before
        ("monday", NOW),
        ("next mon", at(2026, 12, 14)),
        ("this friday", at(2026, 12, 11)),  # in this week
        ("this sunday 10am", at(2026, 12, 13, 10)),
        ("3 days ago", NOW - timedelta(days=3)),
        ("2 weeks ago", NOW - timedelta(weeks=2)),
        ("a week ago", NOW - timedelta(weeks=1)),
        ("two hours ago", NOW - timedelta(hours=2)),
        ("in 30 minutes", NOW + timedelta(minutes=30)),
        ("a month ago", at(2026, 11, 7, 12, 30)),
        ("1 year ago", at(2025, 12, 7, 12, 30)),
        ("last week", NOW - timedelta(weeks=1)),
        ("next month", at(2027, 1, 7, 12, 30)),
        ("2026-11-03", at(2026, 11, 3)),
        ("2026-11-03 14:30", at(2026, 11, 3, 14, 30)),
        ("2026-11-03T14:30+01:00", at(2026, 11, 3, 13, 30)),
        ("2026-11-03 3pm", at(2026, 11, 3, 15)),
        ("2026/11/03", at(2026, 11, 3)),
        ("nov 3", at(2026, 11, 3)),
        ("November 3rd, 2025", at(2025, 11, 3)),
        ("3 Nov 2026 noon", at(2026, 11, 3, 12)),
        ("at 9", at(2026, 12, 7, 9)),
        ("15:45", at(2026, 12, 7, 15, 45)),
        ("midnight", at(2026, 12, 7, 0)),
        ("tonight", at(2026, 12, 7, 20)),
        ("  Last   FRIDAY  3 PM ", at(2026, 12, 4, 15)),
    ],
)
def test_phrases_are_read_against_the_clock(text: str, expected: datetime) -> None:
    assert parse_when(text) == expected
    assert parse_date(text) == expected.date()


def test_a_month_back_from_the_31st_is_the_end_of_the_shorter_month() -> None:
    clock.freeze(datetime(2026, 3, 31, 10, tzinfo=UTC))
    assert parse_date("a month ago") == date(2026, 2, 28)


def test_phrases_are_in_the_users_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time_module.tzset()
    clock.freeze(datetime(2026, 12, 8, 3, 0, tzinfo=UTC))  # still the 7th in New York
    assert parse_date("today") == date(2026, 12, 7)
    assert parse_when("yesterday 3pm") == datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    assert parse_when("3 hours ago") == datetime(2026, 12, 8, 0, 0, tzinfo=UTC)
    summer = parse_when("2026-07-01 09:00")  # daylight saving time: UTC-4
    assert summer == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        *("soon", "3 days", "in 3 days ago", "13pm", "feb 30", "May", "nov 3 25", "the 3rd", "9"),
        *("99999999 years ago", "last fortnight", "x" * 100, "2026-13-01", "yesterday 25:00"),
    ],
)
def test_what_is_not_a_date_is_one_clear_error_naming_the_option(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"^--at: '.*' is not a date \(try 2026-03-14"):
        parse_when(text, "--at")
    with pytest.raises(InvalidInput, match=r"^learned on: .* is not a date"):
        parse_date(text, "learned on")


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_iso_days_round_trip(day: date) -> None:
    assert parse_date(day.isoformat()) == day


@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9000, 1, 1)),
    st.sampled_from(["minutes", "seconds"]),
)
def test_iso_times_round_trip(moment: datetime, timespec: str) -> None:
    moment = moment.replace(microsecond=0, second=0 if timespec == "minutes" else moment.second)
    assert parse_when(moment.isoformat(timespec=timespec)) == moment.replace(tzinfo=UTC)
    assert parse_when(moment.isoformat(sep=" ", timespec=timespec)) == moment.replace(tzinfo=UTC)


WORDS = st.sampled_from(
    [
        *("last", "next", "this", "in", "ago", "at", "a", "3", "12", "friday", "nov", "pm", "am"),
        *("days", "weeks", "month", "noon", "2026-11-03", "15:00", ":", "-", "/", "today"),
    ]
)


@given(st.one_of(st.text(max_size=80), st.lists(WORDS, max_size=6).map(" ".join)))
def test_any_text_is_a_moment_or_the_clear_error(text: str) -> None:
    try:
        moment = parse_when(text, "--at")
    except InvalidInput as exc:
        assert str(exc).startswith("--at: ") and "\n" not in str(exc)
    else:
        assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)


def test_a_day_at_midday_local_time_is_what_the_forms_get() -> None:
    assert parse_when("2026-01-02") == datetime.combine(date(2026, 1, 2), time(12), tzinfo=UTC)
