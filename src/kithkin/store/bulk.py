"""Bulk writes for imports: a Core statement compiled once, run with thousands of rows.

`conn.execute(insert(table), list_of_dicts)` spends most of its time, per row, turning each
dict into the driver's parameters (measured on SQLite: 16-26 µs a row for a 25-column insert,
against 8 µs for the same rows through the driver). A `Bulk` statement is built with Core
(so its SQL is whatever the dialect needs), compiled once per dialect, and given rows as
tuples of plain values in a fixed order; only the columns whose type converts values (dates,
booleans on some drivers) are converted, then the driver's executemany runs it.

On PostgreSQL an insert of many rows goes through COPY (psycopg's `cursor.copy`), the
server's fast path for loading rows, several times faster than even a pipelined executemany;
fewer rows (and every other statement) take executemany, which psycopg 3 pipelines.

Rows are read back by a natural key when ids are needed (`ids_by`), one IN query per
chunk of keys, never one SELECT per row.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import (
    ARRAY,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Dialect,
    String,
    Table,
    any_,
    bindparam,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from kithkin.store.schema import UTCDateTime

CHUNK: Final = 2000  # keys per IN list (far below SQLite's and PostgreSQL's parameter caps)
COPY_ROWS: Final = 50  # from so many rows on, a PostgreSQL insert is a COPY

_Processor = Callable[[Any], Any] | None


class Bulk:
    """A statement with named parameters `names`, run with rows of values in that order."""

    def __init__(
        self, statement: ClauseElement, names: Sequence[str], *, insert_keys: bool
    ) -> None:
        self.statement = statement
        self.names = tuple(names)
        self._insert_keys = insert_keys
        self._compiled: dict[str, tuple[str, tuple[int, ...] | None, list[_Processor]]] = {}

    @classmethod
    def insert(cls, table: Table, columns: Sequence[str]) -> Bulk:
        return cls(insert(table), columns, insert_keys=True)

    def execute(self, conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        sql, order, processors = self._prepare(conn.dialect)
        convert = [(i, p) for i, p in enumerate(processors) if p is not None]
        if convert:
            converted = []
            for row in rows:
                values = list(row)
                for i, process in convert:
                    values[i] = process(values[i])
                converted.append(tuple(values))
            rows = converted
        if self._insert_keys and len(rows) >= COPY_ROWS and conn.dialect.name == "postgresql":
            self._copy(conn, rows)
            return
        params: list[Any]
        if order is None:
            params = [dict(zip(self.names, row, strict=True)) for row in rows]
        elif order == tuple(range(len(self.names))):
            params = list(rows)
        else:
            pick = itemgetter(*order)
            params = (
                [pick(row) for row in rows] if len(order) > 1 else [(r[order[0]],) for r in rows]
            )
        conn.exec_driver_sql(sql, params)

    def _copy(self, conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
        """The rows (values converted for the driver, in `names` order) loaded by COPY, in the
        caller's transaction; a refused row raises as an executemany would (IntegrityError)."""
        import psycopg

        table = self.statement.table  # type: ignore[attr-defined]
        quote = conn.dialect.identifier_preparer.quote
        columns = ", ".join(quote(table.c[name].name) for name in self.names)
        sql = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
        raw: Any = conn.connection.dbapi_connection
        try:
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.Error as exc:
            raise DBAPIError.instance(sql, None, exc, psycopg.Error) from exc

    def insert_ids(
        self, conn: Connection, rows: Sequence[Sequence[Any]], key: str, *where: Any
    ) -> list[int]:
        """Insert rows into the table (an `insert` Bulk) and return their ids, in order.

        On SQLite, inside the write transaction (BEGIN IMMEDIATE: no other writer), new rows
        of an INTEGER PRIMARY KEY table take the ids after the largest, one by one, so they
        are the `len(rows)` ids ending at last_insert_rowid(). Elsewhere they are read back
        by `key`, a column whose values are unique among the rows (with `where`)."""
        if not rows:
            return []
        self.execute(conn, rows)
        if conn.dialect.name == "sqlite":
            last = int(conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one())
            return list(range(last - len(rows) + 1, last + 1))
        table = self.statement.table  # type: ignore[attr-defined]
        at = self.names.index(key)
        found = ids_by(conn, table.c[key], [row[at] for row in rows], *where)
        return [found[row[at]] for row in rows]

    def _prepare(self, dialect: Dialect) -> tuple[str, tuple[int, ...] | None, list[_Processor]]:
        known = self._compiled.get(dialect.name)
        if known is not None:
            return known
        compiled = (
            self.statement.compile(dialect=dialect, column_keys=list(self.names))
            if self._insert_keys
            else self.statement.compile(dialect=dialect)
        )
        assert isinstance(compiled, SQLCompiler)
        binds = compiled.binds
        processors = [_processor(binds[name].type, dialect) for name in self.names]
        order: tuple[int, ...] | None = None
        if compiled.positional:
            order = tuple(self.names.index(name) for name in compiled.positiontup or ())
        made = (compiled.string, order, processors)
        self._compiled[dialect.name] = made
        return made


def _processor(kind: Any, dialect: Dialect) -> _Processor:
    """How a value of a column type is handed to the driver: SQLAlchemy's own conversion,
    but for the two types an import writes most on SQLite, done in one step (dates) or not
    at all (booleans: sqlite3 stores True and False as 1 and 0 itself)."""
    if dialect.name == "sqlite":
        if isinstance(kind, UTCDateTime):
            return _sqlite_utc
        if isinstance(kind, Boolean):
            return None
    processor: _Processor = kind.dialect_impl(dialect).bind_processor(dialect)
    return processor


@functools.lru_cache(maxsize=1 << 14)
def _sqlite_utc(value: datetime | None) -> str | None:
    """What UTCDateTime stores on SQLite (naive UTC, SQLAlchemy's text form with
    microseconds), made in one step: the general path costs 7 µs a value, an import writes
    several per message, most of them more than once (a message's date is its interaction's
    and its thread's too). tests/store/test_mail_store.py holds both to the same output."""
    if value is None:
        return None
    if value.tzinfo is UTC:  # as records and clock.now() give them: "...:00.000000+00:00"
        return value.isoformat(" ", "microseconds")[:26]
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} given to the store; use clock.now()")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def among(
    conn: Connection, column: ColumnElement[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """`column IN values` for thousands of values: on SQLite one JSON parameter read by
    json_each (an expanding IN names and binds every value, 3 µs each); on PostgreSQL one
    array parameter (`= ANY(...)`: the same statement whatever the count, so the driver
    need not parse thousands of placeholders again, and may prepare it); elsewhere IN."""
    if conn.dialect.name == "sqlite":
        listed: Select[Any] = select(literal_column("value")).select_from(
            func.json_each(bindparam("among", json.dumps(list(values)), type_=String))
        )
        return column.in_(listed.scalar_subquery())
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def ids_by(conn: Connection, key: Column[Any], keys: Iterable[Any], *where: Any) -> dict[Any, int]:
    """{key value: id} of the rows of `key`'s table whose `key` is one of `keys`."""
    table = key.table
    wanted = list(dict.fromkeys(keys))
    found: dict[Any, int] = {}
    for part in chunks(wanted):
        query = select(key, table.c.id).where(among(conn, key, part), *where)
        found.update((k, int(i)) for k, i in conn.execute(query))
    return found
