"""Gatherings as a practice: the occurrences of a rule in its zone (DST included), and the
habit score that forgives a missed week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.model import Gathering
from kithkin.practices import gatherings as practice


def weekly(**changes: object) -> Gathering:
    values: dict[str, object] = {
        "id": 1,
        "name": "Thursday lunch",
        "rrule": "FREQ=WEEKLY;BYDAY=TH",
        "first_day": date(2026, 1, 1),
        "at_time": "12:30",
        "tz": "Europe/Paris",
        "minutes": 60,
    }
    values.update(changes)
    return Gathering(**values)  # type: ignore[arg-type]


def test_the_local_time_stays_put_across_daylight_saving() -> None:
    g = weekly()
    found = practice.occurrences(
        g, datetime(2026, 3, 15, tzinfo=UTC), datetime(2026, 4, 6, tzinfo=UTC)
    )
    # Paris moves its clocks on 29 March 2026: 12:30 is 11:30 UTC before, 10:30 after
    assert [(o.date(), o.hour, o.minute) for o in found] == [
        (date(2026, 3, 19), 11, 30),
        (date(2026, 3, 26), 11, 30),
        (date(2026, 4, 2), 10, 30),
    ]


def test_a_time_the_clocks_skip_is_the_same_time_after_the_jump() -> None:
    g = weekly(rrule="FREQ=DAILY", at_time="02:30", first_day=date(2026, 3, 28))
    found = practice.occurrences(
        g, datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC)
    )
    assert [o.astimezone(practice.zone_of(g)).strftime("%d %H:%M") for o in found] == [
        "28 02:30",
        "29 03:30",
        "30 02:30",
    ]


def test_monthly_on_the_first_tuesday_in_new_york() -> None:
    g = weekly(rrule="FREQ=MONTHLY;BYDAY=1TU", at_time="18:00", tz="America/New_York")
    found = practice.occurrences(
        g, datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)
    )
    assert [o.astimezone(practice.zone_of(g)).date() for o in found] == [
        date(2026, 2, 3),
        date(2026, 3, 3),
        date(2026, 4, 7),
    ]
    assert {o.astimezone(practice.zone_of(g)).hour for o in found} == {18}


def test_until_in_utc_is_read_in_the_gatherings_zone() -> None:
    rule = practice.check_rule("RRULE:freq=weekly;until=20260212T113000Z", "Europe/Paris")
    assert rule == "FREQ=WEEKLY;UNTIL=20260212T123000"
    g = weekly(rrule=rule)
    found = practice.occurrences(
        g, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    )
    assert len(found) == 7  # 1 Jan to 12 Feb, the last one included


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        ("FREQ=HOURLY", "at most daily"),
        ("FREQ=SECONDLY", "at most daily"),
        ("", "not a recurrence rule"),
        ("DTSTART:20260101T000000;FREQ=DAILY", "without DTSTART"),
        ("FREQ=WEEKLY;BYDAY=XX", "cannot be read"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never happens"),
        ("FREQ=WEEKLY;COUNT=0", "never happens"),
    ],
)
def test_rules_a_gathering_cannot_have_are_refused_in_one_line(rule: str, said: str) -> None:
    with pytest.raises(practice.BadRule, match=said):
        practice.check_rule(rule)


def test_times_and_zones_are_checked() -> None:
    assert practice.check_time("9:05") == "09:05"
    with pytest.raises(practice.BadRule):
        practice.check_time("25:00")
    with pytest.raises(practice.BadRule):
        practice.check_zone("Mars/Olympus")


def test_one_missed_week_is_forgiven_and_the_run_goes_on() -> None:
    days = [date(2026, 1, 1) + timedelta(weeks=k) for k in range(10)]
    went = [d for d in days if d != days[5]]
    h = practice.habit(days, went, skip_budget=1)
    assert (h.attended, h.missed, h.forgiven, h.run) == (9, 0, 1, 10)
    assert h.marks[5].state == "forgiven"


def test_a_second_miss_within_eight_is_not_forgiven() -> None:
    days = [date(2026, 1, 1) + timedelta(weeks=k) for k in range(10)]
    went = [d for d in days if d not in (days[3], days[6])]
    h = practice.habit(days, went, skip_budget=1)
    assert [m.state for m in h.marks][3:7] == ["forgiven", "attended", "attended", "missed"]
    assert h.run == 3


def test_the_score_is_loops_exponential_average() -> None:
    days = [date(2026, 1, 1) + timedelta(weeks=k) for k in range(4)]
    m = 0.5 ** (1 / (13 * (1 / 7) ** 0.5))
    h = practice.habit(days, days, skip_budget=0)
    assert h.score == pytest.approx(1 - m**4)
    missed_last = practice.habit(days, days[:3], skip_budget=0)
    assert missed_last.score == pytest.approx((1 - m**3) * m)


def test_attendance_a_day_off_still_counts_a_moved_meeting() -> None:
    days = [date(2026, 1, 1), date(2026, 1, 8)]
    h = practice.habit(days, [date(2026, 1, 2), date(2026, 1, 7)], skip_budget=0)
    assert h.attended == 2


@given(
    st.lists(st.booleans(), min_size=0, max_size=60),
    st.integers(min_value=0, max_value=3),
)
def test_habit_scores_stay_in_bounds_and_count_every_occurrence(
    kept: list[bool], budget: int
) -> None:
    days = [date(2025, 1, 1) + timedelta(weeks=k) for k in range(len(kept))]
    h = practice.habit(days, [d for d, k in zip(days, kept, strict=True) if k], budget)
    assert 0.0 <= h.score <= 1.0
    assert h.attended + h.missed + h.forgiven == len(days)
    assert h.attended == sum(kept)
    # forgiven: never more than the budget in any eight in a row
    states = [m.state for m in h.marks]
    for i in range(len(states)):
        assert states[i : i + practice.WINDOW].count("forgiven") <= budget


@given(
    st.sampled_from(["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=MONTHLY;BYMONTHDAY=-1"]),
    st.sampled_from(["Europe/Paris", "America/New_York", "Australia/Sydney", "UTC"]),
    st.integers(min_value=0, max_value=23),
)
def test_every_occurrence_is_at_the_wall_clock_time_asked(rule: str, tz: str, hour: int) -> None:
    g = weekly(rrule=rule, tz=tz, at_time=f"{hour:02d}:15", first_day=date(2025, 1, 1))
    found = practice.occurrences(
        g, datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert found == sorted(found)
    for o in found:
        local = o.astimezone(practice.zone_of(g))
        assert local.minute == 15
        # the hour is the one asked, or the one after when the clocks skipped it
        assert local.hour in (hour, (hour + 1) % 24)


def test_describe_says_the_rule_in_words() -> None:
    assert practice.describe(weekly()) == "weekly on Thursday at 12:30 (Europe/Paris)"
    assert practice.describe(weekly(rrule="FREQ=MONTHLY;BYDAY=1TU")) == (
        "monthly on the first Tuesday at 12:30 (Europe/Paris)"
    )
