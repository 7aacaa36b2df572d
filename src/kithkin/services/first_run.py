"""The first run: a database with nothing in it yet gets a welcome instead of an empty agenda
(the Today page and `kithkin today` / `kithkin people`): who are you, bring your mail,
contacts or calendar in, or open the demo network in it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kithkin.model import SOLO, Actor, Record, record

if TYPE_CHECKING:
    from kithkin.demo import DemoSummary
    from kithkin.model import Me
    from kithkin.store import Database


@record
class FirstRun(Record):
    """An empty database (no person, not even in the trash, no interaction), and who I am
    so far (a name and addresses may be given before anything else)."""

    me: Me


def first_run(db: Database, *, actor: Actor = SOLO) -> FirstRun | None:
    """The welcome's facts when the database holds nothing yet, else None."""
    from kithkin.store import settings, stats

    with db.read() as conn:
        if not stats.is_empty(conn):
            return None
        return FirstRun(me=settings.get_me(conn, actor.member_id))


def open_demo(db: Database, *, seed: int = 7) -> DemoSummary:
    """Fill this empty database with the demo network `kithkin demo` builds (its name and
    addresses replace mine); InvalidInput when it holds people or interactions already."""
    from kithkin.demo import build_demo

    return build_demo(db, seed=seed)
