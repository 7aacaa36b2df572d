"""The demo's gatherings and practice: the Gatherings and Review pages show a real picture
out of the box — gatherings with a year of attendance, people met there, reflections, and a
review whose charts have something to draw."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kithkin import clock
from kithkin.demo import build_demo
from kithkin.services import gatherings, review
from kithkin.store import Database

TODAY = date(2026, 3, 14)  # a Saturday
NOW = datetime(2026, 3, 14, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = Database(f"sqlite:///{Path(tmp_path_factory.mktemp('demo')) / 'demo.db'}")
    build_demo(db, seed=7, today=TODAY)
    yield db
    db.dispose()


def test_the_demo_has_gatherings_kept_as_a_habit(demo: Database) -> None:
    clock.freeze(NOW)
    found = gatherings.gatherings(demo, now=NOW).gatherings
    assert len(found) == 3
    for s in found:
        assert s.habit.attended >= 5 and 0.3 < s.habit.score <= 1.0
        assert s.met and s.next_at is not None and s.next_at > NOW
        assert s.habit.marks[-1].state == "attended"
    assert any(s.gathering.link for s in found) and any(s.gathering.group_name for s in found)


def test_the_demo_review_has_a_picture(demo: Database) -> None:
    clock.freeze(NOW)
    found = review.review(demo, now=NOW)
    assert found.week == date(2026, 3, 9)
    assert sum(w.mine for w in found.touches) > 100 and sum(w.theirs for w in found.touches) > 50
    assert len(found.circle) == 10 and all(0 < p.value <= 100 for p in found.circle_strength)
    assert sum(p.value for p in found.heatmap) > 0
    assert found.gatherings  # a weekly chat and a Friday run in the week
    reflections = [
        r
        for k in range(4)
        for r in review.review(demo, now=NOW, week=TODAY - timedelta(weeks=k)).reflections
    ]
    assert reflections
    goals = {g.name: g for g in found.goals}
    assert goals["conversations"].actual and goals["gatherings"].actual
