"""Migration 0004 on a database made by 0003: the circle's tables, matching the schema."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from kithkin.store import Database
from kithkin.store.schema_circle import (
    agenda_mute,
    circle_member,
    circle_tag_cadence,
    relationship,
    relationship_inputs,
)


def test_0004_adds_the_circle_tables_as_the_schema_describes_them(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", "kithkin.store:migrations")
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        conn.commit()
        assert "relationship" not in inspect(conn).get_table_names()
    engine.dispose()
    db = Database(url)
    try:
        assert db.revision() >= "0004"
        with db.read() as conn:
            found = inspect(conn)
            for table in (
                relationship,
                relationship_inputs,
                circle_member,
                circle_tag_cadence,
                agenda_mute,
            ):
                columns = {c["name"] for c in found.get_columns(table.name)}
                assert columns == {c.name for c in table.columns}, table.name
                indexes = {i["name"] for i in found.get_indexes(table.name)}
                assert indexes == {i.name for i in table.indexes}, table.name
    finally:
        db.dispose()
