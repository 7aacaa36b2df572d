"""Calendar reading: recurrence, time zones, attendees, and every real calendar in the corpus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin.sources.calendar import ClippedEvent, EventRecord, read_calendar
from kithkin.sources.records import SourceProblem
from tests.conftest import shared_data

WIDE = {"start": datetime(1990, 1, 1, tzinfo=UTC), "end": datetime(2031, 1, 1, tzinfo=UTC)}
BERLIN = ZoneInfo("Europe/Berlin")


def _events(path: Path, **window: datetime) -> list[EventRecord]:
    out = list(read_calendar(path, zone=UTC, **(window or WIDE)))
    assert not [r for r in out if isinstance(r, SourceProblem)]
    return [r for r in out if isinstance(r, EventRecord)]


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "cal.ics"
    text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kithkin tests//EN\r\n" + body
    path.write_text(text + "END:VCALENDAR\r\n", encoding="utf-8")
    return path


def test_weekly_meeting_across_a_dst_change_keeps_local_time(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "BEGIN:VEVENT\r\nUID:weekly-1\r\nSUMMARY:Leadership sync\r\n"
        "DTSTART;TZID=Europe/Berlin:20250320T090000\r\nDTEND;TZID=Europe/Berlin:20250320T093000\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=3\r\nEXDATE;TZID=Europe/Berlin:20250327T090000\r\n"
        "ORGANIZER;CN=Alex Morgan:mailto:Alex@Corp.example\r\n"
        "ATTENDEE;CN=Dana Whitfield;PARTSTAT=ACCEPTED:mailto:dana@acme.example\r\n"
        "ATTENDEE;CN=Alex Morgan;PARTSTAT=DECLINED:mailto:alex@corp.example\r\n"
        "END:VEVENT\r\n",
    )
    events = _events(path)
    assert [e.start.astimezone(BERLIN).strftime("%m-%d %H:%M") for e in events] == [
        "03-20 09:00",
        "04-03 09:00",  # the 27th is excluded; the 3rd is after the switch to summer time
    ]
    assert [e.start.hour for e in events] == [8, 7]  # in UTC
    assert all(e.end - e.start == timedelta(minutes=30) for e in events)
    first = events[0]
    assert first.source_id == f"weekly-1@{first.start.isoformat()}"
    assert first.recurring and first.organizer is not None
    assert first.organizer.address == "alex@corp.example"
    assert [(a.name, a.address, a.partstat) for a in first.attendees] == [
        ("Dana Whitfield", "dana@acme.example", "ACCEPTED"),
        ("Alex Morgan", "alex@corp.example", "DECLINED"),
    ]
    assert first.partstat_of({"alex@corp.example"}) == "DECLINED"


def test_moved_occurrence_and_cancelled_status(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "BEGIN:VEVENT\r\nUID:s\r\nSUMMARY:1:1\r\nDTSTART:20250106T100000Z\r\n"
        "DTEND:20250106T110000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20250107T100000Z\r\nSUMMARY:1:1 (moved)\r\n"
        "DTSTART:20250107T150000Z\r\nDTEND:20250107T160000Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:c\r\nSUMMARY:Cancelled lunch\r\nSTATUS:CANCELLED\r\n"
        "DTSTART;VALUE=DATE:20250110\r\nEND:VEVENT\r\n",
    )
    events = _events(path)
    assert [(e.summary, e.start.hour) for e in events] == [
        ("1:1", 10),
        ("1:1 (moved)", 15),
        ("1:1", 10),
        ("Cancelled lunch", 0),
    ]
    lunch = events[-1]
    assert lunch.status == "CANCELLED" and lunch.all_day and lunch.end - lunch.start == timedelta(1)


def test_not_a_calendar_and_broken_files_are_problems(tmp_path: Path) -> None:
    text = tmp_path / "notes.ics"
    text.write_text("hello\n", encoding="utf-8")
    assert [str(p) for p in read_calendar(text)] == [
        f"{text}: line 1: not an iCalendar file (no BEGIN:VCALENDAR)"
    ]
    missing = list(read_calendar(tmp_path / "nope.ics"))
    assert len(missing) == 1 and "cannot read" in str(missing[0])


names = st.text(
    # no backslash: icalendar writes "\\N" for backslash-N and reads it back as a newline
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\\"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() and s == s.strip())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    summary=names,
    who=st.lists(st.tuples(names, st.emails()), min_size=1, max_size=4, unique_by=lambda t: t[1]),
    start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)),
    minutes=st.integers(min_value=0, max_value=600),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"]),
)
def test_events_written_by_icalendar_read_back(
    tmp_path: Path,
    summary: str,
    who: list[tuple[str, str]],
    start: datetime,
    minutes: int,
    zone: str,
) -> None:
    local = start.replace(microsecond=0, tzinfo=ZoneInfo(zone))
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//kithkin tests//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", "prop-1")
    event.add("summary", summary)
    event.add("dtstart", local)
    event.add("dtend", local + timedelta(minutes=minutes))
    for name, address in who:
        attendee = icalendar.vCalAddress(f"mailto:{address}")
        attendee.params["cn"] = icalendar.vText(name)
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    path = tmp_path / "p.ics"
    path.write_bytes(calendar.to_ical())
    (record,) = _events(path)
    assert record.summary == " ".join(summary.split())
    assert not record.recurring
    assert record.start == local.astimezone(UTC)
    assert record.end == (local + timedelta(minutes=minutes)).astimezone(UTC)  # wall-clock end
    assert [a.address for a in record.attendees] == [address.lower() for _, address in who]
    assert [a.name for a in record.attendees] == [" ".join(n.split()) for n, _ in who]


def test_every_real_calendar_in_the_corpus_reads_without_a_crash() -> None:
    root = shared_data("calendars")
    files = sorted(root.rglob("*.ics"))
    assert len(files) >= 90
    events = 0
    problems: list[str] = []
    clipped: list[str] = []
    for path in files:
        for item in read_calendar(path, zone=UTC, **WIDE):
            if isinstance(item, EventRecord):
                events += 1
                assert item.start.tzinfo is UTC and item.end >= item.start
            elif isinstance(item, ClippedEvent):
                clipped.append(f"{path.name}: {item.reason}")
            else:
                problems.append(f"{path.name}: {item.message}")
    assert events > 10_000
    # the one event the corpus breaks on purpose (RRULE:...;UNTL=...) is told, the rest read
    assert problems == ["bad_rrule_missing_until_event.ics: skipped: unknown parameter 'UNTL'"]
    # daily events over the 41 years of WIDE: kept up to the count per event
    assert clipped and all("more than 2,000 occurrences in the window" in c for c in clipped)


def test_real_calendars_give_the_facts_they_hold() -> None:
    folder = shared_data(
        "calendars", "recurring-ical-events", "recurring_ical_events", "test", "calendars"
    )
    hackademy = [
        e
        for e in _events(folder / "daylight_saving_time.ics")
        if e.summary == "Open Health HACKademy - freie Termine"
    ]
    # RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=MO,TU,WE from 2019-03-04 14:00 Europe/Berlin
    assert [e.start.strftime("%m-%d %H:%M") for e in hackademy] == [
        "03-04 13:00",
        "03-05 13:00",
        "03-06 13:00",
        "03-11 13:00",
        "03-12 13:00",
        "03-13 13:00",
    ]
    confluence = _events(folder / "issue_4.ics")
    assert confluence[0].attendees[0].name == "Fred Bloggs"
    assert confluence[0].attendees[0].address == "person@domain.com"
    cancelled = _events(folder / "issue_18_cancel_status.ics")
    assert [e.status for e in cancelled] == [None, "CANCELLED", None]
    weekly = _events(folder / "each_week_but_one_deleted.ics")
    # weekly on Mondays 00:30 Berlin, one week deleted; summer time starts on 31 March
    assert [e.start.strftime("%m-%d %H:%M") for e in weekly][:4] == [
        "03-03 23:30",
        "03-17 23:30",
        "03-24 23:30",
        "03-31 22:30",
    ]
