"""The PostgreSQL tier: the `db` and `run` fixtures of the tests gathered here run on a fresh
PostgreSQL database (tests/pg_cluster.py), whatever KITHKIN_TEST_ENGINE says."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kithkin.store import Database


@pytest.fixture
def db(pg_url: str) -> Iterator[Database]:
    database = Database(pg_url)
    yield database
    database.dispose()


@pytest.fixture(autouse=True)
def _cli_on_postgresql(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`run` (tests/conftest.py) reads KITHKIN_DB: the same database as `db`."""
    monkeypatch.setenv("KITHKIN_TEST_ENGINE", "postgresql")
