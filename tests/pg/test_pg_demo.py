"""The demo network built on PostgreSQL is the one built on SQLite, row for row, and Today
on it is the same agenda, item for item."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from kithkin import clock
from kithkin.demo import DemoSummary, build_demo
from kithkin.services import today
from kithkin.store import Database, people
from tests.demo.test_demo import _normalised_export
from tests.pg_cluster import Cluster

DAY = date(2026, 3, 14)
NOW = datetime(2026, 3, 14, 7, 0, tzinfo=UTC)

Built = tuple[Database, DemoSummary]


@pytest.fixture(scope="module")
def both(
    pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Built, Built]]:
    url = pg_cluster.new_database()
    on_pg = Database(url)
    on_lite = Database(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    try:
        yield (
            (on_pg, build_demo(on_pg, seed=7, today=DAY)),
            (on_lite, build_demo(on_lite, seed=7, today=DAY)),
        )
    finally:
        on_pg.dispose()
        on_lite.dispose()
        pg_cluster.drop(url)


def test_the_demo_is_the_same_on_both_engines(both: tuple[Built, Built]) -> None:
    (pg, pg_summary), (lite, lite_summary) = both
    assert pg.dialect == "postgresql"
    assert pg_summary == lite_summary
    assert pg_summary.people > 50
    assert _rounded(_normalised_export(pg)) == _rounded(_normalised_export(lite))


def _rounded(value: Any) -> Any:
    """Floats to 12 digits: a sum's last bit depends on the order each engine adds in."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _items(agenda: Any) -> list[tuple[Any, ...]]:
    return [(i.key, i.section, i.kind, i.reason, i.people, i.at, i.advice) for i in agenda.items]


def test_today_on_the_demo_is_the_same_agenda_on_both_engines(both: tuple[Built, Built]) -> None:
    (pg, _), (lite, _) = both
    clock.freeze(NOW)
    on_pg = today.agenda(pg, now=NOW)
    on_lite = today.agenda(lite, now=NOW)
    assert {i.section for i in on_pg.items} >= {"circle", "waiting", "meetings"}
    assert _items(on_pg) == _items(on_lite)
    assert on_pg.hidden == on_lite.hidden and on_pg.warnings == on_lite.warnings


def test_search_on_the_demo_finds_the_same_people(both: tuple[Built, Built]) -> None:
    (pg, _), (lite, _) = both
    with pg.read() as conn:
        everyone = people.list_people(conn, limit=1000)
    for word in (everyone[0].display_name.split()[0], "board", "sailing"):
        found = []
        for db in (pg, lite):
            with db.read() as conn:
                found.append({h.person.id for h in people.search_people(conn, word, limit=500)})
        assert found[0] == found[1], word
