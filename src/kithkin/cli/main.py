"""The entry point: the top-level group, error handling, and the command modules."""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from kithkin import __version__
from kithkin.cli.common import Context

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# The module of kithkin.cli that holds each command: running one imports its module alone;
# listing them (`kithkin --help`) imports them all. A new command (or module of commands) is
# added here too; tests/cli/test_startup.py checks this table against the modules' COMMANDS.
COMMAND_MODULES: dict[str, str] = {
    **dict.fromkeys(("person", "people"), "people"),
    **dict.fromkeys(("story", "note", "log"), "story"),
    **dict.fromkeys(
        (
            "init",
            "me",
            "search",
            "stats",
            "export",
            "import",
            "undo",
            "trash",
            "activity",
            "demo",
            "serve",
        ),
        "admin",
    ),
    **dict.fromkeys(("circle", "strength", "fading"), "circle"),
    **dict.fromkeys(("today", "brief", "briefs"), "today"),
    "capture": "capture",
    "inbox": "inbox",
    "smtp": "inbox",
    "intro": "intro",
    "settings": "settings",
    **dict.fromkeys(("share", "amplify"), "amplify"),
    "gathering": "gathering",
    "review": "review",
    "knows": "knows",
    "tone": "tone",
    "user": "users",
    **dict.fromkeys(("offer", "need", "gave", "asked", "ledger", "service"), "service"),
    "move-to": "moving",
}


# Commands that read, or write a few rows, and end: they run without the cyclic garbage
# collector. Their imports make some 200,000 objects and their work next to no reference
# cycles, yet the collector walks those objects again and again as they are made: 2 to 3% of
# the instructions of `today` or `people` (valgrind), more of the time (it reads memory that
# is not in the cache). Imports, exports, the demo, the server and the inbox's sweeps over a
# whole mailbox keep it.
BRIEF_COMMANDS: frozenset[str] = frozenset(COMMAND_MODULES) - {
    "import",
    "export",
    "demo",
    "serve",
    "inbox",
    "amplify",  # amplify fetch reads feeds
    "move-to",
}


class LazyGroup(click.Group):
    """The top-level group: a command's module is imported when the command is asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loaded: set[str] = set()  # modules imported
        self.grown: set[str] = set()  # groups given their commands from other modules

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._import_all()  # only `--help` lists them: their help is in their modules
        return sorted(self.commands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None:
            self._import(module)
        elif cmd_name not in self.commands:
            # a command the table misses (test_startup says so) is still found, at the cost
            # of every module (so is a typo before it is refused)
            self._import_all()
        command = self.commands.get(cmd_name)
        if isinstance(command, click.Group) and cmd_name in _ADDED and cmd_name not in self.grown:
            self.grown.add(cmd_name)
            _ADDED[cmd_name](command)
        return command

    def load_all(self) -> None:
        """Import every command (for whatever walks `commands` itself)."""
        for name in self.list_commands(click.Context(self)):
            self.get_command(click.Context(self), name)

    def _import(self, module: str) -> None:
        if module not in self.loaded:
            self.loaded.add(module)
            for each in importlib.import_module(f"kithkin.cli.{module}").COMMANDS:
                self.add_command(each)

    def _import_all(self) -> None:
        for module in dict.fromkeys(COMMAND_MODULES.values()):
            self._import(module)


def _import_added(group: click.Group) -> None:
    from kithkin.cli import contacts, mail

    group.add_command(contacts.import_contacts)
    mail.register(group)
    from kithkin.cli import amplify

    group.add_command(amplify.import_social)


def _export_added(group: click.Group) -> None:
    from kithkin.cli import contacts

    group.add_command(contacts.export_contacts)


def _people_added(group: click.Group) -> None:
    from kithkin.cli import contacts

    group.add_command(contacts.duplicates)
    group.add_command(contacts.not_duplicates)


# Commands of other modules under a group, added when the group is asked for.
_ADDED: dict[str, Callable[[click.Group], None]] = {
    "import": _import_added,
    "export": _export_added,
    "people": _people_added,
}


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--db",
    metavar="PATH|URL",
    envvar="KITHKIN_DB",
    help="Database file or URL (default: kithkin.db in your user data folder; env KITHKIN_DB).",
)
@click.option(
    "--user",
    metavar="NAME",
    envvar="KITHKIN_USER",
    help="Team database: the user you act as (env KITHKIN_USER). A personal database has none.",
)
@click.version_option(__version__, prog_name="kithkin")
@click.pass_context
def cli(ctx: click.Context, db: str | None, user: str | None) -> None:
    """kithkin keeps your networking practice: the people who matter, their stories, and
    when you last saw them. Local-first: everything stays in one database on this machine."""
    from kithkin.config import database_url

    brief = ctx.invoked_subcommand in BRIEF_COMMANDS
    if not brief and _PAUSED[-1:] == [True]:
        _resume_collector()  # its imports are done; the work of a long command keeps it
    elif brief and gc.isenabled():
        gc.disable()
        ctx.call_on_close(gc.enable)
    ctx.obj = Context(database_url(db), brief=brief, user=user)
    if user:  # team mode: every change of the command is this member's (a viewer's refused)
        from kithkin.services import team

        ctx.call_on_close(team.act_as(ctx.obj.actor))


# For each `main` running (innermost last): whether it paused the collector, which was on.
_PAUSED: list[bool] = []


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; errors meant for the user become one line on stderr and exit code 1.

    The cyclic garbage collector is paused from the start, so the command's imports
    (SQLAlchemy's above all: some 200,000 objects, next to no garbage) are made without it,
    not only the work of a brief command; a long command gets it back once its module is
    imported (see `cli`), any command when it ends. And the process ends with every object
    frozen (gc.freeze, at exit), where Python would otherwise walk them all again only to
    free memory the process gives back as it ends. Together: `kithkin today` 1.419 → 1.307 G
    instructions (valgrind)."""
    _PAUSED.append(gc.isenabled())
    gc.disable()
    try:
        _main(argv)
    finally:
        atexit.unregister(gc.freeze)  # once however many runs (tests run many)
        atexit.register(gc.freeze)
        if _PAUSED.pop():
            _resume_collector()


def _resume_collector() -> None:
    """The collector back on, the objects made while it was off counted as old ones (not as
    young objects that the next allocation would have it walk, all of them at once)."""
    gc.freeze()
    gc.unfreeze()
    gc.enable()


def _main(argv: list[str] | None) -> None:
    try:
        cli.main(args=argv, prog_name="kithkin", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        sys.exit(_report(exc))


def _report(exc: Exception) -> int:
    from kithkin.errors import Ambiguous, KithkinError

    if isinstance(exc, Ambiguous):
        click.echo(f"error: {exc.query!r} fits {len(exc.candidates)} people; say which:", err=True)
        for person_id, name in exc.candidates:
            click.echo(f"  #{person_id}  {name}", err=True)
        return 1
    if isinstance(exc, KithkinError):
        click.echo(f"error: {exc}", err=True)
        return 1
    if os.environ.get("KITHKIN_DEBUG"):
        raise exc
    detail: Any = getattr(exc, "orig", None) or exc
    click.echo(
        f"error: {type(exc).__name__}: {detail} (set KITHKIN_DEBUG=1 for the traceback)", err=True
    )
    return 2
