"""`kithkin gathering ...`: recurring gatherings, the days I was there, whom I met there, and
the calendar to subscribe to."""

from __future__ import annotations

from datetime import date

import click

from kithkin.cli.common import Context, UserDate, emit_json, json_option, pass_ctx, warn, when
from kithkin.model import count_of


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def gathering(click_ctx: click.Context, as_json: bool) -> None:
    """Recurring gatherings you keep showing up to: monthly lunches, standing online chats.

    Alone, `kithkin gathering` lists them (as `kithkin gathering list` does)."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(gathering_list, as_json=as_json)


@gathering.command("list")
@json_option
@pass_ctx
def gathering_list(ctx: Context, as_json: bool) -> None:
    """List the gatherings: when each happens next, and the habit score of going."""
    from kithkin.services import gatherings as service

    found = service.gatherings(ctx.db)
    if as_json:
        emit_json(service.to_json(found))
        return
    if not found.gatherings:
        click.echo(
            "no gatherings yet: kithkin gathering add NAME --rrule FREQ=WEEKLY;BYDAY=TH "
            "--at 18:30 --tz Europe/Paris"
        )
        return
    for s in found.gatherings:
        g, h = s.gathering, s.habit
        click.echo(f"#{g.id:<4} {g.name}")
        click.echo(f"      {s.schedule}; next {when(s.next_at) or '-'}")
        where = ", ".join(
            x for x in (g.platform, g.link, f"#{g.hashtag}" if g.hashtag else None, g.channel) if x
        )
        if where or g.group_name:
            group = f" (group: {g.group_name})" if g.group_name else ""
            click.echo(f"      {where or '-'}{group}")
        click.echo(
            f"      habit {h.score * 100:.0f}%: {h.attended} attended, {h.missed} missed, "
            f"{h.forgiven} forgiven; {count_of(h.run, 'occurrence')} kept in a row"
        )
        if s.met:
            click.echo("      met there: " + ", ".join(f"#{i} {n}" for i, n, _ in s.met))


@gathering.command("add")
@click.argument("name", required=False)
@click.option("--rrule", metavar="RULE", help="RFC 5545 rule, e.g. FREQ=MONTHLY;BYDAY=1TU.")
@click.option("--at", "at", metavar="HH:MM", help="Local start time, e.g. 18:30.")
@click.option("--tz", metavar="ZONE", help="IANA time zone, e.g. Europe/Paris (default: yours).")
@click.option("--minutes", type=int, help="How long it lasts (default 60).")
@click.option("--from", "first_day", type=UserDate(), help="First day (default today).")
@click.option("--platform", help="Zoom, Discord, a café...")
@click.option("--link", metavar="URL", help="Where to join it.")
@click.option("--hashtag", metavar="TAG", help="Its hashtag.")
@click.option("--channel", help="Its channel.")
@click.option("--group", help="The offline group it belongs to.")
@click.option("--skip-budget", type=int, help="Misses forgiven in any 8 in a row (default 1).")
@click.option("--from-calendar", "uid", metavar="UID", help="Pick a recurring event of a calendar.")
@click.option(
    "--file", "path", metavar="FILE.ics", help="The calendar file (default: imported calendars)."
)
@pass_ctx
def gathering_add(
    ctx: Context,
    name: str | None,
    rrule: str | None,
    at: str | None,
    tz: str | None,
    minutes: int | None,
    first_day: date | None,
    platform: str | None,
    link: str | None,
    hashtag: str | None,
    channel: str | None,
    group: str | None,
    skip_budget: int | None,
    uid: str | None,
    path: str | None,
) -> None:
    """Add a gathering NAME: `--rrule RULE --at TIME [--tz ZONE]`, or `--from-calendar UID
    [--file FILE.ics]` (see `kithkin gathering calendar [FILE.ics]`)."""
    from kithkin.services import gatherings as service

    extra = {
        "platform": platform,
        "link": link,
        "hashtag": hashtag,
        "channel": channel,
        "group": group,
    }
    if uid:
        done = service.add_from_calendar(
            ctx.db, uid=uid, path=path, name=name, skip_budget=skip_budget, **extra
        )
    else:
        if not (name and rrule and at):
            raise click.UsageError("give NAME --rrule RULE --at TIME, or --from-calendar UID")
        done = service.add_gathering(
            ctx.db,
            name=name,
            rrule=rrule,
            at=at,
            tz=tz,
            minutes=minutes,
            first_day=first_day,
            skip_budget=skip_budget,
            **extra,
        )
    found = service.gathering(ctx.db, gathering=done.id)
    click.echo(f"added #{done.id} {done.name}: {found.schedule}; next {when(found.next_at) or '-'}")


@gathering.command("remove")
@click.argument("ref", metavar="GATHERING")
@pass_ctx
def gathering_remove(ctx: Context, ref: str) -> None:
    """Remove a GATHERING (its name or #id), with its attendance."""
    from kithkin.services import gatherings as service

    done = service.remove_gathering(ctx.db, gathering=ref)
    click.echo(f"removed #{done.id} {done.name}")


@gathering.command("attended")
@click.argument("ref", metavar="GATHERING")
@click.option("--date", "day", type=UserDate(), help="The day (default: its last occurrence).")
@click.option("--undo", is_flag=True, help="Take it back.")
@pass_ctx
def gathering_attended(ctx: Context, ref: str, day: date | None, undo: bool) -> None:
    """Say you were at GATHERING (on its last occurrence, or --date)."""
    from kithkin.services import gatherings as service

    done = service.attended(ctx.db, gathering=ref, day=day, undo=undo)
    for warning in done.warnings:
        warn(warning)
    if undo:
        said = "taken back" if done.new else "was not said"
    else:
        said = "attended" if done.new else "already said"
    click.echo(f"{done.gathering.name} on {done.day.isoformat()}: {said}")


@gathering.command("met")
@click.argument("ref", metavar="GATHERING")
@click.argument("people", metavar="PERSON...", nargs=-1, required=True)
@click.option("--date", "day", type=UserDate(), help="The day (default: its last occurrence).")
@pass_ctx
def gathering_met(ctx: Context, ref: str, people: tuple[str, ...], day: date | None) -> None:
    """Say you met PERSONs at GATHERING: their pages then say where you met."""
    from kithkin.services import gatherings as service

    for person in people:
        done = service.met_at(ctx.db, gathering=ref, person=person, day=day)
        said = "met" if done.new else "already met"
        click.echo(
            f"{said} #{done.person_id} {done.display_name} at {done.gathering.name} "
            f"({done.day.isoformat()})"
        )


@gathering.command("calendar")
@click.argument("path", metavar="[FILE.ics]", required=False)
@json_option
@pass_ctx
def gathering_calendar(ctx: Context, path: str | None, as_json: bool) -> None:
    """List the recurring events a gathering can be picked from: of imported calendars, or
    of FILE.ics (your own recurring events, which an import does not keep)."""
    from kithkin.services import gatherings as service

    if path is not None:
        rules = service.file_series(path)
        if as_json:
            emit_json([vars(r) for r in rules])
            return
        if not rules:
            click.echo(f"{path}: no recurring events with a time of day")
        for r in rules:
            zone = r.tz or "floating"
            click.echo(
                f"{r.uid}\n    {r.summary or '(no title)'}: {r.rrule} from {r.start} ({zone})"
            )
        return
    found = service.calendar_series(ctx.db)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("no recurring events in imported calendars (kithkin import calendar FILE)")
    for s in found:
        click.echo(f"{s.uid}\n    {s.summary or '(no title)'}: {count_of(s.occurrences, 'time')}")


@gathering.command("export")
@click.option("--ics", "path", required=True, metavar="FILE", help="The .ics file to write.")
@pass_ctx
def gathering_export(ctx: Context, path: str) -> None:
    """Write the gatherings and the circle's due dates as an .ics calendar FILE."""
    from kithkin.services import gathering_feed

    done = gathering_feed.export_ics(ctx.db, path=path)
    click.echo(
        f"wrote {done.path}: {count_of(done.gatherings, 'gathering')}, "
        f"{count_of(done.reminders, 'due reminder')}"
    )


@gathering.command("feed")
@click.option("--new", is_flag=True, help="Make a new secret address (the old one stops working).")
@click.option("--base", default="http://127.0.0.1:8765", show_default=True, help="Server address.")
@pass_ctx
def gathering_feed_cmd(ctx: Context, new: bool, base: str) -> None:
    """Print the secret address of the calendar `kithkin serve` serves, to subscribe to."""
    from kithkin.services import gathering_feed

    token = gathering_feed.feed_token(ctx.db, new=new)
    click.echo(f"{base.rstrip('/')}/feed/{token}.ics")


COMMANDS = [gathering]
