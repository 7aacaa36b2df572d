"""The review's strength over time is the strength `practices.tally` computes: the one-pass,
score-only reading gives `summarise(contacts, t).score` at every time asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.model import Contact
from kithkin.practices import review, tally

START = datetime(2024, 1, 1, tzinfo=UTC)

contact = st.builds(
    lambda n, days, kind, direction, role, category: Contact(
        n, START + timedelta(days=days), kind, direction, role, 1, category
    ),
    st.integers(1, 10_000),
    st.floats(0, 800, allow_nan=False),
    st.sampled_from(["email", "message", "meeting", "call", "coffee", "note", "event"]),
    st.sampled_from(["from_me", "to_me", "both", "neither"]),
    st.sampled_from(["with", "from", "to", "cc", "list"]),
    st.sampled_from([None, "person", "list", "bulk"]),
)


@given(
    st.lists(contact, max_size=60, unique_by=lambda c: c.interaction_id),
    st.lists(st.floats(0, 900, allow_nan=False), min_size=1, max_size=8),
)
def test_scores_over_is_summarise_at_each_time(contacts: list[Contact], days: list[float]) -> None:
    times = sorted(START + timedelta(days=d) for d in days)
    found = review.scores_over(contacts, times)
    expected = [tally.summarise(contacts, t).score for t in times]
    assert found == pytest.approx(expected, rel=1e-9, abs=1e-9)
