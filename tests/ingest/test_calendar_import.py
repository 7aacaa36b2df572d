"""Calendar import: meetings with people become interactions once they happened, upcoming ones
are kept for their briefs, cancelled and declined ones do not count; re-imports update."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from kithkin import clock
from kithkin.ingest.calendar import import_calendar
from kithkin.sources.calendar import Limits
from kithkin.store import Database, calendar, people
from tests.builders.mail import ME, as_me, event, ics
from tests.conftest import shared_data

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
ORG_ME = f"ORGANIZER;CN=Ana:mailto:{ME}"
DANA = "ATTENDEE;CN=Dana Whitfield;PARTSTAT=ACCEPTED:mailto:Dana@Acme.example"
BO = "ATTENDEE;CN=Bo Chen;PARTSTAT=DECLINED:mailto:bo@beta.example"
ROOM = "ATTENDEE;CUTYPE=RESOURCE;ROLE=NON-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:room-4@corp.example"
ME_DECLINED = f"ATTENDEE;PARTSTAT=DECLINED:mailto:{ME}"
ME_ACCEPTED = f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}"
VENDOR = "ATTENDEE:mailto:sales@vendor.example"


@pytest.fixture
def me(db: Database) -> Database:
    clock.freeze(NOW)
    return as_me(db)


def test_meetings_interactions_and_upcoming(me: Database, tmp_path: Path) -> None:
    path = ics(
        tmp_path,
        event("past", "20250310T090000Z", "Budget review", ORG_ME, DANA, BO, ROOM),
        event(
            "soon",
            "20250321T083000Z",
            "Coffee with Dana",
            DANA,
            f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{ME}",
        ),
        event("off", "20250305T090000Z", "Cancelled lunch", DANA, "STATUS:CANCELLED"),
        event(
            "no",
            "20250306T090000Z",
            "Vendor pitch",
            "ATTENDEE:mailto:sales@vendor.example",
            ME_DECLINED,
        ),
        event("solo", "20250307T090000Z", "Focus time", ORG_ME),
    )
    summary = import_calendar(me, [path])
    assert (summary.events, summary.meetings, summary.alone) == (5, 4, 1)
    assert (summary.interactions, summary.upcoming, summary.cancelled, summary.declined) == (
        1,
        1,
        1,
        1,
    )
    assert summary.new_people == 1  # Dana only: Bo declined, the room is no one
    with me.read() as conn:
        rows = conn.execute(
            text(
                "SELECT i.kind, i.direction, i.subject, i.source, ip.role, p.display_name "
                "FROM interaction i JOIN interaction_participant ip ON ip.interaction_id = i.id "
                "JOIN person p ON p.id = ip.person_id"
            )
        ).all()
        tomorrow = calendar.meetings_between(conn, NOW, NOW + timedelta(days=1))
        dana = people.resolve(conn, "dana@acme.example")
    assert [tuple(r) for r in rows] == [
        ("meeting", "both", "Budget review", "calendar", "attendee", "Dana Whitfield")
    ]
    (coffee,) = tomorrow
    assert coffee.summary == "Coffee with Dana" and coffee.interaction_id is None
    assert coffee.my_partstat == "ACCEPTED"
    assert [(a.address, a.person_id) for a in coffee.attendees] == [("dana@acme.example", dana)]

    again = import_calendar(me, [path])
    assert (again.meetings, again.updated, again.unchanged, again.interactions) == (0, 0, 4, 0)


def test_a_later_export_updates_and_removes(me: Database, tmp_path: Path) -> None:
    first = ics(
        tmp_path,
        event("a", "20250310T090000Z", "1:1", DANA),
        event("b", "20250311T090000Z", "Offsite", DANA),
    )
    import_calendar(me, [first])
    with me.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM interaction")).scalar() == 2
    later = ics(tmp_path, event("a", "20250310T090000Z", "1:1", DANA, "STATUS:CANCELLED"))
    summary = import_calendar(me, [later])
    assert (summary.updated, summary.removed) == (1, 1)
    with me.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM interaction")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM calendar_event")).scalar() == 1
        assert conn.execute(text("SELECT counted FROM calendar_event")).scalar() == 0


def test_floating_times_are_read_in_the_zone_given(me: Database, tmp_path: Path) -> None:
    path = ics(tmp_path, event("f", "20250321T090000", "Breakfast", DANA))
    import_calendar(me, [path], zone=ZoneInfo("Europe/Berlin"))
    with me.read() as conn:
        (meeting,) = calendar.meetings_between(conn, NOW, NOW + timedelta(days=2))
    assert meeting.start == datetime(2025, 3, 21, 8, 0, tzinfo=UTC)


def test_merged_attendees_follow_the_merge(me: Database, tmp_path: Path) -> None:
    path = ics(tmp_path, event("m", "20250321T090000Z", "Dinner", DANA))
    import_calendar(me, [path])
    from kithkin.store import trash

    with me.write() as conn:
        keep = people.add_person(conn, display_name="Dana W.")
        dana = people.resolve(conn, "dana@acme.example")
        trash.merge_people(conn, keep, dana)
    with me.read() as conn:
        (meeting,) = calendar.meetings_between(conn, NOW, NOW + timedelta(days=2))
    assert meeting.attendees[0].person_id == keep


@pytest.mark.corpus
def test_every_real_calendar_imports(db: Database) -> None:
    root = shared_data("calendars")
    # all but the 1.6 MB benchmark calendar (the reader's own tests read it)
    files = sorted(p for p in root.rglob("*.ics") if p.parent.name != "benchmark")
    assert len(files) > 50
    clock.freeze(datetime(2020, 1, 1, tzinfo=UTC))
    decade = Limits(past_days=3650, future_days=400)
    summary = import_calendar(db, files, limits=decade)
    assert summary.events > 5000 and summary.alone > 5000  # most are nobody's meetings
    assert summary.meetings > 100 and summary.interactions > 50 and summary.upcoming > 10
    assert summary.updated == 0  # an occurrence in two of the files is one meeting
    assert all(str(p).count(": ") >= 2 for p in summary.problems)
    with db.read() as conn:
        stored = conn.execute(text("SELECT count(*) FROM calendar_event")).scalar()
        people_made = conn.execute(text("SELECT count(*) FROM person")).scalar()
        redacted = conn.execute(
            text("SELECT count(*) FROM contact_point WHERE normalized = 'redacted@example.com'")
        ).scalar()
    assert stored == summary.meetings and people_made == summary.new_people >= 3
    assert redacted == 1
    with_people = [p for p in files if b"ATTENDEE" in p.read_bytes()]
    again = import_calendar(db, with_people, limits=decade)
    assert (again.meetings, again.updated, again.interactions, again.removed) == (0, 0, 0, 0)
    assert again.unchanged > 0


def test_an_unreadable_calendar_removes_nothing(me: Database, tmp_path: Path) -> None:
    path = ics(tmp_path, event("k", "20250310T090000Z", "Kickoff", DANA))
    import_calendar(me, [path])
    path.write_text("BEGIN:VCALENDAR\r\nthis is not a calendar any more\r\n", encoding="utf-8")
    summary = import_calendar(me, [path])
    assert summary.problems and summary.removed == 0
    with me.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM interaction")).scalar() == 1


def test_one_bad_event_or_a_cut_file_costs_only_what_is_broken(
    me: Database, tmp_path: Path
) -> None:
    # issue 12: an event without DTSTART made a file of 3 events import 0, and a truncated
    # file imported 0 and said nothing
    good = [
        event("a", "20250310T090000Z", "Kickoff", DANA),
        event("c", "20250312T090000Z", "Retro", DANA),
    ]
    path = ics(tmp_path, good[0], "UID:b\nSUMMARY:No start\n" + DANA, good[1])
    summary = import_calendar(me, [path])
    assert (summary.events, summary.meetings, summary.interactions) == (2, 2, 2)
    assert [str(p) for p in summary.problems] == [f"{path}: line 11 (event b): skipped: no DTSTART"]
    text = ics(tmp_path, *good, name="whole.ics").read_text(encoding="utf-8")
    cut = tmp_path / "cut.ics"
    cut.write_text(text[: text.rindex("END:VEVENT")], encoding="utf-8")
    summary = import_calendar(me, [cut])
    assert (summary.events, summary.meetings) == (1, 0)  # "a" is the same occurrence as above
    assert summary.unchanged == 1
    (problem,) = summary.problems
    assert problem.message.startswith("truncated: the file ends")


def test_a_clipped_event_is_told_and_what_was_not_read_is_not_removed(
    me: Database, tmp_path: Path
) -> None:
    path = ics(tmp_path, event("standup", "20250301T090000Z", "Standup", DANA, "RRULE:FREQ=DAILY"))
    first = import_calendar(me, [path], limits=Limits(per_event=30))
    assert (first.events, first.meetings, first.upcoming) == (30, 30, 10)
    (clipped,) = first.clipped
    assert (clipped.uid, clipped.kept, clipped.reason) == (
        "standup",
        30,
        "more than 30 occurrences in the window",
    )
    data = first.as_json()
    assert data["clipped"] == [
        {
            "file": str(path),
            "place": "line 4 (event standup)",
            "uid": "standup",
            "summary": "Standup",
            "kept": 30,
            "reason": "more than 30 occurrences in the window",
        }
    ]
    assert data["window"] == {
        "start": "2023-03-21T12:00:00+00:00",
        "end": "2026-03-20T12:00:00+00:00",
        "max_occurrences": 30,
    }
    again = import_calendar(me, [path], limits=Limits(per_event=10))
    assert (again.unchanged, again.removed) == (10, 0)  # the 20 not read are not gone
    with me.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM calendar_event")).scalar() == 30
