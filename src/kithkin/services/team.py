"""Team mode: who is acting, and what their role lets them do.

A database with no member is personal: the one user acts as `SOLO` with every right and no
login. Once it has members, every use case that reads or writes another member's rows, or
needs a role, takes the acting member (`Actor`) and checks it here, once, for the CLI, the
web UI and the API alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from kithkin.errors import Forbidden, NotLoggedIn
from kithkin.model import SOLO, Actor, TeamMember

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.store import Database


def is_team(db: Database) -> bool:
    """Whether the database has members (team mode)."""
    from kithkin.store import privacy

    with db.read() as conn:
        return privacy.has_members(conn)


def actor_for(db: Database, username: str | None) -> Actor:
    """The actor a CLI command or a logged-in request runs as: SOLO on a personal database;
    in team mode the member named (NotLoggedIn when none is named or there is no such one)."""
    from kithkin.errors import NotFound
    from kithkin.store import privacy

    with db.read() as conn:
        if not privacy.has_members(conn):  # a personal database: no member table metadata
            return SOLO
        from kithkin.store import team

        if not username:
            raise NotLoggedIn("this is a team database: say which user you are (--user)")
        try:
            found = team.by_username(conn, username)
        except NotFound:
            raise NotLoggedIn(f"no user {username.strip().lower()[:70]!r} here") from None
    return as_actor(found)


def as_actor(member: TeamMember) -> Actor:
    return Actor(member_id=member.id, role=member.role, username=member.username)


def require(actor: Actor, role: str, doing: str) -> None:
    """Forbidden unless the actor's role is at least `role`; `doing` names the action."""
    if not actor.may(role):
        raise Forbidden(f"{doing} needs the {role} role; {actor.username} is a {actor.role}")


def members(db: Database) -> Sequence[TeamMember]:
    from kithkin.store import team

    with db.read() as conn:
        return team.members(conn)


@contextmanager
def writing(db: Database, actor: Actor, doing: str) -> Iterator[Connection]:
    """A write transaction for a use case that changes the shared network or a member's rows:
    Forbidden for a viewer; every activity row recorded inside names the actor as its author."""
    from kithkin.store import activity

    require(actor, "editor", doing)
    with activity.authored_by(actor), db.write() as conn:
        yield conn


def adopt_personal_rows(db: Database, member_id: int) -> dict[str, int]:
    """Make the personal user's notes, story facts, needs, ledger entries and activity (from
    before team mode) the private rows of `member_id`: called when the first owner is added."""
    from kithkin.store import privacy

    with db.write() as conn:
        return privacy.adopt_personal_rows(conn, member_id)


@contextmanager
def acting(actor: Actor) -> Iterator[None]:
    """Everything done inside acts as `actor`: the activity rows it records name them, and a
    viewer's change is refused even by a use case that does not check the role itself (a web
    request runs inside this)."""
    from kithkin.store import activity

    with activity.authored_by(actor):
        yield


def act_as(actor: Actor) -> Callable[[], None]:
    """`acting` for the rest of a command; returns the function that ends it."""
    from kithkin.store import activity

    return activity.set_author(actor)
