"""The window of calendar imports: given for one import, kept as the calendar_window setting."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.services import calendar
from kithkin.store import Database
from tests.builders.mail import as_me, event, ics

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
DANA = "ATTENDEE;CN=Dana;PARTSTAT=ACCEPTED:mailto:dana@acme.example"


def test_the_window_given_the_one_kept_and_the_defaults(db: Database, tmp_path: Path) -> None:
    clock.freeze(NOW)
    as_me(db)
    assert calendar.window(db) == calendar.CalendarWindow(730, 365, 2000)
    old = ics(tmp_path, event("old", "20200310T090000Z", "Long ago", DANA))
    assert calendar.import_calendar(db, paths=[old]).events == 0  # five years back
    wide = calendar.import_calendar(db, paths=[old], past_days=3650)
    assert (wide.events, wide.meetings) == (1, 1)
    assert calendar.window(db).past_days == 730  # for that import only
    kept = calendar.import_calendar(db, paths=[old], past_days=3650, remember=True)
    assert kept.unchanged == 1
    assert calendar.window(db) == calendar.CalendarWindow(3650, 365, 2000)
    assert calendar.set_window(db, max_occurrences=50) == calendar.CalendarWindow(3650, 365, 50)
    daily = ics(
        tmp_path, event("d", "20250301T090000Z", "Daily", DANA, "RRULE:FREQ=DAILY"), name="d.ics"
    )
    summary = calendar.import_calendar(db, paths=[daily])
    assert summary.events == 50 and summary.clipped[0].kept == 50


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"past_days": -1}, "past_days must be between 0 and 36,500, not -1"),
        ({"future_days": 10_000}, "future_days must be between 0 and 3,650, not 10000"),
        ({"max_occurrences": 0}, "max_occurrences must be between 1 and 100,000, not 0"),
    ],
)
def test_a_window_out_of_range_is_refused(
    db: Database, tmp_path: Path, given: dict[str, int], message: str
) -> None:
    path = ics(tmp_path, event("x", "20250310T090000Z", "X", DANA))
    with pytest.raises(InvalidInput, match=message):
        calendar.import_calendar(db, paths=[path], **given)
    with pytest.raises(InvalidInput, match=message):
        calendar.set_window(db, **given)
