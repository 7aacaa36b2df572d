"""The README's examples run as written: every `kithkin ...` line of its shell blocks, in order,
against one demo database, each ending with exit code 0.

A block that needs what the demo cannot hold (your own export files, mailboxes, an IMAP server)
is marked by the line before its fence: `<!-- readme-test: skip (the reason) -->`. A question
(`person merge` asks before it merges) is answered yes, as by someone at a terminal.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kithkin.cli import people as people_cli
from kithkin.cli.main import cli, main
from tests.conftest import engine

README = Path(__file__).resolve().parents[1] / "README.md"
SKIP = re.compile(r"<!-- readme-test: skip \((?P<why>[^)]+)\) -->")


def blocks(text: str) -> Iterator[tuple[int, list[str], str | None]]:
    """Each ```sh block: the line number of its fence, its lines, and why it is skipped."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```sh":
            marker = SKIP.search(lines[i - 1]) if i else None
            end = lines.index("```", i + 1)
            yield i + 1, lines[i + 1 : end], marker["why"] if marker else None
            i = end
        i += 1


def commands(text: str) -> list[tuple[int, list[str]]]:
    """(line number, arguments) of every `kithkin` line in the blocks not skipped."""
    found = []
    for fence, lines, skipped in blocks(text):
        if skipped:
            continue
        for n, line in enumerate(lines, start=fence + 1):
            words = shlex.split(line, comments=True)
            if words[:1] == ["kithkin"]:
                found.append((n, words[1:]))
    return found


EXAMPLES = commands(README.read_text(encoding="utf-8"))


def test_the_readme_has_examples_and_few_skipped_blocks() -> None:
    all_blocks = list(blocks(README.read_text(encoding="utf-8")))
    skipped = [why for _, _, why in all_blocks if why]
    assert len(EXAMPLES) >= 20
    assert len(skipped) <= 2, skipped  # each with its reason, shown in the README itself


@pytest.fixture(scope="module")
def demo_db(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    """The demo, on this run's engine: a SQLite file, or a fresh PostgreSQL database."""
    cluster = request.getfixturevalue("pg_cluster") if engine() == "postgresql" else None
    if cluster is not None:
        where = cluster.new_database()
    else:
        where = str(tmp_path_factory.mktemp("readme") / "demo.db")
    result = CliRunner().invoke(cli, ["--db", where, "demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    yield where
    if cluster is not None:
        cluster.drop(where)


def test_every_example_runs_against_the_demo(
    demo_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # `export contacts --vcard everyone.vcf` writes here
    monkeypatch.delenv("KITHKIN_DEBUG", raising=False)
    monkeypatch.setattr(people_cli, "_interactive", lambda: True)  # someone at a terminal
    failed = []
    for line, args in EXAMPLES:
        runner = CliRunner()
        with runner.isolation(input="y\n") as (out, err, _):
            try:
                main(["--db", demo_db, *args])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if code != 0:
            said = (err.getvalue() or out.getvalue()).decode().strip().splitlines()[-1:]
            failed.append(f"README.md:{line}: kithkin {shlex.join(args)} -> {code}: {said}")
    assert not failed, "\n".join(failed)
