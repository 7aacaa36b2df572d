"""What Today asks "how did it go?" about: the meetings and gatherings of the last days with no
reflection yet — apart from the weekly review (`services.review`), so Today reads it without
importing the review's figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from kithkin import clock
from kithkin.model import SOLO, Actor, Record, record

if TYPE_CHECKING:
    from kithkin.store import Database
    from kithkin.store.review import Spoken


@record
class Pending(Record):
    """A meeting or gathering that ended lately with no reflection yet."""

    kind: str  # meeting, gathering
    key: str  # "meeting:12", "gathering:3:2026-03-19"
    title: str
    day: date
    people: list[tuple[int, str]]


def pending(
    db: Database,
    *,
    now: datetime | None = None,
    days: int = 3,
    actor: Actor = SOLO,
    limit: int | None = None,
) -> list[Pending]:
    """Meetings (calls, coffees...) and gatherings of the last `days` days that have no
    reflection yet, latest first: what Today asks "how did it go?" about (its first `limit`:
    the meetings are read a day at a time, the latest first, until there are enough). In
    team mode the acting member's own meetings and own reflections."""
    from kithkin.services import gatherings as gathering_service
    from kithkin.store import review as store
    from kithkin.store.reflections import reflected_gathering_days, reflected_interactions

    now = now or clock.now()
    since = now - timedelta(days=days)
    with db.read() as conn:
        member = actor.member_id
        spoken: list[Spoken] = []
        for one_day in store.spoken_by_day(conn, since, now, member_id=member):
            done = reflected_interactions(conn, [s.id for s in one_day], member_id=member)
            spoken += [s for s in one_day if s.people and s.id not in done]
            if limit is not None and len(spoken) >= limit:
                break  # whole days read: what is left is older than any of these
        done_gatherings = reflected_gathering_days(
            conn, since.date() - timedelta(days=1), member_id=member
        )
    out = [
        Pending(
            kind="meeting",
            key=f"meeting:{s.id}",
            title=s.title,
            day=s.at.astimezone().date(),
            people=s.people,
        )
        for s in spoken
    ]
    for g, day, met in gathering_service.attended_lately(db, since=since, now=now):
        if (g.id, day) not in done_gatherings:
            out.append(
                Pending(
                    kind="gathering",
                    key=f"gathering:{g.id}:{day.isoformat()}",
                    title=g.name,
                    day=day,
                    people=[(i, n) for i, n, d in met if d == day],
                )
            )
    return sorted(out, key=lambda p: (p.day, p.title), reverse=True)[:limit]
