"""People scenarios the people, trash and backup tests rebuild: a person in one call, and Dana
Whitfield with the duplicate of her that a merge folds in (and undo splits out again)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kithkin import clock
from kithkin.services import people
from kithkin.services.people import NewContact
from kithkin.store import Database, interactions, story


def person(
    db: Database, name: str, *, emails: Sequence[str] = (), tags: Sequence[str] = (), **fields: str
) -> int:
    """A new person through the use case; their id."""
    contacts = [NewContact("email", address) for address in emails]
    return people.add_person(
        db, display_name=name, contacts=contacts, tags=tags, **fields
    ).person.id


@dataclass(frozen=True)
class Duplicate:
    keep: int  # Dana Whitfield, dana@acme.example, circle
    other: int  # D. Whitfield of Acme, dw@home.example, circle and board; a fact, a note, a call
    third: int  # Sam, at a meeting with both


def dana_and_her_duplicate(db: Database) -> Duplicate:
    """Dana twice over, each with rows a merge must move (and undo must move back)."""
    keep = person(db, "Dana Whitfield", emails=["dana@acme.example"], tags=["circle"])
    other = person(
        db,
        "D. Whitfield",
        emails=["dw@home.example"],
        tags=["circle", "board"],
        organisation="Acme",
    )
    third = person(db, "Sam")
    with db.write() as conn:
        story.add_fact(conn, other, "education", "studied at Delft")
        story.add_note(conn, other, "met at the CIO forum")
        interactions.log_interaction(
            conn,
            kind="meeting",
            direction="both",
            occurred_at=clock.now(),
            participants=[keep, other, third],
        )
        interactions.log_interaction(
            conn, kind="call", direction="both", occurred_at=clock.now(), participants=[other]
        )
    return Duplicate(keep=keep, other=other, third=third)
