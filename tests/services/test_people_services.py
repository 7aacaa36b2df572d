"""The people, story, log and trash use cases: one transaction each, the user's text parsed once."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound
from kithkin.services import interactions, people, story, trash
from kithkin.services.people import NewContact
from kithkin.store import Database


def test_add_edit_and_show_a_person_by_reference(db: Database) -> None:
    added = people.add_person(
        db,
        display_name="Dana Whitfield",
        contacts=[
            NewContact("email", "dana@acme.example"),
            NewContact("url", "dana.example", "blog"),
        ],
        tags=["circle"],
    )
    assert [c.label for c in added.person.contact_points] == [None, "blog"]
    edited = people.edit_person(
        db, person="dana@acme.example", changes={"title": "CIO"}, add_tags=["cio-forum"]
    )
    assert edited.changed == ("title",)
    assert edited.done == ("title changed", "tagged cio-forum")
    page = people.person_page(db, person=f"#{added.person.id}", timeline=5)
    assert page.person.title == "CIO"
    assert page.strength.person_id == added.person.id


def test_a_logged_day_is_midday_local_and_a_json_naive_time_is_utc(db: Database) -> None:
    clock.freeze(datetime(2026, 3, 14, 9, 0, tzinfo=UTC))
    pid = people.add_person(db, display_name="Dana").person.id
    past = interactions.log(db, kind="coffee", people=[pid], at="2026-03-01")
    assert past.occurred_at == datetime.combine(datetime(2026, 3, 1).date(), time(12)).astimezone(
        UTC
    )
    today = interactions.log(db, kind="call", people=[pid], at="")
    assert today.occurred_at == clock.now()
    api = interactions.log(
        db, kind="meal", people=[pid, pid], at=datetime(2026, 3, 2, 19, 0), naive_is_utc=True
    )
    assert api.occurred_at == datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
    assert api.participants == (pid,)
    with pytest.raises(InvalidInput, match="--at: 'soon' is not a date"):
        interactions.log(db, kind="call", people=[pid], at="soon")


def test_story_dates_are_checked_before_anything_is_written(db: Database) -> None:
    pid = people.add_person(db, display_name="Dana").person.id
    with pytest.raises(InvalidInput, match="learned on: 'once upon a time' is not a date"):
        story.add_fact(db, person=pid, field="origin", text="Porto", learned_on="once upon a time")
    added = story.add_fact(db, person=pid, field="origin", text="Porto", learned_on="2026-01-02")
    assert added.fact.learned_on is not None and added.fact.learned_on.isoformat() == "2026-01-02"
    assert len(people.get_person(db, person=pid).story) == 1


def test_delete_merge_undo_and_restore(db: Database) -> None:
    keep = people.add_person(db, display_name="Dana").person.id
    other = people.add_person(db, display_name="Dana W.").person.id
    merged = people.merge_people(db, keep=keep, other=other)
    assert (merged.other_id, merged.other_name) == (other, "Dana W.")
    assert trash.undo(db).startswith("merged")
    deleted = people.delete_person(db, person=other)
    assert [s.id for s, _ in trash.trash(db).deleted] == [other]
    with pytest.raises(NotFound):
        people.get_person(db, person=other)
    assert trash.restore(db, person_id=deleted.person_id).display_name == "Dana W."
