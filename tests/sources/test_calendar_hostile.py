"""Hostile calendars: rules that repeat without end, broken and truncated events, odd bytes.

Each is read in a child process with a timeout, so that a reader that hangs or grows without
bound fails the test (after 60 s, or over 400 MB) instead of hanging the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kithkin.sources.calendar import ClippedEvent, EventRecord, Limits, read_calendar
from kithkin.sources.records import SourceProblem

NOW = datetime(2025, 6, 1, tzinfo=UTC)
WINDOW = {"start": datetime(2023, 6, 1, tzinfo=UTC), "end": datetime(2026, 6, 1, tzinfo=UTC)}

_CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    from datetime import datetime
    from pathlib import Path
    from kithkin.sources.calendar import ClippedEvent, EventRecord, read_calendar
    start, end = (datetime.fromisoformat(v) for v in sys.argv[2:4])
    began = time.monotonic()
    out = {"records": 0, "clipped": [], "problems": []}
    for item in read_calendar(Path(sys.argv[1]), start=start, end=end):
        if isinstance(item, EventRecord):
            out["records"] += 1
        elif isinstance(item, ClippedEvent):
            out["clipped"].append([item.uid, item.kept, item.reason])
        else:
            out["problems"].append(str(item))
    out["seconds"] = time.monotonic() - began
    # this process's own peak (VmHWM): ru_maxrss keeps the parent's peak across fork and exec,
    # so a big test runner would be counted in it
    with open("/proc/self/status") as status:
        peak = [line.split()[1] for line in status if line.startswith("VmHWM:")]
    out["rss_mb"] = int(peak[0]) / 1024 if peak else (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    )
    print(json.dumps(out))
    """
)


def read_bounded(path: Path) -> dict[str, Any]:
    """What reading `path` over WINDOW gives, from a child process given 60 s."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), *(w.isoformat() for w in WINDOW.values())],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    assert result["rss_mb"] < 400, result
    return result


def calendar(tmp_path: Path, *events: str, name: str = "cal.ics") -> Path:
    path = tmp_path / name
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    path.write_text(
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{body}END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    return path


def vevent(uid: str, start: str, *lines: str) -> str:
    return "\r\n".join([f"UID:{uid}", f"SUMMARY:{uid}", f"DTSTART:{start}", *lines])


def items(path: Path, **limits: Any) -> list[EventRecord | SourceProblem | ClippedEvent]:
    return list(read_calendar(path, zone=UTC, limits=Limits(**limits), **WINDOW))


def test_a_minutely_rule_of_a_hundred_million_keeps_the_count_per_event(tmp_path: Path) -> None:
    path = calendar(
        tmp_path,
        vevent(
            "storm",
            "20250101T000000Z",
            "DURATION:PT1M",
            "RRULE:FREQ=MINUTELY;COUNT=100000000",
            "ATTENDEE:mailto:dana@acme.example",
        ),
    )
    assert path.stat().st_size < 300
    result = read_bounded(path)
    assert result["records"] == Limits().per_event == 2000
    assert result["clipped"] == [["storm", 2000, "more than 2,000 occurrences in the window"]]
    assert result["seconds"] < 20 and not result["problems"]


@pytest.mark.parametrize(
    ("rule", "start"),
    [
        ("FREQ=SECONDLY", "19700101T000000Z"),  # two billion repetitions before the window
        ("FREQ=MINUTELY", "19000101T000000Z"),
        ("FREQ=SECONDLY;COUNT=2000000000", "20000101T000000Z"),
    ],
)
def test_a_dense_rule_from_long_ago_stops_at_its_budget(
    tmp_path: Path, rule: str, start: str
) -> None:
    path = calendar(tmp_path, vevent("early", start, f"RRULE:{rule}"))
    result = read_bounded(path)
    assert result["records"] == 0 and result["seconds"] < 20
    (uid, kept, reason), *_ = result["clipped"]
    assert (uid, kept) == ("early", 0)
    assert reason == "repeats too often: stopped after 50,000 repetitions before the window"


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "matches no day"),
        ("FREQ=MINUTELY;BYMONTH=4;BYMONTHDAY=31", "matches no day"),
        ("FREQ=DAILY;INTERVAL=7;BYDAY=MO", "never repeats"),  # from a Tuesday
        ("FREQ=MONTHLY;INTERVAL=12;BYMONTH=2", "never repeats"),  # from January
    ],
)
def test_a_rule_that_never_repeats_keeps_its_first_occurrence(
    tmp_path: Path, rule: str, why: str
) -> None:
    # dateutil walks such a rule to the year 9999 looking for its next occurrence
    path = calendar(tmp_path, vevent("never", "20250107T090000Z", f"RRULE:{rule}"))
    result = read_bounded(path)
    assert result["records"] == 1 and result["seconds"] < 20
    ((uid, kept, reason),) = result["clipped"]
    assert (uid, kept) == ("never", 1)
    assert reason.startswith("its rule (FREQ=")
    assert reason.endswith(f") {why}: only its first occurrence is kept")


def test_many_hostile_events_in_one_file_stay_bounded(tmp_path: Path) -> None:
    storms = [
        vevent(f"s{i}", "20250101T000000Z", "RRULE:FREQ=SECONDLY", "DURATION:PT1S")
        for i in range(300)
    ]
    early = [vevent(f"e{i}", "19700101T000000Z", "RRULE:FREQ=SECONDLY") for i in range(300)]
    result = read_bounded(calendar(tmp_path, *storms, *early))
    assert result["seconds"] < 40
    assert result["records"] == 5000  # the file's clipped events together
    assert result["clipped"] or result["problems"]


def test_an_event_without_dtstart_is_skipped_and_the_others_read(tmp_path: Path) -> None:
    path = calendar(
        tmp_path,
        vevent("a", "20250101T100000Z"),
        "UID:no-start\r\nSUMMARY:Lost",
        vevent("c", "20250102T100000Z"),
    )
    found = items(path)
    assert [r.uid for r in found if isinstance(r, EventRecord)] == ["a", "c"]
    assert [str(p) for p in found if isinstance(p, SourceProblem)] == [
        f"{path}: line 9 (event no-start): skipped: no DTSTART"
    ]


def test_a_truncated_file_reads_the_events_before_the_cut_and_says_so(tmp_path: Path) -> None:
    whole = calendar(tmp_path, vevent("a", "20250101T100000Z"), vevent("b", "20250102T100000Z"))
    text = whole.read_text(encoding="utf-8")
    cut = tmp_path / "cut.ics"
    cut.write_text(text[: text.rindex("END:VEVENT")], encoding="utf-8")  # no END lines at all
    found = items(cut)
    assert [r.uid for r in found if isinstance(r, EventRecord)] == ["a"]
    (problem,) = [p for p in found if isinstance(p, SourceProblem)]
    assert problem.place == "line 9 (event b)"
    assert problem.message.startswith("truncated: the file ends (line 12) before END:VEVENT")


def test_bad_dates_a_bogus_zone_and_an_end_before_the_start(tmp_path: Path) -> None:
    path = calendar(
        tmp_path,
        vevent("bad-date", "20251399T250000Z"),
        vevent("swapped", "20250101T100000Z", "DTEND:20250101T090000Z"),
        "UID:bogus-zone\r\nDTSTART;TZID=Mars/Olympus:20250101T090000",
        vevent("bad-rule", "20250101T100000Z", "RRULE:FREQ=DAILY;UNTL=2026"),
        vevent("ok", "20250103T100000Z"),
    )
    found = items(path)
    records = {r.uid: r for r in found if isinstance(r, EventRecord)}
    assert set(records) == {"swapped", "bogus-zone", "ok"}
    swapped = records["swapped"]
    assert (swapped.start.hour, swapped.end.hour) == (9, 10)
    assert records["bogus-zone"].start == datetime(2025, 1, 1, 9, tzinfo=UTC)  # as floating
    problems = [str(p) for p in found if isinstance(p, SourceProblem)]
    assert problems == [
        f"{path}: line 4 (event bad-date): skipped: bad DTSTART: "
        "Wrong datetime format: 20251399T250000Z",
        f"{path}: line 19 (event bad-rule): skipped: unknown parameter 'UNTL'",
    ]


def test_huge_lines_odd_bytes_and_deep_nesting_cost_only_what_they_break(
    tmp_path: Path,
) -> None:
    huge = calendar(
        tmp_path,
        vevent("big", "20250101T100000Z", "DESCRIPTION:" + "x" * 3_000_000),
        vevent("after", "20250102T100000Z"),
        name="huge.ics",
    )
    found = items(huge)
    assert {r.uid for r in found if isinstance(r, EventRecord)} == {"big", "after"}
    assert [p.message for p in found if isinstance(p, SourceProblem)] == [
        "a line of 3,000,012 characters (over 1,048,576): dropped"
    ]
    latin = tmp_path / "latin.ics"
    latin.write_bytes(calendar(tmp_path, vevent("caf\xe9", "20250101T100000Z")).read_bytes())
    latin.write_bytes(latin.read_bytes().replace("é".encode(), b"\xe9"))
    found = items(latin)
    assert [r.uid for r in found if isinstance(r, EventRecord)] == ["caf\ufffd"]
    assert [str(p) for p in found if isinstance(p, SourceProblem)] == [
        f"{latin}: line 5: not UTF-8 (byte 0xe9): undecodable bytes replaced"
    ]
    alarms = "BEGIN:VALARM\r\n" * 3000 + "END:VALARM\r\n" * 3000
    deep = calendar(
        tmp_path,
        vevent("nested", "20250101T100000Z", alarms.strip()),
        vevent("fine", "20250102T100000Z"),
        name="deep.ics",
    )
    found = items(deep)
    assert [r.uid for r in found if isinstance(r, EventRecord)] == ["fine"]
    assert [p.message for p in found if isinstance(p, SourceProblem)] == [
        "components nested more than 8 deep: skipped"
    ]
    spliced = calendar(tmp_path, *(["UID:x\r\nBEGIN:VEVENT"] * 2000), name="spliced.ics")
    problems = [p for p in items(spliced) if isinstance(p, SourceProblem)]
    assert len(problems) == 101 and problems[-1].message == "3,900 more problems not listed"


def test_an_attendee_list_of_100000_keeps_the_first_500(tmp_path: Path) -> None:
    crowd = [f"ATTENDEE;CN=P{i}:mailto:p{i}@crowd.example" for i in range(100_000)]
    path = calendar(tmp_path, vevent("all-hands", "20250101T100000Z", *crowd))
    result = read_bounded(path)
    assert result["records"] == 1 and result["seconds"] < 20
    assert result["clipped"] == [["all-hands", 1, "100,000 attendees: the first 500 kept"]]
    (record,) = [r for r in items(path) if isinstance(r, EventRecord)]
    assert len(record.attendees) == 500 and record.attendees[-1].address == "p499@crowd.example"


def test_the_window_and_the_count_are_the_callers(tmp_path: Path) -> None:
    daily = vevent("daily", "20240101T090000Z", "RRULE:FREQ=DAILY")
    path = calendar(tmp_path, daily)
    records = [r for r in items(path, per_event=30) if isinstance(r, EventRecord)]
    assert len(records) == 30 and records[0].start == datetime(2024, 1, 1, 9, tzinfo=UTC)
    wide = list(read_calendar(path, zone=UTC, limits=Limits(per_event=5000), **WINDOW))
    assert sum(isinstance(r, EventRecord) for r in wide) == 882  # 2024-01-01 to 2026-06-01
    assert not [r for r in wide if not isinstance(r, EventRecord)]


def test_a_property_given_twice_skips_its_event(tmp_path: Path) -> None:
    # found by the fuzz test: a second DTEND made the reader raise on the whole file
    path = calendar(
        tmp_path,
        vevent("twice", "20250101T100000Z", "DTEND:20250101T110000Z", "DTEND:20250101T120000Z"),
        vevent("once", "20250102T100000Z"),
    )
    found = items(path)
    assert [r.uid for r in found if isinstance(r, EventRecord)] == ["once"]
    assert [str(p) for p in found if isinstance(p, SourceProblem)] == [
        f"{path}: line 4 (event twice): skipped: 2 DTEND lines"
    ]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = calendar(tmp_path, vevent("a", "20250101T100000Z"))
    size = path.stat().st_size
    assert [str(p) for p in items(path, max_bytes=size - 1)] == [
        f"{path}: file: too large ({size:,} bytes): not read"
    ]
    assert [r.uid for r in items(path, max_bytes=size) if isinstance(r, EventRecord)] == ["a"]
