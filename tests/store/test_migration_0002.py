"""Migration 0002 on a database made by 0001: new tables, provenance columns, phones in E.164."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from kithkin.store import Database
from kithkin.store.db import upgrade


def _at_0001(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with engine.connect() as conn:
        upgrade(conn, "0001")
        conn.commit()
        rows = [
            (1, "phone", "+1 (415) 555-0123", "+14155550123"),  # old key, digits only
            (2, "phone", "020 7946 0018", "02079460018"),
            (3, "phone", "+44 20 7946 0018", "+442079460018"),  # taken: 2 keeps its key
            (4, "email", "dana@acme.example", "dana@acme.example"),
        ]
        conn.execute(
            text(
                "INSERT INTO person (id, uid, display_name, created_at, updated_at) "
                "VALUES (1, 'u1', 'Dana', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('default_region', '\"GB\"')"))
        for row_id, kind, value, key in rows:
            conn.execute(
                text(
                    "INSERT INTO contact_point (id, person_id, kind, value, normalized, source, "
                    "created_at) VALUES (:id, 1, :kind, :value, :key, 'manual', "
                    "'2026-01-01 00:00:00')"
                ),
                {"id": row_id, "kind": kind, "value": value, "key": key},
            )
        conn.commit()
    engine.dispose()
    return url


def test_0002_adds_provenance_and_rekeys_phones(tmp_path: Path) -> None:
    url = _at_0001(tmp_path / "old.db")
    db = Database(url)
    try:
        assert db.revision() >= "0002"
        with db.read() as conn:
            tables = set(inspect(conn).get_table_names())
            assert {"source_record", "person_photo", "duplicate_decision"} <= tables
            for table in ("contact_point", "story_fact", "note"):
                columns = {c["name"] for c in inspect(conn).get_columns(table)}
                assert "source_record_id" in columns
            keys = dict(conn.execute(text("SELECT id, normalized FROM contact_point")).all())
    finally:
        db.dispose()
    assert keys == {
        1: "+14155550123",
        2: "02079460018",  # its E.164 form belongs to #3 already
        3: "+442079460018",
        4: "dana@acme.example",
    }


def test_0002_reads_national_numbers_in_the_default_region(tmp_path: Path) -> None:
    url = _at_0001(tmp_path / "old.db")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM contact_point WHERE id = 3"))
    engine.dispose()
    db = Database(url)
    try:
        with db.read() as conn:
            key = conn.execute(text("SELECT normalized FROM contact_point WHERE id = 2")).scalar()
    finally:
        db.dispose()
    assert key == "+442079460018"
