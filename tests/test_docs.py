"""Docs and code cannot drift: every command is in the README and has help text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from kithkin.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str) -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


cli.load_all()  # the top-level group imports a command's module when asked for it
COMMANDS = list(_commands(cli, "kithkin"))


def test_the_cli_has_the_commands_the_readme_promises() -> None:
    names = {path for path, _ in COMMANDS}
    assert {
        "kithkin person add",
        "kithkin people",
        "kithkin story set",
        "kithkin undo",
        "kithkin import backup",
        "kithkin demo",
        "kithkin serve",
    } <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_is_documented_and_has_help(path: str, command: click.Command) -> None:
    assert re.search(re.escape(path) + r"(\s|`|$)", README), f"{path} is not in README.md"
    assert command.help and command.help.strip(), f"{path} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{path} {param.opts[0]} has no help text"


def test_readme_opens_with_the_two_setup_commands() -> None:
    first_block = README.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.strip().splitlines()[-1] == "make test"
