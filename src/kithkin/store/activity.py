"""The activity log: every write appends one row here, in the same transaction."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, select

from kithkin import clock
from kithkin.errors import Forbidden
from kithkin.model import SOLO, Activity, Actor
from kithkin.store.privacy import activity_visible
from kithkin.store.schema import activity

_AUTHOR: ContextVar[Actor] = ContextVar("kithkin_activity_author", default=SOLO)


@contextmanager
def authored_by(actor: Actor) -> Iterator[None]:
    """Every activity row recorded inside names `actor` as its author (team mode)."""
    token = _AUTHOR.set(actor)
    try:
        yield
    finally:
        _AUTHOR.reset(token)


def set_author(actor: Actor) -> Callable[[], None]:
    """`authored_by` for what follows (a whole command); returns the function that ends it."""
    token = _AUTHOR.set(actor)
    return lambda: _AUTHOR.reset(token)


def record(
    conn: Connection,
    action: str,
    summary: str,
    *,
    person_id: int | None = None,
    payload: dict[str, Any] | None = None,
    undoable: bool = False,
    private: bool = False,
) -> int:
    """Append one row; its author is the actor of `authored_by` (none for the personal user);
    `private` when it tells of a private row (seen by its author only, in team mode).

    Every change a user makes records one row, so a viewer's change stops here whatever the
    use case (Forbidden, and its transaction rolls back): the use cases check the role first,
    with a message naming what was refused; this is the net under all of them."""
    author = _AUTHOR.get()
    if author.member_id is not None and not author.may("editor"):
        raise Forbidden(f"changing anything needs the editor role; {author.username} is a viewer")
    result = conn.execute(
        activity.insert().values(
            at=clock.now(),
            action=action,
            person_id=person_id,
            summary=summary,
            payload=json.dumps(payload, sort_keys=True) if payload is not None else None,
            undoable=undoable,
            member_id=author.member_id,
            private=private,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def revise(
    conn: Connection, activity_id: int, summary: str, *, payload: dict[str, Any] | None = None
) -> None:
    """Rewrite the summary of a running action (an import that commits batch by batch keeps
    one row, up to date with what each committed batch did)."""
    conn.execute(
        activity.update()
        .where(activity.c.id == activity_id)
        .values(
            summary=summary,
            payload=json.dumps(payload, sort_keys=True) if payload is not None else None,
        )
    )


def get(conn: Connection, activity_id: int, *, actor: Actor = SOLO) -> Activity | None:
    row = conn.execute(
        _with_author().where(activity.c.id == activity_id, activity_visible(actor))
    ).first()
    return _activity(row) if row is not None else None


def recent(
    conn: Connection, *, limit: int = 50, person_id: int | None = None, actor: Actor = SOLO
) -> list[Activity]:
    """The latest activity the actor may see (not another member's private rows' doings)."""
    query = (
        _with_author().where(activity_visible(actor)).order_by(activity.c.id.desc()).limit(limit)
    )
    if person_id is not None:
        query = query.where(activity.c.person_id == person_id)
    return [_activity(row) for row in conn.execute(query)]


def _with_author() -> Any:
    from kithkin.store.schema_team import member  # built on first use (a read of people: not)

    return select(activity, member.c.username.label("author")).outerjoin(
        member, member.c.id == activity.c.member_id
    )


def _activity(row: Any) -> Activity:
    return Activity(
        id=row.id,
        at=row.at,
        action=row.action,
        person_id=row.person_id,
        summary=row.summary,
        undoable=bool(row.undoable),
        undone_at=row.undone_at,
        member_id=row.member_id,
        private=bool(row.private),
        author=getattr(row, "author", None),
    )
