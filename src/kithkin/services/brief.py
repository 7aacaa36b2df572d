"""Briefs: the recall card before meeting someone (`kithkin brief`, the Brief page, the API),
and a brief for everyone I meet tomorrow (`kithkin briefs`). In team mode the relationship
lines and latest interactions are the acting member's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kithkin import clock
from kithkin.model import SOLO, Actor
from kithkin.model import Planned as Planned
from kithkin.practices.brief import Brief as Brief
from kithkin.services.common import PersonRef, person_id
from kithkin.services.relationships import refresh

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.store import Database


def brief(
    db: Database, *, person: PersonRef, now: datetime | None = None, actor: Actor = SOLO
) -> Brief:
    """One person's brief, as of `now` (relationships refreshed first where they changed)."""
    now = now or clock.now()
    refresh(db, now, actor=actor)
    with db.read() as conn:
        pid = person_id(conn, person)
        return read_briefs(conn, [pid], now, actor=actor, member_id=actor.member_id)[pid]


def for_day(
    db: Database,
    *,
    day: str = "tomorrow",
    now: datetime | None = None,
    actor: Actor = SOLO,
) -> list[tuple[Planned, list[Brief]]]:
    """Every meeting of `day` ("today" or "tomorrow", local time) with a brief per attendee."""
    from kithkin.store import agenda

    now = now or clock.now()
    start, _ = clock.day_window(now)
    if day == "tomorrow":
        start += timedelta(days=1)
    refresh(db, now, actor=actor)
    member = actor.member_id
    with db.read() as conn:
        meetings = agenda.planned(conn, start, start + timedelta(days=1), member)
        found = read_briefs(
            conn, [pid for m in meetings for pid, _ in m.people], now, actor=actor, member_id=member
        )
    return [(m, [found[pid] for pid, _ in m.people]) for m in meetings]


def read_briefs(
    conn: Connection,
    person_ids: Sequence[int],
    now: datetime,
    *,
    recent: int | None = None,
    upcoming: bool = True,
    actor: Actor = SOLO,
    member_id: int | None = None,
) -> dict[int, Brief]:
    """Briefs of several people, read in the caller's transaction (relationships refreshed
    already; without their upcoming meetings when `upcoming` is False: Today shows those),
    with the story, notes and needs the actor may see."""
    from kithkin.practices import strength
    from kithkin.practices.brief import compose, conversations
    from kithkin.services.intro_views import intro_loops
    from kithkin.store import agenda, interactions, people, relationships

    recent = strength.RECENT if recent is None else recent
    out: dict[int, Brief] = {}
    rows = relationships.rows_of(conn, person_ids, member_id=member_id)
    for pid in dict.fromkeys(person_ids):
        person = people.get_person(conn, pid, actor=actor)
        summary = rows.get(pid)
        # the row remembers their latest interactions: no sort of a long history here
        ids = strength.recent_ids(summary.inputs)[:recent] if summary is not None else []
        latest = interactions.get_interactions(conn, ids, viewer=member_id)
        planned = agenda.upcoming_with(conn, pid, now) if upcoming else []
        waiting_subject = None
        if summary is not None and summary.waiting_interaction_id is not None:
            waiting_subject = agenda.subjects_of(conn, [summary.waiting_interaction_id]).get(
                summary.waiting_interaction_id
            )
        threads = conversations(latest, now)
        made = compose(person, summary, latest, threads, planned, now, waiting_subject)
        loops = intro_loops(conn, pid)
        made = replace(made, loops=[*loops, *made.loops][:8]) if loops else made
        out[pid] = _with_needs(conn, made, now, actor)
    return out


def _with_needs(conn: Connection, made: Brief, now: datetime, actor: Actor = SOLO) -> Brief:
    """Their open needs (practice P9) among the loops: something I could help with."""
    from dataclasses import replace

    from kithkin.practices.brief import Loop
    from kithkin.store import service

    needs = service.needs(
        conn, person_id=made.person_id, today=now.astimezone().date(), actor=actor
    )
    if not needs:
        return made
    loops = [Loop("need", f"needs: {n.text}", n.created_at) for n in needs[:3]]
    return replace(made, loops=[*made.loops, *loops])
