"""`kithkin move-to`: copy this personal database into a team database, as one member."""

from __future__ import annotations

import sys
import time

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx
from kithkin.model import count_of


@click.command("move-to")
@click.argument("target", metavar="URL")
@click.option(
    "--as",
    "username",
    metavar="USER",
    help="The member your rows move in as (default: your name, e.g. alex.morgan).",
)
@click.option(
    "--role",
    type=click.Choice(["owner", "editor", "viewer"]),
    help="A new member's role (default: owner of an empty database, else editor).",
)
@click.option("--name", help="A new member's display name (default: your name).")
@click.option("--dry-run", is_flag=True, help="Do all of it, check it, then write nothing.")
@json_option
@pass_ctx
def move_to(
    ctx: Context,
    target: str,
    username: str | None,
    role: str | None,
    name: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Copy this personal database (--db) into the team database URL
    (postgresql://USER@HOST/DB, or another kithkin file) as one member's data.

    An empty target gets the schema and every row. A target that holds a team's network gets
    your rows added: people who share an email address, phone, URL or handle with someone
    there become that person; the same tags, interactions, messages and settings are the
    team's (theirs kept). One transaction, all or nothing: every row is checked against its
    copy before it commits. This database is not changed."""
    from kithkin.services import moving

    progress = _Progress()
    try:
        report = moving.move_to(
            source=ctx.db_url,
            target=target,
            username=username,
            role=role,
            name=name,
            dry_run=dry_run,
            progress=progress,
        )
    finally:
        progress.end()
    if as_json:
        emit_json(report)
        return
    verb = "would move" if dry_run else "moved"
    who = report.member
    click.echo(
        f"{verb} {count_of(report.rows, 'row')} into {report.target} as {who.username}"
        f" ({who.role}{', new' if report.new_member else ''}):"
        f" {report.copied} copied, {report.merged} merged into existing rows,"
        f" {report.skipped} not moved, {report.differing} differing"
        f" ({report.seconds:.1f} s)"
    )
    click.echo(
        f"  {'table':<24} {'rows':>8} {'copied':>8} {'merged':>8} {'skipped':>8} {'differ':>7}"
    )
    for t in report.tables:
        if t.rows:
            click.echo(
                f"  {t.table:<24} {t.rows:>8} {t.copied:>8} {t.merged:>8} {t.skipped:>8}"
                f" {t.differing:>7}"
            )
    if dry_run:
        click.echo("dry run: nothing was written")


class _Progress:
    """Progress on stderr: on a terminal one line rewritten in place, else a line every few
    seconds (the first at once)."""

    def __init__(self) -> None:
        self.last = 0.0
        self.terminal = sys.stderr.isatty()

    def __call__(self, stage: str, table: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < (0.5 if self.terminal else 5.0):
            return
        self.last = now
        line = f"{stage} {table}: {done:,}/{total:,}"
        if self.terminal:
            click.echo(f"\r{line:<60}", err=True, nl=False)
        else:
            click.echo(line, err=True)
        sys.stderr.flush()

    def end(self) -> None:
        if self.terminal and self.last:
            click.echo(f"\r{'':<60}\r", err=True, nl=False)


COMMANDS = [move_to]
