"""Logging what you did with people (a call, a coffee, a meeting) and reading a timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kithkin.model import SOLO, Actor, Record, record
from kithkin.services.common import PersonRef, parse_when, person_id

if TYPE_CHECKING:
    from kithkin.model import TimelineEntry
    from kithkin.store import Database


@record
class Logged(Record):
    id: int
    created: bool  # False when the same interaction was logged before
    participants: tuple[int, ...]
    occurred_at: datetime
    warnings: tuple[str, ...] = ()


def log(
    db: Database,
    *,
    kind: str,
    people: Sequence[PersonRef],
    at: str | datetime | None = None,
    direction: str = "both",
    subject: str | None = None,
    summary: str | None = None,
    naive_is_utc: bool = False,
    at_option: str = "--at",
    actor: Actor = SOLO,
) -> Logged:
    """Log one interaction with one or more people.

    `at` is what the user gave (see `parse_when`; now when empty). A JSON client's date-time
    without a zone is UTC (`naive_is_utc`), a person's is their local time."""
    from kithkin.store import interactions

    if naive_is_utc and isinstance(at, datetime) and at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    occurred_at = parse_when(at, at_option)
    with db.write() as conn:
        ids = tuple(dict.fromkeys(person_id(conn, ref) for ref in people))
        interaction_id, created = interactions.log_interaction(
            conn,
            kind=kind,
            direction=direction,
            occurred_at=occurred_at,
            participants=ids,
            subject=subject,
            summary=summary,
            member_id=actor.member_id,
        )
    return Logged(id=interaction_id, created=created, participants=ids, occurred_at=occurred_at)


def timeline(
    db: Database, *, person: PersonRef, limit: int = 100, actor: Actor = SOLO
) -> list[TimelineEntry]:
    """A person's interactions, notes and story as one list, newest first (in team mode
    without another member's private notes' doings, and a teammate's interactions as much as
    they let the team see)."""
    from kithkin.store import interactions

    with db.read() as conn:
        pid = person_id(conn, person)
        return interactions.timeline(conn, pid, limit=limit, actor=actor, viewer=actor.member_id)
