"""After a refresh that recomputed many people (an import's worth), PostgreSQL's planner
statistics are gathered at once (`Database.analyze`), not left to autovacuum."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kithkin import clock
from kithkin.services import relationships
from kithkin.services.relationships import ANALYZE_AFTER
from kithkin.store import Database

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def _analyzed(db: Database, table: str) -> int:
    with db.read() as conn:
        count = conn.exec_driver_sql(
            "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s", (table,)
        ).scalar()
    return int(count or 0)


def _people_with_mail(db: Database, n: int, first_id: int) -> None:
    at = (NOW - timedelta(days=3)).replace(tzinfo=None)
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO person (id, uid, display_name, created_at, updated_at) "
            "SELECT i, 'p' || i, 'Person ' || i, %s, %s "
            "FROM generate_series(%s::int, %s::int) i",
            (at, at, first_id, first_id + n - 1),
        )
        conn.exec_driver_sql(
            "INSERT INTO interaction (id, kind, direction, occurred_at, source, source_id, "
            "created_at) SELECT i, 'email', 'to_me', %s, 'test', 'm' || i, %s "
            "FROM generate_series(%s::int, %s::int) i",
            (at, at, first_id, first_id + n - 1),
        )
        conn.exec_driver_sql(
            "INSERT INTO interaction_participant (interaction_id, person_id, role) "
            "SELECT i, i, 'from' FROM generate_series(%s::int, %s::int) i",
            (first_id, first_id + n - 1),
        )
        for table in ("person", "interaction"):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {table}))"
            )


def _stats_settled(db: Database) -> None:
    with db.read() as conn:  # the statistics a backend reports reach the view when it ends
        conn.exec_driver_sql("SELECT pg_stat_clear_snapshot()")


def test_a_refresh_of_many_people_gathers_statistics_and_one_of_few_does_not(
    db: Database,
) -> None:
    clock.freeze(NOW)
    _people_with_mail(db, ANALYZE_AFTER, 1000)
    before = _analyzed(db, "interaction")
    assert relationships.refresh(db, NOW) == ANALYZE_AFTER
    _stats_settled(db)
    after = _analyzed(db, "interaction")
    assert after == before + 1
    _people_with_mail(db, 3, 5000)
    assert relationships.refresh(db, NOW) == 3
    _stats_settled(db)
    assert _analyzed(db, "interaction") == after
