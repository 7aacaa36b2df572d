"""`kithkin user ...`: the users of a team database, their passwords, roles and API tokens.

A password is never given on the command line (it would stay in the shell's history and
show in the process list): it is asked for, hidden, twice, or read from the environment
variable named by `--password-env`."""

from __future__ import annotations

import os

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, when


def _password_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--password-env",
        metavar="VAR",
        help="Read the password from the environment variable VAR (else: asked, hidden).",
    )(func)


def _password(variable: str | None, prompt: str = "Password") -> str:
    if variable is None:
        return str(click.prompt(prompt, hide_input=True, confirmation_prompt=True))
    value = os.environ.get(variable)
    if value is None:
        raise click.UsageError(f"--password-env {variable}: that environment variable is not set")
    return value


@click.group("user")
def user() -> None:
    """The users of a team database: each logs in to the web UI with a password and acts
    with a role (owner, editor, viewer). The first user turns a personal database into a
    team database; on one, commands name the acting user with --user."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["owner", "editor", "viewer"]),
    help="What they may do (default: owner for the first user, else editor).",
)
@click.option("--name", "full_name", metavar="TEXT", help='Their full name ("Ada Lovelace").')
@click.option("--person", metavar="REF", help="Who they are among the people (#id, name, email).")
@_password_option
@pass_ctx
def user_add(
    ctx: Context,
    name: str,
    role: str | None,
    full_name: str | None,
    person: str | None,
    password_env: str | None,
) -> None:
    """Add the user NAME (a login name) with a first password."""
    from kithkin.services import accounts, team

    first = not team.is_team(ctx.db)
    actor = ctx.actor
    accounts.check_new_user(ctx.db, actor=actor, username=name)  # before asking a password
    password = _password(password_env)
    added = accounts.add_user(
        ctx.db,
        actor=actor,
        username=name,
        password=password,
        role=role or ("owner" if first else "editor"),
        name=full_name,
        person=person,
    )
    member = added.member
    click.echo(f"added {member.username} ({member.role})")
    if added.team_began:
        click.echo(
            "team mode is on: the web UI asks everyone to log in (loopback too), and commands "
            f"on this database say who acts: --user {member.username} (or KITHKIN_USER)"
        )


@user.command("list")
@json_option
@pass_ctx
def user_list(ctx: Context, as_json: bool) -> None:
    """List the users and their roles."""
    from kithkin.services import accounts

    found = accounts.users(ctx.db, actor=ctx.actor)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("no users: this is a personal database (kithkin user add NAME makes a team)")
    for member in found:
        click.echo(f"{member.username:<20} {member.role:<7} {member.name or ''}".rstrip())


@user.command("remove")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_ctx
def user_remove(ctx: Context, name: str, yes: bool) -> None:
    """Remove the user NAME, their sessions and API tokens (not the last owner)."""
    from kithkin.services import accounts

    actor = ctx.actor
    if not yes:
        click.confirm(f"remove the user {name.strip().lower()!r}?", abort=True)
    gone = accounts.remove_user(ctx.db, actor=actor, username=name)
    click.echo(f"removed {gone.username}")


@user.command("passwd")
@click.argument("name")
@_password_option
@pass_ctx
def user_passwd(ctx: Context, name: str, password_env: str | None) -> None:
    """Set a new password for NAME; ends every session of theirs."""
    from kithkin.services import accounts

    actor = ctx.actor
    accounts.user(ctx.db, actor=actor, username=name)  # says who may, before asking
    ended = accounts.set_password(
        ctx.db, actor=actor, username=name, password=_password(password_env, "New password")
    )
    click.echo(f"password changed for {name.strip().lower()}; {ended} session(s) ended")


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(["owner", "editor", "viewer"]))
@pass_ctx
def user_role(ctx: Context, name: str, role: str) -> None:
    """Give NAME the ROLE owner, editor or viewer (the last owner stays one)."""
    from kithkin.services import accounts

    changed = accounts.set_role(ctx.db, actor=ctx.actor, username=name, role=role)
    click.echo(f"{changed.username} is now {changed.role}")


@user.group("token")
def token() -> None:
    """API tokens: `Authorization: Bearer TOKEN` acts as their user, with their role."""


@token.command("add")
@click.argument("name")
@click.option("--label", metavar="TEXT", help="What the token is for (a script, a machine).")
@json_option
@pass_ctx
def token_add(ctx: Context, name: str, label: str | None, as_json: bool) -> None:
    """Make an API token for NAME; it is shown this once (kept only as its SHA-256)."""
    from kithkin.services import accounts

    made = accounts.add_token(ctx.db, actor=ctx.actor, username=name, label=label)
    if as_json:
        emit_json(made)
        return
    click.echo(made.token)
    click.echo(
        f"token #{made.info.id} for {made.info.username}: shown this once; keep it safe", err=True
    )


@token.command("list")
@click.argument("name", required=False)
@json_option
@pass_ctx
def token_list(ctx: Context, name: str | None, as_json: bool) -> None:
    """List API tokens (never the tokens): NAME's, or everyone's for an owner."""
    from kithkin.services import accounts

    found = accounts.tokens(ctx.db, actor=ctx.actor, username=name)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("no API tokens")
    for each in found:
        used = when(each.last_used_at) or "never used"
        click.echo(
            f"#{each.id:<5} {each.username:<16} {each.label or '-':<24} "
            f"made {when(each.created_at)}, last used {used}"
        )


@token.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
@pass_ctx
def token_revoke(ctx: Context, token_id: int) -> None:
    """Revoke the API token #ID: it works no more."""
    from kithkin.services import accounts

    gone = accounts.revoke_token(ctx.db, actor=ctx.actor, token_id=token_id)
    click.echo(f"revoked token #{gone.id} of {gone.username}")


COMMANDS = [user]
