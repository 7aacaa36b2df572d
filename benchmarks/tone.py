"""The tone check's "sales-y" score on real mail: SpamAssassin spam against person-to-person ham.

    uv run python benchmarks/tone.py [--corpus DIR] [--show 12]

Reads ../shared/data/mail/spamassassin (spam-1: sales and marketing mail; easy-ham-1: mail
between people, mostly mailing lists), takes each message's own words with
`sources.draft.text_of` (the text part, else the HTML made plain; quoted lines, the signature
and a list footer left out) and scores it with `practices.tone.check` as an outreach note
(favour-first needs a ledger, so it is not in play here).

The messages are split in two halves by the first hex digit of the MD5 in their file names
(even: tune, odd: test). The shipped threshold (in tone_rules.toml) was chosen on the tune
half only: the lowest threshold flagging at most 8 % of its ham, rounded up to a tenth's
half. Printed for each half: ROC AUC, the share of ham flagged and of spam caught at the
shipped threshold; then the test half's false flags (ham scored at or above it), each with
the rules that fired, and the most common rules among them.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from kithkin.practices import tone
from kithkin.sources.draft import text_of

CORPUS = Path(__file__).resolve().parents[2] / "shared/data/mail/spamassassin"


def auc(positives: list[float], negatives: list[float]) -> float:
    """The probability that a random positive outranks a random negative (ties count half)."""
    ranked = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mid = (i + j + 1) / 2  # the average 1-based rank of the tie
        rank_sum += mid * sum(1 for k in range(i, j) if ranked[k][1])
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--show", type=int, default=12, help="false flags to print")
    args = parser.parse_args()
    started = time.perf_counter()
    scored: dict[tuple[str, str], list[tuple[float, str, tone.Tone]]] = {}
    count = 0
    for group, label in (("spam-1", "spam"), ("easy-ham-1", "ham")):
        for path in sorted((args.corpus / group).iterdir()):
            if not path.name[:5].isdigit():
                continue
            digest = path.name.split(".")[1]
            half = "tune" if int(digest[0], 16) % 2 == 0 else "test"
            result = tone.check(text_of(path.read_bytes()))
            scored.setdefault((half, label), []).append((result.score, path.name, result))
            count += 1
    elapsed = time.perf_counter() - started
    threshold = tone.default_rules().threshold
    print(f"{count} messages scored in {elapsed:.1f} s ({1000 * elapsed / count:.1f} ms each)")
    print(f"shipped threshold: {threshold}")
    print()
    print(f"{'half':<6}{'spam':>6}{'ham':>6}{'AUC':>8}{'ham flagged':>13}{'spam caught':>13}")
    for half in ("tune", "test"):
        spam = [s for s, _, _ in scored[(half, "spam")]]
        ham = [s for s, _, _ in scored[(half, "ham")]]
        flagged = sum(s >= threshold for s in ham) / len(ham)
        caught = sum(s >= threshold for s in spam) / len(spam)
        print(
            f"{half:<6}{len(spam):>6}{len(ham):>6}{auc(spam, ham):>8.3f}"
            f"{flagged:>12.1%}{caught:>13.1%}"
        )
    tune_ham = sorted(s for s, _, _ in scored[("tune", "ham")])
    at_8 = tune_ham[int(0.92 * len(tune_ham))]
    print(f"\non the tune half, 8 % of ham scores {at_8:.3f} or more (the threshold's basis)")
    false = sorted(
        ((s, name, r) for s, name, r in scored[("test", "ham")] if s >= threshold), reverse=True
    )
    print(f"\ntest half: {len(false)} ham messages flagged; the rules that fired in them:")
    rules = Counter(f.rule for _, _, r in false for f in r.flags)
    for rule, n in rules.most_common():
        print(f"  {rule:<20}{n:>4}")
    print(f"\nthe {min(args.show, len(false))} highest-scored of them:")
    for score, name, result in false[: args.show]:
        fired = "; ".join(f"{f.rule} {', '.join(f.hits[:3])}".strip() for f in result.flags)
        print(f"  {score:.2f} {name[:24]}  {fired[:120]}")


if __name__ == "__main__":
    main()
