"""The circle (practice P1): a few people seen regularly, each on a cadence.

"It's easier to form new connections by interacting with 10 people on a regular basis, rather
than 100 people very occasionally." A member is due when their cadence has passed since my
last touch (anything I made happen: I wrote, we met or talked, I logged it — a message of
theirs I have not answered is no touch, it is "waiting for you"), overdue when half a cadence
more has passed, and has silently dropped out after `DROPPED_FACTOR` cadences without two-way
contact. `suggest` proposes who deserves a place: strong, two-way, recent relationships.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from kithkin import clock
from kithkin.clock import days
from kithkin.practices import refresh, strength

if TYPE_CHECKING:
    from kithkin.store import Database

DROPPED_FACTOR: Final = 3
DUE_AHEAD: Final = timedelta(days=1)  # due from a day before the cadence runs out
SUGGEST_RECENT_DAYS: Final = 30
SUGGEST_MIN_RECIPROCITY: Final = 0.5


@dataclass(frozen=True)
class Member:
    person_id: int
    display_name: str
    organisation: str | None
    title: str | None
    tags: tuple[str, ...]
    cadence_days: int | None  # their own cadence, if set
    source: str
    added_at: datetime
    last_touch_at: datetime | None
    last_mutual_at: datetime | None
    waiting_since: datetime | None
    score: float
    tier: str


@dataclass(frozen=True)
class Status:
    member: Member
    cadence: int
    cadence_from: str  # "own", "tag <name>", "default"
    state: str  # ok, due, overdue
    due_at: datetime | None
    dropped: bool  # no two-way contact for DROPPED_FACTOR cadences
    reason: str


@dataclass(frozen=True)
class Suggestion:
    person_id: int
    display_name: str
    action: str  # add, remove
    score: float
    reason: str


def cadence_for(member: Member, tag_cadences: Mapping[str, int], default: int) -> tuple[int, str]:
    """The member's own cadence, else the shortest of their tags', else the default."""
    if member.cadence_days:
        return member.cadence_days, "own"
    tagged = sorted((tag_cadences[t], t) for t in member.tags if t in tag_cadences)
    if tagged:
        return tagged[0][0], f"tag {tagged[0][1]}"
    return default, "default"


def status(member: Member, cadence: int, cadence_from: str, now: datetime) -> Status:
    every = f"every {cadence} days"
    waiting = ""
    if member.waiting_since is not None:
        waiting = f"; they wrote {days(now - member.waiting_since)} ago, waiting for your answer"
    mutual = member.last_mutual_at or member.added_at
    dropped = now - mutual >= timedelta(days=DROPPED_FACTOR * cadence)
    if member.last_touch_at is None:
        return Status(
            member, cadence, cadence_from, "due", None, dropped,
            f"no touch yet ({every}){waiting}",
        )  # fmt: skip
    due_at = member.last_touch_at + timedelta(days=cadence)
    ago = days(now - member.last_touch_at)
    if now < due_at - DUE_AHEAD:
        state, reason = "ok", f"next touch in {days(due_at - now)} (last {ago} ago, {every})"
    elif now < due_at + timedelta(days=cadence / 2):
        state, reason = "due", f"due: last touch {ago} ago, {every}"
    else:
        state, reason = "overdue", f"overdue by {days(now - due_at)}: last touch {ago} ago, {every}"
    if dropped:
        silent = (
            "no two-way contact yet"
            if member.last_mutual_at is None
            else (f"no two-way contact for {days(now - mutual)}")
        )
        reason += f"; {silent}: silently dropped out?"
    return Status(member, cadence, cadence_from, state, due_at, dropped, reason + waiting)


def statuses(
    members: Sequence[Member], tag_cadences: Mapping[str, int], default: int, now: datetime
) -> list[Status]:
    """Every member's status, the most overdue first."""
    out = [status(m, *cadence_for(m, tag_cadences, default), now) for m in members]
    order = {"overdue": 0, "due": 1, "ok": 2}
    return sorted(
        out,
        key=lambda s: (order[s.state], s.due_at or s.member.added_at, s.member.display_name),
    )


def cap_warning(size: int, cap: int) -> str | None:
    if size <= cap:
        return None
    return (
        f"your circle has {size} people, past its cap of {cap}: the practice is a few people "
        f"seen regularly — remove {size - cap} or raise the cap (kithkin circle cap N)"
    )


def suggest(
    candidates: Sequence[Any],
    names: Mapping[int, str],
    members: Sequence[Status],
    now: datetime,
    *,
    limit: int = 5,
) -> list[Suggestion]:
    """Who deserves a place (strong, two-way, recent; not yet members), and which members
    silently dropped out. `candidates` are stored relationship rows."""
    inside = {s.member.person_id for s in members}
    out: list[Suggestion] = []
    scored = sorted(
        ((strength.current(r, now), r) for r in candidates if r.person_id not in inside),
        key=lambda pair: -pair[0],
    )
    for score, r in scored:
        if len([s for s in out if s.action == "add"]) >= limit:
            break
        if strength.tier_of(score) != "strong" or r.reciprocity < SUGGEST_MIN_RECIPROCITY:
            continue
        if r.last_mutual_at is None or now - r.last_mutual_at > timedelta(days=SUGGEST_RECENT_DAYS):
            continue
        out.append(
            Suggestion(
                r.person_id,
                names.get(r.person_id, f"#{r.person_id}"),
                "add",
                round(score, 1),
                f"strong two-way relationship ({score:.0f}/100): {r.n_90} interactions in 90 "
                f"days, last two-way contact {days(now - r.last_mutual_at)} ago",
            )
        )
    for s in members:
        if s.dropped:
            mutual = s.member.last_mutual_at
            silent = (
                f"no two-way contact for {days(now - mutual)}" if mutual else "no two-way contact"
            )
            out.append(
                Suggestion(
                    s.member.person_id,
                    s.member.display_name,
                    "remove",
                    round(s.member.score, 1),
                    f"silently dropped out: {silent}, more than {DROPPED_FACTOR}× their "
                    f"cadence of {s.cadence} days; reach out once more, or make room",
                )
            )
    return out


@dataclass(frozen=True)
class Circle:
    now: datetime
    cap: int
    default_cadence: int
    tag_cadences: dict[str, int]
    members: list[Status]
    warning: str | None


def load(db: Database, now: datetime | None = None) -> Circle:
    """The circle as of `now`, after bringing relationships up to date."""
    from kithkin.store import circle as store

    now = now or clock.now()
    prepare(db, now)
    with db.read() as conn:
        found = store.members(conn)
        tags = store.tag_cadences(conn)
        default = store.default_cadence(conn)
        cap = store.cap(conn)
    members = [member_of(row, now) for row in found]
    return Circle(
        now=now,
        cap=cap,
        default_cadence=default,
        tag_cadences=tags,
        members=statuses(members, tags, default, now),
        warning=cap_warning(len(members), cap),
    )


def suggestions(db: Database, now: datetime | None = None, *, limit: int = 5) -> list[Suggestion]:
    from kithkin.store import people, relationships

    now = now or clock.now()
    current = load(db, now)
    with db.read() as conn:
        rows = relationships.strongest(conn, strength.TIERS[0][1], limit=limit * 20)
        found = people.summaries_by_id(conn, [r.person_id for r in rows])
    names = {pid: s.display_name for pid, s in found.items()}
    return suggest(rows, names, current.members, now, limit=limit)


def prepare(db: Database, now: datetime) -> None:
    """Relationships up to date, and the circle seeded from the `circle` tag on first use."""
    from kithkin.store import circle as store

    refresh.refresh(db, now)
    with db.read() as conn:
        seeded = store.is_seeded(conn)
    if not seeded:
        with db.write() as conn:
            store.seed_from_tag(conn)


def member_of(row: Any, now: datetime) -> Member:
    score = strength.current(row, now) if row.computed_at is not None else 0.0
    return Member(
        person_id=row.person_id,
        display_name=row.display_name,
        organisation=row.organisation,
        title=row.title,
        tags=tuple(row.tags),
        cadence_days=row.cadence_days,
        source=row.source,
        added_at=row.added_at,
        last_touch_at=row.last_touch_at,
        last_mutual_at=row.last_mutual_at,
        waiting_since=row.waiting_since,
        score=score,
        tier=strength.tier_of(score),
    )


def to_json(found: Circle) -> dict[str, Any]:
    """The circle as the CLI's --json and the API give it."""
    from kithkin.model import to_jsonable

    return {
        "cap": found.cap,
        "default_cadence": found.default_cadence,
        "tag_cadences": found.tag_cadences,
        "warning": found.warning,
        "members": [
            {
                "person_id": s.member.person_id,
                "display_name": s.member.display_name,
                "organisation": s.member.organisation,
                "tags": list(s.member.tags),
                "cadence": s.cadence,
                "cadence_from": s.cadence_from,
                "state": s.state,
                "due_at": to_jsonable(s.due_at),
                "dropped": s.dropped,
                "last_touch_at": to_jsonable(s.member.last_touch_at),
                "last_mutual_at": to_jsonable(s.member.last_mutual_at),
                "waiting_since": to_jsonable(s.member.waiting_since),
                "score": round(s.member.score, 1),
                "tier": s.member.tier,
                "reason": s.reason,
            }
            for s in found.members
        ],
    }
