"""Relationship strength: a score from 0 to 100 and a tier, from recency, frequency and
reciprocity of our interactions, and the facts about a relationship the agenda needs.

    score = 100 × √reciprocity × (0.65 × frequency + 0.35 × recency)

- frequency: the weighted interactions, each halved every `HALF_LIFE_DAYS`, as 1 − e^(−w/K).
  A meeting, call, coffee or meal weighs more than a message, a message more than an email,
  an email more than a cc; list mail weighs a quarter and bulk mail nothing; a meeting of
  many people counts less for each of them (1/√n).
- recency: how long since our last two-way contact (met, called, or one of us answered the
  other), 1 / (1 + days / 60).
- reciprocity: (together + 2 × min(they wrote, I wrote)) / everything, of the same weights:
  one-way mail from someone who never hears back is no relationship (0), and neither is mail
  I send to someone who never answers.

Adding a recent two-way contact never lowers the score (tests/practices check it). The score
only decays with time once computed, so the store keeps it as of `computed_at` and `score_at`
brings it to any later moment without reading the interactions again.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any, Final

from kithkin.model import (
    CATEGORY_FACTOR,
    KIND_WEIGHT,
    ROLE_FACTOR,
    SPOKEN,
    WRITTEN,
    Contact,
    Relationship,
)
from kithkin.practices import fading

HALF_LIFE_DAYS: Final = 90.0
FREQUENCY_K: Final = 15.0
RECENCY_DAYS: Final = 60.0
TIERS: Final = (("strong", 60.0), ("moderate", 35.0), ("weak", 10.0), ("none", 0.0))
__all__ = [  # the weights and records strength works with live in `model`, shared with the store
    "CATEGORY_FACTOR",
    "KIND_WEIGHT",
    "ROLE_FACTOR",
    "SPOKEN",
    "WRITTEN",
    "Contact",
    "Summary",
]
Summary = Relationship  # a relationship as strength computes it
WINDOWS: Final = (30, 90, 365)
RECENT: Final = 20  # the latest interactions a row remembers, for briefs


def tier_of(score: float) -> str:
    return next(name for name, low in TIERS if score >= low)


def score_of(weight: float, reciprocity: float, last_mutual_days: float | None) -> float:
    frequency = 1 - math.exp(-weight / FREQUENCY_K)
    recency = (
        0.0 if last_mutual_days is None else 1 / (1 + max(0.0, last_mutual_days) / RECENCY_DAYS)
    )
    score = 100 * math.sqrt(max(0.0, min(1.0, reciprocity))) * (0.65 * frequency + 0.35 * recency)
    return round(min(100.0, max(0.0, score)), 2)


def score_at(
    weight: float,
    reciprocity: float,
    last_mutual_at: datetime | None,
    computed_at: datetime,
    now: datetime,
) -> float:
    """The score of a stored relationship at a later moment `now` (its weight has decayed)."""
    decay = 0.5 ** (max(0.0, (now - computed_at).total_seconds()) / 86_400 / HALF_LIFE_DAYS)
    since = None if last_mutual_at is None else (now - last_mutual_at).total_seconds() / 86_400
    return score_of(weight * decay, reciprocity, since)


def signals_json(s: fading.Signals) -> dict[str, Any]:
    data = {k: v for k, v in vars(s).items() if k not in ("unanswered_since", "last_at")}
    for key in ("unanswered_since", "last_at"):
        value = getattr(s, key)
        data[key] = value.isoformat() if value is not None else None
    data["recent"] = list(s.recent)
    return data


def signals_from_json(data: dict[str, Any]) -> fading.Signals:
    values = dict(data)
    for key in ("unanswered_since", "last_at"):
        raw = values.get(key)
        values[key] = datetime.fromisoformat(raw) if raw else None
    values["recent"] = tuple(values.get("recent", ()))  # absent from summaries stored before it
    return fading.Signals(**values)


def explain(s: Summary, now: datetime) -> list[str]:
    """The inputs behind the number, one line each, as of `now`."""
    score = score_at(s.weight, s.reciprocity, s.last_mutual_at, s.computed_at, now)
    decay = 0.5 ** (max(0.0, (now - s.computed_at).total_seconds()) / 86_400 / HALF_LIFE_DAYS)
    weight = s.weight * decay
    lines = [f"strength {score:.0f}/100 ({tier_of(score)})"]
    if s.last_mutual_at is None:
        lines.append("recency: no two-way contact yet")
    else:
        ago = fading.days(now - s.last_mutual_at)
        since = (now - s.last_mutual_at).total_seconds() / 86_400
        lines.append(
            f"recency: last two-way contact {ago} ago "
            f"→ {1 / (1 + max(0.0, since) / RECENCY_DAYS):.2f}"
        )
    kinds = ", ".join(f"{n} {k}" for k, n in s.inputs.get("by_kind", {}).items())
    lines.append(
        f"frequency: {s.n_30} interactions in 30 days, {s.n_90} in 90, {s.n_365} in 365, "
        f"{s.n_all} in all ({kinds or 'none'}); weighted {weight:.1f} "
        f"(halved every {HALF_LIFE_DAYS:.0f} days) → {1 - math.exp(-weight / FREQUENCY_K):.2f}"
    )
    inbound, outbound = s.inputs.get("inbound", 0.0), s.inputs.get("outbound", 0.0)
    together = s.inputs.get("together", 0.0)
    line = (
        f"reciprocity: together {together:.1f}, they wrote {inbound:.1f}, "
        f"I wrote {outbound:.1f} (weighted) → {s.reciprocity:.2f}"
    )
    if s.reciprocity == 0 and inbound > 0 and outbound == 0:
        line += ": they write, I never answer — not a relationship"
    elif s.reciprocity == 0 and outbound > 0:
        line += ": I write, they never answer"
    lines.append(line)
    lines.append(
        "weights: meal 4, coffee 3.5, meeting/call 3, event 1.5, message 1.2, email 1, note 0.3;"
        " cc ×0.4, list ×0.25, bulk ×0; shared by n people ×1/√n"
    )
    return lines


# -- stored rows -------------------------------------------------------------------------------


def recent_ids(inputs: dict[str, Any]) -> list[int]:
    """The latest interactions of a stored relationship, newest first."""
    return [int(i) for i in inputs.get("tally", {}).get("recent", [])][::-1]


def current(row: Relationship, now: datetime) -> float:
    """A stored relationship's score at `now`."""
    return score_at(row.weight, row.reciprocity, row.last_mutual_at, row.computed_at, now)


def report(person_id: int, s: Summary, now: datetime) -> dict[str, Any]:
    """A relationship's strength as of `now` with the inputs behind it (CLI --json and API)."""
    score = score_at(s.weight, s.reciprocity, s.last_mutual_at, s.computed_at, now)
    return {
        "person_id": person_id,
        "score": score,
        "tier": tier_of(score),
        "explanation": explain(s, now),
        "last_touch_at": s.last_touch_at,
        "last_inbound_at": s.last_inbound_at,
        "last_mutual_at": s.last_mutual_at,
        "waiting_since": s.waiting_since,
        "counts": {"30": s.n_30, "90": s.n_90, "365": s.n_365, "all": s.n_all},
        "inputs": {k: v for k, v in s.inputs.items() if k != "tally"},
    }
