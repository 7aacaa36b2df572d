"""Bulk inserts of many rows (COPY on PostgreSQL, executemany on SQLite) store what the
one-by-one path stores, return the ids in order, and refuse a duplicate as an insert would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kithkin import clock
from kithkin.store import Database, people, people_bulk
from kithkin.store.bulk import COPY_ROWS
from kithkin.store.schema import contact_point, person


def test_many_people_in_bulk_are_stored_indexed_and_in_order(db: Database) -> None:
    clock.freeze(datetime(2026, 3, 14, 9, 30, tzinfo=UTC))
    many = [(f"Zoë Ünal {i}", f"Z{i}@X.example", f"z{i}@x.example") for i in range(4 * COPY_ROWS)]
    with db.write() as conn:
        made = people_bulk.add_people(conn, many, source="test")
    assert list(made) == [key for _, _, key in many]
    with db.read() as conn:
        rows = conn.execute(
            select(person.c.id, person.c.display_name, person.c.created_at).order_by(person.c.id)
        ).all()
        assert [(r.id, r.display_name) for r in rows] == [
            (made[key], name) for name, _, key in many
        ]
        assert {r.created_at for r in rows} == {clock.now()}
        values = dict(conn.execute(select(contact_point.c.normalized, contact_point.c.value)).all())
        assert values == {key: value for _, value, key in many}
        hits = people.search_people(conn, "Ünal 7")
        assert hits[0].person.id == made["z7@x.example"]


def test_a_duplicate_in_a_bulk_insert_is_refused_whole(db: Database) -> None:
    many = [(f"P {i}", f"p{i}@x.example", f"p{i}@x.example") for i in range(2 * COPY_ROWS)]
    with db.write() as conn:
        people_bulk.add_people(conn, many[:1], source="test")
    with pytest.raises(IntegrityError), db.write() as conn:
        people_bulk.add_people(conn, many, source="test")  # p0 is there already
    with db.read() as conn:
        assert people.count_people(conn) == 1
