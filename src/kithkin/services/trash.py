"""The trash, undo and the activity log: every delete or merge can be taken back."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from kithkin.model import SOLO, Actor, Record, record
from kithkin.services import team

if TYPE_CHECKING:
    from kithkin.model import Activity, Person, PersonSummary
    from kithkin.store import Database


@record
class Trash(Record):
    deleted: list[tuple[PersonSummary, datetime]]  # newest first, with when
    last_undoable: Activity | None
    warnings: tuple[str, ...] = ()


def trash(db: Database, *, actor: Actor = SOLO) -> Trash:
    """The people in the trash, and the action `undo` would take back."""
    from kithkin.store import trash as store

    with db.read() as conn:
        return Trash(deleted=store.trash(conn), last_undoable=store.last_undoable(conn))


def restore(db: Database, *, person_id: int, actor: Actor = SOLO) -> Person:
    """Take a person out of the trash; the person as they are now."""
    from kithkin.store import people
    from kithkin.store import trash as store

    with team.writing(db, actor, "restoring a person") as conn:
        store.restore_person(conn, person_id)
        return people.get_person(conn, person_id, actor=actor)


def undo(db: Database, *, activity_id: int | None = None, actor: Actor = SOLO) -> str:
    """Undo the newest delete or merge (or the one of `activity_id`); what was undone."""
    from kithkin.store import trash as store

    with team.writing(db, actor, "undoing") as conn:
        return store.undo(conn, activity_id)


def activity(db: Database, *, limit: int = 50, actor: Actor = SOLO) -> list[Activity]:
    """The activity log, newest first."""
    from kithkin.store import activity as store

    with db.read() as conn:
        return store.recent(conn, limit=limit, actor=actor)
