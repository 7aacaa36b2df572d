"""Fixtures shared by every test: a fresh database, and the CLI run in-process."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
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


def engine() -> str:
    """The engine this run tests: "postgresql" when KITHKIN_TEST_ENGINE says so, else "sqlite"."""
    return "postgresql" if os.environ.get("KITHKIN_TEST_ENGINE") == "postgresql" else "sqlite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each run holds the tests of its engine: a test about SQLite alone
    (`@pytest.mark.sqlite_only(reason=...)`) is deselected from the PostgreSQL run, and one
    about PostgreSQL alone (`pg_only`, and all of tests/pg) from the SQLite run — deselected,
    not skipped, so neither counts as a pass where it did not run. The marker must say why."""
    other = "sqlite_only" if engine() == "postgresql" else "pg_only"
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        for name in ("sqlite_only", "pg_only"):
            marker = item.get_closest_marker(name)
            if marker is not None and not (marker.kwargs.get("reason") or marker.args):
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.{name} needs a reason")
        pg_tier = item.nodeid.startswith("tests/pg/")  # the PostgreSQL tier is pg_only
        if item.get_closest_marker(other) or (pg_tier and other == "pg_only"):
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


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


NewDb = Callable[[], Database]


@pytest.fixture
def new_db(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[NewDb]:
    """Makes more fresh databases on this run's engine (a restore's target, a second
    process's database), each disposed of (and dropped, on PostgreSQL) after the test."""
    made: list[tuple[Database, str | None]] = []
    cluster: Cluster | None = None
    if engine() == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")

    def make() -> Database:
        if cluster is not None:
            url = cluster.new_database()
            database = Database(url)
            made.append((database, url))
        else:
            database = Database(f"sqlite:///{tmp_path_factory.mktemp('db') / 'kithkin.db'}")
            made.append((database, None))
        return database

    yield make
    for database, url in made:
        database.dispose()
        if cluster is not None and url is not None:
            cluster.drop(url)


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


def unavailable(reason: str) -> None:
    """A tier this machine cannot run: skipped, saying so, where a tool is missing; a failure
    in CI, where `.ci/run` installs everything (a skip counted as a pass would hide it)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: this tier cannot run in CI")
    pytest.skip(f"{reason} (make test-deps)")


@pytest.fixture
def ocr() -> None:
    """Tesseract and the fonts cards are drawn in (capture's photo tier)."""
    import shutil

    from tests.builders.cards import fonts

    if shutil.which("tesseract") is None:
        unavailable("Tesseract is not installed")
    if not fonts():
        unavailable("no DejaVu or Liberation fonts")


@pytest.fixture
def card_fonts() -> None:
    from tests.builders.cards import fonts

    if not fonts():
        unavailable("no DejaVu or Liberation fonts")


def shared_data(*parts: str) -> Path:
    """A path in ../shared/data; skips (saying so) where the corpora are absent, fails in CI."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI: the real-data tier cannot run")
        pytest.skip(f"real-data tier skipped: {path} not found")
    return path


@pytest.fixture
def cheap_passwords() -> Iterator[None]:
    """Passwords hashed with argon2id at its smallest cost while the test runs (the real cost
    takes most of a second per hash on a busy machine); logins replace such hashes after."""
    from argon2 import PasswordHasher

    from kithkin.services import accounts

    old = accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    accounts.use_hasher(old)
