"""`kithkin circle ...`, `kithkin strength` and `kithkin fading`: the people who matter most,
how strong each relationship is, and the conversations that are fading."""

from __future__ import annotations

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, warn, when
from kithkin.model import count_of


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def circle(click_ctx: click.Context, as_json: bool) -> None:
    """Your circle: the ~10 people you keep in touch with regularly, each on a cadence.

    Alone, `kithkin circle` lists it (as `kithkin circle list` does)."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(circle_list, as_json=as_json)


@circle.command("list")
@json_option
@pass_ctx
def circle_list(ctx: Context, as_json: bool) -> None:
    """List the circle: each member's cadence, last touch, and whether they are due."""
    from kithkin.services import circle as service

    found = service.circle(ctx.db, actor=ctx.actor)
    if as_json:
        emit_json(service.to_json(found))
        return
    if found.warning:
        warn(found.warning)
    if not found.members:
        click.echo("your circle is empty: kithkin circle add PERSON (or kithkin circle suggest)")
        return
    for s in found.members:
        mark = {"overdue": "!!", "due": "! ", "ok": "  "}[s.state]
        tier = f"{s.member.tier} {s.member.score:.0f}"
        click.echo(
            f"{mark} #{s.member.person_id:<5} {s.member.display_name:<28} {tier:<12} {s.reason}"
        )
    size, cadence = len(found.members), found.default_cadence
    click.echo(
        f"{size} of a cap of {found.cap}; default cadence {count_of(cadence, 'day')}", err=True
    )


@circle.command("add")
@click.argument("refs", metavar="PERSON...", nargs=-1, required=True)
@click.option("--cadence", type=int, metavar="DAYS", help="Their own cadence, in days.")
@pass_ctx
def circle_add(ctx: Context, refs: tuple[str, ...], cadence: int | None) -> None:
    """Put one or more PERSONs in the circle (they are tagged `circle` too)."""
    from kithkin.services import circle as service

    done = service.add_members(ctx.db, people=refs, cadence_days=cadence, actor=ctx.actor)
    for person_id, name, added in done.people:
        click.echo(f"{'added' if added else 'already in the circle:'} #{person_id} {name}")
    for warning in done.warnings:
        warn(warning)


@circle.command("remove")
@click.argument("refs", metavar="PERSON...", nargs=-1, required=True)
@pass_ctx
def circle_remove(ctx: Context, refs: tuple[str, ...]) -> None:
    """Take one or more PERSONs out of the circle (and off the `circle` tag)."""
    from kithkin.services import circle as service

    done = service.remove_members(ctx.db, people=refs, actor=ctx.actor)
    for person_id, _, removed in done.people:
        click.echo(f"{'removed' if removed else 'was not in the circle:'} #{person_id}")


@circle.command("cap")
@click.argument("n", type=int, required=False)
@json_option
@pass_ctx
def circle_cap(ctx: Context, n: int | None, as_json: bool) -> None:
    """Show the circle's cap, or set it to N people (default 10)."""
    from kithkin.services import circle as service

    found = service.cap(ctx.db, cap=n, actor=ctx.actor)
    if as_json:
        emit_json({"cap": found.cap, "members": found.size})
        return
    click.echo(f"cap {found.cap}; {found.size} in the circle")
    for warning in found.warnings:
        warn(warning)


@circle.command("cadence")
@click.argument("args", metavar="[PERSON] DAYS", nargs=-1, required=True)
@click.option("--tag", help="Set the cadence of every member with this tag instead.")
@click.option("--default", "as_default", is_flag=True, help="Set the default cadence instead.")
@pass_ctx
def circle_cadence(ctx: Context, args: tuple[str, ...], tag: str | None, as_default: bool) -> None:
    """How often to be in touch: `PERSON DAYS`, `--tag TAG DAYS` or `--default DAYS`.

    DAYS 0 removes a person's or a tag's own cadence."""
    from kithkin.services import circle as service

    expected = 1 if (tag or as_default) else 2
    if len(args) != expected or not args[-1].isdigit():
        raise click.UsageError("give PERSON DAYS, --tag TAG DAYS, or --default DAYS")
    days = int(args[-1])
    if as_default:
        service.set_default_cadence(ctx.db, days=days)
        said = f"default cadence: every {count_of(days, 'day')}"
    elif tag:
        service.set_tag_cadence(ctx.db, tag=tag, days=days or None)
        said = f"members tagged {tag}: " + (
            f"every {count_of(days, 'day')}" if days else "no own cadence"
        )
    else:
        found = service.set_cadence(ctx.db, person=args[0], days=days or None, actor=ctx.actor)
        said = f"#{found.person_id}: " + (
            f"every {count_of(days, 'day')}" if days else "their tags' or default"
        )
    click.echo(said)


@circle.command("suggest")
@click.option(
    "--limit", type=int, default=None, help="At most this many to add (default: the free places)."
)
@json_option
@pass_ctx
def circle_suggest(ctx: Context, limit: int | None, as_json: bool) -> None:
    """Your strongest two-way relationships, as many as the circle has free places (each with
    its strength and why), and members who silently dropped out."""
    from kithkin.services import circle as service

    found = service.suggestions(ctx.db, limit=limit, actor=ctx.actor)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("nothing to suggest: the circle is full, or nobody has written back yet")
    for s in found:
        verb = "add   " if s.action == "add" else "remove"
        click.echo(f"{verb} #{s.person_id:<5} {s.display_name:<28} {s.reason}")


@click.command("strength")
@click.argument("ref", metavar="PERSON")
@json_option
@pass_ctx
def strength_cmd(ctx: Context, ref: str, as_json: bool) -> None:
    """How strong your relationship with PERSON is (0-100), and the inputs behind the number."""
    from kithkin.services import relationships

    found = relationships.strength(ctx.db, person=ref, actor=ctx.actor)
    data = found.report
    if as_json:
        emit_json(data)
        return
    lines = data["explanation"]
    click.echo(lines[0])
    for line in lines[1:]:
        click.echo(f"  {line}")
    click.echo(f"  last touch (mine): {when(found.last_touch_at) or 'never'}")
    if found.waiting_since:
        click.echo(f"  waiting for your answer since {when(found.waiting_since)}")


@click.command("fading")
@json_option
@pass_ctx
def fading_cmd(ctx: Context, as_json: bool) -> None:
    """Conversations that are fading, and why; wrap them up or pause instead of chasing."""
    from kithkin.services import today

    items = today.fading(ctx.db, actor=ctx.actor)
    if as_json:
        emit_json([today.item_json(i) for i in items])
        return
    if not items:
        click.echo("no conversation is fading")
    for i in items:
        click.echo(f"[{i.key}] {i.people[0][1]}: {i.reason}")
        click.echo(f"    {i.advice}")


COMMANDS = [circle, strength_cmd, fading_cmd]
