"""practices.knows: meeting pairs, decay, tie scores and path ranking, as properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from kithkin.practices import knows, strength

T0 = datetime(2025, 1, 1, tzinfo=UTC)
names = st.text(alphabet="abcdefgh", min_size=1, max_size=4)
moments = st.floats(min_value=0, max_value=2000).map(lambda d: T0 + timedelta(days=d))


@given(st.lists(names, max_size=20))
def test_meeting_pairs_are_every_pair_of_a_small_meeting_only(attendees: list[str]) -> None:
    pairs = knows.meeting_pairs(attendees)
    n = len(set(attendees))
    if n + 1 > knows.MEETING_MAX:
        assert pairs == []
    else:
        assert len(pairs) == n * (n - 1) // 2 == len(set(pairs))
        assert all(a < b for a, b in pairs)


@given(st.lists(st.tuples(moments, st.floats(0, 5)), max_size=20), moments, st.floats(0, 900))
def test_evidence_only_decays_with_time(
    pieces: list[tuple[datetime, float]], at: datetime, later: float
) -> None:
    now = knows.decayed(pieces, at)
    assert knows.decayed(pieces, at + timedelta(days=later)) <= now + 1e-9
    assert now <= sum(w for _, w in pieces) + 1e-9


@given(st.floats(0, 50), moments, st.sampled_from([None, "weak", "moderate", "strong"]),
       st.floats(0, 2000))  # fmt: skip
def test_a_stated_tie_never_falls_below_its_tier(
    weight: float, last: datetime, stated: str | None, days: float
) -> None:
    now = last + timedelta(days=days)
    score = knows.tie_score(weight, last, last, stated, now)
    assert 0 <= score <= 100
    assert score >= knows.STATED.get(stated or "", 0.0)
    later = knows.tie_score(weight, last, last, stated, now + timedelta(days=30))
    assert later <= score


legs = st.builds(
    knows.Leg,
    person_id=st.integers(1, 50),
    name=names,
    score=st.floats(0, 100),
    tier=st.just("weak"),
    last_at=st.one_of(st.none(), moments),
    evidence=st.just("a reply"),
)


@given(st.lists(st.lists(legs, min_size=1, max_size=2), max_size=30), st.integers(1, 25))
def test_paths_rank_by_their_weaker_leg(chains: list[list[knows.Leg]], limit: int) -> None:
    now = T0 + timedelta(days=2500)
    paths = [knows.path(c, now) for c in chains]
    for p in paths:
        assert p.score == min(leg.score for leg in p.legs)
        assert p.tier == strength.tier_of(p.score)
        assert (p.hint is None) == (
            p.legs[0].last_at is not None
            and (now - p.legs[0].last_at).total_seconds() / 86_400 <= knows.WARM_DAYS
        )
    ranked = knows.rank(paths, limit)
    assert len(ranked) == min(limit, len(paths))
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)
    if ranked and len(paths) > limit:
        assert min(p.score for p in ranked) >= max(
            p.score for p in paths if not any(p is r for r in ranked)
        )


@given(
    st.lists(
        st.tuples(
            st.lists(legs, min_size=1, max_size=2),
            st.one_of(st.none(), st.lists(st.sampled_from(["met", "not_yet", "no"]), max_size=6)),
        ),
        max_size=30,
    ),
    st.integers(1, 25),
)
def test_an_introducers_record_only_breaks_ties_and_contenders_hold_the_first(
    chains: list[tuple[list[knows.Leg], list[str] | None]], limit: int
) -> None:
    """With records, the first `limit` are still the strongest by the weaker leg; among equal
    weaker legs the better record goes first; and ranking the contenders alone gives the same
    first `limit` as ranking every path."""
    from kithkin.practices import intros

    now = T0 + timedelta(days=10)
    paths = []
    for chain, outcomes in chains:
        p = knows.path(chain, now)
        if outcomes and len(chain) == 2:
            r = intros.reliability(list(outcomes))
            p = knows.with_record(p, r.introduced, r.met, r.score)
            assert p.record == (
                f"{r.met} of {r.introduced} intro{'s' if r.introduced > 1 else ''} they made"
                " led to a meeting"
            )
        paths.append(p)
    ranked = knows.rank(paths, limit)
    assert [p.score for p in ranked] == sorted((p.score for p in ranked), reverse=True)
    for x, y in pairwise(ranked):
        if x.score == y.score:
            assert (x.reliability or knows.NO_RECORD) >= (y.reliability or knows.NO_RECORD)
    assert knows.rank(knows.contenders(paths, limit), limit) == ranked
