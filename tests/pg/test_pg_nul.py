"""PostgreSQL's text cannot hold NUL (U+0000), SQLite's can: on PostgreSQL every bound
string has it as U+FFFD instead — stored, looked up and batched alike — never a 500 (the API
fuzzer found `{"a": "0\\u0000"}` failing on PostgreSQL only)."""

from __future__ import annotations

from sqlalchemy import select

from kithkin.errors import NotFound
from kithkin.services import people, story
from kithkin.store import Database
from kithkin.store.schema import note, person


def test_a_nul_is_stored_as_the_replacement_character(db: Database) -> None:
    made = people.add_person(db, display_name="Ada\x00 Lovelace").person
    assert "\x00" not in made.display_name  # names lose control characters anyway
    story.add_note(db, person=made.id, text="one\x00two")
    with db.read() as conn:
        assert conn.scalar(select(note.c.text)) == "one\ufffdtwo"
    try:  # a lookup by a name with NUL finds nothing, without an error of the driver
        people.get_person(db, person="nobody\x00")
    except NotFound:
        pass
    else:
        raise AssertionError("a NUL name matched someone")


def test_batched_rows_with_nul_are_stored_too(db: Database) -> None:
    with db.write() as conn:
        conn.execute(
            person.insert(),
            [
                {"uid": f"u{n}", "display_name": f"Name {n}\x00", "created_at": _at(),
                 "updated_at": _at()}
                for n in range(3)
            ],
        )  # fmt: skip
    with db.read() as conn:
        names = sorted(conn.scalars(select(person.c.display_name)))
    assert names == [f"Name {n}\ufffd" for n in range(3)]


def _at() -> object:
    from kithkin import clock

    return clock.now()
