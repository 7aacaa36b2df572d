"""Migration 0018 on a database made by 0017: each member's own rows (member_id), every row of
a personal database kept as its one user's, the tables as the schema describes, and back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from kithkin.store import Database
from kithkin.store.db import alembic_config
from kithkin.store.schema import interaction
from kithkin.store.schema_circle import agenda_mute, circle_member, relationship
from kithkin.store.schema_circle import relationship_inputs as inputs
from kithkin.store.schema_hygiene import outbox
from kithkin.store.schema_mail import mail_source
from tests.store.migrations import assert_tables_as_described, database_at

_ROWS = (
    "INSERT INTO person (id, uid, display_name, created_at, updated_at) "
    "VALUES (1, 'u1', 'Pat', '2024-01-01 00:00:00', '2024-01-01 00:00:00')",
    "INSERT INTO interaction (id, kind, direction, occurred_at, source, source_id, created_at) "
    "VALUES (5, 'call', 'both', '2024-01-02 00:00:00', 'manual', 's5', '2024-01-02 00:00:00')",
    "INSERT INTO relationship (person_id, score, tier, waiting_count, weight, reciprocity, "
    "n_30, n_90, n_365, n_all, fading, computed_at) "
    "VALUES (1, 42.5, 'moderate', 0, 1.0, 1.0, 1, 1, 1, 1, 0, '2024-01-03 00:00:00')",
    "INSERT INTO relationship_inputs (person_id, inputs) VALUES (1, '{}')",
    "INSERT INTO circle_member (person_id, cadence_days, source, added_at) "
    "VALUES (1, 7, 'manual', '2024-01-03 00:00:00')",
    "INSERT INTO agenda_mute (item_key, fingerprint, action, at) "
    "VALUES ('due:1', 'f', 'dismiss', '2024-01-03 00:00:00')",
    "INSERT INTO mail_source (id, location, kind, end_offset, messages, done, "
    "first_imported_at, last_imported_at) "
    "VALUES (3, '/m.mbox', 'mbox', 0, 0, 0, '2024-01-03 00:00:00', '2024-01-03 00:00:00')",
)


def test_0018_keeps_every_row_of_a_personal_database_as_its_one_users(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0017")
    engine = create_engine(url)
    with engine.begin() as conn:
        for statement in _ROWS:
            conn.execute(text(statement))
    engine.dispose()
    db = Database(url)
    try:
        assert db.revision() >= "0018"
        with db.read() as conn:
            assert_tables_as_described(
                conn,
                (
                    interaction,
                    mail_source,
                    outbox,
                    relationship,
                    inputs,
                    circle_member,
                    agenda_mute,
                ),
            )
            for table in ("relationship", "relationship_inputs", "circle_member", "agenda_mute"):
                key = inspect(conn).get_pk_constraint(table)["constrained_columns"]
                assert key[0] == "member_id" and len(key) == 2, table
            assert conn.execute(text("SELECT member_id, score FROM relationship")).all() == [
                (0, 42.5)
            ]
            assert conn.execute(
                text("SELECT member_id, inputs FROM relationship_inputs")
            ).all() == [(0, "{}")]
            assert conn.execute(
                text("SELECT member_id, cadence_days FROM circle_member")
            ).all() == [(0, 7)]
            assert conn.execute(text("SELECT member_id, item_key FROM agenda_mute")).all() == [
                (0, "due:1")
            ]
            assert conn.execute(text("SELECT id, member_id FROM interaction")).all() == [(5, None)]
            assert conn.execute(text("SELECT member_id, team_sees FROM mail_source")).all() == [
                (None, "metadata")
            ]
            participants = conn.execute(text("SELECT count(*) FROM person")).scalar_one()
            assert participants == 1
    finally:
        db.dispose()
    assert "relationship" in before


def test_0018_downgrades_keeping_the_personal_users_rows(tmp_path: Path) -> None:
    from alembic import command

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.begin() as conn:
            for statement in _ROWS[:2]:
                conn.execute(text(statement))
            conn.execute(text("INSERT INTO interaction_participant VALUES (5, 1, 'with')"))
            conn.execute(
                text(
                    "INSERT INTO member (id, username, role, created_at) "
                    "VALUES (2, 'sam', 'editor', '2024-01-01 00:00:00')"
                )
            )
            for member in (0, 2):
                conn.execute(
                    text(
                        "INSERT INTO circle_member (member_id, person_id, source, added_at) "
                        "VALUES (:m, 1, 'manual', '2024-01-03 00:00:00')"
                    ),
                    {"m": member},
                )
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0017")
            conn.commit()
            found = inspect(conn)
            assert "member_id" not in {c["name"] for c in found.get_columns("interaction")}
            assert "team_sees" not in {c["name"] for c in found.get_columns("mail_source")}
            assert conn.execute(text("SELECT person_id FROM circle_member")).all() == [(1,)]
            # the interaction and its participant stay (no table rebuild cascaded them away)
            assert conn.execute(text("SELECT count(*) FROM interaction_participant")).scalar() == 1
    finally:
        db.dispose()
