"""The circle (practice P1): a few people seen regularly, each on a cadence.

"It's easier to form new connections by interacting with 10 people on a regular basis, rather
than 100 people very occasionally." A member is due when their cadence has passed since my
last touch (anything I made happen: I wrote, we met or talked, I logged it — a message of
theirs I have not answered is no touch, it is "waiting for you"), overdue when half a cadence
more has passed, and has silently dropped out after `DROPPED_FACTOR` cadences without two-way
contact. `suggest` fills the free places of the cap with the strongest two-way relationships
(whatever their tier: a busy person always gets the best they have, each with its strength
and why), and names the members who dropped out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from kithkin.clock import days
from kithkin.model import Member as Member
from kithkin.model import Record, count_of, record
from kithkin.practices import strength

if TYPE_CHECKING:
    from kithkin.model import Relationship

DROPPED_FACTOR: Final = 3
DUE_AHEAD: Final = timedelta(days=1)  # due from a day before the cadence runs out


@record
class Status(Record):
    member: Member
    cadence: int
    cadence_from: str  # "own", "tag <name>", "default"
    state: str  # ok, due, overdue
    due_at: datetime | None
    dropped: bool  # no two-way contact for DROPPED_FACTOR cadences
    reason: str


@record
class Suggestion(Record):
    person_id: int
    display_name: str
    action: str  # add, remove
    score: float
    reason: str
    tier: str = ""
    interactions_365: int = 0  # interactions in the last year (add)


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


def suggestible(r: Relationship) -> bool:
    """The floor of a suggestion: a two-way relationship (some mutual exchange)."""
    return r.reciprocity > 0 and r.last_mutual_at is not None


def suggest(
    candidates: Sequence[Relationship],
    names: Mapping[int, str],
    members: Sequence[Status],
    now: datetime,
    *,
    limit: int = 5,
) -> list[Suggestion]:
    """The `limit` strongest two-way relationships as of `now` not yet in the circle (the
    caller gives the free places of the cap), strongest first, each saying how strong and
    why; then the members who silently dropped out. `candidates` are stored relationships."""
    inside = {s.member.person_id for s in members}
    scored = sorted(
        (
            (strength.current(r, now), r)
            for r in candidates
            if r.person_id not in inside and suggestible(r)
        ),
        key=lambda pair: (-pair[0], pair[1].person_id),
    )
    out = [_add(r, score, names, now) for score, r in scored[: max(0, limit)] if score > 0]
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
                    f"cadence of {count_of(s.cadence, 'day')}; reach out once more, or make room",
                    s.member.tier,
                )
            )
    return out


def _add(r: Relationship, score: float, names: Mapping[int, str], now: datetime) -> Suggestion:
    assert r.last_mutual_at is not None  # suggestible
    tier = strength.tier_of(score)
    year = f"{count_of(r.n_365, 'interaction')} in the last year"
    if r.n_365 != r.n_all:
        year += f" ({r.n_all:,} in all)"
    return Suggestion(
        r.person_id,
        names.get(r.person_id, f"#{r.person_id}"),
        "add",
        round(score, 1),
        f"strength {score:.0f}/100 ({tier}): {year}, {r.reciprocity:.0%} two-way, "
        f"last two-way contact {days(now - r.last_mutual_at)} ago",
        tier,
        r.n_365,
    )


@record
class Circle(Record):
    now: datetime
    cap: int
    default_cadence: int
    tag_cadences: dict[str, int]
    members: list[Status]
    warning: str | None  # past its cap

    @property
    def warnings(self) -> list[str]:
        return [self.warning] if self.warning else []


def scored(member: Member, now: datetime) -> Member:
    """The member with their score and tier as of `now` (0, none: never computed)."""
    if member.computed_at is None or member.weight is None or member.reciprocity is None:
        score = 0.0
    else:
        score = strength.score_at(
            member.weight, member.reciprocity, member.last_mutual_at, member.computed_at, now
        )
    return replace(member, score=score, tier=strength.tier_of(score))
