"""A full JSON backup of every table, and its restore into an empty database.

The file holds every row of every table exactly (ids included), so export → import into an
empty database → export gives the same rows. Rows are written one per line, so a large
database streams out without being held in memory.

A restore refuses, naming the reason, a backup of a newer (or unknown) schema than this
kithkin's, a table or column it does not know, and any row the database refuses (a
constraint, a reference to a row the backup lacks): the error names the table, the row's
place in it and its id. The restore is one transaction, so a refused backup writes nothing.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, Final

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    LargeBinary,
    Table,
    and_,
    exists,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import StatementError

from kithkin import clock
from kithkin.errors import BadBackup
from kithkin.model import SOLO, Actor
from kithkin.store import (  # noqa: F401 - their tables join `metadata`
    privacy,
    schema_accounts,
    schema_amplify,
    schema_calendar,
    schema_capture,
    schema_circle,
    schema_gathering,
    schema_hygiene,
    schema_intro,
    schema_knows,
    schema_mail,
    schema_service,
    schema_team,
    search,
)
from kithkin.store.migrations import HEAD, REVISIONS
from kithkin.store.schema import UTCDateTime, metadata

FORMAT: Final = "kithkin-backup"
VERSION: Final = 1
_BATCH: Final = 1000


def backup_tables() -> tuple[Table, ...]:
    """Every table, parents before children: the order a backup writes and restores them.
    The schema modules imported above bring theirs to `metadata` (a command that only reads
    people builds none of them; a backup needs them all)."""
    return tuple(metadata.sorted_tables)


def export(conn: Connection, out: IO[str], *, actor: Actor = SOLO) -> dict[str, int]:
    """Write the backup to `out`; returns the number of rows per table.

    In team mode a member's export holds what they may see: the notes, story facts, needs
    and ledger entries shared or theirs, and the activity not telling of someone else's
    private rows (a reference to a left-out row is left empty)."""
    counts: dict[str, int] = {}
    hidden = _hidden_ids(conn, actor)
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
        query = select(table).order_by(*order)
        if table.name in hidden:
            query = query.where(privacy.visible(table, actor))
        elif table.name == "activity":
            query = query.where(privacy.activity_visible(actor))
        blank = [
            (i, hidden[fk.column.table.name])
            for i, column in enumerate(table.columns)
            for fk in column.foreign_keys
            if hidden.get(fk.column.table.name)
        ]
        for row in conn.execute(query):
            values = [_dump(v) for v in row]
            for i, ids in blank:
                if values[i] in ids:
                    values[i] = None
            out.write(("," if n else "") + "\n" + json.dumps(values))
            n += 1
        out.write("\n]}")
        counts[table.name] = n
    out.write("\n}\n}\n")
    return counts


def _hidden_ids(conn: Connection, actor: Actor) -> dict[str, set[int]]:
    """Per owned table, the ids of the rows the actor may not see (none for the personal
    user)."""
    out: dict[str, set[int]] = {}
    for table in privacy.owned().values():
        if actor.member_id is None:
            out[table.name] = set()
        else:
            rows = conn.scalars(select(table.c.id).where(~privacy.visible(table, actor)))
            out[table.name] = set(rows)
    return out


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
    except RecursionError as exc:
        raise BadBackup(f"{path}: not a kithkin backup (nested too deeply to read)") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadBackup(f'{path}: not a kithkin backup (no "format": "{FORMAT}")')
    if data.get("version") != VERSION:
        raise BadBackup(f"{path}: backup version {data.get('version')!r} is not {VERSION}")
    _check_schema(data.get("schema"), path)
    tables = data.get("tables")
    if not isinstance(tables, dict):
        raise BadBackup(f'{path}: no "tables" object')
    ours = backup_tables()
    unknown = sorted(set(tables) - {table.name for table in ours})
    if unknown:
        raise BadBackup(
            f"{path}: unknown tables {', '.join(map(repr, unknown))}: not restored (a backup"
            " of another program or a newer kithkin?); nothing was written"
        )
    # Rows may point at rows restored later (a merged person at the one it joined).
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    elif conn.dialect.name == "postgresql":
        _defer_references(conn)
    counts: dict[str, int] = {}
    for table in ours:
        section = tables.get(table.name, {"columns": [], "rows": []})
        counts[table.name] = _restore_table(conn, table, section, path)
    for table in ours:
        _check_references(conn, table, path)
    if conn.dialect.name == "postgresql":
        _advance_sequences(conn, ours)
    search.rebuild(conn)
    return counts


def _defer_references(conn: Connection) -> None:
    """PostgreSQL checks a reference as each row is written unless its constraint may be
    deferred: each one (whatever migration made it) is made deferrable, still checked at once
    by default, and deferred to the commit in this transaction, as SQLite's
    defer_foreign_keys does."""
    quote = conn.dialect.identifier_preparer.quote
    rows = conn.execute(
        text(
            "SELECT c.conrelid::regclass::text AS owner, c.conname AS name "
            "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.contype = 'f' AND NOT c.condeferrable AND n.nspname = current_schema()"
        )
    ).all()
    for owner, name in rows:
        conn.exec_driver_sql(
            f"ALTER TABLE {owner} ALTER CONSTRAINT {quote(name)} DEFERRABLE INITIALLY IMMEDIATE"
        )
    conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")


def _advance_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """PostgreSQL hands out ids from a sequence, which rows written with their ids leave
    behind: each one is moved past its table's largest id, as SQLite's rowid always is."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        key = keys[0]
        sequence = func.pg_get_serial_sequence(table.name, key.name)
        largest = func.max(key)
        conn.execute(
            select(
                func.setval(sequence, func.coalesce(largest, 1), largest.is_not(None))
            ).select_from(table)
        )


def _check_schema(schema: Any, path: Path) -> None:
    """Refuse a backup whose schema this kithkin does not know (made by a newer one)."""
    if schema in REVISIONS:
        return
    if schema is None:
        raise BadBackup(f'{path}: no "schema": not a backup this kithkin wrote')
    newer = isinstance(schema, str) and schema.isdigit() and schema > HEAD
    why = "newer than" if newer else "not one of the schemas of"
    raise BadBackup(
        f"{path}: the backup's schema {schema!r} is {why} this kithkin's ({HEAD}); restore it"
        " with the kithkin that wrote it (or a newer one); nothing was written"
    )


def _restore_table(conn: Connection, table: Table, section: Any, path: Path) -> int:
    if not isinstance(section, dict):
        raise BadBackup(f"{path}: table {table.name}: not an object")
    columns = section.get("columns", [])
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise BadBackup(f'{path}: table {table.name}: "columns" is not a list of names')
    known = {c.name for c in table.columns}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise BadBackup(f"{path}: table {table.name}: unknown columns {unknown}")
    if len(set(columns)) != len(columns):
        raise BadBackup(f"{path}: table {table.name}: a column is named twice")
    if table.name == "setting":
        conn.execute(table.delete())
    batch: list[dict[str, Any]] = []
    n = 0
    for n, raw in enumerate(_rows(section, table.name, path), start=1):
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise BadBackup(f"{path}: table {table.name} row {n}: expected {len(columns)} values")
        try:
            batch.append({c: _load(table, c, v) for c, v in zip(columns, raw, strict=True)})
        except (TypeError, ValueError, AttributeError) as exc:
            raise BadBackup(f"{path}: table {table.name} row {n}: {exc}") from exc
        if len(batch) >= _BATCH:
            _insert(conn, table, batch, n - len(batch) + 1, path)
            batch = []
    if batch:
        _insert(conn, table, batch, n - len(batch) + 1, path)
    return n


def _insert(
    conn: Connection, table: Table, batch: list[dict[str, Any]], first: int, path: Path
) -> None:
    """Insert a batch of rows (`first` is the place of its first row in the table); a row
    the database refuses is named: its place, its id and the database's reason."""
    try:
        with conn.begin_nested():
            conn.execute(insert(table), batch)
        return
    except (StatementError, OverflowError):
        pass
    for n, row in enumerate(batch, start=first):
        try:
            with conn.begin_nested():
                conn.execute(insert(table), [row])
        except (StatementError, OverflowError) as exc:
            reason = getattr(exc, "orig", None) or exc
            raise BadBackup(
                f"{path}: table {table.name} row {n}{_id_of(table, row)}: refused by the"
                f" database: {str(reason).splitlines()[0]}; nothing was written"
            ) from exc
    raise BadBackup(f"{path}: table {table.name}: rows {first}-{first + len(batch) - 1} refused")


def _check_references(conn: Connection, table: Table, path: Path) -> None:
    """Every reference of `table`'s restored rows names a row that is there."""
    for constraint in table.foreign_key_constraints:
        parent = constraint.referred_table.alias()  # an alias: a table may refer to itself
        pairs = [(fk.parent, parent.c[fk.column.name]) for fk in constraint.elements]
        orphan = (
            select(*table.primary_key.columns, *(child for child, _ in pairs))
            .where(*(child.is_not(None) for child, _ in pairs))
            .where(~exists().where(and_(*(child == col for child, col in pairs))))
            .limit(1)
        )
        row = conn.execute(orphan).first()
        if row is not None:
            keys = list(table.primary_key.columns)
            ident = ", ".join(
                f"{c.name} {v!r}" for c, v in zip(keys, row[: len(keys)], strict=True)
            )
            refs = ", ".join(
                f"{child.name} {v!r}" for (child, _), v in zip(pairs, row[len(keys) :], strict=True)
            )
            missing = constraint.referred_table.name
            raise BadBackup(
                f"{path}: table {table.name} row {ident}: {refs} names no {missing} row in the"
                " backup; nothing was written"
            )


def _id_of(table: Table, row: dict[str, Any]) -> str:
    values = [f"{c.name} {row[c.name]!r}" for c in table.primary_key.columns if c.name in row]
    return f" ({', '.join(values)})" if values else ""


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
