"""A read command does what it needs and no more: it imports its own CLI module and none of the
heavy libraries it does not use, checks the schema by reading its version, and writes nothing.
(How long it takes is measured by benchmarks/cli.py, not asserted here.)"""

from __future__ import annotations

import importlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from sqlalchemy import event

from kithkin.cli.main import COMMAND_MODULES, cli
from kithkin.store import Database

Run = Any  # the `run` fixture: (*args, input=None) -> Result

READS = [
    ["today"],
    ["person", "show", "Dana Whitfield"],
    ["brief", "Dana Whitfield"],
    ["people"],
    ["search", "Acme"],
]
# Libraries of the web UI, of migrations and of the ORM: none of them serves a read.
NOT_FOR_READS = (
    "alembic",
    "fastapi",
    "starlette",
    "jinja2",
    "pydantic",
    "uvicorn",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.postgresql",
)

# Runs one command through click's runner in a new interpreter, then prints what it imported.
PROBE = """
import json, sys
from click.testing import CliRunner
from kithkin.cli.main import cli
result = CliRunner().invoke(cli, sys.argv[1:])
assert result.exit_code == 0, (result.output, result.exception)
print(json.dumps(sorted(sys.modules)))
"""


@pytest.fixture
def network(run: Run) -> None:
    """A small network: me, Dana in my circle, a coffee with her, a fact of her story."""
    assert run("init", "--name", "Alex Morgan", "--email", "alex@corp.example").code == 0
    added = run("person", "add", "Dana Whitfield", "--org", "Acme", "--email", "dana@acme.example")
    assert added.code == 0, added.err
    assert run("log", "coffee", "Dana Whitfield", "--subject", "Lisbon").code == 0
    assert run("story", "set", "Dana Whitfield", "origin", "grew up in Porto").code == 0


def _imported(db_path: Path, args: list[str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.sqlite_only(reason="the start-up of a read on a personal SQLite file (its imports)")
@pytest.mark.parametrize("args", READS, ids=[" ".join(a) for a in READS])
def test_a_read_imports_no_library_it_does_not_use(
    network: None, db_path: Path, args: list[str]
) -> None:
    modules = _imported(db_path, args)
    heavy = {m for m in modules if m.split(".")[0] in NOT_FOR_READS or m in NOT_FOR_READS}
    heavy |= {m for m in modules for h in NOT_FOR_READS if m.startswith(h + ".")}
    assert heavy == set()
    mine = COMMAND_MODULES[args[0]]
    # `people` brings the module of `people duplicates`, `person show` the story printer
    allowed = {mine, *{"people": ["contacts"], "person": ["story"]}.get(args[0], [])}
    others = {f"kithkin.cli.{m}" for m in [*COMMAND_MODULES.values(), "mail", "contacts"]}
    assert f"kithkin.cli.{mine}" in modules
    assert modules & others == {f"kithkin.cli.{m}" for m in allowed} & modules
    if args[0] in ("people", "search"):  # the tables of mail, calendar, circle: not built
        assert not {m for m in modules if m.startswith("kithkin.store.schema_")}


def test_the_command_table_names_every_command_of_every_module() -> None:
    for name in dict.fromkeys(COMMAND_MODULES.values()):
        module = importlib.import_module(f"kithkin.cli.{name}")
        listed = {n for n, m in COMMAND_MODULES.items() if m == name}
        assert {c.name for c in module.COMMANDS} == listed, name


def test_a_command_missing_from_the_table_is_still_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kithkin.cli import main

    monkeypatch.delitem(main.COMMAND_MODULES, "stats")
    group = main.LazyGroup(name="kithkin")
    ctx = click.Context(group)
    found = group.get_command(ctx, "stats")
    assert found is not None and found.name == "stats"
    assert "stats" in group.list_commands(ctx)
    assert group.get_command(ctx, "nosuch") is None


def test_help_lists_every_command_with_its_help(run: Run) -> None:
    shown = run("--help").out
    for name in COMMAND_MODULES:
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.help
        assert f"\n  {name} " in shown


@pytest.mark.sqlite_only(reason="watches the SQLite file's data_version")
def test_reads_write_nothing(network: None, run: Run, db_path: Path) -> None:
    assert run("today").code == 0  # the first read may bring relationships up to date
    watcher = sqlite3.connect(db_path)
    try:
        before = watcher.execute("PRAGMA data_version").fetchone()
        for args in [["today"], *READS]:
            assert run(*args).code == 0, args
        # data_version moves whenever another connection commits a change to the file
        assert watcher.execute("PRAGMA data_version").fetchone() == before
    finally:
        watcher.close()


@pytest.mark.sqlite_only(reason="counts the statements SQLite runs on opening its file")
def test_opening_a_current_database_reads_its_version_and_nothing_else(
    db: Database, db_path: Path
) -> None:
    again = Database(f"sqlite:///{db_path}", migrate=False)
    statements: list[str] = []

    @event.listens_for(again.engine, "before_cursor_execute")
    def _seen(*args: Any) -> None:
        statements.append(args[2])

    try:
        again.migrate()
    finally:
        again.dispose()
    assert statements == ["BEGIN", "SELECT version_num FROM alembic_version"]


def test_a_brief_command_runs_without_the_collector_and_gives_it_back(
    network: None, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from kithkin.services import people

    seen: list[bool] = []
    listing = people.list_people

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return listing(*args, **kwargs)

    monkeypatch.setattr(people, "list_people", spy)
    assert gc.isenabled()
    assert run("people").code == 0
    assert seen == [False]
    assert gc.isenabled()
    assert run("people", "--nosuch").code != 0  # a usage error gives it back too
    assert gc.isenabled()


def test_a_long_command_works_with_the_collector(
    network: None, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from kithkin.services import inbox

    working: list[bool] = []
    listing = inbox.subscriptions

    def spy(*args: Any, **kwargs: Any) -> Any:
        working.append(gc.isenabled())
        return listing(*args, **kwargs)

    monkeypatch.setattr(inbox, "subscriptions", spy)
    assert run("inbox", "subscriptions").code == 0  # it may sweep a whole mailbox
    assert working == [True]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # nothing frozen while the process goes on


# Notes whether the collector runs when SQLAlchemy is imported, then runs a read, then says
# whether the collector is on again and how many objects are frozen; and, as the process ends
# (its first exit handler runs last), whether they are frozen then.
PAUSED_PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("FROZEN AT EXIT", gc.get_freeze_count() > 0))

class Spy:
    def find_spec(self, name, path=None, target=None):
        if name == "sqlalchemy":
            print("COLLECTING WHILE IMPORTING", gc.isenabled())
        return None

sys.meta_path.insert(0, Spy())
from kithkin.cli.main import main
main(["--db", sys.argv[1], "people"])
print("AFTER", gc.isenabled(), gc.get_freeze_count())
"""


def test_the_imports_run_without_the_collector_and_the_process_ends_frozen(
    tmp_path: Path,
) -> None:
    """Python's last collections, as it ends, would walk every object only to free memory the
    process gives back anyway: kithkin freezes them first."""
    done = subprocess.run(
        [sys.executable, "-c", PAUSED_PROBE, str(tmp_path / "x.db")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "COLLECTING WHILE IMPORTING False" in done.stdout
    assert "AFTER True 0" in done.stdout
    assert "FROZEN AT EXIT True" in done.stdout


@pytest.mark.sqlite_only(reason="the kept connection is SQLite's (keep_connection)")
def test_a_brief_command_opens_the_database_file_once_and_closes_it(
    network: None, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kithkin.store import db as store_db

    engines: list[Any] = []
    made = store_db._engine

    def spy(url: str, **kwargs: Any) -> Any:
        engine = made(url, **kwargs)
        engines.append(engine)
        opened: list[int] = []
        event.listen(engine, "connect", lambda *_: opened.append(1))
        event.listen(engine, "close", lambda *_: opened.append(-1))
        engine.info_opened = opened  # type: ignore[attr-defined]
        return engine

    monkeypatch.setattr(store_db, "_engine", spy)
    assert run("today").code == 0  # the migration check, refresh, and a dozen reads
    assert run("person", "show", "Dana Whitfield").code == 0
    assert len(engines) == 2
    for engine in engines:
        assert engine.info_opened[0] == 1 and engine.info_opened.count(1) == 1
        assert sum(engine.info_opened) == 0  # closed when the command ends
    assert run("log", "coffee", "Dana Whitfield").code == 0  # a write, on the kept connection
    assert "coffee" in run("person", "show", "Dana Whitfield").out.lower()


@pytest.mark.sqlite_only(reason="the imports of a read on a personal SQLite file")
def test_today_does_without_statistics(network: None, db_path: Path) -> None:
    # fading's median imports it where it is needed: fractions and all are not every read's
    assert "statistics" not in _imported(db_path, ["today"])
