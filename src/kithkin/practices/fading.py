"""Fading conversations (practice P12): signs that a conversation is over, said in one line.

A conversation is a run of messages, each mine or theirs, with a size when it is known and
the thread it belongs to (their reply time is measured within a thread). From it come
`Signals` that do not depend on the time of day (`signals`): how fast they used to answer me
and how fast they answer lately, how long their messages were and are, how many of my
messages since their last one got no answer, how one-sided the last messages are. At a given
moment (`assess`) the silence since my unanswered messages is weighed against their usual
reply time and the conversation's momentum (a busy thread that just went quiet is more often
pausing than over), and the signals make a score from 0 to 1, a one-line reason ("your last 3
messages got no answer; their reply time grew from 1 day to 9 days") and a piece of advice:
wrap up, or pause, rather than chase.

Only two-way conversations can fade: they must have answered me at least `MIN_REPLIES` times.
`upper_bound` is the score the same signals reach once the silence has lasted long enough, and
`fading_from` the moment the score crosses `THRESHOLD`; the store keeps both, so the agenda
reads only the rows that are fading.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from kithkin.clock import days as days  # said the same way everywhere
from kithkin.model import Record, record

MIN_REPLIES: Final = 2  # answers of theirs before a conversation counts as two-way
THRESHOLD: Final = 0.4  # a score from here on is fading
# Shorter replies and a one-sided run are said in the reason but weigh nothing in the score:
# on real list threads, adding either to the score ranked endings worse (benchmarks/fading.py
# prints the comparison), while slower replies helped a little.
WEIGHTS: Final = {"unanswered": 0.7, "slower": 0.3, "shorter": 0.0, "one_sided": 0.0}
MIN_PATIENCE: Final = 2.0  # days: the time scale of a silence, whatever their rhythm
MAX_PATIENCE: Final = 14.0
RECENT: Final = 3  # the last replies (and sizes) compared with the ones before
WINDOW: Final = 6  # the last messages one-sidedness looks at
KEEP: Final = 60  # the latest reply times, gaps and sizes a conversation remembers
MOMENTUM_DAYS: Final = 3.0  # messages this recent say the conversation was busy a moment ago
MOMENTUM_KEEP: Final = 12  # the latest message times a conversation remembers for it
DAY: Final = 86_400.0
WRAP_UP: Final = (
    "Wrap up: send one short, warm closing note that asks for nothing, then stop chasing."
)
PAUSE: Final = (
    "Pause: don't chase; let it rest a few weeks, then come back with something for them."
)


@record
class Message(Record):
    at: datetime
    mine: bool
    size: int | None = None  # bytes, when known
    thread: str | None = None  # a reply answers my messages of its own thread


@record
class Signals(Record):
    """What the messages say, whatever the time now (durations in days)."""

    messages: int
    mine: int
    replies: int  # how many times they answered me
    latency_before: float | None  # their median reply time, before their last RECENT replies
    latency_recent: float | None  # their median reply time over their last RECENT replies
    latency_typical: float | None  # over all their replies
    gap_typical: float | None  # median time between two messages, anyone's
    size_before: int | None  # median size of their messages, before the last RECENT
    size_recent: int | None
    unanswered: int  # my messages since their last one
    unanswered_since: datetime | None  # the first of them
    recent_mine: int  # of the last WINDOW messages, how many are mine
    recent_count: int
    share_mine_before: float  # share of mine before the last WINDOW messages
    last_at: datetime | None
    recent: tuple[float, ...] = ()  # POSIX times of the last MOMENTUM_KEEP messages, anyone's

    @property
    def two_way(self) -> bool:
        return self.replies >= MIN_REPLIES


@record
class Fading(Record):
    score: float  # 0-1
    fading: bool
    reason: str  # one line, empty when nothing points to fading
    advice: str
    parts: dict[str, float]  # each signal's strength 0-1: unanswered, slower, shorter, one_sided


def signals(messages: Sequence[Message]) -> Signals:
    """The signals of a conversation (messages in any order)."""
    talk = Conversation()
    for m in sorted(messages, key=lambda m: m.at):
        talk.feed(m)
    return talk.signals()


class Conversation:
    """A conversation read message by message, in time order; `signals()` at any point.

    It remembers the last `KEEP` reply times, gaps and sizes (a long history speaks through
    its recent part) and a few counts, so a stored conversation (`to_json`) grows with new
    messages without the old ones being read again.
    """

    def __init__(self) -> None:
        self.messages = self.mine = self.replies = self.unanswered = 0
        self.latencies: list[float] = []  # days
        self.gaps: list[float] = []
        self.sizes: list[int] = []  # of their messages
        self.pending: dict[str, float] = {}  # thread ("" if none): my first unanswered message
        self.waiting_from: float | None = None  # my first message since their last one
        self.window: list[bool] = []  # the last WINDOW messages: mine or not
        self.before_mine = self.before = 0  # the messages before the window
        self.last: float | None = None  # POSIX times
        self.times: list[float] = []  # the last MOMENTUM_KEEP messages' times

    def feed(self, m: Message) -> None:
        at = m.at.timestamp()
        if self.last is not None:
            _keep(self.gaps, round((at - self.last) / DAY, 4))
        self.last = at
        self.times.append(at)
        if len(self.times) > MOMENTUM_KEEP:
            del self.times[0]
        self.messages += 1
        thread = m.thread or ""
        if m.mine:
            self.mine += 1
            if self.waiting_from is None:
                self.waiting_from = at
            if thread not in self.pending:
                self.pending[thread] = at
                if len(self.pending) > KEEP:
                    del self.pending[next(iter(self.pending))]
            self.unanswered += 1
        else:
            asked = self.pending.pop(thread, None)
            if asked is not None:
                self.replies += 1
                _keep(self.latencies, round((at - asked) / DAY, 4))
            if m.size:
                _keep(self.sizes, m.size)
            self.waiting_from, self.unanswered = None, 0
        self.window.append(m.mine)
        if len(self.window) > WINDOW:
            self.before += 1
            self.before_mine += self.window.pop(0)

    def signals(self) -> Signals:
        lat, sizes = self.latencies, self.sizes
        return Signals(
            messages=self.messages,
            mine=self.mine,
            replies=self.replies,
            latency_before=_median(lat[:-RECENT]),
            latency_recent=_median(lat[-RECENT:]) if len(lat) > RECENT else None,
            latency_typical=_median(lat),
            gap_typical=_median(self.gaps),
            size_before=_int(_median(sizes[:-RECENT])),
            size_recent=_int(_median(sizes[-RECENT:])) if len(sizes) > RECENT else None,
            unanswered=self.unanswered,
            unanswered_since=_when(self.waiting_from),
            recent_mine=sum(self.window),
            recent_count=len(self.window),
            share_mine_before=self.before_mine / self.before if self.before else 0.5,
            last_at=_when(self.last),
            recent=tuple(self.times),
        )

    def to_json(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Conversation:
        talk = cls()  # a conversation stored before a field existed keeps its default
        talk.__dict__.update(data)
        return talk


def _keep(values: list[Any], value: Any) -> None:
    values.append(value)
    if len(values) > KEEP:
        del values[0]


def _when(posix: float | None) -> datetime | None:
    return None if posix is None else datetime.fromtimestamp(posix, UTC)


def assess(
    s: Signals,
    now: datetime | None,
    *,
    two_way_only: bool = True,
    weights: Mapping[str, float] = WEIGHTS,
    with_momentum: bool = True,
) -> Fading:
    """How much the conversation is fading at `now` (None: once the silence is long enough).
    Only two-way conversations can fade, unless `two_way_only` is False; other `weights` and
    no momentum are for the benchmark's comparisons."""
    parts = {
        "unanswered": _unanswered(s, now, with_momentum),
        "slower": _slower(s),
        "shorter": _shorter(s),
        "one_sided": _one_sided(s),
    }
    keep = 1.0
    for name, strength in parts.items():
        keep *= 1 - weights[name] * strength
    score = 1 - keep if (s.two_way or not two_way_only) else 0.0
    fading = score >= THRESHOLD
    reason = _reason(s, parts, now) if score > 0 else ""
    advice = (WRAP_UP if s.unanswered >= 2 else PAUSE) if fading else ""
    return Fading(score=score, fading=fading, reason=reason, advice=advice, parts=parts)


def upper_bound(s: Signals) -> float:
    """The score these signals reach once the silence has lasted long enough."""
    return assess(s, None).score


def fading_from(s: Signals) -> datetime | None:
    """The moment from which `assess` says fading (the score only grows with time: the silence
    lengthens and the momentum fades), or None if these signals never get there."""
    if not s.two_way or upper_bound(s) < THRESHOLD:
        return None
    if s.unanswered_since is None or not s.unanswered:
        return s.last_at  # fading already, whatever the time
    others = assess(Signals(**{**vars(s), "unanswered": 0, "unanswered_since": None}), None)
    rest = 1 - others.score  # what the other signals leave of "not fading"
    needed = (1 - (1 - THRESHOLD) / rest) / WEIGHTS["unanswered"] if rest > 0 else 0.0
    share = max(0.0, needed / _count(s))  # of `silence`, at which the score crosses
    if share <= 0:
        return s.unanswered_since
    if share >= 1:
        return None  # silence alone never gets there
    # Without momentum the crossing has a closed form; momentum only delays it, and is gone
    # MOMENTUM_DAYS after the last message: if the closed form falls before that, bisect.
    calm = s.unanswered_since + timedelta(days=-_patience(s, 0) * math.log(1 - share) + 1e-6)
    settled = (s.last_at or s.unanswered_since) + timedelta(days=MOMENTUM_DAYS, seconds=1)
    if calm >= settled:
        return calm
    lo, hi = calm, settled  # not fading at lo (or only just), fading at hi
    while hi - lo > timedelta(milliseconds=100):
        mid = lo + (hi - lo) / 2
        if assess(s, mid).fading:
            hi = mid
        else:
            lo = mid
    return hi


def expected_reply(s: Signals) -> float:
    """Days they usually take to answer (the thread's own rhythm when they never answered)."""
    return max(s.latency_typical or s.gap_typical or 2.0, 0.25)


def momentum(s: Signals, now: datetime) -> int:
    """The conversation's messages in the MOMENTUM_DAYS before `now`: a busy conversation
    that has just gone quiet is pausing more often than ending (benchmarks/fading.py)."""
    end = now.timestamp()
    return sum(1 for at in s.recent if end - MOMENTUM_DAYS * DAY <= at <= end)


def _patience(s: Signals, busy: int) -> float:
    """The time scale of a silence, in days: five of their usual reply times (at least
    `MIN_PATIENCE` days, at most `MAX_PATIENCE`), longer while the conversation was busy."""
    return min(MAX_PATIENCE, max(MIN_PATIENCE, 5 * expected_reply(s))) * (1 + busy)


def _unanswered(s: Signals, now: datetime | None, with_momentum: bool = True) -> float:
    """My unanswered messages, by how many (one: 0.6, three or more: 1) and by how long the
    silence has lasted (`silence`); with `now` None, as the silence tends to forever."""
    if not s.unanswered or s.unanswered_since is None:
        return 0.0
    count = _count(s)
    if now is None:
        return count
    waited = (now - s.unanswered_since).total_seconds() / DAY
    busy = momentum(s, now) if with_momentum else 0
    return count * silence(waited, _patience(s, busy))


def silence(waited: float, patience: float) -> float:
    """How telling a silence of `waited` days is, 0-1 (never quite 1): 1 − e^(−waited/τ),
    τ being the `patience` in days."""
    return 1 - math.exp(-max(0.0, waited) / patience)


def _count(s: Signals) -> float:
    return min(1.0, 0.6 + 0.2 * (s.unanswered - 1))


def _slower(s: Signals) -> float:
    if s.latency_before is None or s.latency_recent is None:
        return 0.0
    growth = s.latency_recent / max(s.latency_before, 0.1)
    return _clip((growth - 1.5) / 3.5) if s.latency_recent >= 1 else 0.0


def _shorter(s: Signals) -> float:
    if not s.size_before or not s.size_recent:
        return 0.0
    return _clip((0.8 - s.size_recent / s.size_before) / 0.5)


def _one_sided(s: Signals) -> float:
    if s.recent_count < WINDOW:
        return 0.0
    share = s.recent_mine / s.recent_count
    return _clip((share - max(s.share_mine_before, 0.5)) / 0.4)


def _reason(s: Signals, parts: dict[str, float], now: datetime | None) -> str:
    said: list[str] = []
    if parts["unanswered"] > 0 and s.unanswered_since is not None:
        if s.unanswered == 1:
            text = f"your message of {s.unanswered_since:%d %b} got no answer"
        else:
            text = f"your last {s.unanswered} messages got no answer"
        if now is not None:
            text += f" for {days(now - s.unanswered_since)}"
        said.append(text)
    if parts["slower"] > 0 and s.latency_before is not None and s.latency_recent is not None:
        said.append(
            f"their reply time grew from {_span(s.latency_before)} to {_span(s.latency_recent)}"
        )
    if parts["shorter"] > 0 and s.size_before and s.size_recent:
        said.append(f"their messages got shorter ({_size(s.size_before)} → {_size(s.size_recent)})")
    if parts["one_sided"] > 0:
        said.append(f"lately it is mostly you writing ({s.recent_mine} of the last {WINDOW})")
    return "; ".join(said)


def _span(d: float) -> str:
    """A reply time: "1 day to 9" reads better than "1 day to 9 days", so whole days only."""
    if round(d * 24) < 24:
        hours = max(1, round(d * 24))
        return f"{hours} hour{'s' * (hours != 1)}"
    n = max(1, round(d))
    return f"{n} day{'s' * (n != 1)}"


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.0f} KB"


def _median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    import statistics  # here, not at the top: it brings fractions and decimal to every read

    return statistics.median(values)


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)


def _clip(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x
