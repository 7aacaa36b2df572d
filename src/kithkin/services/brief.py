"""Briefs: the recall card before meeting someone (`kithkin brief`, the Brief page, the API),
and a brief for everyone I meet tomorrow (`kithkin briefs`). In team mode the relationship
lines and latest interactions are the acting member's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from kithkin import clock
from kithkin.errors import NotFound
from kithkin.model import SOLO, Actor
from kithkin.model import Planned as Planned
from kithkin.practices.brief import Brief as Brief
from kithkin.practices.brief import Loop
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
    from kithkin.services.intro_views import intro_loops_of
    from kithkin.store import agenda, interactions, people, relationships

    recent = strength.RECENT if recent is None else recent
    wanted = list(dict.fromkeys(person_ids))
    # each kind of row read once for them all (a brief per person was a dozen statements each)
    rows = relationships.rows_of(conn, wanted, member_id=member_id)
    found = people.get_people(conn, wanted, actor=actor)
    if missing := [pid for pid in wanted if pid not in found]:
        raise NotFound(f"no person #{missing[0]}")
    # the row remembers their latest interactions: no sort of a long history here
    latest_ids = {
        pid: strength.recent_ids(summary.inputs)[:recent] for pid, summary in rows.items()
    }
    read = interactions.get_interactions(
        conn, [i for ids in latest_ids.values() for i in ids], viewer=member_id
    )
    by_id = {i.id: i for i in read}
    waited = [w for r in rows.values() if (w := r.waiting_interaction_id) is not None]
    subjects = agenda.subjects_of(conn, waited)
    loops = intro_loops_of(conn, wanted)
    needs = _needs_of(conn, wanted, now, actor)
    out: dict[int, Brief] = {}
    for pid in wanted:
        summary = rows.get(pid)
        latest = [by_id[i] for i in latest_ids.get(pid, ()) if i in by_id]
        latest.sort(key=lambda i: i.occurred_at, reverse=True)
        planned = agenda.upcoming_with(conn, pid, now, member_id=member_id) if upcoming else []
        waiting = summary.waiting_interaction_id if summary is not None else None
        waiting_subject = subjects.get(waiting) if waiting is not None else None
        threads = conversations(latest, now)
        made = compose(found[pid], summary, latest, threads, planned, now, waiting_subject)
        if own := loops.get(pid):
            made = replace(made, loops=[*own, *made.loops][:8])
        if theirs := needs.get(pid):
            made = replace(made, loops=[*made.loops, *theirs])
        out[pid] = made
    return out


def _needs_of(
    conn: Connection, person_ids: Sequence[int], now: datetime, actor: Actor
) -> dict[int, list[Loop]]:
    """Their open needs (practice P9) as loops of their briefs, three each at most: something I
    could help with."""
    from kithkin.store import service

    out: dict[int, list[Loop]] = {}
    today = now.astimezone().date()
    for n in service.needs(conn, among=person_ids, today=today, actor=actor):  # newest first
        mine = out.setdefault(n.person_id, [])
        if len(mine) < 3:
            mine.append(Loop("need", f"needs: {n.text}", n.created_at))
    return out
