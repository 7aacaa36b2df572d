"""Who may reach the web server: the host names it answers to and the token it asks for.

On loopback (127.0.0.1, ::1, localhost) the server answers to the loopback names and asks for
no token unless given one. Beyond loopback it needs both an allow-list of host names (a page
on another site can point its own name at this address: DNS rebinding) and a token, given
(`--token`, KITHKIN_TOKEN) or made once by `--new-token` and kept, hashed, in the database.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from kithkin.errors import UnsafeServe
from kithkin.model import Record, record

if TYPE_CHECKING:
    from kithkin.store import Database

LOOPBACK_NAMES: Final = ("127.0.0.1", "localhost", "::1")
DIGEST_SETTING: Final = "web_token_sha256"
MIN_TOKEN_LENGTH: Final = 16
_HOST_NAME: Final = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


@record
class Access(Record):
    """What the server checks: the Host names it answers to, and the SHA-256 of its token
    (None: no token asked, loopback only)."""

    hosts: tuple[str, ...]
    token_sha256: str | None
    new_token: str | None = None  # made by this call (shown once, never stored as is)
    team: bool = False  # a team database: its users log in with their accounts, not a token


def is_loopback(bind: str) -> bool:
    if bind.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def default_workers(*, bind: str, dialect: str) -> int:
    """How many server processes `kithkin serve` runs unless told: one per core (at most 8)
    for a team — a PostgreSQL database, or a server reached beyond loopback —, else one (a
    personal server on 127.0.0.1: one user's clicks, the least memory)."""
    if dialect == "sqlite" and is_loopback(bind):
        return 1
    return max(1, min(8, os.cpu_count() or 1))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def host_name(value: str) -> str:
    """A host name or IP address as the allow-list keeps it (lower case); UnsafeServe if it
    is neither (a wildcard, a URL, a name with a port)."""
    name = value.strip().lower().rstrip(".")
    try:
        return str(ipaddress.ip_address(name.strip("[]")))
    except ValueError:
        pass
    if len(name) > 253 or not _HOST_NAME.match(name):
        raise UnsafeServe(
            f"--allow-host {value!r}: give a host name (kithkin.lan) or an address, "
            "without scheme, port or wildcard"
        )
    return name


def serve_access(
    db: Database,
    *,
    bind: str,
    allow_hosts: Sequence[str] = (),
    token: str | None = None,
    new_token: bool = False,
) -> Access:
    """The checks a server bound to `bind` makes: refuses (UnsafeServe) to answer beyond
    loopback without `allow_hosts` and a token (`token`, the one kept, or a `new_token`).
    A team database (one with users) needs no token: everyone logs in with their account,
    on every bind; a token given is not used."""
    from kithkin.services.team import is_team
    from kithkin.store import settings

    names = tuple(dict.fromkeys(host_name(h) for h in allow_hosts))
    if is_team(db):
        if not is_loopback(bind) and not names:
            raise UnsafeServe(
                f"serving on {bind} reaches beyond this computer: it needs the host names it "
                "is reached by (--allow-host NAME, repeatable)"
            )
        return Access(hosts=(*LOOPBACK_NAMES, *names), token_sha256=None, team=True)
    if token is not None and new_token:
        raise UnsafeServe("give --token or --new-token, not both")
    if token is not None and len(token.strip()) < MIN_TOKEN_LENGTH:
        raise UnsafeServe(f"--token: use at least {MIN_TOKEN_LENGTH} characters (or --new-token)")
    digest = token_digest(token.strip()) if token is not None else None
    local = is_loopback(bind)
    if digest is None and not new_token and not local:
        with db.read() as conn:
            digest = settings.get(conn, DIGEST_SETTING)
    if not local:
        missing = [
            *([] if names else ["the host names it is reached by (--allow-host NAME, repeatable)"]),
            *([] if digest or new_token else ["a token (--token, KITHKIN_TOKEN or --new-token)"]),
        ]
        if missing:
            raise UnsafeServe(
                f"serving on {bind} reaches beyond this computer: it needs " + " and ".join(missing)
            )
    made = None
    if new_token and digest is None:
        made = secrets.token_urlsafe(32)
        digest = token_digest(made)
        with db.write() as conn:
            settings.put(conn, DIGEST_SETTING, digest)
    return Access(hosts=(*LOOPBACK_NAMES, *names), token_sha256=digest, new_token=made)
