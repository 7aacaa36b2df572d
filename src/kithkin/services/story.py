"""A person's story (work, origin, education, passions, drivers) and the notes kept on them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from kithkin.model import SOLO, Actor, Record, record
from kithkin.services import team
from kithkin.services.common import PersonRef, parse_date, person_id

if TYPE_CHECKING:
    from sqlalchemy import Connection

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
    shared: bool = False,
    actor: Actor = SOLO,
) -> FactAdded:
    """Add a fact to one field of a person's story (a field can hold several facts).

    `learned_on` is the day the user gave; `learned_on_option` names it in the error. In team
    mode the fact is the actor's, private unless `shared`."""
    from kithkin.store import people
    from kithkin.store import story as store

    day = parse_date(learned_on, learned_on_option)
    with team.writing(db, actor, "adding a story fact") as conn:
        pid = person_id(conn, person)
        fact_id = store.add_fact(
            conn,
            pid,
            field,
            text,
            learned_on=day,
            learned_where=learned_where,
            member_id=actor.member_id,
            shared=shared,
        )
        found = people.get_person(conn, pid, actor=actor)
    fact = next(f for f in found.story if f.id == fact_id)
    return FactAdded(person_id=pid, display_name=found.display_name, fact=fact)


def remove_fact(db: Database, *, person: PersonRef, fact_id: int, actor: Actor = SOLO) -> Person:
    """Remove one story fact (the actor's own, or a shared one); the person as they are now."""
    from kithkin.store import people
    from kithkin.store import story as store

    with team.writing(db, actor, "removing a story fact") as conn:
        pid = person_id(conn, person)
        _changeable(conn, "fact", fact_id, actor, pid)
        store.remove_fact(conn, pid, fact_id)
        return people.get_person(conn, pid, actor=actor)


def add_note(
    db: Database, *, person: PersonRef, text: str, shared: bool = False, actor: Actor = SOLO
) -> NoteAdded:
    """A dated note about a person; in team mode the actor's, private unless `shared`."""
    from kithkin.store import people
    from kithkin.store import story as store

    with team.writing(db, actor, "adding a note") as conn:
        pid = person_id(conn, person)
        note_id = store.add_note(conn, pid, text, member_id=actor.member_id, shared=shared)
        notes = people.get_person(conn, pid, actor=actor).notes
    return NoteAdded(person_id=pid, note=next(n for n in notes if n.id == note_id))


def remove_note(db: Database, *, person: PersonRef, note_id: int, actor: Actor = SOLO) -> Person:
    """Remove one note (the actor's own, or a shared one); the person as they are now."""
    from kithkin.store import people
    from kithkin.store import story as store

    with team.writing(db, actor, "removing a note") as conn:
        pid = person_id(conn, person)
        _changeable(conn, "note", note_id, actor, pid)
        store.remove_note(conn, pid, note_id)
        return people.get_person(conn, pid, actor=actor)


@record
class Shared(Record):
    """A note, story fact, need or ledger entry shared with the team, or made private."""

    kind: str  # note, fact, need, ledger
    id: int
    person_id: int
    shared: bool
    warnings: tuple[str, ...] = ()


def share(
    db: Database, *, kind: str, row_id: int, shared: bool = True, actor: Actor = SOLO
) -> Shared:
    """Share one of the actor's rows (a note, story fact, need or ledger entry) with the team,
    or make it private again. Only its owner may make a row private; sharing needs editor."""
    from kithkin.errors import Forbidden, InvalidInput
    from kithkin.store import privacy
    from kithkin.store import story as store

    if kind not in privacy.KINDS:
        raise InvalidInput(f"{kind!r}: share one of {', '.join(privacy.KINDS)}")
    doing = "sharing" if shared else "making private"
    with team.writing(db, actor, f"{doing} a {kind}") as conn:
        row = _changeable(conn, kind, row_id, actor)
        if not shared and row.member_id not in (None, actor.member_id):
            raise Forbidden(f"only the one who wrote {kind} #{row_id} may make it private")
        if bool(row.shared) != shared:
            store.share(conn, kind, row_id, shared)
    return Shared(kind=kind, id=row_id, person_id=row.person_id, shared=shared)


def _changeable(
    conn: Connection, kind: str, row_id: int, actor: Actor, person: int | None = None
) -> Any:
    """The row the actor may change: NotFound when they cannot see it (someone else's private
    row, or one of another person), Forbidden when it is not theirs and not shared."""
    from kithkin.errors import Forbidden, NotFound
    from kithkin.store import privacy

    row = privacy.owned_row(conn, kind, row_id, actor)
    if person is not None and row.person_id != person:
        raise NotFound(f"no {kind} #{row_id} on that person")
    if not privacy.may_change(row, actor):
        raise Forbidden(f"{kind} #{row_id} is someone else's")
    return row
