"""The demo network: its shape, its stories, its determinism, and its refusal to overwrite."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from kithkin.demo import DemoSummary, build_demo
from kithkin.errors import InvalidInput
from kithkin.model import Person
from kithkin.store import Database, backup, people, settings, stats
from kithkin.store.schema import contact_point, interaction, interaction_participant
from kithkin.store.schema_mail import mail_message

TODAY = date(2026, 3, 14)
NOW = datetime(2026, 3, 14, 6, 0, tzinfo=UTC)  # the demo's "now": 06:00 UTC on TODAY


def _build(path: Path, seed: int = 7) -> tuple[Database, DemoSummary]:
    db = Database(f"sqlite:///{path}")
    return db, build_demo(db, seed=seed, today=TODAY)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, DemoSummary]]:
    db, summary = _build(tmp_path_factory.mktemp("demo") / "demo.db")
    yield db, summary
    db.dispose()


@pytest.fixture(scope="module")
def everyone(built: tuple[Database, DemoSummary]) -> list[Person]:
    db, _ = built
    with db.read() as conn:
        ids = [p.id for p in people.list_people(conn, limit=10_000)]
        return [people.get_person(conn, pid) for pid in ids]


def _rows(conn: Connection) -> list[Any]:
    """Every interaction with one participant's id, oldest first."""
    return list(
        conn.execute(
            select(interaction, interaction_participant.c.person_id)
            .join(interaction_participant)
            .order_by(interaction.c.occurred_at, interaction.c.id)
        )
    )


def test_summary_matches_the_database(built: tuple[Database, DemoSummary]) -> None:
    db, summary = built
    with db.read() as conn:
        held = stats.stats(conn)
        me = settings.get_me(conn)
    assert summary.people == held.people >= 300
    assert summary.interactions == held.interactions
    assert 5_000 <= summary.interactions <= 15_000
    assert summary.interactions_by_kind == held.interactions_by_kind
    assert sum(summary.interactions_by_kind.values()) == held.interactions
    assert summary.story_facts == held.story_facts > 0
    assert summary.notes == held.notes > 0
    assert 40 <= summary.organisations <= 60
    assert me.name == summary.me == "Alex Morgan"
    assert len(me.addresses) == 2
    assert all(a.endswith(".example") for a in me.addresses)
    assert held.activity < held.interactions / 5  # no activity row per demo interaction


def test_people_have_organisations_titles_and_fictional_contacts(
    built: tuple[Database, DemoSummary], everyone: list[Person]
) -> None:
    db, _ = built
    without_org = [p for p in everyone if not p.organisation]
    assert 1 <= len(without_org) <= 15
    assert all(p.title for p in everyone)
    assert len({p.display_name for p in everyone}) == len(everyone)
    assert len({p.organisation for p in everyone if p.organisation}) >= 40
    assert len({p.family_name for p in everyone}) >= 100  # names of many origins
    with db.read() as conn:
        points = list(conn.execute(select(contact_point.c.kind, contact_point.c.value)))
    kinds = Counter(kind for kind, _ in points)
    assert kinds["email"] >= len(everyone) and kinds["phone"] and kinds["url"] and kinds["handle"]
    for kind, value in points:
        if kind == "email":
            assert re.fullmatch(r"[a-z]+\.[a-z]+\d*@[a-z-]+\.example", value), value
        elif kind == "phone":
            assert re.fullmatch(r"\+1 \d{3} 555 01\d\d|\+44 20 7946 0\d{3}", value), value
        else:
            assert ".example" in value, value


def test_ten_in_the_circle_and_other_tags(built: tuple[Database, DemoSummary]) -> None:
    db, summary = built
    with db.read() as conn:
        circle = people.list_people(conn, tag_name="circle", limit=1000)
        tags = dict(people.all_tags(conn))
        counts = Counter(row.person_id for row in _rows(conn) if row.occurred_at <= NOW)
    assert summary.circle == len(circle) == 10
    for name in ("cio-forum", "board", "mentor", "recruiter", "vendor", "alumni", "community"):
        assert tags.get(name, 0) >= 2, name
    # the circle is seen regularly; the long tail rarely
    assert all(counts[p.id] >= 40 for p in circle)
    rare = [pid for pid, n in counts.items() if n <= 5]
    assert len(rare) >= 50


def test_two_years_of_history_ending_today_and_a_week_ahead(
    built: tuple[Database, DemoSummary],
) -> None:
    db, summary = built
    with db.read() as conn:
        first, last = conn.execute(
            select(func.min(interaction.c.occurred_at), func.max(interaction.c.occurred_at))
        ).one()
        past_last = conn.scalar(
            select(func.max(interaction.c.occurred_at)).where(interaction.c.occurred_at <= NOW)
        )
        upcoming = list(conn.execute(select(interaction).where(interaction.c.occurred_at > NOW)))
    assert first == summary.first_interaction
    assert past_last == summary.last_interaction
    assert first.date() <= TODAY - timedelta(days=730)
    assert past_last.date() == TODAY
    assert last <= NOW + timedelta(days=7)
    assert len(upcoming) >= 3
    assert {(u.kind, u.direction) for u in upcoming} == {("meeting", "both")}


def test_kinds_and_directions(built: tuple[Database, DemoSummary]) -> None:
    db, summary = built
    with db.read() as conn:
        pairs = {
            (k, d) for k, d in conn.execute(select(interaction.c.kind, interaction.c.direction))
        }
    for kind in ("email", "meeting", "call", "message"):
        assert {(kind, "from_me"), (kind, "to_me")} <= pairs, kind
    assert ("coffee", "both") in pairs and ("meal", "both") in pairs
    assert ("note", "neither") in pairs and ("event", "both") in pairs
    assert set(summary.interactions_by_kind) == {
        "email", "meeting", "call", "message", "note", "event", "coffee", "meal",
    }  # fmt: skip


def test_mail_threads_read_like_threads(built: tuple[Database, DemoSummary]) -> None:
    db, _ = built
    with db.read() as conn:
        mails = [r for r in _rows(conn) if r.kind == "email"]
    assert all(r.thread_key for r in mails)
    by_thread: dict[str, list[Any]] = {}
    for r in mails:
        by_thread.setdefault(r.thread_key, []).append(r)
    replies = [t for t in by_thread.values() if len({r.id for r in t}) > 1]
    assert len(replies) >= 500
    for thread in replies:
        assert not thread[0].subject.startswith("Re: ")
        assert all(r.subject.startswith("Re: ") for r in thread if r.id != thread[0].id)


def test_waiting_for_my_reply_and_faded_relationships(built: tuple[Database, DemoSummary]) -> None:
    db, _ = built
    with db.read() as conn:
        rows = [r for r in _rows(conn) if r.occurred_at <= NOW]
    history: dict[int, list[Any]] = {}
    for r in rows:
        history.setdefault(r.person_id, []).append(r)
    waiting = [
        pid
        for pid, items in history.items()
        if items[-1].kind == "email"
        and items[-1].direction == "to_me"
        and items[-1].occurred_at >= NOW - timedelta(days=14)
    ]
    assert len(waiting) >= 5
    faded = []
    for pid, items in history.items():
        theirs = [r for r in items if r.direction in ("to_me", "both")]
        if len(items) < 15 or not theirs or theirs[-1].occurred_at > NOW - timedelta(days=90):
            continue
        after = [r for r in items if r.occurred_at > theirs[-1].occurred_at]
        if len(after) >= 2 and all(r.kind == "email" and r.direction == "from_me" for r in after):
            faded.append(pid)
    assert len(faded) >= 3


def test_stories_vary_in_completeness(everyone: list[Person]) -> None:
    done = [p.story_completeness() for p in everyone]
    complete, empty = done.count(1.0), done.count(0.0)
    partial = len(done) - complete - empty
    assert 0.05 <= complete / len(done) <= 0.2
    assert 0.2 <= empty / len(done) <= 0.45
    assert partial >= len(done) * 0.35
    facts = [f for p in everyone for f in p.story]
    assert all(f.learned_on and f.learned_where for f in facts)
    assert all(TODAY - timedelta(days=770) <= f.learned_on <= TODAY for f in facts)  # type: ignore[operator]
    assert len({f.learned_where for f in facts}) >= 10
    assert len({f.text for f in facts}) >= len(facts) * 0.5
    assert sum(bool(p.notes) for p in everyone) >= 20


def test_search_finds_a_person_by_a_word_of_their_story(
    built: tuple[Database, DemoSummary], everyone: list[Person]
) -> None:
    db, _ = built
    person = next(p for p in everyone if p.story_completeness() == 1.0)
    passion = next(f.text for f in person.story if f.field == "passions")
    word = max(re.findall(r"[A-Za-z]+", passion), key=len)
    with db.read() as conn:
        hits = people.search_people(conn, word, limit=500)
    assert person.id in {hit.person.id for hit in hits}


def test_same_seed_and_day_give_the_same_database(
    built: tuple[Database, DemoSummary], tmp_path: Path
) -> None:
    db, summary = built
    again, second = _build(tmp_path / "again.db")
    try:
        assert second == summary
        assert _normalised_export(again) == _normalised_export(db)
    finally:
        again.dispose()


def test_refuses_a_database_that_is_not_empty(built: tuple[Database, DemoSummary]) -> None:
    db, summary = built
    with pytest.raises(InvalidInput, match="not empty"):
        build_demo(db, seed=7, today=TODAY)
    with db.read() as conn:
        assert stats.stats(conn).interactions == summary.interactions


def _normalised_export(db: Database) -> dict[str, Any]:
    out = io.StringIO()
    with db.read() as conn:
        backup.export(conn, out)
    data = json.loads(out.getvalue())
    del data["exported_at"]
    return dict(data["tables"])


def test_the_demo_inbox_has_subscriptions_to_rank_and_buried_mail(
    built: tuple[Database, DemoSummary],
) -> None:
    from kithkin import clock
    from kithkin.practices import hygiene
    from kithkin.services.inbox import read as read_inbox

    db, summary = built
    clock.freeze(
        datetime.combine(date.today(), datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)
    )
    with db.read() as conn:
        subs = hygiene.subscriptions(read_inbox(conn))
        buried = hygiene.buried(read_inbox(conn, details=True))
        held = conn.execute(select(func.count()).select_from(mail_message)).scalar_one()
    assert summary.mail_messages == held > 1_000
    labels = [s.label for s in subs]
    assert labels[0] == "Vendor Webinars"  # unread, daily, burying circle mail: the costliest
    roundtable = subs[labels.index("CIO Roundtable")]
    assert roundtable.replies_sent == 4 and roundtable.read_rate and roundtable.read_rate > 0.5
    spam = subs[labels.index("Prize Desk")]
    assert spam.spam_only and not spam.offerable and "report as spam" in spam.offer_note
    assert subs[labels.index("Board Portal")].how == "none"
    assert buried and buried[0].tier == "circle"
    assert all(b.person_id is not None for b in buried)


def test_introductions_made_for_me_give_introducers_a_record(
    built: tuple[Database, DemoSummary],
) -> None:
    from kithkin import clock
    from kithkin.services import intros, knows

    db, _ = built
    clock.freeze(datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9))
    made = intros.received(db)
    assert [r.outcome for r in made] == ["no", "met", "met"]
    best = made[-1].introducer_id
    assert intros.introducer_reliability(db, best).met == 2
    # someone they know: a path through them carries their record
    with db.read() as conn:
        name = people.get_person(conn, best).display_name
    [known, *_] = [t for t in knows.ties(db, person=f"#{best}").ties if t.person_id]
    found = knows.intro_paths(db, to=f"#{known.person_id}")
    through = [p for p in found.paths if p.legs[0].name == name]
    assert through and through[0].record == "2 of 2 intros they made led to a meeting"
