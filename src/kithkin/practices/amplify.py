"""Amplification (practices P7 and P8): the share of what I share that amplifies other people,
over a rolling window, against a target (at least half, by default); whose voices I amplify
most and which circle members never; nudges when the ratio drops below the target or I have
shared nothing of my own for three weeks; and the order of the amplify queue.

Pure: it reads records handed to it and returns new ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from datetime import datetime, timedelta
from typing import Final

from kithkin.model import QueueItem, Record, Share, record
from kithkin.practices.today import Item, fingerprint

DEFAULT_DAYS: Final = 28
DEFAULT_TARGET: Final = 50  # percent of shares that amplify others
OWN_QUIET_DAYS: Final = 21  # P8: nothing of my own for three weeks
MONTHS_SHOWN: Final = 12
TOP_SHOWN: Final = 10
QUEUE_FRESH_DAYS: Final = 30  # a post older than this has lost its recency
QUEUE_OWED_DAYS: Final = 90  # not amplified for this long counts as never


@record
class Tally(Record):
    """Own and amplified shares of one network (or all: "all") or one month."""

    label: str
    own: int
    amplify: int

    @property
    def total(self) -> int:
        return self.own + self.amplify

    @property
    def ratio(self) -> float | None:
        """The share of amplification, 0-1; None with nothing shared."""
        return self.amplify / self.total if self.total else None

    @property
    def percent(self) -> int | None:
        ratio = self.ratio
        return None if ratio is None else round(100 * ratio)


@record
class Voice(Record):
    """A person I amplified: how often in the window, and when last (ever)."""

    person_id: int
    display_name: str
    count: int
    last_at: datetime | None


@record
class Report(Record):
    now: datetime
    days: int
    target: int  # percent
    overall: Tally
    networks: list[Tally]
    months: list[Tally]  # oldest first, label "2024-03"
    voices: list[Voice]  # whom I amplified most in the window
    unamplified: list[tuple[int, str]]  # circle members I never amplified
    unknown_authors: int  # amplified shares in the window whose author is nobody known
    unknown_voices: list[tuple[str, int]]  # the most amplified of them, as networks name them
    last_own_at: datetime | None
    nudges: list[str] = field(default_factory=list)
    nudge_keys: list[str] = field(default_factory=list)  # "ratio", "own": one per nudge


def tally(label: str, shares: Iterable[Share]) -> Tally:
    counts = Counter(s.kind for s in shares)
    return Tally(label, counts["own"], counts["amplify"])


def monthly(shares: Sequence[Share], now: datetime, months: int = MONTHS_SHOWN) -> list[Tally]:
    """The last `months` calendar months up to `now`'s, oldest first (empty months included)."""
    labels: list[str] = []
    year, month = now.year, now.month
    for _ in range(months):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    labels.reverse()
    by_month: dict[str, list[Share]] = {label: [] for label in labels}
    for s in shares:
        key = f"{s.occurred_at.year:04d}-{s.occurred_at.month:02d}"
        if key in by_month:
            by_month[key].append(s)
    return [tally(label, by_month[label]) for label in labels]


def by_month(shares: Iterable[Share]) -> list[Tally]:
    """Every month that has shares, oldest first (for a whole history)."""
    groups: dict[str, list[Share]] = {}
    for s in shares:
        groups.setdefault(f"{s.occurred_at.year:04d}-{s.occurred_at.month:02d}", []).append(s)
    return [tally(label, groups[label]) for label in sorted(groups)]


def report(
    *,
    now: datetime,
    months_to: datetime | None = None,
    days: int,
    target: int,
    window: Sequence[Share],
    year: Sequence[Share],
    circle: Sequence[tuple[int, str]],
    last_amplified: Mapping[int, datetime],
    last_own_at: datetime | None,
    any_shares: bool,
) -> Report:
    """The ratio over `window` (the shares of the last `days`), the twelve months of `year`
    up to `months_to`'s (default: now's), whom I amplify, which `circle` members never, and
    the nudges."""
    networks = sorted({s.network for s in window})
    amplified = [s for s in window if s.kind == "amplify"]
    counts = Counter(s.person_id for s in amplified if s.person_id is not None)
    names = {s.person_id: s.display_name or "" for s in amplified if s.person_id is not None}
    voices = [
        Voice(pid, names[pid], n, last_amplified.get(pid))
        for pid, n in sorted(counts.items(), key=lambda kv: (-kv[1], names[kv[0]]))[:TOP_SHOWN]
    ]
    overall = tally("all", window)
    made = Report(
        now=now,
        days=days,
        target=target,
        overall=overall,
        networks=[tally(n, [s for s in window if s.network == n]) for n in networks],
        months=monthly(year, months_to or now),
        voices=voices,
        unamplified=[(pid, name) for pid, name in circle if pid not in last_amplified],
        unknown_authors=sum(1 for s in amplified if s.person_id is None),
        unknown_voices=Counter(
            s.author for s in amplified if s.person_id is None and s.author
        ).most_common(TOP_SHOWN),
        last_own_at=last_own_at,
    )
    for key, text in keyed_nudges(
        now=now,
        days=days,
        target=target,
        window=overall,
        last_own_at=last_own_at,
        any_shares=any_shares,
    ):
        made.nudge_keys.append(key)
        made.nudges.append(text)
    return made


def keyed_nudges(
    *,
    now: datetime,
    days: int,
    target: int,
    window: Tally,
    last_own_at: datetime | None,
    any_shares: bool,
) -> list[tuple[str, str]]:
    """What Today says: the ratio over the `window` below target ("ratio"); nothing of my
    own for three weeks ("own"), once I have a share log at all."""
    said: list[tuple[str, str]] = []
    percent = window.percent
    if percent is not None and percent < target:
        said.append(
            (
                "ratio",
                f"You amplified others in {percent}% of what you shared in the last {days:,} "
                f"days, below your target of {target}%: share someone else's post, with a "
                "comment of your own.",
            )
        )
    quiet = last_own_at is None or now - last_own_at >= timedelta(days=OWN_QUIET_DAYS)
    if any_shares and quiet:
        since = f"since {last_own_at:%d %b %Y}" if last_own_at else "in your share log"
        said.append(
            (
                "own",
                f"Nothing of your own {since}: share an idea, an update, a blog post or a "
                "conversation of yours.",
            )
        )
    return said


def today_items(nudges: Sequence[tuple[str, str]], now: datetime) -> list[Item]:
    """Today's nudges, in the "share" section. Dismissed, one comes back the next week."""
    week = "{}-{}".format(*now.isocalendar()[:2])
    return [
        Item(
            key=f"share:{key}",
            section="share",
            kind="share",
            reason=text,
            fingerprint=fingerprint("share", key, week),
            people=(),
            at=now,
        )
        for key, text in nudges
    ]


def rank_queue(
    items: Sequence[QueueItem], last_amplified: Mapping[int, datetime], now: datetime
) -> list[tuple[QueueItem, str]]:
    """The queue, best first: recent posts of people I have not amplified for long. Each
    scores its freshness (1 new, 0 at 30 days or undated) plus how long since I amplified its
    author (0 just now, 1 at 90 days or never); with the reason in words."""
    ranked = []
    for item in items:
        age = (now - item.published_at).days if item.published_at else None
        fresh = 0.0 if age is None else max(0.0, 1 - max(0, age) / QUEUE_FRESH_DAYS)
        last = last_amplified.get(item.person_id)
        since = None if last is None else (now - last).days
        owed = 1.0 if since is None else min(1.0, max(0, since) / QUEUE_OWED_DAYS)
        when = "undated" if age is None else ("today" if age <= 0 else f"{age} days old")
        why = (
            f"{when}; you have never amplified {item.display_name}"
            if since is None
            else f"{when}; you last amplified {item.display_name} {since} days ago"
        )
        ranked.append((fresh + owed, item, why))
    ranked.sort(key=lambda t: (-t[0], -(t[1].published_at or now).timestamp(), t[1].id))
    return [(item, why) for _, item, why in ranked]
