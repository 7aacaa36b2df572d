"""What Today and the briefs read of the mail and calendar tables (store.agenda), tested on
rows written the way the importers write them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from kithkin import clock
from kithkin.services import brief
from kithkin.store import Database, agenda, interactions, people
from kithkin.store.schema_calendar import calendar_attendee, calendar_event

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def _event(db: Database, at: datetime, person_id: int | None, **kw: object) -> None:
    values = {
        "source_id": f"uid-{at.isoformat()}", "uid": "uid", "summary": "Board prep",
        "location": "Room 4", "start_at": at, "end_at": at + timedelta(hours=1),
        "all_day": False, "recurring": False, "status": "CONFIRMED", "counted": True,
        "source_file": "work.ics", "imported_at": NOW, **kw,
    }  # fmt: skip
    with db.write() as conn:
        event_id = conn.execute(insert(calendar_event).values(**values)).inserted_primary_key
        assert event_id is not None
        conn.execute(
            insert(calendar_attendee).values(
                event_id=event_id[0], address="dana@acme.example", name="Dana",
                partstat="ACCEPTED", role="REQ-PARTICIPANT", person_id=person_id,
            )
        )  # fmt: skip


def test_calendar_events_are_meetings_for_today_and_tomorrows_briefs(db: Database) -> None:
    with db.write() as conn:
        dana = people.add_person(conn, display_name="Dana Whitfield")
    tomorrow = clock.day_window(NOW)[0] + timedelta(days=1, hours=10)
    _event(db, tomorrow, dana)
    _event(db, tomorrow + timedelta(hours=2), dana, counted=False)  # declined: not a meeting
    _event(db, tomorrow + timedelta(hours=3), None)  # nobody we know
    start, end = clock.day_window(NOW)
    with db.read() as conn:
        found = agenda.planned(conn, start, end)
        upcoming = agenda.upcoming_with(conn, dana, NOW)
    assert [(p.subject, p.people, p.location) for p in found] == [
        ("Board prep", ((dana, "Dana Whitfield"),), "Room 4")
    ]
    assert [p.subject for p in upcoming] == ["Board prep"]
    [(meeting, briefs)] = brief.for_day(db, day="tomorrow", now=NOW)
    assert meeting.key.startswith("c") and [b.display_name for b in briefs] == ["Dana Whitfield"]
    assert "Board prep" in [loop.text.split(" on ")[0] for loop in briefs[0].loops]


def test_thread_subjects_are_their_first_subject(db: Database) -> None:
    with db.write() as conn:
        dana = people.add_person(conn, display_name="Dana")
        for n, subject in enumerate(("Budget", "Re: Budget", "Re: Budget")):
            interactions.log_interaction(
                conn, kind="email", direction="to_me", participants=[dana], subject=subject,
                occurred_at=NOW - timedelta(days=3 - n), thread_key="17",
            )  # fmt: skip
        assert agenda.thread_subjects(conn, ["17", "404"]) == {"17": "Budget"}
