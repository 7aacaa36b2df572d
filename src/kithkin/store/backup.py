"""A full JSON backup of every table, and its restore into an empty database.

The file holds every row of every table exactly (ids included), so export → import into an
empty database → export gives the same rows. Rows are written one per line, so a large
database streams out without being held in memory.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Final

from sqlalchemy import Connection, Date, LargeBinary, Table, func, insert, select

from kithkin import clock
from kithkin.errors import BadBackup
from kithkin.store import search
from kithkin.store.migrations import HEAD
from kithkin.store.schema import UTCDateTime, backup_tables

FORMAT: Final = "kithkin-backup"
VERSION: Final = 1
_BATCH: Final = 1000


def export(conn: Connection, out: IO[str]) -> dict[str, int]:
    """Write the backup to `out`; returns the number of rows per table."""
    counts: dict[str, int] = {}
    out.write("{\n")
    out.write(f'"format": {json.dumps(FORMAT)},\n"version": {VERSION},\n')
    out.write(
        f'"schema": {json.dumps(HEAD)},\n"exported_at": {json.dumps(clock.now().isoformat())},\n'
    )
    out.write('"tables": {')
    for index, table in enumerate(backup_tables()):
        columns = [c.name for c in table.columns]
        out.write("," if index else "")
        out.write(f'\n{json.dumps(table.name)}: {{"columns": {json.dumps(columns)}, "rows": [')
        n = 0
        order = list(table.primary_key.columns)
        for row in conn.execute(select(table).order_by(*order)):
            out.write(("," if n else "") + "\n" + json.dumps([_dump(v) for v in row]))
            n += 1
        out.write("\n]}")
        counts[table.name] = n
    out.write("\n}\n}\n")
    return counts


def restore(conn: Connection, path: Path) -> dict[str, int]:
    """Load a backup into an empty database; any problem aborts the whole restore.

    No activity row is added, so the restored database holds exactly the backup's rows.
    """
    held = [
        table.name
        for table in backup_tables()
        if table.name != "setting" and conn.scalar(select(func.count()).select_from(table))
    ]
    if held:
        raise BadBackup(
            f"{path}: the target database is not empty (it holds {', '.join(sorted(held))} "
            "rows); restore into an empty database (use --db NEW.db)"
        )
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except json.JSONDecodeError as exc:
        raise BadBackup(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BadBackup(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadBackup(f'{path}: not a kithkin backup (no "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise BadBackup(f"{path}: backup version {data.get('version')} is not {VERSION}")
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise BadBackup(f'{path}: no "tables" object')
    if conn.dialect.name == "sqlite":
        # Rows may point at rows restored later (a merged person at the one it joined).
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    counts: dict[str, int] = {}
    for table in backup_tables():
        section = tables.get(table.name, {"columns": [], "rows": []})
        counts[table.name] = _restore_table(conn, table, section, path)
    search.rebuild(conn)
    return counts


def _restore_table(conn: Connection, table: Table, section: Any, path: Path) -> int:
    if not isinstance(section, dict):
        raise BadBackup(f"{path}: table {table.name}: not an object")
    columns = section.get("columns", [])
    known = {c.name for c in table.columns}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise BadBackup(f"{path}: table {table.name}: unknown columns {unknown}")
    if table.name == "setting":
        conn.execute(table.delete())
    batch: list[dict[str, Any]] = []
    n = 0
    for n, raw in enumerate(_rows(section, table.name, path), start=1):
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise BadBackup(f"{path}: table {table.name} row {n}: expected {len(columns)} values")
        try:
            batch.append({c: _load(table, c, v) for c, v in zip(columns, raw, strict=True)})
        except (TypeError, ValueError) as exc:
            raise BadBackup(f"{path}: table {table.name} row {n}: {exc}") from exc
        if len(batch) >= _BATCH:
            conn.execute(insert(table), batch)
            batch = []
    if batch:
        conn.execute(insert(table), batch)
    return n


def _rows(section: dict[str, Any], name: str, path: Path) -> Iterator[Any]:
    rows = section.get("rows", [])
    if not isinstance(rows, list):
        raise BadBackup(f'{path}: table {name}: "rows" is not a list')
    yield from rows


def _dump(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):  # photos: base64 text, read back by the column's type
        return base64.b64encode(value).decode("ascii")
    return value


def _load(table: Table, column: str, value: Any) -> Any:
    if value is None:
        return None
    kind = table.c[column].type
    if isinstance(kind, UTCDateTime):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError(f"{column}: {value!r} has no time zone")
        return parsed
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value, validate=True)
    return value
