"""Fixtures shared by every test: a fresh database, and the CLI run in-process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from kithkin import clock
from kithkin.cli.main import main
from kithkin.store import Database
from kithkin.store import schema_team as _schema_team  # noqa: F401 - owners the tables reference
from tests.pg_cluster import Cluster, Unavailable

# Hypothesis checks properties, not speed (benchmarks/ measure that): on a shared, busy
# machine an example may take longer than its default 200 ms deadline without being wrong.
settings.register_profile("kithkin", deadline=None)
settings.load_profile("kithkin")

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _thawed_clock() -> Iterator[None]:
    yield
    clock.freeze(None)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "kithkin.db"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL server for the session (or KITHKIN_TEST_PG_URL's); skips, saying
    so, where PostgreSQL is not installed, fails in CI."""
    try:
        cluster = Cluster()
    except Unavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL tier cannot run in CI: {exc}")
        pytest.skip(f"PostgreSQL tier skipped: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """The URL of a fresh PostgreSQL database at the newest schema, dropped afterwards."""
    url = pg_cluster.new_database()
    yield url
    pg_cluster.drop(url)


@pytest.fixture
def db(db_path: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh database: SQLite, or PostgreSQL when KITHKIN_TEST_ENGINE=postgresql."""
    if os.environ.get("KITHKIN_TEST_ENGINE") == "postgresql":
        url = request.getfixturevalue("pg_url")
    else:
        url = f"sqlite:///{db_path}"
    database = Database(url)
    yield database
    database.dispose()


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(db_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> object:
    """Run `kithkin ARGS...` in-process against the test database; returns a Result."""
    if os.environ.get("KITHKIN_TEST_ENGINE") == "postgresql":
        monkeypatch.setenv("KITHKIN_DB", request.getfixturevalue("pg_url"))
    else:
        monkeypatch.setenv("KITHKIN_DB", str(db_path))
    monkeypatch.delenv("KITHKIN_DEBUG", raising=False)

    def invoke(*args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        with runner.isolation(input=input) as (out, err, _):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return Result(code, out.getvalue().decode(), err.getvalue().decode())

    return invoke


def shared_data(*parts: str) -> Path:
    """A path in ../shared/data; skips (saying so) where the corpora are absent, fails in CI."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI: the real-data tier cannot run")
        pytest.skip(f"real-data tier skipped: {path} not found")
    return path
