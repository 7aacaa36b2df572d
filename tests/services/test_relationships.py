"""The relationship table: refreshed only where interactions changed; the circle's store."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, insert, select

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.practices import brief
from kithkin.services import relationships as refresh
from kithkin.services import today
from kithkin.store import Database, backup, interactions, people, relationships, trash
from kithkin.store import circle as store_circle
from kithkin.store.schema import activity
from kithkin.store.schema_circle import relationship
from kithkin.store.schema_mail import mail_message

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def computed(db: Database) -> dict[int, datetime]:
    with db.read() as conn:
        return {r.person_id: r.computed_at for r in conn.execute(select(relationship))}


def mail(db: Database, pid: int, direction: str, days_ago: float, **kw: object) -> int:
    role = "from" if direction == "to_me" else "to"
    with db.write() as conn:
        iid, _ = interactions.log_interaction(
            conn,
            kind="email",
            direction=direction,
            participants=[(pid, role)],
            occurred_at=NOW - timedelta(days=days_ago),
            record_activity=False,
            **kw,  # type: ignore[arg-type]
        )
    return iid


@pytest.fixture
def two(db: Database) -> tuple[int, int]:
    clock.freeze(NOW - timedelta(days=100))
    with db.write() as conn:
        a = people.add_person(conn, display_name="Ann")
        b = people.add_person(conn, display_name="Bo")
    for d in (50, 40, 30):
        mail(db, a, "from_me", d + 1)
        mail(db, a, "to_me", d)
        mail(db, b, "to_me", d)
    clock.freeze(NOW)
    return a, b


def test_refresh_computes_once_then_only_where_interactions_changed(
    db: Database, two: tuple[int, int]
) -> None:
    a, b = two
    assert refresh.refresh(db, NOW) == 2
    first = computed(db)
    with db.read() as conn:
        activities = conn.scalar(select(func.count()).select_from(activity))
    assert refresh.refresh(db, NOW) == 0  # nothing changed: nothing written
    assert computed(db) == first
    later = NOW + timedelta(hours=1)
    clock.freeze(later)
    mail(db, b, "from_me", 0)
    assert refresh.refresh(db, later) == 1
    after = computed(db)
    assert after[a] == first[a] and after[b] == later
    with db.read() as conn:
        assert conn.scalar(select(func.count()).select_from(activity)) == activities


def test_rows_stored_by_an_earlier_strength_formula_are_all_read_again(
    db: Database, two: tuple[int, int]
) -> None:
    """A new formula (list mail weighed once, a longer half-life) changes what a stored weight
    means: a database refreshed by the earlier one recomputes everyone, once."""
    from kithkin.store import settings

    a, _b = two
    assert refresh.refresh(db, NOW) == 2
    with db.write() as conn:
        mark = settings.get(conn, relationships.MARK_KEY, {})
        settings.put(conn, relationships.MARK_KEY, {**mark, "formula": 1})
        conn.execute(relationship.update().values(weight=0.0))
    assert refresh.refresh(db, NOW) == 2
    with db.read() as conn:
        assert all(r.weight > 0 for r in conn.execute(select(relationship)) if r.person_id == a)
        assert settings.get(conn, relationships.MARK_KEY, {})["formula"] > 1
    assert refresh.refresh(db, NOW) == 0


def test_merges_and_their_undo_recompute_both_people(db: Database, two: tuple[int, int]) -> None:
    a, b = two
    refresh.refresh(db, NOW)
    with db.write() as conn:
        trash.merge_people(conn, a, b)
    assert refresh.refresh(db, NOW) == 2
    with db.read() as conn:
        rows = relationships.rows_of(conn, [a, b])
    assert set(rows) == {a} and rows[a].n_all == 9  # Bo's mail is Ann's now; Bo has none
    with db.write() as conn:
        trash.undo(conn)
    assert refresh.refresh(db, NOW) == 2
    with db.read() as conn:
        assert relationships.rows_of(conn, [a, b])[b].n_all == 3


def test_a_planned_meeting_counts_once_it_has_happened(db: Database, two: tuple[int, int]) -> None:
    a, _ = two
    with db.write() as conn:
        interactions.log_interaction(
            conn,
            kind="meeting",
            direction="both",
            participants=[a],
            occurred_at=NOW + timedelta(days=2),
        )
    refresh.refresh(db, NOW)
    with db.read() as conn:
        row = relationships.rows_of(conn, [a])[a]
    assert row.next_event_at == NOW + timedelta(days=2) and row.last_touch_at < NOW
    assert refresh.refresh(db, NOW + timedelta(days=1)) == 0
    assert refresh.refresh(db, NOW + timedelta(days=3)) == 1
    with db.read() as conn:
        assert relationships.rows_of(conn, [a])[a].last_touch_at == NOW + timedelta(days=2)


def test_bulk_mail_never_waits_and_mail_answered_elsewhere_leaves_today(
    db: Database, two: tuple[int, int]
) -> None:
    a, _ = two
    mail(db, a, "from_me", 29)
    pending = mail(db, a, "to_me", 1, subject="Dinner?", thread_key="d")
    with db.write() as conn:
        row = {
            "message_id": "m1",
            "category": "person",
            "direction": "to_me",
            "date_estimated": False,
            "recipients": 1,
            "has_dkim": False,
            "folder": "INBOX",
            "source_file": "x",
            "source_offset": 0,
            "size": 900,
            "imported_at": NOW,
        }
        conn.execute(insert(mail_message).values(**row, interaction_id=pending, flags="S"))
    assert f"waiting:{a}" in [i.key for i in today.agenda(db, now=NOW).items]
    with db.write() as conn:  # read and answered from the phone: the R flag
        conn.execute(mail_message.update().values(flags="RS"))
    assert f"waiting:{a}" not in [i.key for i in today.agenda(db, now=NOW).items]
    with db.write() as conn:
        conn.execute(mail_message.update().values(flags="S", category="bulk"))
        conn.execute(relationship.delete())  # recompute with the category known
    with db.write() as conn:
        refresh.recompute(conn, [a], NOW)
        assert relationships.rows_of(conn, [a])[a].waiting_since is None


def test_the_circle_is_seeded_from_the_tag_once_and_keeps_the_tag_in_step(db: Database) -> None:
    with db.write() as conn:
        dana = people.add_person(conn, display_name="Dana", tags=["circle"])
        sam = people.add_person(conn, display_name="Sam")
        assert store_circle.seed_from_tag(conn) == 1
        assert store_circle.seed_from_tag(conn) == 0
        assert store_circle.add_member(conn, sam, cadence_days=30)
        assert not store_circle.add_member(conn, sam)
        assert "circle" in people.get_person(conn, sam).tags
        assert store_circle.remove_member(conn, dana)
        assert "circle" not in people.get_person(conn, dana).tags
        people.add_tag(conn, dana, "circle")  # after the first use, the tag adds nobody
        assert [m.person_id for m in store_circle.members(conn)] == [sam]
        with pytest.raises(InvalidInput, match="cadence of 0 days"):
            store_circle.set_cadence(conn, sam, 0)
        with pytest.raises(InvalidInput, match="not in the circle"):
            store_circle.set_cadence(conn, dana, 7)
        with pytest.raises(InvalidInput, match="a cap of 0"):
            store_circle.set_cap(conn, 0)
        store_circle.set_tag_cadence(conn, "board", 30)
        store_circle.set_tag_cadence(conn, "mentor", 21)
        store_circle.set_tag_cadence(conn, "board", None)
        assert store_circle.tag_cadences(conn) == {"mentor": 21}


def test_the_new_tables_round_trip_through_a_backup(
    db: Database, two: tuple[int, int], tmp_path: Path
) -> None:
    a, _ = two
    with db.write() as conn:
        store_circle.add_member(conn, a, cadence_days=10)
        store_circle.set_tag_cadence(conn, "board", 30)
    today.agenda(db, now=NOW)
    key = today.agenda(db, now=NOW).items[0].key
    today.snooze(db, key=key, days=2, now=NOW)
    out = io.StringIO()
    with db.read() as conn:
        backup.export(conn, out)
    tables = json.loads(out.getvalue())["tables"]
    for name in (
        "relationship",
        "relationship_inputs",
        "circle_member",
        "circle_tag_cadence",
        "agenda_mute",
    ):
        assert tables[name]["rows"], name
    path = tmp_path / "b.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    target = Database(f"sqlite:///{tmp_path / 'r.db'}")
    with target.write() as conn:
        backup.restore(conn, path)
    again = io.StringIO()
    with target.read() as conn:
        backup.export(conn, again)
    assert json.loads(again.getvalue())["tables"] == tables
    assert refresh.refresh(target, NOW) == 0  # the marks came along: nothing to redo
    target.dispose()


def strength_line(conn: Connection, person_id: int, now: datetime) -> str:
    """What `practices.refresh.strength_line` said (removed: nothing else used it)."""
    return "relationship: " + brief.strength_line(refresh.of_person(conn, person_id, now), now)


def test_a_strength_line_for_the_person_page(db: Database, two: tuple[int, int]) -> None:
    a, b = two
    with db.read() as conn:
        line = strength_line(conn, a, NOW)
        assert (
            line.startswith("relationship: ") and "/100): last two-way contact 4 weeks ago" in line
        )
        assert strength_line(conn, b, NOW) == "relationship: none (0/100)"


def test_suggestions_rank_by_the_score_now_not_the_stored_one(db: Database) -> None:
    """A relationship stored strong a year ago (nothing since) has faded by now; the one
    with steady exchange is suggested first however the stored scores compare."""
    from kithkin.services import circle

    clock.freeze(NOW - timedelta(days=400))
    with db.write() as conn:
        old = people.add_person(conn, display_name="Once Close")
        steady = people.add_person(conn, display_name="Steady")
    for d in range(430, 400, -2):  # a month of daily mail a year ago
        mail(db, old, "to_me", d + 0.5)
        mail(db, old, "from_me", d)
    assert refresh.refresh(db, NOW - timedelta(days=400)) == 1
    clock.freeze(NOW)
    for d in (60, 40, 20, 5):
        mail(db, steady, "to_me", d + 0.5)
        mail(db, steady, "from_me", d)
    assert refresh.refresh(db, NOW) == 1  # only Steady: Once Close's row is a year old
    with db.read() as conn:
        stored = {r.person_id: r.score for r in conn.execute(select(relationship))}
    assert stored[old] > stored[steady]
    adds = [s for s in circle.suggestions(db, now=NOW, limit=1) if s.action == "add"]
    assert [s.display_name for s in adds] == ["Steady"]
    both = [s for s in circle.suggestions(db, now=NOW) if s.action == "add"]
    assert [s.display_name for s in both] == ["Steady", "Once Close"]
    assert both[1].score < stored[old] / 2
