"""`kithkin intro ...`: introductions — who can introduce you (paths), and double opt-in:
propose, send, consent, follow up, record the outcome, list the pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, warn

if TYPE_CHECKING:
    from kithkin.services.intros import IntroView, SendStep


@click.group()
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
    weaker leg (then by how the introductions the introducer made turned out), each leg with
    its tier and last evidence, the introducer's record, and a hint when your own leg needs
    warming up first. On a team database any teammate can be the bridge: a path through them
    is as strong as their own relationship with the target."""
    from kithkin.services import knows as service

    found = service.intro_paths(ctx.db, to=target, limit=limit, actor=ctx.actor)
    if as_json:
        emit_json(service.to_json(found))
        return
    if not found.paths:
        click.echo(f"no path to {found.target} yet: nobody you know has been seen with them")
        return
    click.echo(f"who can introduce you to {found.target}:")
    for n, p in enumerate(found.paths, 1):
        said = (f"{leg.name} (your team)" if leg.teammate else leg.name for leg in p.legs)
        legs = " → ".join(["you", *said])
        click.echo(f"{n:>2}. {p.tier:<8} {p.score:>3.0f}  {legs}")
        for leg in p.legs:
            click.echo(f"      {leg.name}: {leg.tier} {leg.score:.0f}, {leg.evidence}")
        if p.record:
            click.echo(f"      {p.legs[0].name}'s record: {p.record}")
        if p.hint:
            click.echo(f"      hint: {p.hint}")


@intro.command("propose")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--why", required=True, help="Why they should meet (in your words).")
@click.option("--send", is_flag=True, help="Queue both consent requests and send them.")
@json_option
@pass_ctx
def intro_propose(ctx: Context, a: str, b: str, why: str, send: bool, as_json: bool) -> None:
    """Draft a consent request to A and to B, separately, and show them (a dry run); with
    --send, queue both in the outbox and send them. The introduction itself goes only once
    both said yes."""
    from kithkin.services import intros

    found = intros.propose(ctx.db, a=a, b=b, why=why, send=send)
    if as_json:
        emit_json(found)
        return
    for draft in found.requests:
        click.echo(f"To: {draft.display_name} <{draft.address}>")
        click.echo(f"Subject: {draft.subject}")
        click.echo("")
        click.echo(draft.body)
        if draft.tone is not None:
            said = "reads as sales-y" if draft.salesy else "reads as a person"
            click.echo(f"[tone {draft.tone:.2f}: {said}]")
            for flag in draft.tone_flags:
                click.echo(f"[{flag}]")
        click.echo("-" * 60)
    if found.intro_id is None:
        click.echo("a dry run: nothing stored or sent; --send asks them both", err=True)
        return
    click.echo(f"intro #{found.intro_id}", err=True)
    _steps(found.sent)


@intro.command("send")
@click.argument("intro_id", metavar="ID", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Every intro's ready mail.")
@click.option("--retry", is_flag=True, help="Send again a mail a crash left half-sent.")
@json_option
@pass_ctx
def intro_send(ctx: Context, intro_id: int | None, every: bool, retry: bool, as_json: bool) -> None:
    """Send what is ready (of intro ID, or --all) and nothing else: queued requests, an
    introduction both consented to, a follow-up."""
    from kithkin.services import intros

    if (intro_id is None) == (not every):
        raise click.UsageError("give an intro ID or --all")
    steps = intros.send_ready(ctx.db, intro_id=intro_id, retry=retry)
    if as_json:
        emit_json(steps)
        return
    if not steps:
        click.echo("nothing ready to send")
    _steps(steps)


def _steps(steps: tuple[SendStep, ...] | list[SendStep]) -> None:
    for s in steps:
        click.echo(f"#{s.intro_id} {s.kind} to {s.to}: {s.status}: {s.outcome}")
        if s.status == "failed":
            warn(f"intro #{s.intro_id}: the {s.kind} to {s.to} failed; kithkin intro send again")


@intro.command("consent")
@click.argument("intro_id", metavar="ID", type=int)
@click.argument("person", metavar="PERSON")
@click.argument("answer", type=click.Choice(["yes", "no"]))
@json_option
@pass_ctx
def intro_consent(ctx: Context, intro_id: int, person: str, answer: str, as_json: bool) -> None:
    """Record PERSON's answer to intro ID by hand (yes or no; a no is final)."""
    from kithkin.services import intros

    found = intros.record_consent(ctx.db, intro_id=intro_id, person=person, answer=answer)
    if as_json:
        emit_json(found)
        return
    _show(found)


@intro.command("follow-up")
@click.argument("intro_id", metavar="ID", type=int)
@click.argument("person", metavar="PERSON")
@json_option
@pass_ctx
def intro_follow_up(ctx: Context, intro_id: int, person: str, as_json: bool) -> None:
    """Send PERSON the one polite follow-up on intro ID (never a second)."""
    from kithkin.services import intros

    steps = intros.follow_up(ctx.db, intro_id=intro_id, person=person)
    if as_json:
        emit_json(steps)
        return
    if not steps:
        click.echo("the follow-up went already: there is never a second")
    _steps(steps)


@intro.command("outcome")
@click.argument("intro_id", metavar="ID", type=int)
@click.argument("outcome", type=click.Choice(["met", "not-yet", "no"]))
@json_option
@pass_ctx
def intro_outcome(ctx: Context, intro_id: int, outcome: str, as_json: bool) -> None:
    """Record whether they connected after intro ID: met, not-yet or no."""
    from kithkin.services import intros

    found = intros.record_outcome(ctx.db, intro_id=intro_id, outcome=outcome)
    if as_json:
        emit_json(found)
        return
    _show(found)


@intro.command("list")
@click.option("--person", help="Only the intros of this person.")
@json_option
@pass_ctx
def intro_list(ctx: Context, person: str | None, as_json: bool) -> None:
    """The pipeline: proposed → asked → consented / declined → introduced → outcome."""
    from kithkin.services import intros

    found = intros.list_intros(ctx.db, person=person)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo('no introductions yet: kithkin intro propose A B --why "..."')
    for view in found:
        _show(view)


@intro.command("show")
@click.argument("intro_id", metavar="ID", type=int)
@json_option
@pass_ctx
def intro_show(ctx: Context, intro_id: int, as_json: bool) -> None:
    """One intro: each party's request and answer, and what happens next."""
    from kithkin.services import intros

    found = intros.get_intro(ctx.db, intro_id=intro_id)
    if as_json:
        emit_json(found)
        return
    _show(found, full=True)


@intro.command("received")
@click.argument("introducer", metavar="BY", required=False)
@click.argument("person", metavar="PERSON", required=False)
@click.option("--at", "at", help="When (default: now): a date, or 'last tuesday'.")
@click.option("--why", help="What it was about.")
@click.option("--outcome", type=click.Choice(["met", "not-yet", "no"]), help="How it turned out.")
@click.option("--id", "received_id", type=int, help="Set the --outcome of this one.")
@json_option
@pass_ctx
def intro_received(
    ctx: Context,
    introducer: str | None,
    person: str | None,
    at: str | None,
    why: str | None,
    outcome: str | None,
    received_id: int | None,
    as_json: bool,
) -> None:
    """Introductions others made for you: BY introduced you to PERSON (`--outcome` how it
    turned out, or later with `--id N --outcome met`). Alone, it lists them. They make BY's
    record as an introducer, which intro paths show."""
    from kithkin.services import intros

    if received_id is not None:
        if outcome is None or introducer is not None:
            raise click.UsageError("--id N takes --outcome and nothing else")
        found = [intros.received_outcome(ctx.db, received_id=received_id, outcome=outcome)]
    elif introducer is not None:
        if person is None:
            raise click.UsageError("say whom BY introduced you to: BY PERSON")
        found = [
            intros.record_received(
                ctx.db, by=introducer, to=person, at=at, why=why, outcome=outcome
            )
        ]
    else:
        found = intros.received(ctx.db)
    if as_json:
        emit_json(found if introducer is None and received_id is None else found[0])
        return
    if not found:
        click.echo("no introductions made for you yet: kithkin intro received BY PERSON")
    for r in found:
        how = (r.outcome or "outcome not known yet").replace("_", " ")
        day = r.introduced_at.astimezone().date().isoformat()
        click.echo(f"#{r.id} {day} {r.introducer} introduced you to {r.display_name}: {how}")


def _show(view: IntroView, *, full: bool = False) -> None:
    click.echo(f"#{view.id:<4} {view.a} ↔ {view.b}  [{view.stage}]  {view.waiting_for}")
    if not full:
        return
    click.echo(f"      why: {view.why}")
    for p in view.parties:
        answer = p.answer or "no answer yet"
        source = f" ({p.answer_source})" if p.answer_source else ""
        click.echo(f"      {p.name} <{p.address}>: request {p.request_status}; {answer}{source}")
        if p.answer_text:
            click.echo(f"        “{' '.join(p.answer_text.split())[:160]}”")


COMMANDS = [intro]
