"""The members of a team database: who they are and their role (team mode).

A database with no member is personal: one user, every right, no login."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from sqlalchemy import Connection, delete, func, insert, select, update

from kithkin import clock
from kithkin.errors import Conflict, InvalidInput, NotFound
from kithkin.model import ROLES, TeamMember
from kithkin.store.schema_team import member

USERNAME: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def username_of(value: str) -> str:
    """A login name as it is kept (lower case); InvalidInput when it is not one."""
    name = value.strip().lower()
    if not USERNAME.match(name):
        raise InvalidInput(
            f"user name {value.strip()[:70]!r}: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def role_of(value: str) -> str:
    role = value.strip().lower()
    if role not in ROLES:
        raise InvalidInput(f"role {value.strip()[:20]!r}: one of {', '.join(ROLES)}")
    return role


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(member)).scalar_one())


def add(
    conn: Connection,
    username: str,
    *,
    role: str,
    name: str | None = None,
    person_id: int | None = None,
) -> TeamMember:
    """A new member. The first one is the personal user becoming a team: the rows from
    before (notes, story facts, needs, ledger entries, activity) become their private ones."""
    login = username_of(username)
    if conn.execute(select(member.c.id).where(member.c.username == login)).first():
        raise Conflict(f"there is already a user {login!r}")
    first = count(conn) == 0
    key = conn.execute(
        insert(member).values(
            username=login,
            name=(name or "").strip() or None,
            role=role_of(role),
            person_id=person_id,
            created_at=clock.now(),
        )
    ).inserted_primary_key
    assert key is not None
    if first:
        from kithkin.store.privacy import adopt_personal_rows

        adopt_personal_rows(conn, int(key[0]))
    return get(conn, int(key[0]))


def get(conn: Connection, member_id: int) -> TeamMember:
    row = conn.execute(select(member).where(member.c.id == member_id)).mappings().first()
    if row is None:
        raise NotFound(f"no user #{member_id}")
    return from_row(row)


def by_username(conn: Connection, username: str) -> TeamMember:
    login = username.strip().lower()
    row = conn.execute(select(member).where(member.c.username == login)).mappings().first()
    if row is None:
        raise NotFound(f"no user {login[:70]!r}")
    return from_row(row)


def members(conn: Connection) -> Sequence[TeamMember]:
    rows = conn.execute(select(member).order_by(member.c.username)).mappings()
    return [from_row(row) for row in rows]


def set_role(conn: Connection, member_id: int, role: str) -> TeamMember:
    get(conn, member_id)
    conn.execute(update(member).where(member.c.id == member_id).values(role=role_of(role)))
    return get(conn, member_id)


def remove(conn: Connection, member_id: int) -> TeamMember:
    gone = get(conn, member_id)
    conn.execute(delete(member).where(member.c.id == member_id))
    return gone


def from_row(row: Any) -> TeamMember:
    """A member from a row (or mapping) with the `member` table's columns."""
    return TeamMember(
        id=row["id"],
        username=row["username"],
        name=row["name"],
        role=row["role"],
        person_id=row["person_id"],
        created_at=row["created_at"],
    )
