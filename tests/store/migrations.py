"""Databases as an older kithkin left them, for the migration tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Table, create_engine, inspect

from kithkin.store.db import upgrade


def database_at(path: Path, revision: str) -> tuple[str, set[str]]:
    """A new SQLite database at `path` migrated up to `revision` only: its URL, and the
    tables it has then."""
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with engine.connect() as conn:
        upgrade(conn, revision)
        conn.commit()
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    return url, tables


def assert_tables_as_described(conn: Connection, tables: tuple[Table, ...]) -> None:
    """Each table has the columns and indexes the schema module describes, no more."""
    found = inspect(conn)
    for table in tables:
        columns = {c["name"] for c in found.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
        indexes = {i["name"] for i in found.get_indexes(table.name)}
        assert indexes == {i.name for i in table.indexes}, table.name
