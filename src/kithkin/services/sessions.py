"""Logging in to a team database: server-side sessions, API tokens and the login rate limit.

A session's id is random (32 bytes); the browser's cookie holds it signed with the server's
secret (HMAC-SHA-256; the secret is made once and kept in the database's settings), the
database only its SHA-256. A session ends when it is idle for `IDLE` or at the latest after
`LIFETIME`, at logout, and when its member's password changes elsewhere. Sessions and failed
logins live in the database, so every server process (worker) shares them.

After `USER_LIMIT` failed logins for a user name, or `ADDRESS_LIMIT` from one address, within
`WINDOW`, logins are refused (TooManyAttempts, 429) until the oldest of them is `WINDOW` old;
a success clears the user name's count. Unknown user names cost as much work as known ones.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import weakref
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from kithkin import clock
from kithkin.errors import NotLoggedIn, TooManyAttempts
from kithkin.model import Actor, Record, TeamMember, WebSession, record
from kithkin.services import accounts
from kithkin.services.team import as_actor

if TYPE_CHECKING:
    from kithkin.store import Database

IDLE: Final = timedelta(days=2)
LIFETIME: Final = timedelta(days=14)
WINDOW: Final = timedelta(minutes=15)
USER_LIMIT: Final = 5
ADDRESS_LIMIT: Final = 20
TOUCH_EVERY: Final = timedelta(minutes=1)  # "last seen"/"last used" writes, at most this often
SECRET_SETTING: Final = "web_session_secret"  # noqa: S105 - a setting's name

_secrets: weakref.WeakKeyDictionary[Database, bytes] = weakref.WeakKeyDictionary()


@record
class Visit(Record):
    """Who a request is: a member, through a session (its key) or an API token (its id)."""

    actor: Actor
    session_key: str | None = None  # the SHA-256 of the session's id
    token_id: int | None = None


@record
class LoggedIn(Record):
    """A new session: `cookie` goes to the browser (the id, signed), nowhere else."""

    cookie: str
    visit: Visit


def log_in(
    db: Database, *, username: str, password: str, address: str, client: str | None = None
) -> LoggedIn:
    """A new session for `username` if `password` is theirs; NotLoggedIn if not (the same
    answer for an unknown user), TooManyAttempts after too many failures."""
    from kithkin.errors import NotFound
    from kithkin.store import accounts as kept
    from kithkin.store import team

    name = username.strip().lower()[:64]
    where = (address or "unknown")[:64]
    with db.read() as conn:
        for_user, from_address = kept.failures(conn, username=name, address=where, window=WINDOW)
        _refuse_if_limited(name, for_user, from_address)
        member: TeamMember | None
        try:
            member = team.by_username(conn, name)
        except NotFound:
            member = None
        hashed = kept.password_hash(conn, member.id) if member is not None else None
    if not accounts.verify(hashed, password) or member is None or hashed is None:
        with db.write() as conn:
            kept.add_failure(conn, name, where, window=WINDOW)
        raise NotLoggedIn("wrong user name or password")
    rehashed = (
        accounts.hash_password(password) if accounts.hasher().check_needs_rehash(hashed) else None
    )
    session_id = secrets.token_urlsafe(32)
    key = _digest(session_id)
    with db.write() as conn:
        kept.clear_failures(conn, name)
        kept.prune_sessions(conn, idle=IDLE)
        kept.add_session(conn, member.id, key, client=client, lasts=LIFETIME)
        if rehashed is not None:
            kept.set_password_hash(conn, member.id, rehashed)
    cookie = f"{session_id}.{_sign(db, session_id)}"
    return LoggedIn(cookie=cookie, visit=Visit(actor=as_actor(member), session_key=key))


def visit(db: Database, *, cookie: str | None = None, bearer: str | None = None) -> Visit | None:
    """Who a request with this session cookie or API token is (None: neither is valid)."""
    from kithkin.store import accounts as kept

    if bearer:
        with db.read() as conn:
            found = kept.token_member(conn, accounts.token_digest(bearer))
        if found is None:
            return None
        token, member = found
        if token.last_used_at is None or token.last_used_at + TOUCH_EVERY <= clock.now():
            with db.write() as conn:
                kept.token_used(conn, token.id)
        return Visit(actor=as_actor(member), token_id=token.id)
    key = session_key(db, cookie)
    if key is None:
        return None
    with db.read() as conn:
        live = kept.session_member(conn, key, idle=IDLE)
    if live is None:
        return None
    session, member = live
    if session.last_seen_at + TOUCH_EVERY <= clock.now():
        with db.write() as conn:
            kept.touch_session(conn, session.id)
    return Visit(actor=as_actor(member), session_key=key)


def session_key(db: Database, cookie: str | None) -> str | None:
    """The key (SHA-256 of the id) of the session a cookie names, if its signature holds."""
    if not cookie or cookie.count(".") != 1 or len(cookie) > 200:
        return None
    session_id, signature = cookie.split(".")
    if not hmac.compare_digest(signature.encode(), _sign(db, session_id).encode()):
        return None
    return _digest(session_id)


def log_out(db: Database, *, cookie: str | None) -> None:
    """End the session this cookie names (nothing when it names none)."""
    from kithkin.store import accounts as kept

    key = session_key(db, cookie)
    if key is not None:
        with db.write() as conn:
            kept.end_session(conn, key)


@record
class LoggedOut(Record):
    sessions: int
    tokens: int


def log_out_everywhere(db: Database, *, actor: Actor, tokens: bool = False) -> LoggedOut:
    """End every session of the acting member (and, with `tokens`, revoke their tokens)."""
    from kithkin.store import accounts as kept

    member_id = _member_id(actor)
    with db.write() as conn:
        ended = kept.end_sessions(conn, member_id)
        revoked = kept.revoke_tokens(conn, member_id) if tokens else 0
    return LoggedOut(sessions=ended, tokens=revoked)


def sessions(db: Database, *, actor: Actor, current: str | None = None) -> Sequence[WebSession]:
    """The acting member's live sessions, `current` (a session key) marked."""
    from kithkin.store import accounts as kept

    member_id = _member_id(actor)
    with db.read() as conn:
        found = kept.sessions(conn, member_id, idle=IDLE)
    if current is None:
        return found
    with db.read() as conn:
        mine = kept.session_member(conn, current, idle=IDLE)
    mine_id = mine[0].id if mine is not None else None
    return [replace(s, current=True) if s.id == mine_id else s for s in found]


def end_session(db: Database, *, actor: Actor, session_id: int) -> bool:
    """End one of the acting member's sessions (False: none such)."""
    from kithkin.store import accounts as kept

    with db.write() as conn:
        return kept.end_member_session(conn, _member_id(actor), session_id)


def _member_id(actor: Actor) -> int:
    if actor.member_id is None:
        from kithkin.errors import NotFound

        raise NotFound("this is a personal database: it has no accounts")
    return actor.member_id


def _refuse_if_limited(name: str, for_user: list[datetime], from_address: list[datetime]) -> None:
    blocked = []
    if len(for_user) >= USER_LIMIT:
        blocked.append((for_user[-USER_LIMIT], f"for {name!r}"))
    if len(from_address) >= ADDRESS_LIMIT:
        blocked.append((from_address[-ADDRESS_LIMIT], "from this address"))
    if not blocked:
        return
    oldest, why = max(blocked)
    free_at = oldest + WINDOW
    seconds = max(1, int((free_at - clock.now()).total_seconds() + 0.999))
    minutes = (seconds + 59) // 60
    raise TooManyAttempts(
        f"too many failed logins {why}: try again in {minutes} minute{'s' * (minutes != 1)} "
        f"(at {free_at.astimezone().strftime('%H:%M')})",
        retry_after=seconds,
    )


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _sign(db: Database, session_id: str) -> str:
    return hmac.new(_secret(db), session_id.encode(), "sha256").hexdigest()


def _secret(db: Database) -> bytes:
    """The server's secret that signs session ids: made once, kept in the settings."""
    known = _secrets.get(db)
    if known is not None:
        return known
    from kithkin.store import settings

    with db.read() as conn:
        value = settings.get(conn, SECRET_SETTING)
    if value is None:
        with db.write() as conn:
            value = settings.get(conn, SECRET_SETTING)
            if value is None:
                value = secrets.token_hex(32)
                settings.put(conn, SECRET_SETTING, value)
    _secrets[db] = bytes.fromhex(str(value))
    return _secrets[db]
