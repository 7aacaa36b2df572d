"""A person's story (work, origin, education, passions, drivers) and the notes kept on them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kithkin.model import Record, record
from kithkin.services.common import PersonRef, parse_date, person_id

if TYPE_CHECKING:
    from kithkin.model import Note, Person, StoryFact
    from kithkin.store import Database


@record
class FactAdded(Record):
    person_id: int
    display_name: str
    fact: StoryFact
    warnings: tuple[str, ...] = ()


@record
class NoteAdded(Record):
    person_id: int
    note: Note
    warnings: tuple[str, ...] = ()


def add_fact(
    db: Database,
    *,
    person: PersonRef,
    field: str,
    text: str,
    learned_on: str | date | None = None,
    learned_where: str | None = None,
    learned_on_option: str = "learned on",
) -> FactAdded:
    """Add a fact to one field of a person's story (a field can hold several facts).

    `learned_on` is the day the user gave; `learned_on_option` names it in the error."""
    from kithkin.store import people
    from kithkin.store import story as store

    day = parse_date(learned_on, learned_on_option)
    with db.write() as conn:
        pid = person_id(conn, person)
        fact_id = store.add_fact(
            conn, pid, field, text, learned_on=day, learned_where=learned_where
        )
        found = people.get_person(conn, pid)
    fact = next(f for f in found.story if f.id == fact_id)
    return FactAdded(person_id=pid, display_name=found.display_name, fact=fact)


def remove_fact(db: Database, *, person: PersonRef, fact_id: int) -> Person:
    """Remove one story fact; the person as they are now."""
    from kithkin.store import people
    from kithkin.store import story as store

    with db.write() as conn:
        pid = person_id(conn, person)
        store.remove_fact(conn, pid, fact_id)
        return people.get_person(conn, pid)


def add_note(db: Database, *, person: PersonRef, text: str) -> NoteAdded:
    """A dated note about a person."""
    from kithkin.store import people
    from kithkin.store import story as store

    with db.write() as conn:
        pid = person_id(conn, person)
        note_id = store.add_note(conn, pid, text)
        notes = people.get_person(conn, pid).notes
    return NoteAdded(person_id=pid, note=next(n for n in notes if n.id == note_id))
