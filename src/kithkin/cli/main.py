"""The entry point: the top-level group, error handling, and the command modules."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from kithkin import __version__
from kithkin.cli import admin, circle, contacts, inbox, mail, people, settings, story, today
from kithkin.cli.common import Context

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--db",
    metavar="PATH|URL",
    envvar="KITHKIN_DB",
    help="Database file or URL (default: kithkin.db in your user data folder; env KITHKIN_DB).",
)
@click.version_option(__version__, prog_name="kithkin")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """kithkin keeps your networking practice: the people who matter, their stories, and
    when you last saw them. Local-first: everything stays in one database on this machine."""
    from kithkin.config import database_url

    ctx.obj = Context(database_url(db))


for module in (people, story, admin, circle, today, inbox, settings):
    for command in module.COMMANDS:
        cli.add_command(command)
admin.import_cmd.add_command(contacts.import_contacts)
mail.register(admin.import_cmd)
admin.export_cmd.add_command(contacts.export_contacts)
people.people_cmd.add_command(contacts.duplicates)
people.people_cmd.add_command(contacts.not_duplicates)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; errors meant for the user become one line on stderr and exit code 1."""
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
