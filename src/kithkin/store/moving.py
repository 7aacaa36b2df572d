"""Moving one database's rows into another as one member's data (`kithkin move-to`).

The tables are walked parents first (the backup's order, `backup.backup_tables`), each in
batches of rows read from the source, never the whole database in memory. Nothing here names
a table's columns except the few rules below: foreign keys, unique keys and `member_id`
columns are found in the schema's metadata, so tables added later are moved with no change.

How a source row becomes a target row:

- **ids**: a table with one integer id gets ids after the target's largest (`id + offset`, so
  an empty target keeps every id); every foreign key is mapped through its parent table's ids.
  A self-reference (a merged person's `merged_into_id`) is written once its table is in.
- **the same row**: a row whose unique key (after mapping) is already in the target is that
  row — merged into it, the target's values kept ("the team's wins"): a tag by its name, an
  interaction by its source and source id, a contact point by its kind and value, a
  setting by its key, a gathering by its name, a mail message by its Message-ID, ...; the
  rows that point at it then point at the target's row.
- **people** are the same as existing people as the importers decide it (the same contact
  point: `same_person`, given by the caller) or by their `uid` (the same database moved twice);
  their facts, notes and interactions then attach to the existing person.
- **member_id**: any column named `member_id` that the source row leaves empty (or 0, the
  one user of a personal database in the tables keyed by member: the circle, relationships,
  mutes) is the member the rows move in as.
- **a parent not moved** (a row skipped by a rule below): its children follow their foreign
  key's own rule: gone with it (ON DELETE CASCADE) or pointing at nothing (SET NULL).

And one rule per kind whose values hold ids or are personal (see `_RULES`):

- `setting`: the team's settings are never overwritten; the personal database's web token
  is never moved (it would open the team's database); into a target that already holds a
  network, the caches that name the source's ids (`relationships.mark`, `service.best`) are
  not moved either; "me" names its person by the target's id.
- `relationship`, `relationship_inputs` (derived from interactions): into a target that
  already holds a network they are not moved: the moved interactions have ids above the
  team's refresh mark, so the next refresh counts them for each person, old or new.
- `knows_tie`: endpoints "#<person id>" are mapped, the pair kept in order (a < b), a tie
  between two people who became one is not moved (nor its evidence).
- `duplicate_decision` keeps person_a < person_b; a pair that became one person is dropped.
- `intro.pair_key` ("<low id>-<high id>") is made from the mapped ids.
- `agenda_mute` keys naming a person, a gathering or an interaction ("waiting:12",
  "meeting:i40") name the target's.
- `activity`: moved as history, no longer undoable (its payload names the source's ids).

Verified row for row: after the copy, every source row is read again and compared with its
counterpart in the target (by its mapped key): a copied row must be equal in every column, a
merged one must be there. The caller runs all of it in one transaction on the target.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    Table,
    UniqueConstraint,
    func,
    insert,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.exc import StatementError
from sqlalchemy.schema import sort_tables

from kithkin.errors import MoveRefused
from kithkin.store import backup, search
from kithkin.store.bulk import among, chunks
from kithkin.store.move_rules import RULE_PARENTS, RULES
from kithkin.store.schema import contact_point, person
from kithkin.store.sources import owners

BATCH: Final = 500

# (contact point keys of a source person, their owners in the target: (kind, normalized) ->
# (person id, live)) -> the target person they are, or None
SamePerson = Callable[
    [Sequence[tuple[str, str]], Mapping[tuple[str, str], tuple[int, bool]]], int | None
]
Progress = Callable[[str, str, int, int], None]  # (stage, table, rows done, rows in all)


@dataclass
class Counts:
    """What became of one table's source rows."""

    rows: int = 0
    copied: int = 0  # added as new rows
    merged: int = 0  # the same as a row the target held: that row kept
    skipped: int = 0  # not moved, by a rule of the module's docstring
    differing: int = 0  # verified: no counterpart, or one that differs (must be 0)


class _Ids:
    """How one table's source ids become target ids."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.merged: dict[int, int] = {}  # source id -> the target row it is the same as
        self.skipped: set[int] = set()

    def of(self, old: int) -> int | None:
        if old in self.skipped:
            return None
        found = self.merged.get(old)
        return found if found is not None else old + self.offset


@dataclass
class _Table:
    table: Table
    int_id: Column[Any] | None  # the table's one integer id, if it has one
    keys: list[tuple[str, ...]]  # unique keys besides that id (a composite primary key too)
    refs: list[tuple[str, str, bool]]  # (column, parent table, cascades) not self-references
    self_refs: list[str]
    counts: Counts = field(default_factory=Counts)
    kept: set[tuple[Any, ...]] = field(default_factory=set)  # merged rows' keys, no int id


def _shape(table: Table) -> _Table:
    keys_pk = list(table.primary_key.columns)
    int_id = keys_pk[0] if len(keys_pk) == 1 and isinstance(keys_pk[0].type, Integer) else None
    keys: list[tuple[str, ...]] = [] if int_id is not None else [tuple(c.name for c in keys_pk)]
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            keys.append(tuple(c.name for c in constraint.columns))
    keys += [(c.name,) for c in table.columns if c.unique and (c.name,) not in keys]
    refs: list[tuple[str, str, bool]] = []
    self_refs: list[str] = []
    for column in table.columns:
        for fk in column.foreign_keys:
            parent = fk.column.table
            parent_pk = list(parent.primary_key.columns)
            if parent_pk != [fk.column] or not isinstance(fk.column.type, Integer):
                raise MoveRefused(
                    f"table {table.name}: {column.name} refers to {parent.name}.{fk.column.name},"
                    " not to its integer id: move-to cannot map it"
                )
            if parent is table:
                self_refs.append(column.name)
            else:
                cascades = (fk.ondelete or "").upper() == "CASCADE" or not column.nullable
                refs.append((column.name, str(parent.name), cascades))
    return _Table(table, int_id, keys, refs, self_refs)


class Mover:
    """One move: the source read, the target written (the caller owns its transaction)."""

    def __init__(
        self,
        source: Connection,
        target: Connection,
        *,
        member_id: int,
        same_person: SamePerson,
        progress: Progress | None = None,
        where: str = "source",
    ) -> None:
        self.source = source
        self.target = target
        self.member_id = member_id
        self.same_person = same_person
        self.progress = progress
        self.where = where
        self.tables = [_shape(t) for t in moving_order()]
        self.ids: dict[str, _Ids] = {}
        self.empty = is_empty(target)

    # -- the copy -------------------------------------------------------------------------

    def copy(self) -> dict[str, Counts]:
        if self.target.dialect.name == "postgresql":
            names = ", ".join(f'"{t.table.name}"' for t in self.tables)
            self.target.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
        for shape in self.tables:
            self._copy_table(shape)
        if self.target.dialect.name == "postgresql":
            _advance_sequences(self.target, [s.table for s in self.tables])
        search.rebuild(self.target)
        return {s.table.name: s.counts for s in self.tables}

    def _copy_table(self, shape: _Table) -> None:
        table = shape.table
        if shape.int_id is not None:
            top = self.target.scalar(select(func.max(shape.int_id)))
            self.ids[table.name] = _Ids(int(top or 0))
        total = int(self.source.scalar(select(func.count()).select_from(table)) or 0)
        later: list[tuple[int, str, int]] = []  # (target id, self-reference column, source id)
        done = 0
        for batch in self._read(table):
            rows: list[tuple[dict[str, Any], dict[str, Any]]] = []
            for row in batch:
                out = self._transform(shape, row)
                if out is None:
                    shape.counts.skipped += 1
                    if shape.int_id is not None:
                        self.ids[table.name].skipped.add(row[shape.int_id.name])
                else:
                    rows.append((row, out))
            if not self.empty:
                rows = self._merge(shape, rows)
            for row, out in rows:
                for name in shape.self_refs:
                    if out[name] is not None:
                        assert shape.int_id is not None
                        later.append((out[shape.int_id.name], name, row[name]))
                        out[name] = None
            self._insert(shape, rows)
            shape.counts.copied += len(rows)
            done += len(batch)
            shape.counts.rows = done
            if self.progress:
                self.progress("copy", table.name, done, total)
        ids = self.ids.get(table.name)
        for target_id, name, old in later:
            assert shape.int_id is not None and ids is not None
            self.target.execute(
                update(table).where(shape.int_id == target_id).values({name: ids.of(old)})
            )

    def _read(self, table: Table) -> Iterator[list[dict[str, Any]]]:
        query = select(table).order_by(*table.primary_key.columns)
        result = self.source.execution_options(yield_per=BATCH).execute(query)
        for part in result.mappings().partitions(BATCH):
            yield [dict(r) for r in part]

    def _transform(
        self, shape: _Table, row: Mapping[str, Any], *, final: bool = False
    ) -> dict[str, Any] | None:
        """The row as the target holds it (ids mapped, member stamped), None: not moved."""
        out = dict(row)
        for name, parent, cascades in shape.refs:
            value = row[name]
            if value is None:
                continue
            mapped = self.ids[parent].of(value)
            if mapped is None and cascades:
                return None
            out[name] = mapped
        if shape.int_id is not None:
            out[shape.int_id.name] = row[shape.int_id.name] + self.ids[shape.table.name].offset
            if final:
                for name in shape.self_refs:
                    if row[name] is not None:
                        out[name] = self.ids[shape.table.name].of(row[name])
        if "member_id" in shape.table.c and out.get("member_id") in (None, 0):
            out["member_id"] = self.member_id  # 0: the one user, in the keyed tables
        rule = RULES.get(shape.table.name)
        return rule(self, out) if rule else out

    def _merge(
        self, shape: _Table, rows: list[tuple[dict[str, Any], dict[str, Any]]]
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """The rows that are new to the target; the others are recorded as merged."""
        table = shape.table
        same: dict[int, int] = {}  # place in `rows` -> the target's id (0: no int id)
        if table is person:
            same.update(self._same_people(rows))
        for key in shape.keys:
            wanted = {
                i: tuple(out[c] for c in key)
                for i, (_, out) in enumerate(rows)
                if i not in same and all(out[c] is not None for c in key)
            }
            found = self._find(table, key, set(wanted.values()), shape.int_id)
            seen: dict[tuple[Any, ...], int] = {}
            for i, value in wanted.items():
                if value in found:
                    same[i] = found[value]
                elif value in seen:  # the same as an earlier row of this batch
                    same[i] = rows[seen[value]][1][shape.int_id.name] if shape.int_id else 0
                else:
                    seen[value] = i
        fresh = []
        for i, (row, out) in enumerate(rows):
            if i not in same:
                fresh.append((row, out))
                continue
            shape.counts.merged += 1
            if shape.int_id is not None:
                self.ids[table.name].merged[row[shape.int_id.name]] = same[i]
            else:
                shape.kept.add(_key(shape, out))
        return fresh

    def _same_people(self, rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> dict[int, int]:
        found: dict[int, int] = {}
        live = {row["id"]: i for i, (row, _) in enumerate(rows) if row["deleted_at"] is None}
        keys: dict[int, list[tuple[str, str]]] = {}
        query = (
            select(contact_point.c.person_id, contact_point.c.kind, contact_point.c.normalized)
            .where(among(self.source, contact_point.c.person_id, list(live)))
            .order_by(contact_point.c.id)
        )
        for pid, kind, normalized in self.source.execute(query):
            keys.setdefault(pid, []).append((kind, normalized))
        held = owners(self.target, [k for each in keys.values() for k in each])
        votes = {k: (o.person_id, o.live) for k, o in held.items()}
        for pid, each in keys.items():
            chosen = self.same_person(each, votes)
            if chosen is not None:
                found[live[pid]] = chosen
        return found

    def _find(
        self,
        table: Table,
        key: tuple[str, ...],
        values: set[tuple[Any, ...]],
        int_id: Column[Any] | None,
    ) -> dict[tuple[Any, ...], int]:
        """The target's rows with these values of `key`: value -> id (0 without an int id)."""
        if not values:
            return {}
        columns = [table.c[c] for c in key]
        found: dict[tuple[Any, ...], int] = {}
        shown = [int_id] if int_id is not None else []
        for part in chunks(sorted(values, key=repr), 200):
            where = (
                columns[0].in_([v[0] for v in part])
                if len(columns) == 1
                else tuple_(*columns).in_(list(part))
            )
            for row in self.target.execute(select(*columns, *shown).where(where)):
                found[tuple(row[: len(columns)])] = int(row[-1]) if int_id is not None else 0
        return found

    def _insert(self, shape: _Table, rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
        if not rows:
            return
        table = shape.table
        try:
            with self.target.begin_nested():
                self.target.execute(insert(table), [out for _, out in rows])
            return
        except (StatementError, OverflowError):
            pass
        for row, out in rows:
            try:
                with self.target.begin_nested():
                    self.target.execute(insert(table), [out])
            except (StatementError, OverflowError) as exc:
                reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
                ident = ", ".join(f"{c.name} {row[c.name]!r}" for c in table.primary_key.columns)
                raise MoveRefused(
                    f"{self.where}: table {table.name} row {ident}: refused by the target:"
                    f" {reason}; nothing was written"
                ) from exc
        raise MoveRefused(f"{self.where}: table {table.name}: a batch was refused; nothing written")

    # -- the check ------------------------------------------------------------------------

    def verify(self) -> dict[str, Counts]:
        """Compare every source row with its counterpart in the target; counts `differing`."""
        for shape in self.tables:
            table = shape.table
            done = 0
            for batch in self._read(table):
                expected = []
                for row in batch:
                    out = self._transform(shape, row, final=True)
                    if out is not None:
                        expected.append((row, out))
                shape.counts.differing += self._compare(shape, expected)
                done += len(batch)
                if self.progress:
                    self.progress("verify", table.name, done, shape.counts.rows)
        return {s.table.name: s.counts for s in self.tables}

    def _compare(self, shape: _Table, rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> int:
        """How many of these rows have no counterpart in the target, or one that differs."""
        table = shape.table
        order = [c.name for c in table.columns]
        place = [order.index(c.name) for c in table.primary_key.columns]
        wanted: list[tuple[tuple[Any, ...], tuple[Any, ...] | None]] = []
        for row, out in rows:
            expected = tuple(out[c] for c in order)
            if shape.int_id is not None:
                target_id = self.ids[table.name].of(row[shape.int_id.name])
                copied = target_id == out[shape.int_id.name]
                wanted.append(((target_id,), expected if copied else None))
            else:
                key = _key(shape, out)
                wanted.append((key, None if key in shape.kept else expected))
        held: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for found in self._counterparts(shape, wanted):
            held[tuple(found[i] for i in place)] = tuple(found)
        differing = 0
        for key, expected_row in wanted:
            there = held.get(key)
            if there is None or (expected_row is not None and there != expected_row):
                differing += 1
        return differing

    def _counterparts(
        self, shape: _Table, wanted: list[tuple[tuple[Any, ...], tuple[Any, ...] | None]]
    ) -> Iterator[Sequence[Any]]:
        """The target's rows with these keys: the copies of a batch (read in id order) as one
        range of ids, the rest by their keys."""
        table = shape.table
        columns = list(table.primary_key.columns)
        keys = list(dict.fromkeys(k for k, _ in wanted))
        if shape.int_id is not None:
            copies = [k[0] for k, expected in wanted if expected is not None]
            if copies:
                low, high = min(copies), max(copies)
                yield from self.target.execute(select(table).where(shape.int_id.between(low, high)))
            keys = [k for k, expected in wanted if expected is None]
        for part in chunks(keys, 200):
            where = (
                columns[0].in_([k[0] for k in part])
                if len(columns) == 1
                else tuple_(*columns).in_(list(part))
            )
            yield from self.target.execute(select(table).where(where))


def moving_order() -> list[Table]:
    """The backup's order (parents first), with the tables whose rules read other tables'
    ids (a knows tie's "#<person id>") after those tables."""
    tables = {t.name: t for t in backup.backup_tables()}
    extra = [
        (tables[parent], tables[child])
        for child, parents in RULE_PARENTS.items()
        for parent in parents
        if child in tables and parent in tables
    ]
    return list(sort_tables(list(tables.values()), extra_dependencies=extra))


def _key(shape: _Table, out: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(out[c.name] for c in shape.table.primary_key.columns)


def is_empty(conn: Connection) -> bool:
    """Whether the database holds no network yet (settings and members aside)."""
    for table in backup.backup_tables():
        if table.name in ("setting", "member"):
            continue
        if conn.execute(select(1).select_from(table).limit(1)).first() is not None:
            return False
    return True


def _advance_sequences(conn: Connection, tables: Sequence[Table]) -> None:
    """PostgreSQL's id sequences past the ids written (never back: others may have used
    the ids in between, in a transaction that was rolled back)."""
    current = text(
        "SELECT s.last_value FROM pg_sequences s"
        " WHERE format('%I.%I', s.schemaname, s.sequencename) = pg_get_serial_sequence(:t, :c)"
    )
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        given = conn.scalar(current, {"t": table.name, "c": keys[0].name})
        top = conn.scalar(select(func.max(keys[0])))
        values = [int(v) for v in (given, top) if v is not None]
        if values:
            sequence = func.pg_get_serial_sequence(table.name, keys[0].name)
            conn.execute(select(func.setval(sequence, max(values))))


def link_member(conn: Connection, member_id: int, person_id: int | None) -> None:
    """The member is this person of the network (their "me")."""
    from kithkin.store.schema_team import member

    conn.execute(update(member).where(member.c.id == member_id).values(person_id=person_id))
