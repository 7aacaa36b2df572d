"""`kithkin move-to postgresql://...` for real: the demo network into a new PostgreSQL
database (schema made, every row the same), a second personal database into the same team
database, a refused row and a killed move leaving it as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import inspect, select

from kithkin.errors import MoveRefused
from kithkin.services import moving
from kithkin.store import Database, team
from kithkin.store.schema import contact_point, note
from tests.builders.moving import demo_copy, personal, rows
from tests.builders.people import person
from tests.pg_cluster import Cluster
from tests.services.test_moving import copy_and_compare, people_st


@pytest.fixture
def empty_pg(pg_cluster: Cluster) -> Iterator[str]:
    """A PostgreSQL database with no schema at all."""
    url = pg_cluster.empty_database()
    yield url
    pg_cluster.drop(url)


def test_the_demo_moves_into_a_new_postgresql_database(tmp_path: Path, empty_pg: str) -> None:
    source = demo_copy(tmp_path)
    before = rows(source, leave=())
    report = moving.move_to(source=source, target=empty_pg)
    assert report.into_empty and report.differing == 0
    assert report.copied == report.rows == sum(len(v) for v in before.values())
    assert report.member.role == "owner"
    moved = rows(empty_pg, owner=report.member.id)
    assert moved == {k: v for k, v in before.items() if k != "member"}
    # the id sequences are past the moved ids: the team adds people as usual
    db = Database(empty_pg)
    try:
        new = person(db, "Someone New", emails=["new@team.example"])
        assert new > max(r[0] for r in before["person"])
    finally:
        db.dispose()


def test_a_dry_run_into_postgresql_writes_nothing(tmp_path: Path, empty_pg: str) -> None:
    report = moving.move_to(source=personal(tmp_path / "a.db"), target=empty_pg, dry_run=True)
    assert report.dry_run and report.differing == 0 and report.copied == report.rows
    db = Database(empty_pg, migrate=False)
    try:
        with db.read() as conn:
            assert inspect(conn).get_table_names() == []  # not even the schema
    finally:
        db.dispose()


def test_a_second_member_moves_into_the_same_team_database(tmp_path: Path, pg_url: str) -> None:
    moving.move_to(source=demo_copy(tmp_path), target=pg_url)
    db = Database(pg_url)
    with db.read() as conn:
        demo_person, address = conn.execute(
            select(contact_point.c.person_id, contact_point.c.normalized)
            .order_by(contact_point.c.id)
            .limit(1)
        ).one()
    report = moving.move_to(source=personal(tmp_path / "robin.db", shared=address), target=pg_url)
    assert report.differing == 0 and not report.into_empty
    with db.read() as conn:
        assert [m.username for m in team.members(conn)] == ["alex.morgan", "robin.vale"]
        noted = conn.scalar(select(note.c.person_id).where(note.c.text == "Robin's own note"))
        assert noted == demo_person
    db.dispose()
    assert {t.table: t.merged for t in report.tables}["person"] == 1


def test_a_row_postgresql_refuses_leaves_it_as_it_was(tmp_path: Path, pg_url: str) -> None:
    moving.move_to(source=personal(tmp_path / "a.db", name="Ann Lee"), target=pg_url)
    before = rows(pg_url, leave=())
    personal(tmp_path / "b.db", name="Bo Park")
    with sqlite3.connect(tmp_path / "b.db") as conn:  # SQLite keeps what PostgreSQL refuses
        conn.execute("UPDATE contact_point SET kind = 'a-kind-far-too-long' WHERE id = 2")
    conn.close()
    refused = r"table contact_point row id 2: refused by the target: .*too long"
    with pytest.raises(MoveRefused, match=refused):
        moving.move_to(source=f"sqlite:///{tmp_path / 'b.db'}", target=pg_url)
    assert rows(pg_url, leave=()) == before


def test_a_killed_move_into_postgresql_leaves_it_as_it_was(tmp_path: Path, pg_url: str) -> None:
    moving.move_to(source=personal(tmp_path / "a.db", name="Ann Lee"), target=pg_url)
    before = rows(pg_url, leave=())
    env = {**os.environ, "KITHKIN_DB": demo_copy(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kithkin", "move-to", pg_url],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert line.startswith("copy "), line
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
    assert rows(pg_url, leave=()) == before


@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=people_st, second=people_st)
def test_any_two_small_databases_copy_and_compare_on_postgresql(
    tmp_path_factory: pytest.TempPathFactory,
    pg_cluster: Cluster,
    first: list[tuple[str, list[str], bool]],
    second: list[tuple[str, list[str], bool]],
) -> None:
    url = pg_cluster.empty_database()
    try:
        copy_and_compare(tmp_path_factory.mktemp("prop"), url, first, second)
    finally:
        pg_cluster.drop(url)
