"""Migration 0007 on a database made by 0006: the "knows" tables as the schema describes
them; mail imported before it gets its ties on the first read of the graph."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from kithkin import clock
from kithkin.services import knows
from kithkin.store import Database, settings
from kithkin.store import knows as store
from kithkin.store.schema_knows import knows_evidence, knows_tie
from tests.ingest.mailbox import BASE
from tests.store.migrations import assert_tables_as_described, database_at

_AT = "2024-03-05 09:30:00.000000"


def test_0007_adds_the_tables_and_a_fresh_database_needs_no_rebuild(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0006")
    assert "knows_tie" not in before
    db = Database(url)
    try:
        with db.read() as conn:
            assert_tables_as_described(conn, (knows_tie, knows_evidence))
            assert settings.get(conn, store.PENDING_KEY, False) is False
    finally:
        db.dispose()


def test_mail_stored_before_0007_gets_its_ties_on_the_first_read(tmp_path: Path) -> None:
    url, _ = database_at(tmp_path / "old.db", "0006")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO setting (key, value) VALUES ('me', :v)"),
            {"v": '{"addresses": ["ana@kithkin.example"], "name": "Ana"}'},
        )
        conn.execute(
            text(
                "INSERT INTO person (id, uid, display_name, created_at, updated_at)"
                " VALUES (1, 'u1', 'Dana', :at, :at)"
            ),
            {"at": _AT},
        )
        conn.execute(
            text(
                "INSERT INTO contact_point (person_id, kind, value, normalized, source, created_at)"
                " VALUES (1, 'email', 'dana@zeta.example', 'dana@zeta.example', 'mail', :at)"
            ),
            {"at": _AT},
        )
        for mid, sender, parent in (
            ("d1@x", "dana@zeta.example", None),
            ("d2@x", "bob@acme.example", "d1@x"),
            ("d3@x", "ana@kithkin.example", "d2@x"),  # mine: no tie between others
        ):
            conn.execute(
                text(
                    "INSERT INTO mail_message (message_id, category, direction, date, from_address,"
                    " in_reply_to, source_file, imported_at, recipients, date_estimated,"
                    " has_dkim, flags, folder, source_offset, size)"
                    " VALUES (:mid, 'person', 'to_me', :at, :sender, :parent, 'x.mbox', :at,"
                    " 2, 0, 0, '', '', 0, 0)"
                ),
                {"mid": mid, "sender": sender, "parent": parent, "at": _AT},
            )
    engine.dispose()
    db = Database(url)
    try:
        with db.read() as conn:
            assert settings.get(conn, store.PENDING_KEY, False) is True
            assert store.counts(conn) == (0, 0)
        clock.freeze(BASE + timedelta(days=10))
        found = knows.ties(db, person="Dana")
        assert [(t.other, t.last) for t in found.ties] == [
            ("bob@acme.example", "a reply (2024-03-05)")
        ]
        with db.read() as conn:
            assert settings.get(conn, store.PENDING_KEY, False) is False
            assert store.counts(conn) == (1, 1)
    finally:
        db.dispose()


def test_0007_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command

    from kithkin.store.db import alembic_config

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with db.engine.connect() as conn:
            command.downgrade(alembic_config(conn), "0006")
            conn.commit()
            tables = set(conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars())
        assert "knows_tie" not in tables and "knows_evidence" not in tables
    finally:
        db.dispose()
