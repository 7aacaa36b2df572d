"""The "knows" graph and intro paths: pure decisions over ties and relationships.

A tie between two people other than me is scored as my own relationships are
(`practices.strength`): its evidence weighs what the same interaction would weigh for me
(a reply by mail 1, on a list a quarter of that; a meeting 3, shared by n people ×1/√n),
halved every `strength.HALF_LIFE_DAYS`, and every piece of evidence is two-way (an answer,
or a meeting both attended), so reciprocity is 1 and recency runs from the last piece. A tie
I stated by hand (`kithkin knows A B`) is at least the score of the tier I gave it, and that
does not decay: I said so.

An intro path to a target is me → introducer → target (two hops), or me → target when I
know them myself (one hop). Paths are ranked by their weaker leg: a strong friend who barely
knows the target is no better a path than an acquaintance who knows them well. A first leg
whose last two-way contact is older than `WARM_DAYS` gets a hint to warm it up first.
Among paths whose weaker legs are equal, one through an introducer whose past introductions
led to meetings goes first (`practices.intros.reliability`; no record counts as one half),
and the path says so: "2 of 3 intros they made led to a meeting".
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Final

from kithkin.clock import days
from kithkin.model import CATEGORY_FACTOR, KIND_WEIGHT, Record, record
from kithkin.practices import strength

MEETING_MAX: Final = 12  # people in a meeting, me included, for its attendees to know each other
STATED: Final = {"strong": 70.0, "moderate": 45.0, "weak": 20.0}  # the score of a stated tie
WARM_DAYS: Final = 90.0  # a first leg silent longer than this wants warming up
PATHS: Final = 20  # paths shown at most


def mail_weight(category: str) -> float:
    """The weight of a reply between two people (mail_message.category: person, list)."""
    return KIND_WEIGHT["email"] * CATEGORY_FACTOR.get(category, 1.0)


def meeting_weight(people: int) -> float:
    """The weight of a meeting of `people` (me included) for each pair of its attendees."""
    return KIND_WEIGHT["meeting"] / math.sqrt(max(1, people))


def meeting_pairs(attendees: Sequence[str]) -> list[tuple[str, str]]:
    """The pairs (a < b) of a meeting's attendees (me excluded) who come to know each other:
    none when the meeting, me included, has more than `MEETING_MAX` people."""
    ends = sorted(set(attendees))
    if len(ends) + 1 > MEETING_MAX:
        return []
    return [(x, y) for i, x in enumerate(ends) for y in ends[i + 1 :]]


def decayed(pieces: Sequence[tuple[datetime, float]], at: datetime) -> float:
    """The weight of these pieces of evidence (date, weight) as of `at`, each halved every
    `strength.HALF_LIFE_DAYS` (a piece dated after `at` counts in full)."""
    half = strength.HALF_LIFE_DAYS * 86_400
    return float(
        sum(w * 0.5 ** (max(0.0, (at - when).total_seconds()) / half) for when, w in pieces)
    )


def tie_score(
    weight: float,
    last_at: datetime | None,
    computed_at: datetime,
    stated: str | None,
    now: datetime,
) -> float:
    """A tie's strength 0-100 as of `now`."""
    seen = strength.score_at(weight, 1.0, last_at, computed_at, now) if weight > 0 else 0.0
    return max(seen, STATED.get(stated or "", 0.0))


@record
class Leg(Record):
    """One hop of a path: from someone to someone, how strong, and the last evidence."""

    person_id: int | None  # whom it leads to (None: an address that is nobody's yet)
    name: str
    score: float
    tier: str
    last_at: datetime | None
    evidence: str  # the last evidence, said: "a reply on 'Re: x'", "met at 'Standup'"
    teammate: bool = False  # whom it leads to is on my team (team mode): a bridge of my own


@record
class Path(Record):
    """An intro path: one leg (I know the target) or two (me → introducer → target); through a
    teammate, whose first leg is the team (me → teammate → target, or → someone they know →
    target)."""

    legs: tuple[Leg, ...]
    score: float  # the weaker leg
    tier: str
    hint: str | None  # warm up the first leg first
    reliability: float | None = None  # the introducer's record, smoothed 0-1 (None: no intros)
    record: str | None = None  # "2 of 3 intros they made led to a meeting"


def with_record(p: Path, introduced: int, met: int, score: float) -> Path:
    """This path with its introducer's record (`introduced` introductions made, `met` of them
    led to a meeting; `score` the smoothed reliability), shown when they made any."""
    if introduced <= 0:
        return p
    made = "intro they made" if introduced == 1 else "intros they made"
    return Path(
        legs=p.legs,
        score=p.score,
        tier=p.tier,
        hint=p.hint,
        reliability=score,
        record=f"{met} of {introduced} {made} led to a meeting",
    )


def path(legs: Sequence[Leg], now: datetime) -> Path:
    score = min(leg.score for leg in legs)
    hint = None if legs[0].teammate else warm_up(legs[0], now)
    return Path(legs=tuple(legs), score=score, tier=strength.tier_of(score), hint=hint)


TEAM_SCORE: Final = 100.0  # a teammate is a bridge of my own: the path is as strong as theirs


def team_leg(person_id: int, name: str) -> Leg:
    """The first leg of a path through a teammate: to them, on my team."""
    return Leg(
        person_id=person_id,
        name=name,
        score=TEAM_SCORE,
        tier=strength.tier_of(TEAM_SCORE),
        last_at=None,
        evidence="on your team",
        teammate=True,
    )


def warm_up(first: Leg, now: datetime) -> str | None:
    """A hint when my own leg has gone quiet: "you last spoke to Sam 7 months ago"."""
    if first.last_at is None:
        return f"you have never spoken with {first.name} yourself: warm that up first"
    if (now - first.last_at).total_seconds() / 86_400 > WARM_DAYS:
        return f"you last spoke to {first.name} {days(now - first.last_at)} ago: warm that up first"
    return None


NO_RECORD: Final = 0.5  # the reliability of an introducer with no introductions made


def rank(paths: Iterable[Path], limit: int = PATHS) -> list[Path]:
    """Strongest first: by the weaker leg, then the introducer's reliability (a path of one
    hop, or an introducer who made no introductions, counts as `NO_RECORD`), then the stronger
    leg, then fewer hops."""

    def key(p: Path) -> tuple[float, float, float, int, str]:
        trust = p.reliability if p.reliability is not None else NO_RECORD
        return (-p.score, -trust, -max(leg.score for leg in p.legs), len(p.legs), p.legs[0].name)

    return sorted(paths, key=key)[:limit]


def contenders(paths: Iterable[Path], limit: int = PATHS) -> list[Path]:
    """The paths that could be among the first `limit` once reliability breaks ties: every
    path at least as strong (by its weaker leg) as the `limit`-th strongest, unsorted (so an
    introducer's record is read only for the paths that may be shown)."""
    every = list(paths)
    if len(every) <= limit:
        return every
    floor = heapq.nlargest(limit, (p.score for p in every))[-1]
    return [p for p in every if p.score >= floor]
