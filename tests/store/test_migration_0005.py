"""Migration 0005 on a database made by 0004: the hygiene tables, matching the schema."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from kithkin.store import Database
from kithkin.store.schema_hygiene import outbox, subscription_rule


def test_0005_adds_the_hygiene_tables_as_the_schema_describes_them(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", "kithkin.store:migrations")
    with engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        conn.commit()
        assert "outbox" not in inspect(conn).get_table_names()
    engine.dispose()
    db = Database(url)
    try:
        assert db.revision() >= "0005"
        with db.read() as conn:
            found = inspect(conn)
            for table in (subscription_rule, outbox):
                columns = {c["name"] for c in found.get_columns(table.name)}
                assert columns == {c.name for c in table.columns}, table.name
                indexes = {i["name"] for i in found.get_indexes(table.name)}
                assert indexes == {i.name for i in table.indexes}, table.name
            unique = {tuple(u["column_names"]) for u in found.get_unique_constraints("outbox")}
            assert ("idempotency_key",) in unique
            assert found.get_pk_constraint("subscription_rule")["constrained_columns"] == [
                "subscription_key"
            ]
    finally:
        db.dispose()


def test_0005_downgrades_cleanly(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    config = Config()
    config.set_main_option("script_location", "kithkin.store:migrations")
    try:
        with db.engine.connect() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0004")
            conn.commit()
            names = inspect(conn).get_table_names()
        assert "outbox" not in names and "subscription_rule" not in names
    finally:
        db.dispose()


def test_0005_creates_what_the_schema_describes(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kithkin.store import schema_hygiene

    with db.read() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema_hygiene.metadata)
    touching = [d for d in diff if any(n in repr(d) for n in ("outbox", "subscription_rule"))]
    assert touching == []
