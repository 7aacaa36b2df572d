"""The activity log: every write appends one row here, in the same transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from kithkin import clock
from kithkin.model import Activity
from kithkin.store.schema import activity


def record(
    conn: Connection,
    action: str,
    summary: str,
    *,
    person_id: int | None = None,
    payload: dict[str, Any] | None = None,
    undoable: bool = False,
) -> int:
    result = conn.execute(
        activity.insert().values(
            at=clock.now(),
            action=action,
            person_id=person_id,
            summary=summary,
            payload=json.dumps(payload, sort_keys=True) if payload is not None else None,
            undoable=undoable,
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


def get(conn: Connection, activity_id: int) -> Activity | None:
    row = conn.execute(select(activity).where(activity.c.id == activity_id)).first()
    return _activity(row) if row is not None else None


def recent(conn: Connection, *, limit: int = 50, person_id: int | None = None) -> list[Activity]:
    query = select(activity).order_by(activity.c.id.desc()).limit(limit)
    if person_id is not None:
        query = query.where(activity.c.person_id == person_id)
    return [_activity(row) for row in conn.execute(query)]


def _activity(row: Any) -> Activity:
    return Activity(
        id=row.id,
        at=row.at,
        action=row.action,
        person_id=row.person_id,
        summary=row.summary,
        undoable=bool(row.undoable),
        undone_at=row.undone_at,
    )
