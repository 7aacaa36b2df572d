"""A person merge carries over what the later capabilities tie to a person, and its undo
moves all of it back: the ties I stated in the "knows" graph (re-keyed to the kept person, a
duplicate tie merged, a tie between the two dropped), the people met at gatherings, the
reflections, the calendar attendees, and the introductions (parties, introducer)."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from sqlalchemy import insert, select

from kithkin import clock
from kithkin.services import gatherings, knows, people, review
from kithkin.store import Database, backup, trash
from kithkin.store import intros as store_intros
from kithkin.store.schema_calendar import calendar_attendee, calendar_event
from kithkin.store.schema_knows import knows_tie
from tests.builders.people import person


def _rows(db: Database) -> dict[str, list[list[object]]]:
    """Every table's rows but the activity log and the settings (a read of the graph marks
    the relationships it refreshed), with person.updated_at blanked."""
    out = io.StringIO()
    with db.read() as conn:
        backup.export(conn, out)
    tables = json.loads(out.getvalue())["tables"]
    rows = {name: t["rows"] for name, t in tables.items() if name not in ("activity", "setting")}
    updated = tables["person"]["columns"].index("updated_at")
    for row in rows["person"]:
        row[updated] = None
    return rows


def _ties(db: Database) -> set[tuple[str, str, str | None]]:
    with db.read() as conn:
        return {(r.a, r.b, r.stated) for r in conn.execute(select(knows_tie))}


def _merge(db: Database, keep: int, other: int) -> None:
    with db.write() as conn:
        trash.merge_people(conn, keep, other)


def _undo(db: Database) -> None:
    with db.write() as conn:
        trash.undo(conn)


def test_stated_ties_are_rekeyed_merged_and_dropped_then_put_back(db: Database) -> None:
    keep, other = person(db, "Dana Whitfield"), person(db, "D. Whitfield")
    sam, lee, kim = person(db, "Sam"), person(db, "Lee"), person(db, "Kim")
    knows.state(db, a=other, b=sam, tier="strong")  # only other knows Sam: re-keyed
    knows.state(db, a=keep, b=lee, tier="weak")  # both know Lee: one tie, the stronger tier
    knows.state(db, a=other, b=lee, tier="moderate")
    knows.state(db, a=keep, b=kim, tier="strong")  # both know Kim: keep's tier is stronger
    knows.state(db, a=other, b=kim, tier="weak")
    knows.state(db, a=keep, b=other, tier="moderate")  # a tie between the two: dropped
    before = _rows(db)
    _merge(db, keep, other)

    def key(x: int, y: int) -> tuple[str, str]:
        a, b = sorted((f"#{x}", f"#{y}"))
        return a, b

    assert _ties(db) == {
        (*key(keep, sam), "strong"),
        (*key(keep, lee), "moderate"),
        (*key(keep, kim), "strong"),
    }
    found = knows.ties(db, person=keep)
    assert {t.name: t.stated for t in found.ties} == {
        "Sam": "strong",
        "Lee": "moderate",
        "Kim": "strong",
    }
    _undo(db)
    assert _rows(db) == before


def test_gatherings_reflections_and_attendees_move_and_come_back(db: Database) -> None:
    keep, other = person(db, "Dana Whitfield"), person(db, "D. Whitfield")
    clock.freeze(clock.now() + timedelta(days=1))
    forum = gatherings.add_gathering(db, name="CIO forum", rrule="FREQ=WEEKLY", at="18:30")
    salon = gatherings.add_gathering(db, name="Salon", rrule="FREQ=WEEKLY", at="19:00")
    gatherings.met_at(db, gathering=forum.id, person=other)  # only other: moves
    gatherings.met_at(db, gathering=salon.id, person=other)  # both: keep's row stays
    gatherings.met_at(db, gathering=salon.id, person=keep)
    review.reflect(db, text="Talked about the CISO search", gathering=forum.id, person=other)
    with db.write() as conn:
        event = conn.execute(
            insert(calendar_event).values(
                uid="e1@x", source_id="e1", summary="Coffee", start_at=clock.now(),
                end_at=clock.now() + timedelta(hours=1), counted=True, source_file="x.ics",
                imported_at=clock.now(),
            )
        ).inserted_primary_key[0]  # fmt: skip
        conn.execute(
            insert(calendar_attendee).values(
                event_id=event, address="dw@home.example", person_id=other
            )
        )
    before = _rows(db)
    _merge(db, keep, other)
    assert {g for g, _, _ in gatherings.where_met(db, person=keep)} == {forum.id, salon.id}
    assert gatherings.where_met(db, person=other) == []
    with db.read() as conn:
        assert conn.scalar(select(calendar_attendee.c.person_id)) == keep
        found = conn.exec_driver_sql("SELECT person_id FROM reflection").scalars().all()
        assert found == [keep]
    _undo(db)
    assert _rows(db) == before


def test_introductions_stay_attached_to_the_kept_person(db: Database) -> None:
    keep, other = person(db, "Dana Whitfield"), person(db, "D. Whitfield")
    sam, lee = person(db, "Sam"), person(db, "Lee")
    with db.write() as conn:
        party = store_intros.create(
            conn, a_id=other, b_id=sam, why="both hiring a CISO",
            parties=[("a", other, "dw@home.example", "Sam?", "Hi"),
                     ("b", sam, "sam@x.example", "Dana?", "Hi")],
        )  # fmt: skip
        made = store_intros.create(
            conn, a_id=sam, b_id=lee, why="via Dana", parties=[], introducer_id=other
        )
        store_intros.set_status(conn, made.id, "introduced", introduced_at=clock.now())
        store_intros.set_outcome(conn, made.id, "met")
        between = store_intros.create(conn, a_id=keep, b_id=other, why="the same?", parties=[])
    before = _rows(db)
    _merge(db, keep, other)
    with db.read() as conn:
        moved = store_intros.get(conn, party.id)
        assert (moved.a_id, moved.b_id) == (keep, sam)
        assert {p.person_id for p in moved.parties} == {keep, sam}
        assert store_intros.get(conn, made.id).introducer_id == keep
        assert store_intros.outcomes_of(conn, [keep]) == {keep: ["met"]}
        assert store_intros.outcomes_of(conn, [other]) == {}
        assert store_intros.open_for_pair(conn, keep, sam) is not None
        kept = store_intros.get(conn, between.id)  # introducing them to each other: as it was
        assert (kept.a_id, kept.b_id) == (keep, other)
    assert "Dana Whitfield" in people.get_person(db, person=keep).display_name
    _undo(db)
    assert _rows(db) == before


def test_introductions_made_for_me_follow_the_kept_person(db: Database) -> None:
    from kithkin.services import intros
    from kithkin.store import intros_received

    keep, other = person(db, "Dana Whitfield"), person(db, "D. Whitfield")
    sam, lee = person(db, "Sam"), person(db, "Lee")
    by_other = intros.record_received(db, by=f"#{other}", to=f"#{sam}", outcome="met")
    to_other = intros.record_received(db, by=f"#{lee}", to=f"#{other}", outcome="no")
    between = intros.record_received(db, by=f"#{keep}", to=f"#{other}")
    before = _rows(db)
    _merge(db, keep, other)
    with db.read() as conn:
        assert intros_received.get(conn, by_other.id).introducer_id == keep
        assert intros_received.get(conn, to_other.id).person_id == keep
        kept = intros_received.get(conn, between.id)  # me to themselves: left as it was
        assert (kept.introducer_id, kept.person_id) == (keep, other)
    assert intros.introducer_reliability(db, keep).met == 1
    _undo(db)
    assert _rows(db) == before
