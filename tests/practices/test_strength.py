"""Relationship strength: a pure function of the interactions, explainable, monotone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.practices import strength
from kithkin.practices.strength import Contact
from kithkin.practices.tally import fold, summarise

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def c(days_ago: float, kind: str = "email", direction: str = "from_me", **kw: object) -> Contact:
    at = NOW - timedelta(days=days_ago)
    return Contact(
        interaction_id=int(days_ago * 1000) + len(kind), at=at, kind=kind, direction=direction, **kw
    )  # type: ignore[arg-type]


def exchange(n: int, every: float = 7.0, start: float = 5.0) -> list[Contact]:
    """n mails each way: theirs, then my answer a day later."""
    out = []
    for i in range(n):
        at = start + i * every
        out.append(c(at + 1, "email", "to_me", role="from", thread=f"t{i}"))
        out.append(c(at, "email", "from_me", role="to", thread=f"t{i}"))
    return out


def test_no_interactions_is_no_relationship() -> None:
    s = summarise([], NOW)
    assert (s.score, s.tier, s.n_all, s.last_touch_at) == (0.0, "none", 0, None)


def test_one_way_mail_that_never_hears_back_is_not_a_relationship() -> None:
    theirs = [c(d, "email", "to_me", role="from") for d in (1, 8, 15, 30, 60, 90)]
    s = summarise(theirs, NOW)
    assert s.score == 0 and s.tier == "none" and s.reciprocity == 0
    assert s.last_touch_at is None  # their mail is no touch of mine
    assert s.last_inbound_at == theirs[0].at
    assert "never answer" in " ".join(strength.explain(s, NOW))
    mine = [c(d, "email", "from_me", role="to") for d in (1, 8, 15)]
    assert summarise(mine, NOW).score == 0  # nor is mail to someone who never answers


def test_a_regular_two_way_exchange_is_strong_and_explained() -> None:
    s = summarise([*exchange(12), c(3, "coffee", "both")], NOW)
    assert s.tier == "strong" and 60 <= s.score <= 100
    assert s.reciprocity > 0.9
    assert s.last_touch_at == NOW - timedelta(days=3)
    assert s.last_mutual_at == NOW - timedelta(days=3)
    lines = strength.explain(s, NOW)
    assert lines[0].startswith(f"strength {s.score:.0f}/100 (strong)")
    assert any(line.startswith("recency: last two-way contact 3 days ago") for line in lines)
    assert any("1 coffee, 24 email" in line for line in lines)
    assert any(line.startswith("reciprocity:") for line in lines)


def test_meetings_weigh_more_than_mail_mail_more_than_cc_list_and_bulk() -> None:
    def weight(**kw: object) -> float:
        return c(1, **kw).weight  # type: ignore[arg-type]

    assert weight(kind="meeting", direction="both") > weight(kind="email")
    assert weight(kind="call", direction="from_me") > weight(kind="email")
    assert weight(kind="email") > weight(kind="email", role="cc")
    assert weight(kind="email", role="to") > weight(kind="email", category="list")
    assert weight(kind="email", category="bulk") == 0
    assert weight(kind="meeting", direction="both", people=9) < weight(kind="meeting")


def test_touches_are_what_i_made_happen() -> None:
    assert c(1, "email", "from_me").is_touch
    assert c(1, "call", "to_me").is_touch  # they called, we talked
    assert c(1, "note", "neither").is_touch  # I logged it
    assert not c(1, "email", "to_me", role="from").is_touch  # waiting for me, not a touch
    assert not c(1, "email", "neither", role="cc").is_touch
    assert not c(1, "email", "from_me", role="list").is_touch


def test_waiting_is_their_message_i_have_not_answered() -> None:
    history = [*exchange(6, start=10), c(2, "email", "to_me", role="from", thread="new")]
    s = summarise(history, NOW)
    assert s.waiting_since == NOW - timedelta(days=2)
    assert s.inputs["waiting"]["kind"] == "new"
    answered = summarise([*history, c(1, "email", "from_me", role="to", thread="new")], NOW)
    assert answered.waiting_since is None
    noted = summarise([*history, c(1, "note", "neither")], NOW)
    assert noted.waiting_since is not None  # a note to myself answers nobody


def test_mail_from_someone_i_never_answer_is_not_waiting_for_me() -> None:
    pitches = [c(d, "email", "to_me", role="from", thread=f"p{d}") for d in (2, 20, 40, 60)]
    s = summarise(pitches, NOW)
    assert s.waiting_since is None and s.inputs["waiting"]["real"] is False
    bulk = summarise(
        [*exchange(4, start=10), c(1, "email", "to_me", role="from", category="bulk")], NOW
    )
    assert bulk.waiting_since is None


def test_planned_meetings_are_remembered_not_counted() -> None:
    s = summarise([*exchange(3), c(-2, "meeting", "both")], NOW)
    assert s.next_event_at == NOW + timedelta(days=2)
    assert s.n_all == 6 and s.last_touch_at != NOW + timedelta(days=2)


def test_score_decays_with_time_and_score_at_matches_a_recomputation() -> None:
    history = exchange(8)
    s = summarise(history, NOW)
    later = NOW + timedelta(days=45)
    at = strength.score_at(s.weight, s.reciprocity, s.last_mutual_at, s.computed_at, later)
    assert at < s.score
    assert abs(at - summarise(history, later).score) < 0.05


contacts = st.lists(
    st.builds(
        lambda d, kind, direction, role, n: c(d, kind, direction, role=role, people=n),
        st.floats(0, 900),
        st.sampled_from(sorted(strength.KIND_WEIGHT)),
        st.sampled_from(["from_me", "to_me", "both", "neither"]),
        st.sampled_from(["with", "from", "to", "cc", "list"]),
        st.integers(1, 12),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(contacts, st.floats(0, 400), st.sampled_from(["meeting", "call", "coffee", "meal"]))
def test_recent_two_way_contact_never_lowers_the_score(
    history: list[Contact], days_ago: float, kind: str
) -> None:
    before = summarise(history, NOW)
    after = summarise([*history, c(days_ago, kind, "both")], NOW)
    assert 0 <= before.score <= 100 and 0 <= after.score <= 100
    assert after.score >= before.score - 1e-9
    assert after.last_mutual_at is not None


@settings(max_examples=100, deadline=None)
@given(contacts)
def test_scores_stay_within_bounds_and_tiers_follow_them(history: list[Contact]) -> None:
    s = summarise(history, NOW)
    assert 0 <= s.score <= 100 and 0 <= s.reciprocity <= 1
    assert s.tier == strength.tier_of(s.score)
    assert s.n_30 <= s.n_90 <= s.n_365 <= s.n_all


@settings(max_examples=150, deadline=None)
@given(contacts, st.integers(0, 60))
def test_folding_new_interactions_into_a_stored_tally_equals_reading_everything(
    history: list[Contact], cut: int
) -> None:
    ordered = sorted(history, key=lambda c: (c.at, c.interaction_id))
    before, after = ordered[:cut], ordered[cut:]
    first = summarise(before, NOW)
    folded = fold(first.inputs["tally"], first.next_event_at, after, NOW)
    whole = summarise(ordered, NOW)
    assert folded is not None
    for key, value in vars(whole).items():
        got = getattr(folded, key)
        if isinstance(value, float):
            assert got == pytest.approx(value, rel=1e-6, abs=1e-6), key
        elif key != "inputs":
            assert got == value, key
    assert strength.recent_ids(folded.inputs) == strength.recent_ids(whole.inputs)
    folded_fading, whole_fading = dict(folded.inputs["fading"]), dict(whole.inputs["fading"])
    assert list(folded_fading.pop("recent")) == pytest.approx(list(whole_fading.pop("recent")))
    assert folded_fading == pytest.approx(whole_fading)


def test_an_older_interaction_imported_late_cannot_be_folded() -> None:
    first = summarise(exchange(3), NOW)
    assert fold(first.inputs["tally"], None, [c(60, "call", "both")], NOW) is None
    planned = summarise([*exchange(3), c(-1, "meeting", "both")], NOW)
    later = NOW + timedelta(days=2)  # the planned meeting has happened: read it all again
    assert fold(planned.inputs["tally"], planned.next_event_at, [], later) is None


@settings(max_examples=150, deadline=None)
@given(
    contacts,
    st.integers(0, 40),
    st.integers(1, 40),
    st.floats(0, 365),
    st.sampled_from([None, "list"]),
)
def test_more_two_way_exchange_is_a_stronger_relationship(
    history: list[Contact], n: int, more: int, start: float, category: str | None
) -> None:
    """Strength grows with the volume of two-way exchange (list answers too, at their weight):
    n exchanges, then `more` older ones besides, never the same score or less."""

    def pairs(count: int) -> list[Contact]:
        role = "list" if category else "from"
        out = []
        for i in range(count):
            at = start + 3 * i
            out.append(c(at + 1, "email", "to_me", role=role, category=category, thread=f"x{i}"))
            out.append(c(at, "email", "from_me", role=role, category=category, thread=f"x{i}"))
        return out

    fewer = summarise([*history, *pairs(n)], NOW).score
    more_of_it = summarise([*history, *pairs(n + more)], NOW).score
    assert more_of_it >= fewer
    if fewer < 90:  # far from the ceiling, where two decimals can still tell them apart
        assert more_of_it > fewer


def test_list_answers_weigh_a_quarter_of_mail_not_a_sixteenth() -> None:
    answer = c(1, "email", "to_me", role="list", category="list")
    assert answer.weight == pytest.approx(0.25)
    assert c(1, "email", "to_me", role="cc", category="list").weight == pytest.approx(0.25)


def test_volume_outranks_a_single_recent_answer() -> None:
    """83 list answers over the last year, the last 3 days ago, against 2 a week ago."""
    busy = summarise(
        [
            c(3 + i * 4.4, "email", "to_me" if i % 2 else "from_me", role="list", category="list")
            for i in range(83)
        ],
        NOW,
    )
    few = summarise(
        [
            c(7, "email", "to_me", role="list", category="list"),
            c(6, "email", "from_me", role="list", category="list"),
        ],
        NOW,
    )
    assert busy.score > 3 * few.score
    assert busy.tier in ("moderate", "strong")
    volume = next(line for line in strength.explain(busy, NOW) if line.startswith("volume:"))
    assert "83 in 365" in volume or "83 in all" in volume
