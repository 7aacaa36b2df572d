"""One relationship read interaction by interaction: the running state behind a `Summary`.

`summarise` feeds a person's whole history to a fresh `Tally`; `fold` takes the tally stored
with their relationship row (`to_json`) and feeds it only the interactions added since, which
is what keeps a refresh cheap for people with thousands of interactions. Both give the same
summary as long as the bounded memories are not exceeded (the last `fading.KEEP` reply times,
the `THREADS` most recent mail threads); past them, a long history speaks through its recent
part. Weights are kept decayed to the latest interaction, so folding adds to them exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from kithkin.model import SPOKEN, WRITTEN, Contact
from kithkin.model import Relationship as Summary
from kithkin.practices import fading, waiting
from kithkin.practices.strength import (
    HALF_LIFE_DAYS,
    RECENT,
    WINDOWS,
    score_of,
    signals_json,
    tier_of,
)

DAY: Final = 86_400.0
THREADS: Final = 8  # mail threads whose own fading is followed
_SIDES: Final = ("together", "inbound", "outbound")


class Tally:
    def __init__(self) -> None:
        self.ref: float | None = None  # POSIX time the sums are decayed to
        self.sums = {"weight": 0.0, "together": 0.0, "inbound": 0.0, "outbound": 0.0}
        self.last_touch: float | None = None
        self.last_inbound: float | None = None
        self.last_mutual: float | None = None
        self.last_written: str | None = None  # who wrote last, "me" or "them"
        self.n_all = 0
        self.by_kind: dict[str, int] = {}
        self.days: dict[int, int] = {}  # interactions per day (POSIX day), the last year
        self.recent: list[int] = []  # the last RECENT interaction ids, oldest first
        self.folds = 0  # times new interactions were added to a stored tally
        self.waiting = waiting.Track()
        self.talk = fading.Conversation()  # our written conversation
        self.threads: dict[str, fading.Conversation] = {}  # recent mail threads, oldest first

    @property
    def last_at(self) -> float | None:
        return self.ref

    def feed(self, c: Contact) -> None:
        """Add one interaction (after every one already added)."""
        at = c.at.timestamp()
        factor = 1.0
        if self.ref is None or at >= self.ref:
            if self.ref is not None:
                shrink = 0.5 ** ((at - self.ref) / DAY / HALF_LIFE_DAYS)
                self.sums = {k: v * shrink for k, v in self.sums.items()}
            self.ref = at
        else:  # out of order: weigh it as of the reference time
            factor = 0.5 ** ((self.ref - at) / DAY / HALF_LIFE_DAYS)
        w = c.weight
        self.sums["weight"] += w * factor
        side = _side(c)
        if side:
            self.sums[side] += w * factor
        if c.is_touch:
            self.last_touch = at
        if c.direction in ("to_me", "both") and c.role != "list" and w > 0:
            self.last_inbound = at
        if ((c.kind in SPOKEN and c.direction != "neither") or c.direction == "both") and w > 0:
            self.last_mutual = at
        elif c.kind in WRITTEN and w > 0 and c.direction in ("from_me", "to_me"):
            writer = "me" if c.direction == "from_me" else "them"
            if self.last_written is not None and writer != self.last_written:
                self.last_mutual = at  # one of us answered the other
            self.last_written = writer
        self.n_all += 1
        self.by_kind[c.kind] = self.by_kind.get(c.kind, 0) + 1
        day = int(at // DAY)
        self.days[day] = self.days.get(day, 0) + 1
        self.recent = [*self.recent[-(RECENT - 1) :], c.interaction_id]
        self.waiting.feed(c)
        message = _message(c)
        if message is not None:
            self.talk.feed(message)
            if c.thread and c.kind == "email":
                thread = self.threads.pop(c.thread, None) or fading.Conversation()
                thread.feed(message)
                self.threads[c.thread] = thread
                if len(self.threads) > THREADS:
                    del self.threads[next(iter(self.threads))]

    def summary(self, now: datetime, next_event_at: datetime | None) -> Summary:
        """The relationship as of `now` (after the last interaction added)."""
        decay = 1.0
        if self.ref is not None:
            decay = 0.5 ** (max(0.0, now.timestamp() - self.ref) / DAY / HALF_LIFE_DAYS)
        weight = self.sums["weight"] * decay
        together, inbound, outbound = (self.sums[k] * decay for k in _SIDES)
        total = together + inbound + outbound
        reciprocity = (together + 2 * min(inbound, outbound)) / total if total > 0 else 0.0
        last_mutual = _when(self.last_mutual)
        since = None if last_mutual is None else (now - last_mutual).total_seconds() / DAY
        score = score_of(weight, reciprocity, since)
        wait = self.waiting.result()
        best, thread = self.talk.signals(), None
        for key, talk in self.threads.items():
            if talk.messages >= 4:
                s = talk.signals()
                if fading.upper_bound(s) > fading.upper_bound(best):
                    best, thread = s, key
        start = fading.fading_from(best)
        today = now.timestamp() / DAY
        counts = [sum(n for d, n in self.days.items() if today - d <= w + 1) for w in WINDOWS]
        return Summary(
            score=score,
            tier=tier_of(score),
            last_touch_at=_when(self.last_touch),
            last_inbound_at=_when(self.last_inbound),
            last_mutual_at=last_mutual,
            waiting_since=wait.since if wait.real else None,
            waiting_last_at=wait.last_at if wait.real else None,
            waiting_kind=wait.kind if wait.real else None,
            waiting_count=wait.count if wait.real else 0,
            waiting_interaction_id=wait.interaction_id if wait.real else None,
            weight=round(weight, 6),
            reciprocity=round(reciprocity, 6),
            n_30=min(counts[0], self.n_all),
            n_90=min(counts[1], self.n_all),
            n_365=min(counts[2], self.n_all),
            n_all=self.n_all,
            next_event_at=next_event_at,
            fading=fading.upper_bound(best),
            fading_from=start,
            fading_last_at=best.last_at if start is not None else None,
            unanswered_since=best.unanswered_since,
            computed_at=now,
            inputs={
                "weighted": round(weight, 3),
                "together": round(together, 3),
                "inbound": round(inbound, 3),
                "outbound": round(outbound, 3),
                "by_kind": dict(sorted(self.by_kind.items())),
                "fading": signals_json(best),
                "fading_thread": thread,
                "waiting": {k: v for k, v in vars(wait).items() if k not in ("since", "last_at")},
                "tally": self.to_json(),
            },
        )

    def to_json(self) -> dict[str, Any]:
        if self.ref is not None:  # only the last year of days is ever counted
            oldest = int(self.ref // DAY) - max(WINDOWS) - 2
            self.days = {d: n for d, n in self.days.items() if d >= oldest}
        data = {k: v for k, v in vars(self).items() if k not in ("waiting", "talk", "threads")}
        data["days"] = [[d, n] for d, n in sorted(self.days.items())]
        data["waiting"] = self.waiting.to_json()
        data["talk"] = self.talk.to_json()
        data["threads"] = [[k, t.to_json()] for k, t in self.threads.items()]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tally:
        tally = cls()
        plain = {k: v for k, v in data.items() if k not in ("waiting", "talk", "threads", "days")}
        tally.__dict__.update(plain)
        tally.days = {int(d): int(n) for d, n in data["days"]}
        tally.waiting = waiting.Track.from_json(data["waiting"])
        tally.talk = fading.Conversation.from_json(data["talk"])
        tally.threads = {k: fading.Conversation.from_json(t) for k, t in data["threads"]}
        return tally


def summarise(contacts: Sequence[Contact], now: datetime) -> Summary:
    """Everything about one relationship from its interactions (any order) as of `now`;
    interactions after `now` are planned ones: only the next of them is remembered."""
    tally = Tally()
    for c in sorted((c for c in contacts if c.at <= now), key=lambda c: (c.at, c.interaction_id)):
        tally.feed(c)
    future = [c.at for c in contacts if c.at > now]
    return tally.summary(now, min(future) if future else None)


def fold(
    stored: dict[str, Any],
    next_event_at: datetime | None,
    contacts: Iterable[Contact],
    now: datetime,
) -> Summary | None:
    """A stored tally with `contacts` (added since it was stored) folded in, as of `now`;
    None when they cannot simply be added (one is older than what the tally has seen, or a
    planned interaction has happened since): then the whole history must be read again."""
    tally = Tally.from_json(stored)
    if next_event_at is not None and next_event_at <= now:
        return None
    items = sorted(contacts, key=lambda c: (c.at, c.interaction_id))
    past = [c for c in items if c.at <= now]
    if past and tally.ref is not None and past[0].at.timestamp() < tally.ref:
        return None
    for c in past:
        tally.feed(c)
    tally.folds += 1
    future = [c.at for c in items if c.at > now] + ([next_event_at] if next_event_at else [])
    return tally.summary(now, min(future) if future else None)


def _side(c: Contact) -> str | None:
    if c.kind in SPOKEN and c.direction != "neither":
        return "together"
    return {"from_me": "outbound", "to_me": "inbound", "both": "together"}.get(c.direction)


def _message(c: Contact) -> fading.Message | None:
    """A written message between us (no cc, no list or bulk mail), for fading."""
    if (
        c.kind in WRITTEN
        and c.direction in ("from_me", "to_me")
        and c.role not in ("cc", "bcc", "list")
        and (c.category or "person") == "person"
    ):
        return fading.Message(at=c.at, mine=c.direction == "from_me", size=c.size, thread=c.thread)
    return None


def _when(posix: float | None) -> datetime | None:
    return None if posix is None else datetime.fromtimestamp(posix, UTC)
