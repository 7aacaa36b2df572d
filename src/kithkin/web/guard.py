"""Request guards: the Host allow-list, same-origin checks, CSRF tokens and security headers.

HTML forms use a double-submit token: a random value in the `kithkin_csrf` cookie
(SameSite=Strict, HttpOnly) that every form repeats in a hidden `csrf_token` field. The JSON
API instead requires `Content-Type: application/json` on writes with a body, which a browser
cannot send cross-origin without a CORS preflight (and the app answers none), and refuses a
foreign `Origin` or `Sec-Fetch-Site` on every write (a bodyless POST needs no preflight).
Both refuse a Host header that is not the app's own, so DNS rebinding gets nowhere.
"""

from __future__ import annotations

import hmac
import re
import secrets
import time
from collections.abc import Collection, Mapping
from typing import Final
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.responses import Response

from kithkin.errors import NotLoggedIn
from kithkin.model import SOLO, Actor
from kithkin.services import access, sessions
from kithkin.services import team as team_mode
from kithkin.store import Database

CSRF_COOKIE: Final = "kithkin_csrf"
SESSION_COOKIE: Final = "kithkin_session"
LOGIN_PATH: Final = "/login"
CSRF_FIELD: Final = "csrf_token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})  # others: 405
LOOPBACK_HOSTS: Final = access.LOOPBACK_NAMES
_TOKEN: Final = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

_NO_PAGE_USES: Final = (  # devices, sensors and powers no page of kithkin uses, nor a frame
    "accelerometer", "autoplay", "bluetooth", "camera", "display-capture", "encrypted-media",
    "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
    "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
)  # fmt: skip
SECURITY_HEADERS: Final[Mapping[str, str]] = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": ", ".join(f"{feature}=()" for feature in _NO_PAGE_USES),
}


def host_name(host_header: str) -> str:
    """The host part of a Host header or URL netloc, lower-case, without port or brackets."""
    value = host_header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value[1:]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def host_allowed(request: Request, allowed: Collection[str] | None) -> bool:
    if allowed is None:
        return True
    return host_name(request.headers.get("host", "")) in allowed


def is_public(path: str) -> bool:
    """The paths a server that asks for a token shows without it: the login page, styles,
    and the subscribed calendar (its own secret token is in its path)."""
    return path == LOGIN_PATH or path.startswith(("/static/", "/feed/"))


def token_matches(given: str, token_sha256: str) -> bool:
    return hmac.compare_digest(access.token_digest(given.strip()), token_sha256)


def session_value(token_sha256: str) -> str:
    """What the session cookie holds once the token was given: derived from the token (so a
    new token ends every session), and not the token itself."""
    return hmac.new(token_sha256.encode(), b"kithkin web session", "sha256").hexdigest()


def authenticated(request: Request, token_sha256: str | None) -> bool:
    """Whether a request may pass a server's token check: no token asked, `Authorization:
    Bearer TOKEN` (the API's way), or the session cookie the login page set (a browser's)."""
    if token_sha256 is None:
        return True
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and given.strip():
        return token_matches(given, token_sha256)
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return hmac.compare_digest(cookie.encode(), session_value(token_sha256).encode())


def set_session_cookie(response: Response, token_sha256: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, session_value(token_sha256), httponly=True, samesite="strict", path="/"
    )


def same_origin(request: Request) -> bool:
    """Whether a request comes from the app's own pages (or from no browser at all).

    An Origin header must name the host the request was sent to. Browsers send `Origin: null`
    for a form post from a page with `Referrer-Policy: no-referrer` (ours), so then the
    Fetch Metadata header `Sec-Fetch-Site` decides: only `same-origin` passes.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        return fetch_site == "same-origin"
    netloc = urlsplit(origin).netloc.lower()
    return bool(netloc) and netloc == request.headers.get("host", "").lower()


def has_body(request: Request) -> bool:
    """Whether a request says it carries a body (a DELETE or an undo carries none)."""
    headers = request.headers
    return (
        "content-type" in headers
        or "transfer-encoding" in headers
        or headers.get("content-length", "0").strip() != "0"
    )


def is_json(request: Request) -> bool:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media == "application/json"


def csrf_token(request: Request) -> tuple[str, bool]:
    """The browser's CSRF token, or a fresh one (second value True) to set as a cookie."""
    current = request.cookies.get(CSRF_COOKIE, "")
    if _TOKEN.match(current):
        return current, False
    return secrets.token_urlsafe(32), True


def set_csrf_cookie(response: Response, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")


def check_form_token(request: Request, sent: object) -> None:
    """Refuse (403) a form post from another origin or without the cookie's token."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not same_origin(request):
        raise HTTPException(403, "This form was sent from another site; it was refused.")
    if (
        not isinstance(sent, str)
        or not _TOKEN.match(cookie)
        or not hmac.compare_digest(sent.encode(), cookie.encode())
    ):
        raise HTTPException(
            403, "This form's security token is missing or stale. Reload the page and try again."
        )


def actor(request: Request) -> Actor:
    """Who this request acts as (a FastAPI dependency): the one user of a personal database,
    or in team mode the member its session or API token belongs to (set by the app's guard
    as `request.state.actor`; a team-mode request without one is NotLoggedIn)."""
    found = getattr(request.state, "actor", None)
    if isinstance(found, Actor):
        return found
    if getattr(request.state, "team", False):
        raise NotLoggedIn("log in first")
    return SOLO


class TeamMode:
    """Whether the app's database is a team database (it has members), as the app knows it.
    A team database stays one (its last owner cannot go), so once seen it is kept; a
    personal one is looked at again at most every `recheck` seconds (a user added by the
    CLI while the server runs turns logins on within that time)."""

    def __init__(self, recheck: float = 1.0) -> None:
        self.team = False
        self.recheck = recheck
        self._checked = float("-inf")

    def known(self) -> bool | None:
        """True or False when known, None when the database must be asked."""
        if self.team or time.monotonic() - self._checked < self.recheck:
            return self.team
        return None

    def check(self, db: Database) -> bool:
        self.team = self.team or team_mode.is_team(db)
        self._checked = time.monotonic()
        return self.team

    def began(self) -> None:
        """The app itself added the first user."""
        self.team = True


def bearer(request: Request) -> str | None:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return given.strip() or None if scheme.lower() == "bearer" else None


def admit_member(request: Request, db: Database) -> bool:
    """Team mode: whether a request may pass, with `request.state.actor` set to the member
    its API token or session cookie belongs to (public paths pass without either)."""
    request.state.team = True
    given = bearer(request)
    if given is None and request.headers.get("authorization"):
        return is_public(request.url.path)
    visit = sessions.visit(db, cookie=request.cookies.get(SESSION_COOKIE), bearer=given)
    if visit is not None:
        request.state.actor = visit.actor
        request.state.session_key = visit.session_key
        return True
    return is_public(request.url.path)


def session_key(request: Request) -> str | None:
    """The key of the session this request came with (team mode), if any."""
    found = getattr(request.state, "session_key", None)
    return found if isinstance(found, str) else None


def set_member_cookie(response: Response, cookie: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=int(sessions.LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        path="/",
    )


def end_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
