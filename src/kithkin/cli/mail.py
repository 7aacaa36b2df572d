"""`kithkin import mail` and `kithkin import calendar`: mailboxes and calendars in."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, warn
from kithkin.model import count_of

if TYPE_CHECKING:
    from kithkin.services.mail import MailSummary


@click.command("mail")
@click.argument("locations", nargs=-1, required=True, metavar="PATH|URL...")
@click.option(
    "--workers",
    type=click.IntRange(0, 16),
    default=None,
    help="Processes that parse mail while this one stores it (default: 2 for large "
    "mailboxes, 1 on a single core, none for small ones; 0: parse here).",
)
@click.option(
    "--batch-size",
    default=2000,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Messages stored per transaction (an interrupted import resumes after the last one).",
)
@click.option(
    "--team-sees",
    type=click.Choice(["metadata", "subjects", "everything"]),
    default=None,
    help="Team database: what your teammates see of this mail (default for a new mailbox: "
    "metadata, who and when; subjects adds the subjects; everything adds the summaries).",
)
@json_option
@pass_ctx
def import_mail(
    ctx: Context,
    locations: tuple[str, ...],
    workers: int | None,
    batch_size: int,
    team_sees: str | None,
    as_json: bool,
) -> None:
    """Import mail: mbox files (Gmail Takeout too), Maildirs, Apple Mail's folders
    (~/Library/Mail/V10), Thunderbird's, message files and folders of them, and IMAP
    folders (imaps://user@host/Folder, read-only).

    Only headers are read. Person-to-person mail makes people and interactions; a reply
    between you and someone on a discussion list counts (weaker); newsletters, notifications
    and spam never do. Re-running reads only what is new; an interrupted import resumes.
    IMAP passwords come from KITHKIN_IMAP_PASSWORD, the system keyring or a prompt."""
    from kithkin.errors import NoSuchLocation
    from kithkin.services.mail import import_mail as run_import
    from kithkin.services.mail import require_locations

    try:
        require_locations(locations)  # before the database is opened (and made)
    except NoSuchLocation as exc:
        raise click.BadParameter(str(exc), param_hint="PATH") from None
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        done = run_import(
            ctx.db,
            locations=list(locations),
            workers=workers,
            batch_size=batch_size,
            progress=progress,
            prompt=sys.stdin.isatty(),
            actor=ctx.actor,
            team_sees=team_sees,
        )
    finally:
        if progress is not None:
            progress.close()
    if as_json:
        emit_json(done.as_json())
        return
    _print(done.summary, done.seconds)
    for warning in done.warnings:
        warn(warning)


class _Progress:
    """Messages read and their rate, on one line of standard error."""

    def __init__(self) -> None:
        self.count = 0
        self.started = time.perf_counter()
        self.shown = 0.0

    def __call__(self, n: int) -> None:
        self.count += n
        now = time.perf_counter()
        if now - self.shown >= 0.2:
            self.shown = now
            rate = self.count / max(now - self.started, 1e-6)
            click.echo(
                f"\rimporting mail: {self.count:,} messages, {rate:,.0f}/s", nl=False, err=True
            )

    def close(self) -> None:
        if self.count:
            self.shown = 0.0
            self(0)
            click.echo(err=True)


_SHOWN = 20  # files and notes shown one by one in the text summary


def _print(summary: MailSummary, seconds: float) -> None:
    rate = summary.read / seconds if seconds > 0 else 0.0
    click.echo(f"messages read   {summary.read:>8,}  ({rate:,.0f}/s)")
    click.echo(f"  new           {summary.new:>8,}")
    click.echo(f"  known already {summary.duplicates:>8,}")
    click.echo(f"  flags updated {summary.flags_updated:>8,}")
    for category in ("person", "list", "bulk", "spam"):
        if summary.by_category.get(category):
            click.echo(f"  {category:<13} {summary.by_category[category]:>8,}")
    click.echo(f"new people      {summary.new_people:>8,}")
    click.echo(f"interactions    {summary.interactions:>8,}")
    click.echo(f"new threads     {summary.new_threads:>8,}")
    if summary.files_skipped:
        click.echo(f"files unchanged {summary.files_skipped:>8,} (not read again)")
    for location in summary.unchanged_sources:
        click.echo(f"unchanged: {location}")
    if summary.undated:
        click.echo(f"{count_of(summary.undated, 'message')} without a date: stored, no interaction")
    if summary.not_mail:
        click.echo(f"skipped {count_of(summary.not_mail, 'file')} that are not mail")
        for problem in summary.not_mail_files[:_SHOWN]:
            click.echo(f"  {problem}")
        if summary.not_mail > _SHOWN:
            click.echo(f"  and {summary.not_mail - _SHOWN:,} more (--json lists them)")
    if summary.note_counts:
        click.echo(f"noticed {summary.note_counts.total():,} things while reading:")
        for kind, count in summary.note_counts.most_common():
            click.echo(f"  {count:>8,}  {kind}")
        for note in summary.notes[:_SHOWN]:
            click.echo(f"  {note}")
        if summary.note_counts.total() > _SHOWN:
            click.echo("  and more, each with its file and offset (--json lists them)")
    if summary.problems:
        click.echo(f"skipped {len(summary.problems)}:")
        for problem in summary.problems:
            click.echo(f"  {problem}")


@click.command("calendar")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE.ics...",
)
@click.option(
    "--zone",
    metavar="ZONE",
    help="Time zone of floating times and all-day events, e.g. Europe/Berlin "
    "(default: this computer's).",
)
@click.option(
    "--past-days",
    type=int,
    metavar="N",
    help="Read occurrences from N days back (default: the calendar_window setting, else 730).",
)
@click.option(
    "--future-days",
    type=int,
    metavar="N",
    help="Read occurrences up to N days ahead (default: the setting, else 365).",
)
@click.option(
    "--max-occurrences",
    type=int,
    metavar="N",
    help="Keep at most N occurrences of one recurring event; the rest is reported as "
    "clipped (default: the setting, else 2000).",
)
@click.option(
    "--remember",
    is_flag=True,
    help="Keep the window given as the calendar_window setting for later imports.",
)
@json_option
@pass_ctx
def import_calendar(
    ctx: Context,
    paths: tuple[Path, ...],
    zone: str | None,
    past_days: int | None,
    future_days: int | None,
    max_occurrences: int | None,
    remember: bool,
    as_json: bool,
) -> None:
    """Import calendars (.ics): meetings with other people become interactions once they
    have happened, and upcoming ones are kept for their briefs. Cancelled meetings and
    meetings you declined do not count. Re-running updates what changed. Only a window of
    occurrences is read; an event that repeats more often is kept in part and reported."""
    from kithkin.errors import UnknownTimeZone
    from kithkin.services.calendar import import_calendar as run_import

    try:
        summary = run_import(
            ctx.db,
            paths=list(paths),
            zone=zone,
            past_days=past_days,
            future_days=future_days,
            max_occurrences=max_occurrences,
            remember=remember,
            actor=ctx.actor,
        )
    except UnknownTimeZone as exc:
        raise click.BadParameter(str(exc), param_hint="--zone") from None
    if as_json:
        emit_json(summary.as_json())
        return
    data: dict[str, Any] = summary.as_json()
    for key in (
        "events",
        "meetings",
        "updated",
        "unchanged",
        "removed",
        "interactions",
        "upcoming",
        "cancelled",
        "declined",
        "alone",
        "new_people",
    ):
        click.echo(f"{key.replace('_', ' '):<14} {data[key]:>6}")
    if summary.teammates:  # team mode: the same meetings already came from a teammate
        click.echo(f"{'teammates':<14} {summary.teammates:>6}  (in a teammate's calendar: theirs)")
    window = data["window"]
    click.echo(
        f"window         {window['start'][:10]} to {window['end'][:10]}, "
        f"at most {window['max_occurrences']:,} occurrences of an event"
    )
    if summary.clipped:
        click.echo(f"clipped {len(summary.clipped)}:")
        for clipped in summary.clipped:
            click.echo(f"  {clipped}")
    if summary.problems:
        click.echo(f"skipped {len(summary.problems)}:")
        for problem in summary.problems:
            click.echo(f"  {problem}")


def register(import_group: click.Group) -> None:
    """Add the commands to `kithkin import`."""
    import_group.add_command(import_mail)
    import_group.add_command(import_calendar)
