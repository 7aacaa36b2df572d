"""What every command shares: the database handle, `--json`, dates on the command line, output."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from kithkin.model import Actor
    from kithkin.store import Database

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """The state of one invocation: where the database is, opened on first use."""

    def __init__(self, db_url: str, *, brief: bool = False, user: str | None = None) -> None:
        self.db_url = db_url
        self.brief = brief  # a short command: one connection serves all its transactions
        self.user = user  # `--user` (team mode): the member acting
        self._db: Database | None = None
        self._actor: Actor | None = None

    @property
    def actor(self) -> Actor:
        """Who acts: the one user of a personal database, or in team mode the member named
        by `--user` (NotLoggedIn when none is named)."""
        if self._actor is None:
            from kithkin.services import team

            self._actor = team.actor_for(self.db, self.user)
        return self._actor

    @property
    def db(self) -> Database:
        if self._db is None:
            from kithkin.store import Database

            self._db = Database(self.db_url, keep_connection=self.brief)
            invocation = click.get_current_context(silent=True)
            if invocation is not None:  # a pool's connections (PostgreSQL's) closed at the end
                invocation.find_root().call_on_close(self._db.dispose)
        return self._db


pass_ctx = click.make_pass_decorator(Context)


def share_option(func: F) -> F:
    """`--share/--private` (team mode): whether the team sees what is added; private by
    default."""
    return click.option(
        "--share/--private",
        "shared",
        default=False,
        help="Team mode: share it with the team (default: private to you).",
    )(func)


def share_command(group: click.Group, kind: str, what: str) -> None:
    """`kithkin GROUP share ID [--private]`: share one of your rows with the team, or make it
    private again."""

    @group.command("share")
    @click.argument("row_id", metavar="ID", type=int)
    @click.option("--private", is_flag=True, help="Make it private again (only you see it).")
    @pass_ctx
    def share(ctx: Context, row_id: int, private: bool) -> None:
        from kithkin.services import story

        done = story.share(ctx.db, actor=ctx.actor, kind=kind, row_id=row_id, shared=not private)
        said = "shared with the team" if done.shared else "private: only you see it"
        click.echo(f"{kind} #{done.id} {said}")

    share.help = f"Share {what} ID with the team (team mode), or with --private make it yours only."


def private_mark(shared: bool, member_id: int | None) -> str:
    """ " (private)" after a row that is someone's private one (team mode), else nothing."""
    return "" if shared or member_id is None else " (private)"


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)


def emit_json(value: Any) -> None:
    from kithkin.model import to_jsonable

    click.echo(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


class BadDate(click.ClickException):
    """A date option the parser cannot read: one line naming the option, exit code 2 (a usage
    error, without the usage text around it)."""

    exit_code = 2


class UserDate(click.ParamType[Any]):
    """A day (or, with `moment`, a day and time) given on the command line: "2026-03-14",
    "yesterday", "last friday 3pm", "2 weeks ago"..., read by the one parser of the use cases
    (`kithkin.services.common`, imported on use); a bad one is a one-line error naming the
    option."""

    name = "date"

    def __init__(self, *, moment: bool = False) -> None:
        self.moment = moment

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from kithkin.errors import InvalidInput
        from kithkin.services.common import parse_date, parse_when

        what = param.opts[0] if param is not None and param.opts else "date"
        try:
            return parse_when(value, what) if self.moment else parse_date(value, what)
        except InvalidInput as exc:
            raise BadDate(str(exc)) from None


def when(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)
