"""The calendar reader fuzzed: random bytes, and real calendars cut, spliced and mutated.

Whatever comes in, the reader raises nothing, ends in bounded time, and yields at most its
count per event for every VEVENT in the file, each occurrence in UTC with its end after its
start. Small limits keep every example quick.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin.sources.calendar import ClippedEvent, EventRecord, Limits, read_calendar
from kithkin.sources.records import SourceProblem
from tests.conftest import shared_data

LIMITS = Limits(
    per_event=40, steps=5_000, file_steps=20_000, attendees=30, file_weight=20_000, seconds=2.0
)
WINDOW = {"start": datetime(1995, 1, 1, tzinfo=UTC), "end": datetime(2030, 1, 1, tzinfo=UTC)}
HOSTILE_LINES = [
    b"BEGIN:VEVENT",
    b"END:VEVENT",
    b"BEGIN:VALARM",
    b"END:VCALENDAR",
    b"RRULE:FREQ=SECONDLY",
    b"RRULE:FREQ=MINUTELY;COUNT=100000000",
    b"RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    b"RRULE:FREQ=YEARLY;INTERVAL=0",
    b"RRULE:",
    b"DTSTART:19700101T000000Z",
    b"DTSTART:00010101",
    b"DTSTART:99991231T235959Z",
    b"DTSTART;TZID=Nowhere/Atlantis:20250101T090000",
    b"DTEND:20000101T000000Z",
    b"DURATION:-P400D",
    b"EXDATE:garbage",
    b"RDATE;VALUE=PERIOD:20250101T000000Z/20240101T000000Z",
    b"RECURRENCE-ID:20250101T000000Z",
    b"ATTENDEE;CN=\xff\xfe:mailto:x@y",
    b"UID:",
    b" folded continuation",
    b"\x00\x01\x02",
]


def check(path: Path) -> None:
    data = path.read_bytes()
    events = max(1, data.upper().count(b"BEGIN:VEVENT"))
    began = time.monotonic()
    records = 0
    for item in read_calendar(path, zone=UTC, limits=LIMITS, **WINDOW):
        if isinstance(item, EventRecord):
            records += 1
            assert item.start.tzinfo is UTC and item.start <= item.end
        else:
            assert isinstance(item, SourceProblem | ClippedEvent)
            assert str(item).startswith(str(path))
    assert records <= events * LIMITS.per_event
    assert time.monotonic() - began < 30


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    head=st.sampled_from([b"", b"BEGIN:VCALENDAR\r\n", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"]),
    body=st.binary(max_size=2000),
)
def test_random_bytes(tmp_path: Path, head: bytes, body: bytes) -> None:
    path = tmp_path / "random.ics"
    path.write_bytes(head + body)
    check(path)


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_real_calendars_mutated(tmp_path: Path, data: st.DataObject) -> None:
    root = shared_data("calendars")
    files = sorted(p for p in root.rglob("*.ics") if p.stat().st_size < 40_000)
    original = data.draw(st.sampled_from(files), label="file").read_bytes()
    lines = original.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        kind = data.draw(
            st.sampled_from(["cut", "drop", "insert", "duplicate", "bytes"]), label="kind"
        )
        at = data.draw(st.integers(0, max(0, len(lines) - 1)), label="at")
        if kind == "cut":
            lines = lines[:at]
        elif kind == "drop":
            del lines[at : at + data.draw(st.integers(1, 20))]
        elif kind == "insert":
            lines.insert(at, data.draw(st.sampled_from(HOSTILE_LINES)) + b"\r\n")
        elif kind == "duplicate":
            lines[at:at] = lines[at : at + data.draw(st.integers(1, 40))] * data.draw(
                st.integers(2, 30)
            )
        else:
            lines.insert(at, data.draw(st.binary(max_size=80)))
    path = tmp_path / "mutated.ics"
    path.write_bytes(b"".join(lines))
    check(path)
