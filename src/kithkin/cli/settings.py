"""`kithkin settings`: every setting at once (the web's Settings page shows the same), and the
phone region, the one setting no other command sets."""

from __future__ import annotations

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx


@click.group("settings", invoke_without_command=True)
@json_option
@click.pass_context
def settings_cmd(click_ctx: click.Context, as_json: bool) -> None:
    """Show every setting: who you are, the circle's cap and cadences, the phone region, the
    SMTP server (and where its password comes from), the calendar window."""
    if click_ctx.invoked_subcommand is not None:
        return
    from kithkin.services import settings as service

    ctx: Context = click_ctx.obj
    found = service.read(ctx.db, actor=ctx.actor)
    if as_json:
        emit_json(found)
        return
    me = found.me
    click.echo(f"me               {me.name or '(no name)'}: {', '.join(me.addresses) or '-'}")
    click.echo(
        f"circle cap       {found.cap} people, every {found.default_cadence} days by default"
    )
    for tag, days in found.tag_cadences.items():
        click.echo(f"  tag {tag:<12} every {days} days")
    click.echo(f"phone region     {found.region}")
    server = found.smtp.server
    if server is None:
        click.echo("smtp             none")
    else:
        login = f", as {server.username}" if server.username else ""
        password = (
            f"; password from the {found.smtp.password_from}" if found.smtp.password_from else ""
        )
        click.echo(
            f"smtp             {server.host}:{server.port} ({server.security}{login}), "
            f"from {server.from_address}{password}"
        )
    window = found.calendar
    click.echo(
        f"calendar window  {window.past_days} days back, {window.future_days} days ahead, "
        f"at most {window.max_occurrences} occurrences of an event"
    )


@settings_cmd.command("region")
@click.argument("code", metavar="CC")
@pass_ctx
def settings_region(ctx: Context, code: str) -> None:
    """Read phone numbers without a country code as numbers of CC (US, GB, DE...)."""
    from kithkin.services import settings as service

    click.echo(f"phone region: {service.set_region(ctx.db, region=code)}")


COMMANDS = [settings_cmd]
