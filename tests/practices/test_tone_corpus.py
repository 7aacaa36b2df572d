"""The tone check on real mail: SpamAssassin spam (sales and marketing) against ham, on the
held-out half (the threshold was chosen on the other one; see benchmarks/tone.py)."""

from __future__ import annotations

import pytest

from kithkin.practices import tone
from kithkin.sources.draft import text_of
from tests.conftest import shared_data

pytestmark = pytest.mark.corpus


def auc(positives: list[float], negatives: list[float]) -> float:
    """The chance a random positive outscores a random negative (ties half)."""
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def test_salesy_mail_scores_above_mail_between_people() -> None:
    corpus = shared_data("mail", "spamassassin")
    scores: dict[str, list[float]] = {"spam-1": [], "easy-ham-1": []}
    for group, found in scores.items():
        for path in sorted((corpus / group).iterdir()):
            digest = path.name.split(".")[1] if path.name[:5].isdigit() else ""
            if digest and int(digest[0], 16) % 2 == 1:  # the test half
                found.append(tone.check(text_of(path.read_bytes())).score)
    threshold = tone.default_rules().threshold
    ham = scores["easy-ham-1"]
    assert auc(scores["spam-1"], ham) >= 0.9
    assert sum(s >= threshold for s in ham) / len(ham) <= 0.10
