"""Migration 0021 on a database made by 0020: subscription rules keyed by member (the ones
already set kept, as the personal user's: member 0), offers given their member (NULL: the
personal user's); a clean downgrade that keeps the personal user's rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema_hygiene import subscription_rule
from kithkin.store.schema_service import offer
from tests.store.migrations import assert_tables_as_described, database_at

pytestmark = pytest.mark.sqlite_only(reason="migrates SQLite files made at an old revision")


def test_0021_keys_rules_by_member_and_gives_offers_theirs(tmp_path: Path) -> None:
    url, _ = database_at(tmp_path / "old.db", "0020")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO subscription_rule (subscription_key, rule, set_at, note) VALUES "
                "('list:cw.weekly', 'keep', '2026-03-18 17:00:00.000000', 'read on Fridays')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO offer (kind, text, created_at) VALUES "
                "('skill', 'board-level security reviews', '2026-03-18 17:00:00.000000')"
            )
        )
    engine.dispose()
    db = Database(url)
    try:
        assert db.revision() >= "0021"
        with db.read() as conn:
            assert_tables_as_described(conn, (subscription_rule, offer))
            rules = conn.execute(
                text("SELECT member_id, subscription_key, rule, note FROM subscription_rule")
            ).all()
            assert [tuple(r) for r in rules] == [(0, "list:cw.weekly", "keep", "read on Fridays")]
            offers = conn.execute(text("SELECT text, member_id FROM offer")).all()
            assert [tuple(r) for r in offers] == [("board-level security reviews", None)]
            key = inspect(conn).get_pk_constraint("subscription_rule")["constrained_columns"]
            assert key == ["member_id", "subscription_key"]
    finally:
        db.dispose()


def test_0021_downgrades_keeping_the_personal_users_rules(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            conn.execute(
                text(
                    "INSERT INTO subscription_rule (member_id, subscription_key, rule, set_at) "
                    "VALUES (0, 'list:mine', 'keep', '2026-03-18 17:00:00'), "
                    "(4, 'list:theirs', 'digest', '2026-03-18 17:00:00')"
                )
            )
            conn.commit()
            command.downgrade(alembic_config(conn), "0020")
            conn.commit()
            found = inspect(conn)
            assert "member_id" not in {c["name"] for c in found.get_columns("offer")}
            key = found.get_pk_constraint("subscription_rule")["constrained_columns"]
            rows = conn.execute(text("SELECT subscription_key FROM subscription_rule")).all()
        assert key == ["subscription_key"]
        assert [r[0] for r in rows] == ["list:mine"]  # a member's own rule has no place there
    finally:
        db.dispose()


def test_0021_gives_a_teams_rows_to_its_first_owner(tmp_path: Path) -> None:
    url, _ = database_at(tmp_path / "team.db", "0020")
    engine = create_engine(url)
    event = (
        "INSERT INTO calendar_event (source_id, uid, start_at, end_at, all_day, recurring, "
        "counted, source_file, imported_at, interaction_id) "
        "VALUES (:sid, :uid, :at, :at, 0, 0, 1, :file, :at, :iid)"
    )
    with engine.begin() as conn:
        for sql, values in (
            ("INSERT INTO member (id, username, role, created_at) VALUES (3, 'sam', 'editor', :at)",
             {}),
            ("INSERT INTO member (id, username, role, created_at) VALUES (5, 'ada', 'owner', :at)",
             {}),
            ("INSERT INTO subscription_rule (subscription_key, rule, set_at) "
             "VALUES ('list:cw.weekly', 'keep', :at)", {}),
            ("INSERT INTO offer (kind, text, created_at) VALUES ('skill', 'reviews', :at)", {}),
            ("INSERT INTO interaction (id, kind, direction, occurred_at, source, source_id, "
             "created_at, member_id) VALUES (9, 'meeting', 'both', :at, 'calendar', 'x@1', :at, 3)",
             {}),
            (event, {"sid": "x@1", "uid": "x", "file": "sam.ics", "iid": 9}),
            (event, {"sid": "y@1", "uid": "y", "file": "old.ics", "iid": None}),
        ):  # fmt: skip
            conn.execute(text(sql), {"at": "2026-03-18 17:00:00.000000", **values})
    engine.dispose()
    db = Database(url)
    try:
        with db.read() as conn:
            rules = conn.execute(text("SELECT member_id FROM subscription_rule")).all()
            offers = conn.execute(text("SELECT member_id FROM offer")).all()
            events = conn.execute(
                text("SELECT source_id, member_id FROM calendar_event ORDER BY source_id")
            ).all()
        assert [r[0] for r in rules] == [5] and [r[0] for r in offers] == [5]
        assert [tuple(e) for e in events] == [("x@1", 3), ("y@1", 5)]  # whose meeting it was
    finally:
        db.dispose()
