"""Moving in: a personal database copied into a team database as one member's data.

`move_to` reads the personal database (never writing to it) and, in one transaction on the
target, brings the target's schema to this kithkin's (an empty target is made), adds the
member, copies every row (store/moving.py says how ids, the same people and the same rows,
and personal settings are handled), checks every source row against its counterpart, and
commits — or, on any refusal, a failed check or `dry_run`, rolls all of it back."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kithkin.errors import MoveRefused
from kithkin.model import Record, TeamMember, record

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.store.moving import Counts

Progress = Callable[[str, str, int, int], None]  # (stage, table, rows done, rows in all)


@record
class TableMoved(Record):
    table: str
    rows: int  # in the source
    copied: int  # added to the target as new rows
    merged: int  # the same as a row the target held (that row kept)
    skipped: int  # not moved, by a rule (a personal token, a derived cache, ...)
    differing: int  # after the copy: no counterpart, or a different one (always 0 when done)


@record
class MoveReport(Record):
    source: str
    target: str
    member: TeamMember
    new_member: bool
    into_empty: bool  # the target held no network: every id kept
    dry_run: bool
    tables: tuple[TableMoved, ...]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def copied(self) -> int:
        return sum(t.copied for t in self.tables)

    @property
    def merged(self) -> int:
        return sum(t.merged for t in self.tables)

    @property
    def skipped(self) -> int:
        return sum(t.skipped for t in self.tables)

    @property
    def differing(self) -> int:
        return sum(t.differing for t in self.tables)


def move_to(
    *,
    source: str,
    target: str,
    username: str | None = None,
    role: str | None = None,
    name: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> MoveReport:
    """Copy the personal database `source` (a URL) into `target` (a URL or a file) as the
    member `username` (default: the source's "me" name, slugged), verified row for row."""
    from sqlalchemy.engine import make_url

    from kithkin.config import to_url
    from kithkin.store import Database, moving, settings, team
    from kithkin.store.db import upgrade
    from kithkin.store.migrations import HEAD, REVISIONS

    started = time.perf_counter()
    target_url = to_url(target)
    shown = make_url(target_url).render_as_string(hide_password=True)
    if _same_database(source, target_url):
        raise MoveRefused(f"{shown} is the database being moved: name another one")
    made = _new_file(target_url)
    src = Database(source, migrate=False)
    dst = Database(target_url, migrate=False)
    kept = False
    try:
        revision = src.revision()
        if revision != HEAD:
            raise MoveRefused(
                f"{source}: its schema is {revision or 'none (not a kithkin database)'}, this"
                f" kithkin's is {HEAD}: open it once with this kithkin (e.g. `kithkin stats`)"
            )
        there = dst.revision()
        if there is not None and there not in REVISIONS:
            raise MoveRefused(f"{shown}: its schema {there!r} is newer than this kithkin's")
        with src.read() as sconn:
            if team.count(sconn):
                raise MoveRefused(
                    f"{source}: a team database already; move-to moves a personal one"
                )
            me = settings.get_me(sconn)
            me_person = me.person_id or _person_of(sconn, me.addresses)
            login = team.username_of(username or _slug(me.name, source))
            with dst.engine.connect() as raw:
                conn = raw.execution_options(kithkin_write=True)
                transaction = conn.begin()
                try:
                    if there != HEAD:
                        upgrade(conn)
                    member, new = _member(conn, login, role, name or me.name)
                    mover = moving.Mover(
                        sconn,
                        conn,
                        member_id=member.id,
                        same_person=_same_person,
                        progress=progress,
                        where=source,
                    )
                    into_empty = mover.empty
                    mover.copy()
                    if me_person is not None and member.person_id is None:
                        moving.link_member(conn, member.id, mover.ids["person"].of(me_person))
                        member = team.get(conn, member.id)
                    counts = mover.verify()
                    tables = _tables(counts)
                    wrong = [t for t in tables if t.differing]
                    if wrong:
                        raise MoveRefused(
                            f"{shown}: the copy does not match the source in "
                            + ", ".join(f"{t.table} ({t.differing} rows)" for t in wrong)
                            + "; nothing was written"
                        )
                    if dry_run:
                        transaction.rollback()
                    else:
                        transaction.commit()
                        kept = True
                except BaseException:
                    if transaction.is_active:
                        transaction.rollback()
                    raise
    finally:
        src.dispose()
        dst.dispose()
        if made is not None and not kept:  # a new file, left as it was: not there
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{made}{suffix}").unlink(missing_ok=True)
    return MoveReport(
        source=source,
        target=shown,
        member=member,
        new_member=new,
        into_empty=into_empty,
        dry_run=dry_run,
        tables=tables,
        seconds=time.perf_counter() - started,
    )


def _new_file(url: str) -> Path | None:
    """The SQLite file `url` names, when there is none yet (it is made by the move)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(str(parsed.database))
    return None if path.exists() else path


def _same_database(source: str, target: str) -> bool:
    from sqlalchemy.engine import make_url

    a, b = make_url(source), make_url(target)
    if a.get_backend_name() == b.get_backend_name() == "sqlite":
        return (
            bool(a.database and b.database)
            and Path(str(a.database)).resolve() == Path(str(b.database)).resolve()
        )
    return a == b


def _slug(name: str | None, source: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", ".", (name or "").strip().lower()).strip("._-")[:64]
    if not slug:
        raise MoveRefused(
            f"{source}: it does not say who you are (no name in its settings): say --as USER"
        )
    return slug


def _person_of(conn: Connection, addresses: Sequence[str]) -> int | None:
    """The person holding one of my addresses, if any."""
    from kithkin.store.sources import owners

    held = owners(conn, [("email", a) for a in addresses])
    live = [o.person_id for o in held.values() if o.live]
    return min(live) if live else None


def _member(
    conn: Connection, login: str, role: str | None, name: str | None
) -> tuple[TeamMember, bool]:
    """The member the rows move in as: the one of that name, else a new one (the first
    member of a database is its owner, the others editors, unless `role` says otherwise)."""
    from kithkin.errors import NotFound
    from kithkin.store import team

    try:
        found = team.by_username(conn, login)
    except NotFound:
        pass
    else:
        if role is not None and role != found.role:
            raise MoveRefused(
                f"there is already a user {login!r} ({found.role}): move in as them without"
                " --role, or as another user (--as)"
            )
        return found, False
    chosen = role or ("owner" if team.count(conn) == 0 else "editor")
    return team.add(conn, login, role=chosen, name=name), True


def _same_person(
    keys: Sequence[tuple[str, str]], owners: Mapping[tuple[str, str], tuple[int, bool]]
) -> int | None:
    """The importers' rule (ingest.identity.choose_owner): the live person who holds most of
    these contact points, the earliest on a tie."""
    from kithkin.ingest.identity import ContactKey, choose_owner

    contact = [ContactKey(kind=k, value=v, label=None, normalized=v) for k, v in keys]
    chosen, _, _ = choose_owner(contact, owners)
    return chosen


def _tables(counts: dict[str, Counts]) -> tuple[TableMoved, ...]:
    return tuple(
        TableMoved(
            table=name,
            rows=c.rows,
            copied=c.copied,
            merged=c.merged,
            skipped=c.skipped,
            differing=c.differing,
        )
        for name, c in sorted(counts.items())
    )
