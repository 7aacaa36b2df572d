"""The "knows" graph from calendars: the attendees of a meeting held, of at most 12 people
(me included), know each other; those who declined, rooms, bigger meetings, cancelled ones
and meetings still to come make no tie."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kithkin import clock
from kithkin.ingest.calendar import import_calendar
from kithkin.services import knows
from kithkin.store import Database
from kithkin.store import knows as store
from tests.builders.mail import ME, as_me, event, ics

NOW = datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
ORG_ME = f"ORGANIZER;CN=Ana:mailto:{ME}"
ROOM = "ATTENDEE;CUTYPE=RESOURCE;ROLE=NON-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:room@corp.example"


def who(name: str, partstat: str = "ACCEPTED") -> str:
    return f"ATTENDEE;CN={name.title()};PARTSTAT={partstat}:mailto:{name}@corp.example"


def pairs(db: Database) -> set[tuple[str, str]]:
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT a, b FROM knows_tie").all()
    return {(a.split("@")[0], b.split("@")[0]) for a, b in rows}


def test_co_attendees_of_small_meetings_held_know_each_other(db: Database, tmp_path: Path) -> None:
    clock.freeze(NOW)
    big = [who(f"p{n:02d}") for n in range(12)]  # 12 of them and me: 13 people
    path = ics(
        tmp_path,
        event("small", "20250310T090000Z", "Budget review", ORG_ME, who("dana"), who("lee"),
              who("bo", "DECLINED"), ROOM),
        event("big", "20250311T090000Z", "All hands", ORG_ME, *big),
        event("off", "20250312T090000Z", "Cancelled", who("dana"), who("kim"), "STATUS:CANCELLED"),
        event("soon", "20250325T090000Z", "Next week", who("dana"), who("max")),
    )  # fmt: skip
    summary = import_calendar(as_me(db), [path])
    assert pairs(db) == {("dana", "lee")}
    assert summary.ties == 1
    with db.read() as conn:
        [tie] = store.ties_of(conn, ["dana@corp.example"])
    assert (tie.last_kind, tie.last_subject) == ("meeting", "Budget review")
    assert tie.weight > 1.0  # a meeting (3) shared by three people (me included): 3/√3
    # the meeting of next week counts once it has happened and the calendar is read again
    clock.freeze(datetime(2025, 3, 26, tzinfo=UTC))
    again = import_calendar(db, [path])
    assert pairs(db) == {("dana", "lee"), ("dana", "max")}
    assert again.ties == 1
    # cancelled since: its tie goes with it
    cancelled = ics(
        tmp_path,
        event("small", "20250310T090000Z", "Budget review", ORG_ME, who("dana"), who("lee"),
              "STATUS:CANCELLED"),
        event("big", "20250311T090000Z", "All hands", ORG_ME, *big),
        event("soon", "20250325T090000Z", "Next week", who("dana"), who("max")),
        name="cal.ics",
    )  # fmt: skip
    import_calendar(db, [cancelled])
    assert pairs(db) == {("dana", "max")}


def test_a_meeting_gives_a_path_through_someone_i_met(db: Database, tmp_path: Path) -> None:
    """I met Dana alone, then Dana and Lee together: Lee is reachable through Dana too."""
    clock.freeze(NOW)
    path = ics(
        tmp_path,
        event("one", "20250303T090000Z", "Coffee", ORG_ME, who("dana")),
        event("two", "20250310T090000Z", "Workshop", who("dana"), who("lee"), who("kim")),
    )
    import_calendar(as_me(db), [path])
    found = knows.intro_paths(db, to="lee@corp.example")
    chains = {tuple(leg.name for leg in p.legs) for p in found.paths}
    assert chains == {("Lee",), ("Dana", "Lee"), ("Kim", "Lee")}  # I was at the workshop too
    via = [p for p in found.paths if len(p.legs) == 2]
    assert all(p.legs[1].evidence.startswith("met at 'Workshop'") for p in via)
    dana = next(p for p in via if p.legs[0].name == "Dana")
    kim = next(p for p in via if p.legs[0].name == "Kim")
    assert dana.legs[0].score > kim.legs[0].score  # I met Dana twice, Kim once
