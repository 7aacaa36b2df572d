"""Team accounts in the database: password hashes, web sessions, API tokens and failed logins.

Nothing here sees a password, a session id or a token as such: the use cases
(`services.accounts`) hash them first; this module keeps and finds the hashes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update

from kithkin import clock
from kithkin.errors import NotFound
from kithkin.model import ApiToken, TeamMember, WebSession
from kithkin.store.schema_accounts import api_token, login_failure, member_password, web_session
from kithkin.store.schema_team import member
from kithkin.store.team import from_row

# -- passwords ---------------------------------------------------------------------------------


def password_hash(conn: Connection, member_id: int) -> str | None:
    found = conn.scalar(
        select(member_password.c.hash).where(member_password.c.member_id == member_id)
    )
    return None if found is None else str(found)


def set_password_hash(conn: Connection, member_id: int, hashed: str) -> None:
    conn.execute(delete(member_password).where(member_password.c.member_id == member_id))
    conn.execute(
        insert(member_password).values(member_id=member_id, hash=hashed, changed_at=clock.now())
    )


# -- web sessions ------------------------------------------------------------------------------


def add_session(
    conn: Connection, member_id: int, key_sha256: str, *, client: str | None, lasts: timedelta
) -> int:
    now = clock.now()
    key = conn.execute(
        insert(web_session).values(
            member_id=member_id,
            key_sha256=key_sha256,
            client=(client or "")[:200] or None,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lasts,
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def session_member(
    conn: Connection, key_sha256: str, *, idle: timedelta
) -> tuple[WebSession, TeamMember] | None:
    """The live session with this key and its member (None: no such session, or it ended:
    past its absolute limit, or idle for longer than `idle`)."""
    row = (
        conn.execute(
            select(web_session, *_member_columns())
            .join(member, member.c.id == web_session.c.member_id)
            .where(web_session.c.key_sha256 == key_sha256)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    now = clock.now()
    if row["expires_at"] <= now or row["last_seen_at"] + idle <= now:
        return None
    return _session(row), from_row(_as_member(row))


def touch_session(conn: Connection, session_id: int) -> None:
    conn.execute(
        update(web_session).where(web_session.c.id == session_id).values(last_seen_at=clock.now())
    )


def sessions(conn: Connection, member_id: int, *, idle: timedelta) -> Sequence[WebSession]:
    """A member's live sessions, the most recently seen first."""
    now = clock.now()
    rows = conn.execute(
        select(web_session)
        .where(
            web_session.c.member_id == member_id,
            web_session.c.expires_at > now,
            web_session.c.last_seen_at > now - idle,
        )
        .order_by(web_session.c.last_seen_at.desc(), web_session.c.id.desc())
    ).mappings()
    return [_session(row) for row in rows]


def end_session(conn: Connection, key_sha256: str) -> None:
    conn.execute(delete(web_session).where(web_session.c.key_sha256 == key_sha256))


def end_member_session(conn: Connection, member_id: int, session_id: int) -> bool:
    done = conn.execute(
        delete(web_session).where(
            web_session.c.member_id == member_id, web_session.c.id == session_id
        )
    )
    return done.rowcount > 0


def end_sessions(conn: Connection, member_id: int, *, but: str | None = None) -> int:
    """End every session of a member (`but` the one with that key); returns how many."""
    where = web_session.c.member_id == member_id
    if but is not None:
        where = and_(where, web_session.c.key_sha256 != but)
    return int(conn.execute(delete(web_session).where(where)).rowcount)


def prune_sessions(conn: Connection, *, idle: timedelta) -> None:
    """Forget sessions that ended (past their limit or idle too long)."""
    now = clock.now()
    conn.execute(
        delete(web_session).where(
            or_(web_session.c.expires_at <= now, web_session.c.last_seen_at <= now - idle)
        )
    )


# -- API tokens --------------------------------------------------------------------------------


def add_token(conn: Connection, member_id: int, token_sha256: str, label: str | None) -> ApiToken:
    key = conn.execute(
        insert(api_token).values(
            member_id=member_id,
            label=(label or "").strip()[:200] or None,
            token_sha256=token_sha256,
            created_at=clock.now(),
        )
    ).inserted_primary_key
    assert key is not None
    return token(conn, int(key[0]))


def token(conn: Connection, token_id: int) -> ApiToken:
    row = conn.execute(_tokens().where(api_token.c.id == token_id)).mappings().first()
    if row is None:
        raise NotFound(f"no API token #{token_id}")
    return _token(row)


def tokens(conn: Connection, member_id: int | None = None) -> Sequence[ApiToken]:
    """Every token, or a member's, the newest first."""
    query = _tokens().order_by(api_token.c.created_at.desc(), api_token.c.id.desc())
    if member_id is not None:
        query = query.where(api_token.c.member_id == member_id)
    return [_token(row) for row in conn.execute(query).mappings()]


def token_member(conn: Connection, token_sha256: str) -> tuple[ApiToken, TeamMember] | None:
    row = (
        conn.execute(
            select(api_token, member.c.username, *_member_columns())
            .join(member, member.c.id == api_token.c.member_id)
            .where(api_token.c.token_sha256 == token_sha256)
        )
        .mappings()
        .first()
    )
    return None if row is None else (_token(row), from_row(_as_member(row)))


def token_used(conn: Connection, token_id: int) -> None:
    conn.execute(
        update(api_token).where(api_token.c.id == token_id).values(last_used_at=clock.now())
    )


def revoke_token(conn: Connection, token_id: int) -> ApiToken:
    gone = token(conn, token_id)
    conn.execute(delete(api_token).where(api_token.c.id == token_id))
    return gone


def revoke_tokens(conn: Connection, member_id: int) -> int:
    return int(conn.execute(delete(api_token).where(api_token.c.member_id == member_id)).rowcount)


# -- failed logins -----------------------------------------------------------------------------


def add_failure(conn: Connection, username: str, address: str, *, window: timedelta) -> None:
    """Note a failed login, forgetting the ones older than `window` (the table stays small)."""
    now = clock.now()
    conn.execute(delete(login_failure).where(login_failure.c.failed_at <= now - window))
    conn.execute(
        insert(login_failure).values(username=username[:64], address=address[:64], failed_at=now)
    )


def failures(
    conn: Connection, *, username: str, address: str, window: timedelta
) -> tuple[list[datetime], list[datetime]]:
    """When the failed logins of the last `window` were, for this user name and from this
    address, oldest first."""
    since = clock.now() - window
    recent = login_failure.c.failed_at > since

    def times(where: Any) -> list[datetime]:
        query = select(login_failure.c.failed_at).where(where, recent)
        return list(conn.scalars(query.order_by(login_failure.c.failed_at)))

    return (
        times(login_failure.c.username == username[:64]),
        times(login_failure.c.address == address[:64]),
    )


def clear_failures(conn: Connection, username: str) -> None:
    conn.execute(delete(login_failure).where(login_failure.c.username == username[:64]))


def failure_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(login_failure)).scalar_one())


# -- rows --------------------------------------------------------------------------------------


def _member_columns() -> list[Any]:
    return [
        member.c.id.label("m_id"),
        member.c.username.label("m_username"),
        member.c.name.label("m_name"),
        member.c.role.label("m_role"),
        member.c.person_id.label("m_person_id"),
        member.c.created_at.label("m_created_at"),
    ]


def _as_member(row: Any) -> dict[str, Any]:
    return {
        key: row[f"m_{key}"]
        for key in ("id", "username", "name", "role", "person_id", "created_at")
    }


def _tokens() -> Any:
    return select(api_token, member.c.username).join(member, member.c.id == api_token.c.member_id)


def _session(row: Any) -> WebSession:
    return WebSession(
        id=row["id"],
        member_id=row["member_id"],
        client=row["client"],
        created_at=row["created_at"],
        last_seen_at=row["last_seen_at"],
        expires_at=row["expires_at"],
    )


def _token(row: Any) -> ApiToken:
    return ApiToken(
        id=row["id"],
        member_id=row["member_id"],
        username=row["username"],
        label=row["label"],
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
    )
