"""`kithkin knows`: who knows whom among the people other than you (the "knows" graph)."""

from __future__ import annotations

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, when
from kithkin.model import count_of


@click.command("knows")
@click.argument("a", metavar="A", required=False)
@click.argument("b", metavar="[B]", required=False)
@click.option(
    "--tier",
    type=click.Choice(["strong", "moderate", "weak"]),
    default="moderate",
    show_default=True,
    help="With A and B: how well they know each other.",
)
@click.option("--forget", is_flag=True, help="With A and B: take back that they know each other.")
@click.option(
    "--rebuild", is_flag=True, help="Make the graph again from the stored mail and calendar."
)
@json_option
@pass_ctx
def knows_cmd(
    ctx: Context,
    a: str | None,
    b: str | None,
    tier: str,
    forget: bool,
    rebuild: bool,
    as_json: bool,
) -> None:
    """Who knows whom. `kithkin knows A B` says that A and B know each other; `kithkin knows A`
    lists the people A knows, strongest first, with the last evidence of each tie.

    Ties come by themselves from every mail and calendar import: one wrote and the other
    answered (in person mail or on a list), or both came to a meeting of at most 12 people.
    """
    from kithkin.services import knows as service

    if rebuild:
        done = service.rebuild(ctx.db)
        if as_json:
            emit_json(done)
        else:
            click.echo(
                f"made the graph again: {count_of(done.ties, 'tie')}, "
                f"{count_of(done.evidence, 'piece')} of evidence"
            )
        return
    if a is None:
        raise click.UsageError("give a person (to list their ties), or two (to tie them)")
    if b is not None:
        stated = service.state(ctx.db, a=a, b=b, tier=None if forget else tier)
        if as_json:
            emit_json(stated)
        elif stated.tier is None:
            click.echo(f"took back: #{stated.a} {stated.a_name} and #{stated.b} {stated.b_name}")
        else:
            click.echo(
                f"#{stated.a} {stated.a_name} and #{stated.b} {stated.b_name} know each other"
                f" ({stated.tier}, {stated.score:.0f}/100)"
            )
        return
    found = service.ties(ctx.db, person=a)
    if as_json:
        emit_json(found)
        return
    if not found.ties:
        click.echo(f"kithkin has seen nobody that {found.name} knows yet")
        return
    click.echo(f"{found.name} knows {count_of(len(found.ties), 'person', 'people')}:")
    for t in found.ties:
        who = f"#{t.person_id} {t.name}" if t.person_id is not None else t.name
        click.echo(f"  {t.tier:<8} {t.score:>3.0f}  {who:<36} {t.last}")
    latest = max((t.last_at for t in found.ties if t.last_at), default=None)
    if latest is not None:
        click.echo(f"latest evidence {when(latest)}", err=True)


COMMANDS = [knows_cmd]
