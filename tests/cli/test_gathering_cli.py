"""Gatherings through the CLI, in-process: add, list, attended, met, remove, export."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import recurring_ical_events
from icalendar import Calendar

from kithkin import clock

Run = Any


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.code == 0, result.err
    return str(result.out)


def test_a_gathering_is_added_listed_attended_and_removed(run: Run) -> None:
    clock.freeze(datetime(2026, 3, 20, 12, tzinfo=UTC))
    said = _ok(
        run, "gathering", "add", "Paris CTO lunch", "--rrule", "FREQ=WEEKLY;BYDAY=TH",
        "--at", "12:30", "--tz", "Europe/Paris", "--from", "2026-02-01", "--platform", "Café",
        "--group", "Paris CTOs",
    )  # fmt: skip
    assert "weekly on Thursday at 12:30 (Europe/Paris)" in said
    assert "2026-03-26" in said  # next up
    assert "attended" in _ok(run, "gathering", "attended", "paris", "--date", "2026-03-19")
    assert "already said" in _ok(run, "gathering", "attended", "paris", "--date", "2026-03-19")
    _ok(run, "gathering", "attended", "#1", "--date", "2026-03-12")
    found = json.loads(_ok(run, "gathering", "list", "--json"))
    [g] = found["gatherings"]
    assert g["gathering"]["group_name"] == "Paris CTOs"
    assert g["next_at"] == "2026-03-26T11:30:00+00:00"
    # Feb 5..Mar 19: 7 Thursdays, the last two attended, one miss forgiven
    assert (g["habit"]["attended"], g["habit"]["forgiven"], g["habit"]["missed"]) == (2, 1, 4)
    assert [m["state"] for m in g["habit"]["marks"]][-2:] == ["attended", "attended"]
    assert "removed #1" in _ok(run, "gathering", "remove", "Paris CTO lunch")
    assert "no gatherings yet" in _ok(run, "gathering")


def test_bad_input_is_one_line_and_nothing_is_stored(run: Run) -> None:
    bad = run("gathering", "add", "X", "--rrule", "FREQ=MINUTELY", "--at", "10:00")
    assert bad.code == 1 and bad.err.count("\n") == 1 and "at most daily" in bad.err
    bad = run("gathering", "add", "X", "--rrule", "FREQ=DAILY", "--at", "10:00", "--tz", "No/Where")
    assert bad.code == 1 and "not a time zone" in bad.err
    bad = run("gathering", "attended", "nothing here")
    assert bad.code == 1 and "no gathering named" in bad.err
    assert "no gatherings yet" in _ok(run, "gathering", "list")


def test_people_met_at_a_gathering(run: Run) -> None:
    clock.freeze(datetime(2026, 3, 20, 12, tzinfo=UTC))
    _ok(run, "person", "add", "Dana Whitfield")
    _ok(run, "gathering", "add", "Lunch", "--rrule", "FREQ=WEEKLY;BYDAY=TH", "--at", "12:30")
    said = _ok(run, "gathering", "met", "Lunch", "Dana", "--date", "2026-03-19")
    assert "met #1 Dana Whitfield at Lunch (2026-03-19)" in said
    found = json.loads(_ok(run, "gathering", "list", "--json"))
    assert found["gatherings"][0]["met"] == [
        {"person_id": 1, "display_name": "Dana Whitfield", "day": "2026-03-19"}
    ]


def test_the_exported_calendar_parses_back_with_the_same_occurrences(
    run: Run, tmp_path: Path
) -> None:
    clock.freeze(datetime(2026, 3, 1, 12, tzinfo=UTC))
    _ok(
        run, "gathering", "add", "NYC breakfast", "--rrule", "FREQ=MONTHLY;BYDAY=1TU",
        "--at", "08:00", "--tz", "America/New_York", "--from", "2026-01-01",
        "--link", "https://meet.example/nyc", "--hashtag", "#nycbreakfast",
    )  # fmt: skip
    path = tmp_path / "g.ics"
    assert "1 gathering" in _ok(run, "gathering", "export", "--ics", str(path))
    cal = Calendar.from_ical(path.read_bytes())
    assert cal.walk("VTIMEZONE")  # Outlook needs the zone's definition
    found = recurring_ical_events.of(cal).between(date(2026, 3, 1), date(2026, 6, 1))
    starts = [e.decoded("DTSTART") for e in found]
    assert [(s.date(), s.hour, s.utcoffset().total_seconds() / 3600) for s in starts] == [
        (date(2026, 3, 3), 8, -5),
        (date(2026, 4, 7), 8, -4),  # after the clocks moved on 8 March
        (date(2026, 5, 5), 8, -4),
    ]
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == "gathering-1@kithkin"
    assert "#nycbreakfast" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == "https://meet.example/nyc"


def test_the_feed_address_is_kept_until_renewed(run: Run) -> None:
    first = _ok(run, "gathering", "feed").strip()
    assert first.startswith("http://127.0.0.1:8765/feed/") and first.endswith(".ics")
    assert _ok(run, "gathering", "feed").strip() == first
    assert _ok(run, "gathering", "feed", "--new").strip() != first


def test_a_gathering_picked_from_a_calendar_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "mine.ics"
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:run-1\r\n"
        "SUMMARY:Friday run\r\nDTSTART;TZID=Europe/Paris:20260102T073000\r\n"
        "DURATION:PT1H\r\nRRULE:FREQ=WEEKLY;BYDAY=FR\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    listed = _ok(run, "gathering", "calendar", str(path))
    assert "run-1" in listed and "Friday run: FREQ=WEEKLY;BYDAY=FR" in listed
    said = _ok(run, "gathering", "add", "--from-calendar", "run-1", "--file", str(path))
    assert "added #1 Friday run: weekly on Friday at 07:30 (Europe/Paris)" in said
    bad = run("gathering", "add", "--from-calendar", "nope", "--file", str(path))
    assert bad.code == 1 and "no recurring event" in bad.err
    gone = run("gathering", "calendar", str(tmp_path / "missing.ics"))
    assert gone.code == 1 and "no such calendar file" in gone.err
