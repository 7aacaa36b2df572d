"""Migration 0004 on a database made by 0003: the circle's tables, matching the schema."""

from __future__ import annotations

from pathlib import Path

from kithkin.store import Database
from kithkin.store.schema_circle import (
    agenda_mute,
    circle_member,
    circle_tag_cadence,
    relationship,
    relationship_inputs,
)
from tests.store.migrations import assert_tables_as_described, database_at


def test_0004_adds_the_circle_tables_as_the_schema_describes_them(tmp_path: Path) -> None:
    url, before = database_at(tmp_path / "old.db", "0003")
    assert "relationship" not in before
    db = Database(url)
    try:
        assert db.revision() >= "0004"
        with db.read() as conn:
            assert_tables_as_described(
                conn,
                (relationship, relationship_inputs, circle_member, circle_tag_cadence, agenda_mute),
            )
    finally:
        db.dispose()
