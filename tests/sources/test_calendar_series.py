"""The rules of recurring events read from calendar files: what a gathering picked from a file
repeats by; broken or hostile input costs only itself."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kithkin.sources.calendar_series import series_rules

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"


def _write(tmp_path: Path, body: str, name: str = "c.ics") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body + "END:VCALENDAR\r\n", encoding="utf-8")
    return path


def test_the_master_of_each_series_with_its_zone_and_length(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Lunch\r\nDTSTART;TZID=Europe/Paris:20260105T123000\r\n"
        "DTEND;TZID=Europe/Paris:20260105T140000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\n"
        "URL:https://meet.example/l\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID;TZID=Europe/Paris:20260112T123000\r\n"
        "DTSTART;TZID=Europe/Paris:20260113T123000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Off-site\r\nDTSTART;VALUE=DATE:20260105\r\n"
        "RRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:c\r\nSUMMARY:Once\r\nDTSTART:20260105T090000Z\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:d\r\nSUMMARY:UTC chat\r\nDTSTART:20260105T170000Z\r\n"
        "DURATION:PT45M\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\n",
    )
    found = series_rules(path)
    assert sorted(found) == ["a", "d"]  # b is all day, c does not repeat
    lunch = found["a"]
    assert (lunch.rrule, lunch.tz, lunch.minutes, lunch.url) == (
        "FREQ=WEEKLY;BYDAY=MO",
        "Europe/Paris",
        90,
        "https://meet.example/l",
    )
    assert lunch.start == datetime(2026, 1, 5, 12, 30)
    assert (found["d"].tz, found["d"].minutes) == ("UTC", 45)


def test_floating_times_take_the_calendars_zone(tmp_path: Path) -> None:
    path = tmp_path / "x.ics"
    path.write_text(
        HEAD + "X-WR-TIMEZONE:America/New_York\r\nBEGIN:VEVENT\r\nUID:f\r\n"
        "DTSTART:20260105T083000\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    [rule] = series_rules(path).values()
    assert (rule.tz, rule.start.hour, rule.start.minute) == ("America/New_York", 8, 30)


def test_what_cannot_be_read_is_no_series(tmp_path: Path) -> None:
    assert series_rules(tmp_path / "missing.ics") == {}
    (tmp_path / "binary.ics").write_bytes(b"\x00\xff" * 100)
    assert series_rules(tmp_path / "binary.ics") == {}
    path = _write(tmp_path, "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:garbage\r\nRRULE:FREQ=\r\n")
    assert series_rules(path) == {}


LINES = st.sampled_from(
    [
        "BEGIN:VEVENT", "END:VEVENT", "UID:u", "UID:v", "SUMMARY:S", "RRULE:FREQ=WEEKLY",
        "RRULE:FREQ=DAILY;COUNT=2", "RRULE:FREQ=SECONDLY", "RRULE:", "RRULE:FREQ=WEEKLY;BYDAY=ZZ",
        "DTSTART:20260105T090000Z", "DTSTART;TZID=Nowhere/City:20260105T090000",
        "DTSTART;VALUE=DATE:20260105", "DTEND:20260101T000000Z", "DURATION:P-1D",
        "RECURRENCE-ID:20260112T090000Z", "BEGIN:VALARM", "END:VALARM", " folded",
        "X-WR-TIMEZONE:Europe/Paris", "EXDATE:20260112T090000Z",
    ]
)  # fmt: skip


@given(st.lists(st.one_of(LINES, st.text(max_size=30)), max_size=40))
def test_any_jumble_of_lines_is_read_without_failing(lines: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.ics"
        path.write_text(
            HEAD + "\r\n".join(lines) + "\r\nEND:VCALENDAR\r\n", encoding="utf-8", errors="replace"
        )
        for uid, rule in series_rules(path).items():
            assert uid and rule.rrule and 1 <= rule.minutes <= 24 * 60
