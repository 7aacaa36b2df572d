"""The weekly review against a small network whose every number is known: the touches per
week (mine and theirs), the goals, the circle's due dates, the habit, reflections."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.services import amplify, circle, gatherings, interactions, review, service
from kithkin.store import Database
from kithkin.store import intros as store_intros
from tests.builders.people import person

NOW = datetime(2026, 3, 18, 12, tzinfo=UTC)  # a Wednesday
MONDAY = date(2026, 3, 16)


def _log(db: Database, who: int, kind: str, direction: str, days_ago: float) -> int:
    at = NOW - timedelta(days=days_ago)
    return interactions.log(db, kind=kind, people=[who], at=at, direction=direction).id


@pytest.fixture
def network(db: Database) -> dict[str, int]:
    clock.freeze(NOW - timedelta(days=120))
    dana = person(db, "Dana Whitfield")
    sam = person(db, "Sam Okafor")
    circle.add_members(db, people=[dana], cadence_days=14)
    clock.freeze(NOW)
    _log(db, dana, "email", "from_me", 1)  # this week: mine
    _log(db, dana, "email", "to_me", 1.5)  # this week: theirs
    _log(db, sam, "coffee", "both", 2)  # this week: mine (we met)
    _log(db, sam, "email", "to_me", 8)  # last week: theirs
    _log(db, dana, "call", "from_me", 30)  # four weeks before this one: mine
    return {"dana": dana, "sam": sam}


def test_touches_per_week_mine_and_theirs(db: Database, network: dict[str, int]) -> None:
    found = review.review(db, now=NOW)
    assert found.week == MONDAY and found.last_day == date(2026, 3, 22)
    assert len(found.touches) == 12 and found.touches[-1].week == MONDAY
    assert (found.touches[-1].mine, found.touches[-1].theirs) == (2, 1)
    assert (found.touches[-2].mine, found.touches[-2].theirs) == (0, 1)
    assert sum(w.mine for w in found.touches) == 3
    assert sum(w.theirs for w in found.touches) == 2


def test_goals_are_filled_from_the_data(db: Database, network: dict[str, int]) -> None:
    review.set_goals(db, conversations=2, minutes=90)
    found = review.review(db, now=NOW)
    goals = {g.name: g for g in found.goals}
    # Dana: we both wrote; Sam: we met
    assert (goals["conversations"].actual, goals["conversations"].target) == (2, 2)
    assert goals["gatherings"].actual == 0
    assert (goals["intros"].actual, goals["shares"].actual, goals["favours"].actual) == (0, 0, 0)
    assert found.budget_minutes == 90
    assert found.minutes == 30  # the coffee, logged without a calendar event


def test_intros_shares_and_favours_are_counted_in_their_week(
    db: Database, network: dict[str, int]
) -> None:
    dana, sam = network["dana"], network["sam"]
    amplify.log_share(db, kind="own", note="my talk", at=NOW - timedelta(days=1))
    amplify.log_share(db, kind="amplify", of=f"#{dana}", at=NOW - timedelta(days=2))
    amplify.log_share(db, kind="own", note="last week", at=NOW - timedelta(days=7))
    service.gave(db, person=f"#{sam}", text="introduced him to our architects")
    service.asked(db, person=f"#{dana}", text="a reference")  # asked: no favour given
    lee = person(db, "Lee Park")
    with db.write() as conn:
        made = store_intros.create(conn, a_id=dana, b_id=sam, why="both run ERP moves", parties=[])
        store_intros.set_status(conn, made.id, "introduced", introduced_at=NOW)
        store_intros.create(conn, a_id=sam, b_id=lee, why="not yet introduced", parties=[])
    goals = {g.name: g.actual for g in review.review(db, now=NOW).goals}
    assert (goals["intros"], goals["shares"], goals["favours"]) == (1, 2, 1)
    earlier = {g.name: g.actual for g in review.review(db, now=NOW - timedelta(days=7)).goals}
    assert (earlier["intros"], earlier["shares"], earlier["favours"]) == (0, 1, 0)


def test_the_circle_timeline_has_its_due_dates(db: Database, network: dict[str, int]) -> None:
    found = review.review(db, now=NOW)
    [line] = found.circle
    assert line.cadence == 14
    touched = NOW.date() - timedelta(days=30)
    assert touched in line.touches
    assert [(d.day, d.state) for d in line.due] == [(touched + timedelta(days=14), "missed")]
    assert found.missed == [] and found.kept == [(network["dana"], "Dana Whitfield")]


def test_the_default_week_on_monday_is_the_one_that_ended(db: Database) -> None:
    found = review.review(db, now=datetime(2026, 3, 16, 12, tzinfo=UTC))
    assert found.week == date(2026, 3, 9)
    assert review.review(db, now=NOW, week="2026-03-04").week == date(2026, 3, 2)


def test_gatherings_count_in_the_goals_and_the_heatmap(db: Database) -> None:
    clock.freeze(NOW)
    gatherings.add_gathering(
        db, name="Lunch", rrule="FREQ=WEEKLY;BYDAY=TU", at="12:00", tz="UTC", first_day="2026-01-01"
    )
    gatherings.attended(db, gathering="Lunch", day="2026-03-17")
    found = review.review(db, now=NOW)
    assert found.gatherings == [("Lunch", date(2026, 3, 17))]
    assert {g.name: g.actual for g in found.goals}["gatherings"] == 1
    heat = {p.day: p.value for p in found.heatmap}
    assert heat[date(2026, 3, 17)] == 1.0 and len(found.heatmap) == 26 * 7
    assert found.minutes == 60


def test_a_reflection_can_become_a_story_fact(db: Database, network: dict[str, int]) -> None:
    pending = review.pending(db, now=NOW)
    [coffee] = [p for p in pending if p.kind == "meeting"]
    assert coffee.people == [(network["sam"], "Sam Okafor")]
    meeting_id = int(coffee.key.split(":")[1])
    done = review.reflect(
        db, text="Sam is moving to Lisbon in May.", meeting=meeting_id, story_field="origin"
    )
    assert done.person_id == network["sam"] and done.story_fact_id is not None
    assert review.pending(db, now=NOW) == []
    found = review.review(db, now=NOW)
    assert found.reflections[0][2] == "Sam is moving to Lisbon in May."
    assert found.learned == [
        (network["sam"], "Sam Okafor", ["origin: Sam is moving to Lisbon in May."])
    ]
    with pytest.raises(InvalidInput):
        review.reflect(db, text="   ", meeting=meeting_id)
    with pytest.raises(InvalidInput):
        review.reflect(db, text="x", meeting=meeting_id, gathering="Lunch")


def test_bad_goals_are_refused(db: Database) -> None:
    with pytest.raises(InvalidInput, match="not a whole number"):
        review.set_goals(db, conversations="lots")
    with pytest.raises(InvalidInput, match="unknown goal"):
        review.set_goals(db, naps=3)
    assert review.goals(db)["conversations"] == 5


def test_gatherings_attended_lately_are_the_habits_attended_marks(db: Database) -> None:
    """What "how did it go?" reads of gatherings (their recent occurrences I attended) is
    what each habit marks attended over those days, in every zone and at every hour."""
    clock.freeze(NOW)
    gatherings.add_gathering(
        db, name="Lunch", rrule="FREQ=WEEKLY;BYDAY=TU", at="12:00", tz="UTC", first_day="2026-01-01"
    )
    gatherings.add_gathering(
        db,
        name="Standup",
        rrule="FREQ=DAILY",
        at="23:30",
        tz="Pacific/Auckland",
        minutes="90",
        first_day="2026-02-01",
    )
    gatherings.add_gathering(
        db, name="Club", rrule="FREQ=WEEKLY;BYDAY=MO,TH", at="07:00", tz="America/Los_Angeles"
    )
    for name, day in [
        ("Lunch", "2026-03-17"),
        ("Lunch", "2026-03-11"),  # a day off the occurrence: still counts
        ("Standup", "2026-03-15"),
        ("Standup", "2026-03-17"),
        ("Club", "2026-03-16"),
    ]:
        gatherings.attended(db, gathering=name, day=day)
    seen = 0
    for hours in range(0, 24 * 9, 5):
        now = NOW - timedelta(days=8) + timedelta(hours=hours)
        since = now - timedelta(days=3)
        expected = [
            (s.gathering.name, m.day)
            for s in gatherings.gatherings(db, now=now).gatherings
            for m in s.habit.marks
            if m.state == "attended" and m.day >= since.date()
        ]
        found = gatherings.attended_lately(db, since=since, now=now)
        assert [(g.name, day) for g, day, _ in found] == expected
        seen += len(expected)
    assert seen > 10
    assert [p.key.split(":")[2] for p in review.pending(db, now=NOW) if p.kind == "gathering"]


def test_the_first_pending_reflections_are_read_without_reading_them_all(db: Database) -> None:
    """Today asks for the latest five meetings not reflected on (`limit`): read a day at a
    time, they are the first five of the whole list, whatever the days, hours, titles and
    reflections already written."""
    import random

    clock.freeze(NOW - timedelta(days=30))
    people = [person(db, f"Person {n}") for n in range(6)]
    clock.freeze(NOW)
    rng = random.Random(7)
    for n in range(45):
        kind = rng.choice(["coffee", "call", "meeting", "meal", "email", "note"])
        at = NOW - timedelta(hours=rng.uniform(0.5, 80))
        subject = rng.choice([None, f"Topic {n % 7}", "Budget"])
        interactions.log(
            db, kind=kind, people=[rng.choice(people)], at=at, direction="both", subject=subject
        )
    everything = review.pending(db, now=NOW)
    assert len(everything) > 10
    for meeting in everything[1:9:3]:  # some reflected on: they are left out at every limit
        review.reflect(db, text="went well", meeting=int(meeting.key.split(":")[1]))
    everything = review.pending(db, now=NOW)
    for limit in range(1, 12):
        assert review.pending(db, now=NOW, limit=limit) == everything[:limit]
