"""`kithkin inbox ...`: inbox hygiene — every subscription ranked by what it costs you, the
person mail it buries, and leaving it safely (a dry run first; `--apply` acts through the
outbox)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, warn, when

if TYPE_CHECKING:
    from kithkin.services.inbox import Subscription
    from kithkin.services.unsubscribe import Step


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def inbox(click_ctx: click.Context, as_json: bool) -> None:
    """Inbox hygiene: subscriptions ranked by cost, buried mail, safe unsubscribing.

    Alone, `kithkin inbox` lists the subscriptions worth leaving (as `kithkin inbox
    subscriptions` does)."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(inbox_subscriptions, show_all=False, limit=30, as_json=as_json)


def subscription_json(s: Subscription) -> dict[str, Any]:
    from kithkin.model import to_jsonable
    from kithkin.services.inbox import short_id

    return {"id": short_id(s.key), **to_jsonable(s)}


@inbox.command("subscriptions")
@click.option("--all", "show_all", is_flag=True, help="Also those that look like spam or kept.")
@click.option("--limit", default=30, show_default=True, help="Show at most this many.")
@json_option
@pass_ctx
def inbox_subscriptions(ctx: Context, show_all: bool, limit: int, as_json: bool) -> None:
    """Every subscription in the imported mail, the costliest first: messages a month, last
    received, your engagement, how it can be left, DKIM, and the cost explained."""
    from kithkin.services import inbox
    from kithkin.services.inbox import short_id

    found = inbox.subscriptions(ctx.db, actor=ctx.actor)
    subs = found.subscriptions
    if as_json:
        emit_json([subscription_json(s) for s in subs])
        return
    shown = list(subs) if show_all else found.proposals
    if not subs:
        click.echo("no subscriptions: import some mail first (kithkin import mail PATH)")
        return
    for s in shown[:limit]:
        read = "" if s.read_rate is None else f", {s.read_rate:.0%} read"
        dkim = "" if s.dkim_share is None else f", DKIM {s.dkim_share:.0%}"
        last = when(s.last_at) or "-"
        click.echo(
            f"{short_id(s.key)}  {s.cost:>3}  {s.label[:40]:<40} {s.per_month:>6.1f}/month  "
            f"last {last}  {s.replies_sent} replies{read}  leave: {s.how}{dkim}"
        )
        click.echo(f"         {s.explanation}")
        note = s.offer_note if not s.offerable else f"{s.offer_note}: kithkin inbox unsubscribe "
        click.echo(f"         {note}{short_id(s.key) if s.offerable else ''}")
    hidden = len(subs) - len(shown)
    spam = sum(1 for s in subs if s.looks_like_spam)
    click.echo(
        f"{len(subs)} subscriptions; {found.offerable} can be left; "
        f"{spam} look like spam (report them instead)"
        + (f"; {hidden} hidden (--all)" if hidden and not show_all else ""),
        err=True,
    )


@inbox.command("buried")
@click.option("--limit", default=30, show_default=True, help="Show at most this many.")
@json_option
@pass_ctx
def inbox_buried(ctx: Context, limit: int, as_json: bool) -> None:
    """Mail from real people (your circle and colleagues first) that you never answered and
    that arrived among heavy list traffic."""
    from kithkin.services import inbox

    found = inbox.buried(ctx.db, limit=limit, actor=ctx.actor)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("nothing buried: no unanswered person mail on days of heavy list traffic")
    for b in found:
        click.echo(f"{when(b.at)}  [{b.tier_label}] {b.name}: {b.subject or '(no subject)'}")
        click.echo(f"         {b.reason}")


def _print_steps(steps: list[Step], applied: bool) -> None:
    for step in steps:
        click.echo(f"{step.id}  {step.label}")
        for note in step.notes:
            click.echo(f"         passed over: {note}")
        if applied:
            click.echo(f"         {step.status}: {step.outcome or step.plan}")
        else:
            verb = "would" if step.allowed else ""
            click.echo(f"         {verb + ' ' if verb else ''}{step.plan}")


@inbox.command("unsubscribe")
@click.argument("refs", metavar="ID...", nargs=-1, required=True)
@click.option("--apply", "do_apply", is_flag=True, help="Do it (without: a dry run).")
@click.option("--retry", is_flag=True, help="Try again an attempt a crash left unfinished.")
@json_option
@pass_ctx
def inbox_unsubscribe(
    ctx: Context, refs: tuple[str, ...], do_apply: bool, retry: bool, as_json: bool
) -> None:
    """Leave subscriptions (ids from `kithkin inbox subscriptions`): a dry run that says
    exactly what would be done; with --apply, one-click (RFC 8058, DKIM-verified), a mailto
    by your SMTP server, or the web link for you to open. Never for spam."""
    from kithkin.services import unsubscribe

    if do_apply:
        steps = unsubscribe.apply(ctx.db, subscriptions=refs, retry=retry, actor=ctx.actor)
    else:
        steps = unsubscribe.plan(ctx.db, subscriptions=refs, actor=ctx.actor)
    if as_json:
        emit_json({"applied": do_apply, "steps": steps})
        return
    _print_steps(steps, do_apply)
    if not do_apply and any(s.allowed for s in steps):
        click.echo("dry run: nothing was sent; add --apply to do it", err=True)


def _rule(ctx: Context, refs: tuple[str, ...], rule: str | None) -> None:
    from kithkin.services import inbox
    from kithkin.services.inbox import short_id

    done = inbox.set_rule(ctx.db, subscriptions=refs, rule=rule, actor=ctx.actor)
    said = {"keep": "kept (never proposed again)", "digest": "read as a digest"}
    for s in done.subscriptions:
        click.echo(f"{short_id(s.key)}  {s.label}: {said.get(rule or '', 'no rule')}")


@inbox.command("keep")
@click.argument("refs", metavar="ID...", nargs=-1, required=True)
@click.option("--clear", is_flag=True, help="Remove the rule instead.")
@pass_ctx
def inbox_keep(ctx: Context, refs: tuple[str, ...], clear: bool) -> None:
    """Keep subscriptions: they are never proposed for unsubscribing again."""
    _rule(ctx, refs, None if clear else "keep")


@inbox.command("digest")
@click.argument("refs", metavar="ID...", nargs=-1, required=True)
@click.option("--clear", is_flag=True, help="Remove the rule instead.")
@pass_ctx
def inbox_digest(ctx: Context, refs: tuple[str, ...], clear: bool) -> None:
    """Mark subscriptions as read in a digest: kept, and not counted against you."""
    _rule(ctx, refs, None if clear else "digest")


@inbox.command("outbox")
@json_option
@pass_ctx
def inbox_outbox(ctx: Context, as_json: bool) -> None:
    """Every unsubscribe recorded, with its status and outcome."""
    from kithkin.services import inbox

    entries = inbox.outbox(ctx.db, actor=ctx.actor)
    if as_json:
        emit_json(entries)
        return
    if not entries:
        click.echo("the outbox is empty")
    for e in entries:
        click.echo(
            f"#{e.id:<4} {when(e.created_at)}  {e.status:<8} {e.method:<9} {e.subscription_key}"
        )
        if e.outcome:
            click.echo(f"       {e.outcome}")


@click.command("smtp")
@click.option("--host", help="The SMTP server every outbound mail goes through.")
@click.option("--port", type=int, default=587, show_default=True, help="The server's port.")
@click.option(
    "--security", type=click.Choice(["starttls", "ssl", "none"]), default="starttls",
    show_default=True, help="STARTTLS, TLS from the start, or none (loopback only for a login).",
)  # fmt: skip
@click.option("--user", "username", help="Log in as this user (password: KITHKIN_SMTP_PASSWORD "
              "or the system keyring, service kithkin-smtp).")  # fmt: skip
@click.option("--from", "from_address", help="The address mail is sent from.")
@json_option
@pass_ctx
def smtp_cmd(
    ctx: Context,
    host: str | None,
    port: int,
    security: str,
    username: str | None,
    from_address: str | None,
    as_json: bool,
) -> None:
    """Show or set the SMTP server every outbound mail goes through: consent requests,
    introductions, mailto unsubscribes (never the password)."""
    from kithkin.services import unsubscribe

    if host is None:
        found = unsubscribe.smtp_settings(ctx.db)
    else:
        found = unsubscribe.set_smtp(
            ctx.db,
            host=host,
            port=port,
            security=security,
            username=username,
            from_address=from_address,
        )
    if as_json:
        emit_json(found)
        return
    if found is None:
        warn("no SMTP server set: kithkin smtp --host HOST [--port 587] --from ADDRESS")
        return
    login = f", as {found.username}" if found.username else ""
    click.echo(f"{found.host}:{found.port} ({found.security}{login}), from {found.from_address}")


# one command for every outbound mail: `kithkin smtp`, and `kithkin inbox smtp` as before
inbox.add_command(smtp_cmd)


COMMANDS = [inbox, smtp_cmd]
