"""Today on the demo network: the overdue circle members, the people waiting, a fading
conversation and the coming meetings, each with its reason; checked against the raw rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from kithkin import clock
from kithkin.demo import build_demo
from kithkin.practices import today
from kithkin.services import circle
from kithkin.services import today as service
from kithkin.store import Database, people
from kithkin.store.schema import interaction, interaction_participant

DAY = date(2026, 3, 14)
NOW = datetime(2026, 3, 14, 7, 0, tzinfo=UTC)  # an hour after the demo's "now"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, today.Agenda]]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    build_demo(db, seed=7, today=DAY)
    clock.freeze(NOW)
    try:
        yield db, service.agenda(db, now=NOW)
    finally:
        clock.freeze(None)
        db.dispose()


def history(db: Database) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    with db.read() as conn:
        for row in conn.execute(
            select(interaction, interaction_participant.c.person_id)
            .join(interaction_participant)
            .order_by(interaction.c.occurred_at)
        ):
            out.setdefault(row.person_id, []).append(row)
    return out


def keys(agenda: today.Agenda, section: str) -> dict[int, today.Item]:
    return {i.people[0][0]: i for i in agenda.section(section)}


def test_the_overdue_circle_members_are_listed_with_why(
    demo: tuple[Database, today.Agenda],
) -> None:
    db, agenda = demo
    with db.read() as conn:
        members = [p.id for p in people.list_people(conn, tag_name="circle", limit=100)]
    rows = history(db)
    silent = [
        p
        for p in members
        if NOW - max(r.occurred_at for r in rows[p] if r.occurred_at <= NOW) > timedelta(days=40)
    ]
    assert len(silent) >= 3  # two overdue and one dropped out, by the demo's design
    listed = keys(agenda, "circle")
    for pid in silent:
        assert listed[pid].kind == "overdue"
        assert (
            listed[pid].reason.startswith("overdue by ") and "every 14 days" in listed[pid].reason
        )
    dropped = [s for s in circle.suggestions(db, now=NOW) if s.action == "remove"]
    assert {s.person_id for s in dropped} <= set(silent) and dropped


def test_the_people_waiting_for_my_reply_are_listed(demo: tuple[Database, today.Agenda]) -> None:
    db, agenda = demo
    expected = []
    with db.read() as conn:  # the demo's cold pitches are not waiting for me
        pitching = {
            p.id
            for tag in ("vendor", "recruiter")
            for p in people.list_people(conn, tag_name=tag, limit=500)
        }
    for pid, rows in history(db).items():
        if pid in pitching:
            continue
        past = [r for r in rows if r.occurred_at <= NOW]
        last = past[-1]
        if (
            last.kind == "email"
            and last.direction == "to_me"
            and NOW - last.occurred_at < timedelta(days=14)
            and not (last.subject or "").startswith("Re:")
        ):
            expected.append(pid)
    assert len(expected) >= 5
    listed = keys(agenda, "waiting")
    assert set(expected) <= set(listed)
    for pid in expected:
        assert listed[pid].reason.startswith(("wrote to you ", "wrote twice")), listed[pid].reason
        assert "“" in listed[pid].reason  # what it was about


def test_a_fading_relationship_is_listed_with_why_and_what_to_do(
    demo: tuple[Database, today.Agenda],
) -> None:
    db, agenda = demo
    fading = agenda.section("fading")
    assert fading
    rows = history(db)
    for item in fading:
        past = [r for r in rows[item.people[0][0]] if r.occurred_at <= NOW]
        theirs = [r for r in past if r.direction in ("to_me", "both")]
        mine_after = [r for r in past if r.occurred_at > theirs[-1].occurred_at]
        assert len(mine_after) >= 2 and all(r.direction == "from_me" for r in mine_after)
        assert "got no answer" in item.reason
        assert item.advice in (today.fading.WRAP_UP, today.fading.PAUSE)


def test_todays_and_tomorrows_meetings_come_with_their_briefs(
    demo: tuple[Database, today.Agenda],
) -> None:
    db, agenda = demo
    start, end = clock.day_window(NOW)
    with db.read() as conn:
        planned = list(
            conn.scalars(
                select(interaction.c.id).where(
                    interaction.c.occurred_at >= start,
                    interaction.c.occurred_at < end,
                    interaction.c.kind == "meeting",
                )
            )
        )
    assert len(planned) >= 2
    meetings = {i.key: i for i in agenda.section("meetings")}
    assert set(meetings) == {f"meeting:i{i}" for i in planned}
    for item in meetings.values():
        assert item.reason.startswith(("today ", "tomorrow "))
        assert item.briefs and all(b["strength"] and b["starters"] for b in item.briefs)
    assert agenda.items[0].section == "meetings"
