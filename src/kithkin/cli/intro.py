"""`kithkin intro ...`: introductions — who can introduce you to someone."""

from __future__ import annotations

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx


@click.group("intro")
def intro() -> None:
    """Introductions: who can introduce you, and double opt-in."""


@intro.command("path")
@click.argument("target", metavar="TARGET")
@click.option(
    "--limit",
    type=click.IntRange(1, 100),
    default=20,
    show_default=True,
    help="Paths shown at most.",
)
@json_option
@pass_ctx
def intro_path(ctx: Context, target: str, limit: int, as_json: bool) -> None:
    """Who can introduce you to TARGET: a person (name, address or #id), a mail address, a
    mail domain (acme.com) or an organisation (anyone at Acme).

    Paths of one hop (you know them) or two (someone you know knows them), ranked by their
    weaker leg, each leg with its tier and last evidence, and a hint when your own leg needs
    warming up first."""
    from kithkin.services import knows as service

    found = service.intro_paths(ctx.db, to=target, limit=limit)
    if as_json:
        emit_json(service.to_json(found))
        return
    if not found.paths:
        click.echo(f"no path to {found.target} yet: nobody you know has been seen with them")
        return
    click.echo(f"who can introduce you to {found.target}:")
    for n, p in enumerate(found.paths, 1):
        legs = " → ".join(["you", *(leg.name for leg in p.legs)])
        click.echo(f"{n:>2}. {p.tier:<8} {p.score:>3.0f}  {legs}")
        for leg in p.legs:
            click.echo(f"      {leg.name}: {leg.tier} {leg.score:.0f}, {leg.evidence}")
        if p.hint:
            click.echo(f"      hint: {p.hint}")


COMMANDS = [intro]
