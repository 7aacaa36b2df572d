"""Gatherings picked from real calendars (../shared/data/calendars): the rule read again from
the file walks to the same occurrences the import expanded (recurring-ical-events), time
zones and DST included; past occurrences count as attended; no file makes the rule reader
fail or hang."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kithkin import clock
from kithkin.errors import InvalidInput, NoSuchLocation
from kithkin.ingest.calendar import import_calendar
from kithkin.practices import gatherings as practice
from kithkin.services import gatherings
from kithkin.sources.calendar import EventRecord, read_calendar
from kithkin.sources.calendar_series import series_rules
from kithkin.store import Database
from tests.builders.mail import ME, as_me, event, ics
from tests.conftest import shared_data

pytestmark = pytest.mark.corpus

CALENDARS = ("calendars", "recurring-ical-events", "recurring_ical_events", "test", "calendars")
# recurring series with a time of day, no RDATE and no moved occurrences: the rule alone
# gives every occurrence, EXDATEs aside (the rule has none: a skipped week is a skipped week)
FILES = (
    "each_week_but_one_deleted.ics",
    "each_week_but_two_deleted.ics",
    "event_10_times.ics",
    "issue_48_dst.ics",
    "issue_4_rrule_until.ics",
    "one_event_repeat_every_3_days.ics",
    "issue_20_exdate_ignored.ics",
    "issue_27_t2.ics",
    "issue_48_daylight_aware_repeats.ics",
    "duplicated_rrule.ics",
    "three_events.ics",
    "alarm_of_repeated_event.ics",
)


@pytest.mark.parametrize("name", FILES)
def test_a_gathering_from_a_calendar_repeats_as_the_calendar_does(db: Database, name: str) -> None:
    path = shared_data(*CALENDARS, name)
    rules = series_rules(path)
    assert rules, f"{name}: no recurring series read"
    first = min(rule.start for rule in rules.values())
    start = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=2)
    end = start + timedelta(days=400)
    expanded: dict[str, set[datetime]] = {}
    for item in read_calendar(path, start=start, end=end, zone=UTC):
        if isinstance(item, EventRecord):
            expanded.setdefault(item.uid, set()).add(item.start)
    clock.freeze(end)
    text = path.read_text(encoding="utf-8", errors="replace")
    text = text.replace("\r\n ", "").replace("\n ", "")  # unfolded
    excluded = sum(
        line.count(",") + 1 for line in text.splitlines() if line.upper().startswith("EXDATE")
    )
    compared = 0
    for n, uid in enumerate(rules):
        g = gatherings.add_from_calendar(db, uid=uid, path=path, name=f"{name} {n}")
        if uid not in expanded:
            continue  # it happens outside the window
        found = set(practice.occurrences(g, start, end))
        kept = expanded[uid]
        # every occurrence the calendar library expands is one the rule walks to, at the
        # same instant (DST included); the rule adds only the days the file excluded
        assert kept <= found, (name, sorted(kept - found)[:3])
        assert len(found - kept) <= excluded, sorted(found - kept)[:3]
        compared += len(kept)
    assert compared


def test_past_occurrences_of_an_imported_meeting_count_as_attended(
    db: Database, tmp_path: Path
) -> None:
    path = ics(
        tmp_path,
        event(
            "cio-lunch", "20250107T120000Z", "CIO lunch",
            "RRULE:FREQ=WEEKLY;BYDAY=TU", "EXDATE:20250121T120000Z",
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
            "ATTENDEE;CN=Dana Whitfield;PARTSTAT=ACCEPTED:mailto:dana@acme.example",
        ),
    )  # fmt: skip
    now = datetime(2025, 2, 12, 12, tzinfo=UTC)
    clock.freeze(now)
    as_me(db)
    import_calendar(db, [path])
    [series] = gatherings.calendar_series(db)
    assert (series.uid, series.summary) == ("cio-lunch", "CIO lunch")
    g = gatherings.add_from_calendar(db, uid="cio-lunch", group="CIO Forum")
    assert (g.rrule, g.at_time, g.tz) == ("FREQ=WEEKLY;BYDAY=TU", "12:00", "UTC")
    status = gatherings.gathering(db, gathering="CIO lunch", now=now)
    # 7, 14, 28 January and 4, 11 February: the 21st was excluded from the calendar
    assert [m.state for m in status.habit.marks] == [
        "attended", "attended", "forgiven", "attended", "attended", "attended"
    ]  # fmt: skip
    assert status.next_at == datetime(2025, 2, 18, 12, tzinfo=UTC)


def test_the_rule_reader_survives_every_calendar_of_the_corpora() -> None:
    root = shared_data("calendars")
    files = sorted(root.rglob("*.ics"))
    assert len(files) > 90
    began = time.monotonic()
    kept = 0
    for path in files:
        for rule in series_rules(path).values():
            kept += 1
            try:
                practice.check_rule(rule.rrule, rule.tz or "UTC")
            except practice.BadRule as exc:
                assert str(exc)  # refused in one line, as the user would see it
    assert kept > 30
    assert time.monotonic() - began < 60


def test_a_series_whose_file_is_gone_is_refused_in_one_line(db: Database, tmp_path: Path) -> None:
    path = ics(
        tmp_path,
        event("standup", "20250107T090000Z", "Standup", "RRULE:FREQ=DAILY",
              f"ATTENDEE:mailto:{ME}", "ATTENDEE:mailto:lee@acme.example"),
    )  # fmt: skip
    clock.freeze(datetime(2025, 1, 20, tzinfo=UTC))
    as_me(db)
    import_calendar(db, [path])
    path.unlink()
    with pytest.raises(InvalidInput, match="cannot be read again"):
        gatherings.add_from_calendar(db, uid="standup")
    with pytest.raises(NoSuchLocation):
        gatherings.add_from_calendar(db, uid="standup", path=path)
