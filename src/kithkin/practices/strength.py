"""Relationship strength: a score from 0 to 100 and a tier, from the volume, reciprocity and
recency of our interactions, and the facts about a relationship the agenda needs.

    score = 100 × √reciprocity × volume × (0.5 + 0.5 × recency)

- volume: the weighted interactions, each halved every `HALF_LIFE_DAYS`, as w / (w + K) with
  K = `VOLUME_K`: it grows with every interaction and never stops growing, fast while there is
  little (1 → 0.14, 6 → 0.5, 20 → 0.77, 50 → 0.89), so more exchange is always stronger.
  A meeting, call, coffee or meal weighs more than a message, a message more than an email,
  an email more than a cc; list mail (an answer between us on a list) weighs a quarter and
  bulk mail nothing; a meeting of many people counts less for each of them (1/√n).
- reciprocity: (together + 2 × min(they wrote, I wrote)) / everything, of the same weights:
  one-way mail from someone who never hears back is no relationship (0), and neither is mail
  I send to someone who never answers.
- recency: how long since our last two-way contact (met, called, or one of us answered the
  other), 1 / (1 + days / 60); it tempers the volume (a recent exchange counts in full, a
  long silence halves it at most) and cannot make a strong relationship of one message.

Adding a two-way contact never lowers the score, and more two-way exchange raises it
(tests/practices check both). Once computed, the score only decays with time: the weight
halves every `HALF_LIFE_DAYS` and recency falls day by day. The store keeps the inputs as of
`computed_at` and `score_at` brings them to any later moment without reading the
interactions again, so every reading (people, person page, circle, Today, API) is as of its
own moment, moving day by day with no new import.
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
    count_of,
)
from kithkin.practices import fading

HALF_LIFE_DAYS: Final = 180.0
VOLUME_K: Final = 6.0
RECENCY_DAYS: Final = 60.0
RECENCY_SHARE: Final = 0.5  # how much of the score a long silence can take away
FORMULA: Final = 2  # bump when what a stored relationship holds changes meaning: all recomputed
TIERS: Final = (("strong", 60.0), ("moderate", 35.0), ("weak", 1.0), ("none", 0.0))
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


def volume_of(weight: float) -> float:
    return max(0.0, weight) / (max(0.0, weight) + VOLUME_K)


def recency_of(last_mutual_days: float | None) -> float:
    if last_mutual_days is None:
        return 0.0
    return 1 / (1 + max(0.0, last_mutual_days) / RECENCY_DAYS)


def score_of(weight: float, reciprocity: float, last_mutual_days: float | None) -> float:
    volume = volume_of(weight)
    temper = 1 - RECENCY_SHARE + RECENCY_SHARE * recency_of(last_mutual_days)
    score = 100 * math.sqrt(max(0.0, min(1.0, reciprocity))) * volume * temper
    return round(min(100.0, max(0.0, score)), 2)


def score_at(
    weight: float,
    reciprocity: float,
    last_mutual_at: datetime | None,
    computed_at: datetime,
    now: datetime,
) -> float:
    """The score of a stored relationship at a later moment `now` (its weight has decayed)."""
    since = None if last_mutual_at is None else (now - last_mutual_at).total_seconds() / 86_400
    return score_of(weight * _decay(computed_at, now), reciprocity, since)


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
    weight = s.weight * _decay(s.computed_at, now)
    lines = [f"strength {score:.0f}/100 ({tier_of(score)})"]
    kinds = ", ".join(f"{n} {k}" for k, n in s.inputs.get("by_kind", {}).items())
    lines.append(
        f"volume: {count_of(s.n_30, 'interaction')} in 30 days, {s.n_90} in 90, {s.n_365} in 365, "
        f"{s.n_all} in all ({kinds or 'none'}); weighted {weight:.1f} "
        f"(halved every {HALF_LIFE_DAYS:.0f} days) → {volume_of(weight):.2f} "
        f"(w / (w + {VOLUME_K:.0f}): more exchange, more strength)"
    )
    inbound, outbound = s.inputs.get("inbound", 0.0), s.inputs.get("outbound", 0.0)
    together = s.inputs.get("together", 0.0)
    line = (
        f"reciprocity: together {together:.1f}, they wrote {inbound:.1f}, "
        f"I wrote {outbound:.1f} (weighted) → {s.reciprocity:.2f}, counted as its square root"
    )
    if s.reciprocity == 0 and inbound > 0 and outbound == 0:
        line += ": they write, I never answer — not a relationship"
    elif s.reciprocity == 0 and outbound > 0:
        line += ": I write, they never answer"
    lines.append(line)
    since = None if s.last_mutual_at is None else (now - s.last_mutual_at).total_seconds() / 86_400
    temper = 1 - RECENCY_SHARE + RECENCY_SHARE * recency_of(since)
    if s.last_mutual_at is None:
        lines.append(f"recency: no two-way contact yet → volume ×{temper:.2f}")
    else:
        lines.append(
            f"recency: last two-way contact {fading.days(now - s.last_mutual_at)} ago "
            f"→ {recency_of(since):.2f}, volume ×{temper:.2f} (falls day by day)"
        )
    lines.append(
        "formula: 100 × √reciprocity × volume × (0.5 + 0.5 × recency) = "
        f"100 × √{s.reciprocity:.2f} × {volume_of(weight):.2f} × {temper:.2f} = {score:.0f}"
    )
    lines.append(
        "weights: meal 4, coffee 3.5, meeting/call 3, event 1.5, message 1.2, email 1, note 0.3;"
        " cc ×0.4, list ×0.25, bulk ×0; shared by n people ×1/√n"
    )
    return lines


def _decay(computed_at: datetime, now: datetime) -> float:
    return float(0.5 ** (max(0.0, (now - computed_at).total_seconds()) / 86_400 / HALF_LIFE_DAYS))


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
