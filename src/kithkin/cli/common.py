"""What every command shares: the database handle, `--json`, output and person references."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.store import Database

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """The state of one invocation: where the database is, opened on first use."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            from kithkin.store import Database

            self._db = Database(self.db_url)
        return self._db


pass_ctx = click.make_pass_decorator(Context)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)


def emit_json(value: Any) -> None:
    from kithkin.model import to_jsonable

    click.echo(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def resolve(conn: Connection, ref: str) -> int:
    from kithkin.store import people

    return people.resolve(conn, ref)


def parse_date(value: str | None, what: str = "date") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date like 2026-03-14", param_hint=what
        ) from None


def parse_when(value: str | None) -> datetime:
    """An ISO date or date-time (local time when no zone is given); now when None."""
    from kithkin import clock

    if value is None:
        return clock.now()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date or time like 2026-03-14 or 2026-03-14T09:30",
            param_hint="--at",
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()  # the user's local zone
    return parsed.astimezone(UTC)


def when(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def is_tty() -> bool:
    return sys.stdout.isatty()
