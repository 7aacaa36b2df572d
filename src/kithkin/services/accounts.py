"""Team accounts: the users of a team database, their passwords and their API tokens.

Passwords are kept as argon2id hashes (argon2-cffi), never as given; a hash made with older
parameters is replaced at the next login (`sessions.log_in`). The first user of a personal
database must be an owner, and adding it turns team mode on: from then on the web asks
everyone to log in. The last owner can be neither removed nor demoted. API tokens are shown
once, when made, and kept as their SHA-256.

Who may: an owner manages every user and token; a member changes their own password and
makes and revokes their own tokens. The CLI's `--user` names the acting member (whoever holds
the database file is trusted with it).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from kithkin.errors import Conflict, Forbidden, InvalidInput
from kithkin.model import ApiToken, Record, TeamMember, record
from kithkin.services.team import require

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from kithkin.model import Actor
    from kithkin.store import Database

MIN_PASSWORD: Final = 12
MAX_PASSWORD: Final = 1024  # argon2 takes any length; a bound keeps a login's work bounded
TOKEN_PREFIX: Final = "kk_"  # noqa: S105 - what every API token starts with

_hasher: list[PasswordHasher] = []  # made on first use (argon2 is imported then)


def hasher() -> PasswordHasher:
    """The argon2id hasher of every password (RFC 9106's second recommended parameters)."""
    if not _hasher:
        from argon2 import PasswordHasher

        _hasher.append(PasswordHasher())
    return _hasher[0]


def use_hasher(new: PasswordHasher) -> PasswordHasher:
    """Hash with `new` from now on (other parameters, e.g. cheaper ones in tests); returns the
    hasher used until now. Hashes made with other parameters are replaced at login."""
    old = hasher()
    _hasher[0] = new
    return old


def check_password(password: str) -> str:
    """The password, if it is one kithkin accepts; InvalidInput saying why if not."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"the password is too short: use at least {MIN_PASSWORD} characters "
            "(a few words make a good one)"
        )
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"the password is too long: use at most {MAX_PASSWORD} characters")
    if not password.strip():
        raise InvalidInput("the password is only spaces")
    return password


def hash_password(password: str) -> str:
    return hasher().hash(check_password(password))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


@record
class AddedUser(Record):
    member: TeamMember
    team_began: bool  # the first user: the database is a team database from now on


@record
class NewToken(Record):
    """A token just made: `token` is shown this once and kept only as its SHA-256."""

    token: str
    info: ApiToken


def add_user(
    db: Database,
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str = "editor",
    name: str | None = None,
    person: str | None = None,
) -> AddedUser:
    """Add a user with a first password. The first user of a personal database must be an
    owner, and turns team mode on; later ones are added by an owner."""
    from kithkin.store import accounts, people, team

    hashed = hash_password(password)  # before the transaction: it takes a while
    with db.write() as conn:
        first = team.count(conn) == 0
        if first and team.role_of(role) != "owner":
            raise InvalidInput(
                "the first user of a personal database must be an owner: "
                "adding it turns team mode on"
            )
        if not first:
            require(actor, "owner", "adding a user")
        person_id = people.resolve(conn, person) if person else None
        added = team.add(conn, username, role=role, name=name, person_id=person_id)
        accounts.set_password_hash(conn, added.id, hashed)
    return AddedUser(member=added, team_began=first)


def check_new_user(db: Database, *, actor: Actor, username: str) -> str:
    """The login name a new user would get, before their password is asked for: InvalidInput
    for a name that cannot be one, Conflict for one taken, Forbidden for a non-owner."""
    from kithkin.store import team

    login = team.username_of(username)
    with db.read() as conn:
        if team.count(conn) > 0:
            require(actor, "owner", "adding a user")
        taken = any(m.username == login for m in team.members(conn))
    if taken:
        raise Conflict(f"there is already a user {login!r}")
    return login


def users(db: Database, *, actor: Actor) -> Sequence[TeamMember]:
    """Every user (an owner's view); none on a personal database."""
    require(actor, "owner", "listing the users")
    from kithkin.store import team

    with db.read() as conn:
        return team.members(conn)


def user(db: Database, *, actor: Actor, username: str) -> TeamMember:
    """A user: oneself, or anyone for an owner."""
    from kithkin.store import team

    with db.read() as conn:
        found = team.by_username(conn, username)
    _self_or_owner(actor, found, "seeing another user")
    return found


def remove_user(db: Database, *, actor: Actor, username: str) -> TeamMember:
    """Remove a user, with their sessions and tokens (not the last owner)."""
    from kithkin.store import team

    require(actor, "owner", "removing a user")
    with db.write() as conn:
        found = team.by_username(conn, username)
        _keep_an_owner(conn, found, "removed")
        return team.remove(conn, found.id)


def set_role(db: Database, *, actor: Actor, username: str, role: str) -> TeamMember:
    """Change a user's role (the last owner stays one)."""
    from kithkin.store import team

    require(actor, "owner", "changing a role")
    with db.write() as conn:
        found = team.by_username(conn, username)
        if team.role_of(role) != "owner":
            _keep_an_owner(conn, found, "demoted")
        return team.set_role(conn, found.id, role)


def set_password(
    db: Database,
    *,
    actor: Actor,
    username: str,
    password: str,
    current: str | None = None,
    keep_session: str | None = None,
) -> int:
    """Set a user's password (their own, or anyone's for an owner). With `current` (the web's
    Account page), the current password must be right. Ends every session of theirs but
    `keep_session` (the SHA-256 of the session changing it); returns how many ended."""
    from kithkin.store import accounts, team

    with db.read() as conn:
        found = team.by_username(conn, username)
        old = accounts.password_hash(conn, found.id)
    _self_or_owner(actor, found, "changing another user's password")
    if current is not None and not verify(old, current):
        raise InvalidInput("the current password is not right; nothing was changed")
    hashed = hash_password(password)
    with db.write() as conn:
        accounts.set_password_hash(conn, found.id, hashed)
        return accounts.end_sessions(conn, found.id, but=keep_session)


def verify(hashed: str | None, password: str) -> bool:
    """Whether `password` is the one hashed (no hash: never, after the same work)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return hasher().verify(hashed or _dummy(), password[:MAX_PASSWORD]) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def _dummy() -> str:
    """A hash of nothing anyone knows, checked for unknown users: the same work as for a
    known one, so timing does not tell who exists."""
    current = hasher()
    key = (current.time_cost, current.memory_cost, current.parallelism)
    if key not in _DUMMIES:
        _DUMMIES[key] = current.hash(secrets.token_urlsafe(16))
    return _DUMMIES[key]


_DUMMIES: dict[tuple[int, int, int], str] = {}


# -- API tokens --------------------------------------------------------------------------------


def add_token(
    db: Database, *, actor: Actor, username: str | None = None, label: str | None = None
) -> NewToken:
    """A new API token for a user (oneself by default), shown once."""
    from kithkin.store import accounts

    made = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.write() as conn:
        found = _member_named(conn, actor, username)
        _self_or_owner(actor, found, "making a token for another user")
        info = accounts.add_token(conn, found.id, token_digest(made), label)
    return NewToken(token=made, info=info)


def tokens(db: Database, *, actor: Actor, username: str | None = None) -> Sequence[ApiToken]:
    """API tokens (never the tokens themselves): a user's, or for an owner without a user
    name, everyone's."""
    from kithkin.store import accounts

    with db.read() as conn:
        if username is None and actor.may("owner"):
            return accounts.tokens(conn)
        found = _member_named(conn, actor, username)
        _self_or_owner(actor, found, "seeing another user's tokens")
        return accounts.tokens(conn, found.id)


def revoke_token(db: Database, *, actor: Actor, token_id: int) -> ApiToken:
    """Revoke a token (one's own, or anyone's for an owner): it works no more."""
    from kithkin.errors import NotFound
    from kithkin.store import accounts

    with db.write() as conn:
        found = accounts.token(conn, token_id)
        if found.member_id != actor.member_id and not actor.may("owner"):
            raise NotFound(f"no API token #{token_id}")  # another's tokens are not listed either
        return accounts.revoke_token(conn, token_id)


def _member_named(conn: Any, actor: Actor, username: str | None) -> TeamMember:
    from kithkin.store import team

    if username is not None:
        return team.by_username(conn, username)
    if actor.member_id is None:
        raise InvalidInput("this is a personal database: it has no users (add one first)")
    return team.get(conn, actor.member_id)


def _self_or_owner(actor: Actor, member: TeamMember, doing: str) -> None:
    if actor.member_id != member.id and not actor.may("owner"):
        raise Forbidden(f"{doing} needs the owner role; {actor.username} is a {actor.role}")


def _keep_an_owner(conn: Any, member: TeamMember, done: str) -> None:
    from kithkin.store import team

    if member.role == "owner" and sum(m.role == "owner" for m in team.members(conn)) == 1:
        raise Conflict(
            f"{member.username} is the last owner and cannot be {done}: make another user an "
            "owner first"
        )
