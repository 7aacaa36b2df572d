"""`kithkin today` (and its snooze and dismiss), `kithkin brief` and `kithkin briefs`: the
daily agenda, and the recall card before a meeting."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, warn, when
from kithkin.model import count_of

if TYPE_CHECKING:
    from kithkin.services.brief import Brief


@click.group(invoke_without_command=True)
@json_option
@pass_ctx
@click.pass_context
def today(click_ctx: click.Context, ctx: Context, as_json: bool) -> None:
    """Today's agenda: meetings with their briefs, who waits for your reply, circle members
    due, fading conversations — each with its reason and key (for snooze and dismiss)."""
    if click_ctx.invoked_subcommand is not None:
        return
    from kithkin.services import today as service

    agenda = service.agenda(ctx.db, actor=ctx.actor)
    if as_json:
        emit_json(service.to_json(agenda))
        return
    if not agenda.items:
        from kithkin.cli.welcome import welcome_if_empty

        if welcome_if_empty(ctx.db):
            return
    for warning in agenda.warnings:
        warn(warning)
    click.echo(f"Today, {agenda.now.astimezone():%A %d %B %Y}")
    for name, title in agenda.sections:
        items = agenda.section(name)
        if not items:
            continue
        click.echo(f"\n{title}")
        for item in items:
            who = "" if name == "meetings" or not item.people else f"{item.people[0][1]} — "
            if name == "intros":
                who = " ↔ ".join(n for _, n in item.people) + " — "
            click.echo(f"  [{item.key}] {who}{item.reason}")
            for digest in item.briefs:
                click.echo(
                    f"      {digest['display_name']}: {digest['strength']}; last: {digest['last']}"
                )
                for starter in digest["starters"]:
                    click.echo(f"        ask: {starter}")
                for loop in digest["loops"]:
                    click.echo(f"        open: {loop}")
            if item.advice and name == "fading":
                click.echo(f"      {item.advice}")
    if not agenda.items:
        click.echo("\nNothing needs you today.")
    if agenda.hidden:
        click.echo(f"\n{agenda.hidden} snoozed or dismissed (back when their reason changes)")
    click.echo(
        "\nact: kithkin brief PERSON · kithkin log KIND PERSON · "
        "kithkin today snooze KEY [--days N] · kithkin today dismiss KEY",
        err=True,
    )


@today.command("snooze")
@click.argument("key", metavar="ITEM")
@click.option("--days", default=7, show_default=True, help="Keep it away this many days.")
@pass_ctx
def today_snooze(ctx: Context, key: str, days: int) -> None:
    """Put ITEM (a key such as waiting:12) away for some days, or until its reason changes."""
    from kithkin.services import today as service

    item = service.snooze(ctx.db, key=key, days=days, actor=ctx.actor)
    click.echo(f"snoozed {item.key} for {count_of(days, 'day')} (sooner if its reason changes)")


@today.command("dismiss")
@click.argument("key", metavar="ITEM")
@pass_ctx
def today_dismiss(ctx: Context, key: str) -> None:
    """Dismiss ITEM (a key such as fading:7) until its reason changes."""
    from kithkin.services import today as service

    item = service.dismiss(ctx.db, key=key, actor=ctx.actor)
    click.echo(f"dismissed {item.key} (it comes back if its reason changes)")


@click.command("brief")
@click.argument("ref", metavar="PERSON")
@json_option
@pass_ctx
def brief_cmd(ctx: Context, ref: str, as_json: bool) -> None:
    """A one-screen brief on PERSON before you meet: story and its gaps, last interactions,
    open loops, conversation starters and a graceful exit line."""
    from kithkin.services import brief

    found = brief.brief(ctx.db, actor=ctx.actor, person=ref)
    if as_json:
        emit_json(found)
        return
    print_brief(found)


@click.command("briefs")
@click.option(
    "--tomorrow", is_flag=True, help="Every attendee of tomorrow's meetings (the default)."
)
@click.option("--today", "for_today", is_flag=True, help="Every attendee of today's meetings.")
@json_option
@pass_ctx
def briefs_cmd(ctx: Context, tomorrow: bool, for_today: bool, as_json: bool) -> None:
    """Briefs for everyone you meet tomorrow (or today): calendar meetings and planned ones."""
    from kithkin.services import brief

    day = "today" if for_today and not tomorrow else "tomorrow"
    meetings = brief.for_day(ctx.db, actor=ctx.actor, day=day)
    if as_json:
        emit_json([{"meeting": m, "briefs": found} for m, found in meetings])
        return
    if not meetings:
        click.echo(f"no meetings {day}")
    for m, found in meetings:
        click.echo(f"=== {when(m.at)}  {m.subject or m.kind}")
        for b in found:
            print_brief(b)
            click.echo("")


def print_brief(b: Brief) -> None:
    click.echo(f"{b.display_name}" + (f" — {b.headline}" if b.headline else ""))
    click.echo(f"  relationship: {b.strength}")
    if b.tags:
        click.echo(f"  tags: {', '.join(b.tags)}")
    click.echo(f"  story ({b.completeness:.0%} known)")
    for field, facts in b.story.items():
        for fact in facts:
            click.echo(f"    {field:<10} {fact}")
    for gap in b.gaps:
        click.echo(f"    ?          you don't know {gap}")
    if b.recent:
        click.echo("  last interactions")
        for r in b.recent:
            click.echo(f"    {when(r.at)}  {r.kind:<8} {r.about}")
    if b.threads:
        click.echo(f"  talked about: {'; '.join(b.threads)}")
    if b.loops:
        click.echo("  open loops")
        for loop in b.loops:
            click.echo(f"    [{loop.kind}] {loop.text}")
    click.echo("  conversation starters")
    for starter in b.starters:
        click.echo(f"    - {starter}")
    click.echo(f"  to close: {b.exit_line}")


COMMANDS = [today, brief_cmd, briefs_cmd]
