"""Fading detection measured on real threads: does the conversation go on?

    uv run python benchmarks/fading.py [--mbox PATH] [--horizon 30]

Reads the Kernel Maintainers Summit list archive (ksummit.lists.linux.dev.mbox in
../shared/data/mail/lists) with `sources.mail.walk.read_mail`, threads it by Message-ID,
In-Reply-To and References (no database), and cuts every thread of two or more authors after
each of its messages, at several moments (2 hours to 16 days after it, while no next message
has arrived). At each cut, seen from the author of the last message ("me": the one waiting for
an answer), `practices.fading` scores the conversation from what came before the cut; the
truth is whether anyone wrote in the thread within `--horizon` days after the cut.

Compared with a baseline that knows only the silence since the last message. Positive class:
"the conversation is over" (nothing within the horizon). Prints, for the two-way cuts (the
last writer had been answered at least twice: what `fading` is for) and for all cuts (where
the product says nothing; scored here anyway): AUC, and precision / recall / F1 of the shipped
rule (score ≥ 0.4) against the baseline's natural rule (a week of silence), then each at the
F1-best threshold chosen on the older threads (train: threads started before the split year)
and measured on the newer ones (test). "Its silence part alone" is the fading score without
the slower / shorter / one-sided signals, to show what they add here; the other indented rows
are the score without momentum, and with the shorter / one-sided signals weighed in (they are
only said in the reason: weighed in, they rank endings worse on these threads).
"""

from __future__ import annotations

import argparse
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from kithkin.practices import fading
from kithkin.sources.mail.records import MessageRecord
from kithkin.sources.mail.walk import read_mail

MBOX = Path(__file__).resolve().parents[2] / "shared/data/mail/lists/ksummit.lists.linux.dev.mbox"
OFFSETS_HOURS = (2, 6, 12, 24, 48, 96, 192, 384)
SPLIT_YEAR = 2024
# The shipped score against itself without momentum, and with the signals it leaves out of
# the score (shorter replies, a one-sided run) weighed in as they once were.
VARIANTS = {
    "  without momentum": {"with_momentum": False},
    "  + shorter replies in the score": {"weights": {**fading.WEIGHTS, "shorter": 0.15}},
    "  + one-sidedness in the score": {"weights": {**fading.WEIGHTS, "one_sided": 0.2}},
}


@dataclass(frozen=True)
class Post:
    at: datetime
    author: str
    size: int


@dataclass(frozen=True)
class Cut:
    thread_start: datetime
    two_way: bool
    model: float  # fading score: higher = more likely over
    silence_part: float  # the part of it that my unanswered messages and the silence make
    variants: dict[str, float]  # the score without one of its parts, or with more
    silence: float  # days since the last message: the baseline's score
    over: bool  # truth: nothing within the horizon


def threads_of(records: Sequence[MessageRecord]) -> list[list[Post]]:
    """Messages grouped into threads by Message-ID links (union-find), oldest first."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    for r in records:
        find(r.message_id)
        for ref in (*r.in_reply_to, *r.references):
            union(r.message_id, ref)
    groups: dict[str, list[Post]] = defaultdict(list)
    for r in records:
        if r.date is None or not r.from_:
            continue
        groups[find(r.message_id)].append(Post(r.date, r.from_[0][1].lower(), r.size))
    return [sorted(posts, key=lambda p: p.at) for posts in groups.values()]


def cuts_of(thread: Sequence[Post], horizon: timedelta, end: datetime) -> list[Cut]:
    if len({p.author for p in thread}) < 2:
        return []
    times = [p.at for p in thread]
    out = []
    for k, last in enumerate(thread):
        for hours in OFFSETS_HOURS:
            now = last.at + timedelta(hours=hours)
            if k + 1 < len(thread) and thread[k + 1].at <= now:
                break  # the next message had arrived: no cut here or later
            if now + horizon > end:
                break  # the archive ends before we would know
            seen = thread[: k + 1]
            messages = [fading.Message(p.at, p.author == last.author, p.size) for p in seen]
            signals = fading.signals(messages)
            found = fading.assess(signals, now, two_way_only=False)
            variants = {
                name: fading.assess(signals, now, two_way_only=False, **options).score
                for name, options in VARIANTS.items()
            }
            nxt = bisect_right(times, now)
            over = nxt >= len(times) or times[nxt] > now + horizon
            out.append(
                Cut(
                    thread_start=thread[0].at,
                    two_way=signals.two_way,
                    model=found.score,
                    silence_part=found.parts["unanswered"],
                    variants=variants,
                    silence=(now - last.at).total_seconds() / 86_400,
                    over=over,
                )
            )
    return out


def auc(scores: Sequence[float], truth: Sequence[bool]) -> float:
    """Probability that an "over" cut scores higher than a "goes on" one (ties count half)."""
    ranked = sorted(zip(scores, truth, strict=True), key=lambda st: st[0])
    pos = sum(truth)
    neg = len(truth) - pos
    if not pos or not neg:
        return float("nan")
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid = (i + 1 + j) / 2  # average 1-based rank of the tie group
        rank_sum += mid * sum(1 for _, t in ranked[i:j] if t)
        i = j
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def prf(scores: Sequence[float], truth: Sequence[bool], threshold: float) -> tuple[float, ...]:
    tp = sum(1 for s, t in zip(scores, truth, strict=True) if s >= threshold and t)
    fp = sum(1 for s, t in zip(scores, truth, strict=True) if s >= threshold and not t)
    fn = sum(1 for s, t in zip(scores, truth, strict=True) if s < threshold and t)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def best_threshold(scores: Sequence[float], truth: Sequence[bool]) -> float:
    candidates = sorted(set(scores))
    return max(candidates, key=lambda t: prf(scores, truth, t)[2]) if candidates else 0.0


def _variant(name: str) -> Callable[[Cut], float]:
    return lambda c: c.variants[name]


def report(name: str, cuts: Sequence[Cut]) -> None:
    truth = [c.over for c in cuts]
    train = [c for c in cuts if c.thread_start.year < SPLIT_YEAR]
    test = [c for c in cuts if c.thread_start.year >= SPLIT_YEAR]
    print(
        f"\n{name}: {len(cuts)} cuts, {sum(truth)} over ({sum(truth) / max(1, len(cuts)):.0%}); "
        f"train {len(train)} (threads before {SPLIT_YEAR}), test {len(test)}"
    )
    print(f"{'method':<34} {'AUC':>6} {'P':>6} {'R':>6} {'F1':>6}   {'test AUC':>8} "
          f"{'P':>6} {'R':>6} {'F1':>6}")  # fmt: skip
    methods: list[tuple[str, Callable[[Cut], float], float]] = [
        ("fading (score ≥ 0.4)", lambda c: c.model, fading.THRESHOLD),
        *[(name, _variant(name), fading.THRESHOLD) for name in VARIANTS],
        ("  its silence part alone (≥ 0.5)", lambda c: c.silence_part, 0.5),
        ("silence alone (≥ 7 days)", lambda c: c.silence, 7.0),
    ]
    for label, score, default in methods:
        s_all = [score(c) for c in cuts]
        p, r, f = prf(s_all, truth, default)
        tuned = best_threshold([score(c) for c in train], [c.over for c in train])
        s_test = [score(c) for c in test]
        t_truth = [c.over for c in test]
        tp, tr, tf = prf(s_test, t_truth, tuned)
        print(
            f"{label:<34} {auc(s_all, truth):>6.3f} {p:>6.2f} {r:>6.2f} {f:>6.2f}   "
            f"{auc(s_test, t_truth):>8.3f} {tp:>6.2f} {tr:>6.2f} {tf:>6.2f}"
            f"   (tuned threshold {tuned:.2f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mbox", type=Path, default=MBOX, help="the mailbox to thread")
    parser.add_argument("--horizon", type=int, default=30, help="days a conversation may rest")
    args = parser.parse_args()
    if not args.mbox.exists():
        raise SystemExit(f"{args.mbox} not found (the shared corpora live in ../shared/data)")
    records = [r for r in read_mail(args.mbox) if isinstance(r, MessageRecord)]
    threads = threads_of(records)
    end = max(r.date for r in records if r.date is not None)
    horizon = timedelta(days=args.horizon)
    cuts = [c for t in threads for c in cuts_of(t, horizon, end)]
    multi = [t for t in threads if len({p.author for p in t}) >= 2]
    print(
        f"{args.mbox.name}: {len(records)} messages, {len(threads)} threads, {len(multi)} "
        f"with two or more authors; horizon {args.horizon} days; cuts at "
        f"{', '.join(f'{h} h' for h in OFFSETS_HOURS)} after a message"
    )
    report("two-way cuts (the last writer had been answered twice or more)",
           [c for c in cuts if c.two_way])  # fmt: skip
    report("all cuts", cuts)


if __name__ == "__main__":
    main()
