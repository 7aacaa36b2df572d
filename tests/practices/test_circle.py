"""The circle as pure functions: cadences, due and overdue, dropped out, suggestions, the cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from kithkin.practices import circle
from kithkin.practices.circle import Member

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def member(
    touch: float | None,
    mutual: float | None = None,
    *,
    cadence: int | None = None,
    tags: tuple[str, ...] = (),
    waiting: float | None = None,
    pid: int = 1,
) -> Member:
    def ago(d: float | None) -> datetime | None:
        return None if d is None else NOW - timedelta(days=d)

    return Member(
        person_id=pid,
        display_name=f"P{pid}",
        organisation=None,
        title=None,
        tags=tags,
        cadence_days=cadence,
        source="manual",
        added_at=NOW - timedelta(days=400),
        last_touch_at=ago(touch),
        last_mutual_at=ago(touch if mutual is None else mutual),
        waiting_since=ago(waiting),
        score=70.0,
        tier="strong",
    )


def test_cadence_is_their_own_else_their_tags_else_the_default() -> None:
    tags = {"board": 30, "mentor": 21}
    assert circle.cadence_for(member(1, cadence=7, tags=("board",)), tags, 14) == (7, "own")
    assert circle.cadence_for(member(1, tags=("board", "mentor")), tags, 14) == (21, "tag mentor")
    assert circle.cadence_for(member(1), tags, 14) == (14, "default")


def test_ok_due_overdue_from_the_last_touch() -> None:
    ok = circle.status(member(3), 14, "default", NOW)
    assert (
        ok.state == "ok" and ok.reason == "next touch in 11 days (last 3 days ago, every 14 days)"
    )
    due = circle.status(member(15), 14, "default", NOW)
    assert due.state == "due" and due.reason == "due: last touch 15 days ago, every 14 days"
    late = circle.status(member(30), 14, "default", NOW)
    assert late.state == "overdue" and late.reason.startswith("overdue by 16 days: last touch")
    never = circle.status(member(None, None), 14, "default", NOW)
    assert never.state == "due" and never.reason.startswith("no touch yet")


def test_their_unanswered_message_is_not_a_touch_but_waiting_for_you() -> None:
    s = circle.status(member(20, waiting=2), 14, "default", NOW)
    assert s.state == "due"
    assert s.reason.endswith("they wrote 2 days ago, waiting for your answer")


def test_silently_dropped_out_after_three_cadences_without_two_way_contact() -> None:
    # I kept writing (touches), they never answered: no two-way contact for 50 days
    s = circle.status(member(5, mutual=50), 14, "default", NOW)
    assert s.dropped and s.state == "ok"
    assert "no two-way contact for 7 weeks: silently dropped out?" in s.reason
    assert not circle.status(member(5, mutual=30), 14, "default", NOW).dropped


def test_statuses_put_the_most_overdue_first() -> None:
    found = circle.statuses([member(3, pid=1), member(40, pid=2), member(15, pid=3)], {}, 14, NOW)
    assert [s.member.person_id for s in found] == [2, 3, 1]


def row(
    pid: int,
    mutual_days: float | None,
    reciprocity: float = 0.9,
    weight: float = 20.0,
    n_365: int = 25,
) -> SimpleNamespace:
    return SimpleNamespace(
        person_id=pid,
        weight=weight,
        reciprocity=reciprocity,
        computed_at=NOW,
        n_365=n_365,
        n_all=n_365,
        last_mutual_at=None if mutual_days is None else NOW - timedelta(days=mutual_days),
    )


def test_suggest_the_strongest_two_way_relationships_and_members_who_dropped_out() -> None:
    members = circle.statuses([member(5, mutual=60, pid=1), member(2, pid=2)], {}, 14, NOW)
    candidates = [
        row(1, 2),  # a member already
        row(7, 3),
        row(8, 200, weight=2.0, n_365=4),  # weak and long ago: still two-way, suggested last
        row(9, 2, reciprocity=0.0),  # one-way: no relationship
        row(10, None, reciprocity=0.0),  # never answered
        row(11, 10, weight=60.0, n_365=83),  # the most exchanged: first
    ]
    names = {7: "Dana", 8: "Old", 9: "Oneway", 10: "Silent", 11: "Busy"}
    found = circle.suggest(candidates, names, members, NOW, limit=8)  # type: ignore[arg-type]
    adds = [s for s in found if s.action == "add"]
    assert [s.display_name for s in adds] == ["Busy", "Dana", "Old"]
    assert [s.score for s in adds] == sorted((s.score for s in adds), reverse=True)
    busy = adds[0]
    assert busy.tier == "strong" and busy.interactions_365 == 83
    assert busy.reason.startswith(f"strength {busy.score:.0f}/100 (strong): 83 interactions in")
    assert "90% two-way, last two-way contact 10 days ago" in busy.reason
    assert adds[-1].tier == "weak" and "4 interactions in the last year" in adds[-1].reason
    removes = [s for s in found if s.action == "remove"]
    assert [s.person_id for s in removes] == [1]
    assert "silently dropped out: no two-way contact for 9 weeks" in removes[0].reason


def test_suggest_fills_only_the_places_it_is_given() -> None:
    candidates = [row(pid, pid) for pid in range(1, 9)]
    found = circle.suggest(candidates, {}, [], NOW, limit=3)  # type: ignore[arg-type]
    assert [s.person_id for s in found] == [1, 2, 3]  # the most recent, all else equal
    assert circle.suggest(candidates, {}, [], NOW, limit=0) == []  # type: ignore[arg-type]
