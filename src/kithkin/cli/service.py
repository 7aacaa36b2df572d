"""`kithkin offer`, `need`, `gave`, `asked`, `ledger` and `service matches`: being of service
(practice P9) — what I can offer, what people need, help given and asked, and the matches."""

from __future__ import annotations

import click

from kithkin.cli.common import (
    Context,
    UserDate,
    emit_json,
    json_option,
    pass_ctx,
    private_mark,
    share_command,
    share_option,
    warn,
    when,
)
from kithkin.model import OFFER_KINDS, count_of


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def offer(click_ctx: click.Context, as_json: bool) -> None:
    """What you can offer: skills, knowledge, relationships, resources.

    Alone, `kithkin offer` lists them (as `kithkin offer list` does)."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(offer_list, as_json=as_json)


@offer.command("add")
@click.argument("text")
@click.option("--kind", type=click.Choice(OFFER_KINDS), required=True, help="What it is.")
@pass_ctx
def offer_add(ctx: Context, text: str, kind: str) -> None:
    """Note something you can offer, e.g. "20 years running ERP migrations" --kind skill."""
    from kithkin.services import service

    new = service.add_offer(ctx.db, actor=ctx.actor, text=text, kind=kind)
    click.echo(f"offer #{new.id} ({new.kind}): {new.text}")


@offer.command("list")
@json_option
@pass_ctx
def offer_list(ctx: Context, as_json: bool) -> None:
    """List your offers."""
    from kithkin.services import service

    found = service.list_offers(ctx.db, actor=ctx.actor)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo(
            'no offers yet: kithkin offer add "TEXT" --kind skill|knowledge|relationship|resource'
        )
    for o in found:
        click.echo(f"#{o.id:<4} {o.kind:<13} {o.text}")


@offer.command("remove")
@click.argument("offer_id", metavar="ID")
@pass_ctx
def offer_remove(ctx: Context, offer_id: str) -> None:
    """Remove an offer by its number."""
    from kithkin.services import service

    gone = service.remove_offer(ctx.db, actor=ctx.actor, offer_id=offer_id)
    click.echo(f"removed offer #{gone.id}: {gone.text}")


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def need(click_ctx: click.Context, as_json: bool) -> None:
    """What people need or are going through ("hiring a CISO", "looking for a job").

    Alone, `kithkin need` lists the open needs (as `kithkin need list` does)."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(need_list, person=None, suggested=False, as_json=as_json)


@need.command("add")
@click.argument("person")
@click.argument("text")
@click.option("--until", type=UserDate(), help="Until when it holds (a date).")
@share_option
@pass_ctx
def need_add(ctx: Context, person: str, text: str, until: object, shared: bool) -> None:
    """Note that PERSON needs TEXT (until a day, or open)."""
    from kithkin.services import service

    new = service.add_need(
        ctx.db,
        actor=ctx.actor,
        person=person,
        text=text,
        until=until,  # type: ignore[arg-type]
        shared=shared,
    )
    until_said = f" until {new.until.isoformat()}" if new.until else ""
    said = private_mark(new.shared, new.member_id)
    click.echo(f"need #{new.id}: {new.display_name} — {new.text}{until_said}{said}")


@need.command("list")
@click.argument("person", required=False)
@click.option("--suggested", is_flag=True, help="The needs proposed from notes, to review.")
@json_option
@pass_ctx
def need_list(ctx: Context, person: str | None, suggested: bool, as_json: bool) -> None:
    """List open needs (of PERSON), or with --suggested the ones proposed for review."""
    from kithkin.services import service

    found = service.list_needs(
        ctx.db, actor=ctx.actor, person=person, status="suggested" if suggested else "open"
    )
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("no suggestions to review" if suggested else "no open needs")
    for n in found:
        until = f" (until {n.until.isoformat()})" if n.until else ""
        source = f" [from {n.source}]" if n.source != "manual" else ""
        mark = private_mark(n.shared, n.member_id)
        click.echo(f"#{n.id:<4} {n.display_name:<24} {n.text}{until}{source}{mark}")


@need.command("remove")
@click.argument("need_id", metavar="ID")
@pass_ctx
def need_remove(ctx: Context, need_id: str) -> None:
    """Remove a need by its number (it was met, or never was one)."""
    from kithkin.services import service

    gone = service.remove_need(ctx.db, actor=ctx.actor, need_id=need_id)
    click.echo(f"removed need #{gone.id}: {gone.display_name} — {gone.text}")


@need.command("suggest")
@pass_ctx
def need_suggest(ctx: Context) -> None:
    """Read notes and story facts for needs; each one found is a suggestion to review."""
    from kithkin.services import service

    made = service.suggest_needs(ctx.db, actor=ctx.actor)
    for n in made:
        click.echo(f"suggested #{n.id:<4} {n.display_name:<24} {n.text}  [from {n.source}]")
    click.echo(
        f"{count_of(len(made), 'suggestion')}: kithkin need accept ID or kithkin need dismiss ID",
        err=True,
    )


@need.command("accept")
@click.argument("need_id", metavar="ID")
@pass_ctx
def need_accept(ctx: Context, need_id: str) -> None:
    """Accept a suggested need: it becomes an open need."""
    from kithkin.services import service

    done = service.review_need(ctx.db, actor=ctx.actor, need_id=need_id, accept=True)
    click.echo(f"need #{done.id} open: {done.display_name} — {done.text}")


@need.command("dismiss")
@click.argument("need_id", metavar="ID")
@pass_ctx
def need_dismiss(ctx: Context, need_id: str) -> None:
    """Dismiss a suggested need (it is not proposed again)."""
    from kithkin.services import service

    done = service.review_need(ctx.db, actor=ctx.actor, need_id=need_id, accept=False)
    click.echo(f"dismissed suggestion #{done.id}")


share_command(need, "need", "need")


def _logged(done: object) -> None:
    from kithkin.services.service import Logged

    assert isinstance(done, Logged)
    b = done.balance
    click.echo(
        f"{done.entry.direction} {b.display_name}: {done.entry.text} "
        f"(given {b.gave}, asked {b.asked})"
    )
    for warning in done.warnings:
        warn(warning)


@click.command("gave")
@click.argument("person")
@click.argument("text")
@share_option
@pass_ctx
def gave(ctx: Context, person: str, text: str, shared: bool) -> None:
    """Log help you gave PERSON ("introduced her to Lee")."""
    from kithkin.services import service

    _logged(service.gave(ctx.db, actor=ctx.actor, person=person, text=text, shared=shared))


@click.command("asked")
@click.argument("person")
@click.argument("text")
@share_option
@pass_ctx
def asked(ctx: Context, person: str, text: str, shared: bool) -> None:
    """Log help you asked of PERSON (with a nudge when you never helped them)."""
    from kithkin.services import service

    _logged(service.asked(ctx.db, actor=ctx.actor, person=person, text=text, shared=shared))


@click.command("ledger")
@click.argument("person", required=False)
@click.option(
    "--share", "share_id", type=int, metavar="ID", help="Share entry ID with the team (team mode)."
)
@click.option("--unshare", "unshare_id", type=int, metavar="ID", help="Make entry ID private.")
@json_option
@pass_ctx
def ledger(
    ctx: Context,
    person: str | None,
    share_id: int | None,
    unshare_id: int | None,
    as_json: bool,
) -> None:
    """The ledger of help given and asked: the balance per person and overall."""
    from kithkin.services import service, story

    for row_id, shared in ((share_id, True), (unshare_id, False)):
        if row_id is not None:
            done = story.share(ctx.db, actor=ctx.actor, kind="ledger", row_id=row_id, shared=shared)
            said = "shared with the team" if done.shared else "private: only you see it"
            click.echo(f"ledger entry #{done.id} {said}", err=True)
    found = service.ledger(ctx.db, actor=ctx.actor, person=person)
    if as_json:
        emit_json(found)
        return
    click.echo(f"given {found.gave}, asked {found.asked}")
    for b in found.balances:
        click.echo(f"  #{b.person_id:<5} {b.display_name:<28} given {b.gave:<3} asked {b.asked}")
    for e in found.entries[:20]:
        mark = private_mark(e.shared, e.member_id)
        click.echo(f"{when(e.at)}  {e.direction:<5} {e.display_name}: {e.text}{mark}")


@click.group("service")
def service_group() -> None:
    """Being of service: matches between what you offer and what people need."""


@service_group.command("matches")
@click.option(
    "--method",
    type=click.Choice(("auto", "embedding", "bm25")),
    default="auto",
    show_default=True,
    help="Meaning (the embedding model) or shared words (bm25).",
)
@json_option
@pass_ctx
def service_matches(ctx: Context, method: str, as_json: bool) -> None:
    """Your offers × people's needs, and needs × people you know who could help, with why."""
    from kithkin.services import service

    found = service.matches(ctx.db, actor=ctx.actor, method=method)
    if as_json:
        emit_json(found)
        return
    if found.note:
        warn(found.note)
    if not found.matches:
        click.echo("no matches: add offers (kithkin offer add) and needs (kithkin need add)")
    for m in found.matches:
        click.echo(f"{m.score:.2f}  {m.reason}")


COMMANDS = (offer, need, gave, asked, ledger, service_group)
