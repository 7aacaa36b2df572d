"""Logging in. On a team database (one with users) the login page asks for a user name and
password and starts a server-side session (`services.sessions`); on a personal one served
beyond loopback it turns the server's token, typed once, into a session cookie. The API
takes `Authorization: Bearer TOKEN` instead (a user's API token, or the server's token).
`/logout` ends the session in this browser."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kithkin.errors import NotLoggedIn, TooManyAttempts
from kithkin.services import sessions
from kithkin.web import guard
from kithkin.web.render import Form, checked_form, database, render, safe_next

pages = APIRouter(include_in_schema=False)
Posted = Annotated[Form, Depends(checked_form)]


@pages.get(guard.LOGIN_PATH)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return _page(request, safe_next(next, "/"))


@pages.post(guard.LOGIN_PATH)
def log_in(request: Request, form: Posted) -> Response:
    goto = safe_next(form.optional("next"), "/")
    if _team(request):
        return _member_login(request, form, goto)
    digest: str | None = request.app.state.token_sha256
    if digest is not None and not guard.token_matches(form.text("token"), digest):
        return _page(request, goto, error="That is not this server's token.", status=401)
    response = RedirectResponse(goto, status_code=303)
    if digest is not None:
        guard.set_session_cookie(response, digest)
    return response


@pages.post("/logout")
def log_out(request: Request, form: Posted) -> RedirectResponse:
    if _team(request):
        sessions.log_out(database(request), cookie=request.cookies.get(guard.SESSION_COOKIE))
    response = RedirectResponse(guard.LOGIN_PATH, status_code=303)
    guard.end_session_cookie(response)
    return response


def _member_login(request: Request, form: Form, goto: str) -> Response:
    username = form.text("username")
    try:
        done = sessions.log_in(
            database(request),
            username=username,
            password=form.values().get("password", ""),
            address=request.client.host if request.client else "unknown",
            client=request.headers.get("user-agent"),
        )
    except TooManyAttempts as exc:
        page = _page(request, goto, error=str(exc), status=429, username=username)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except NotLoggedIn:
        error = "Wrong user name or password."
        return _page(request, goto, error=error, status=401, username=username)
    sessions.log_out(database(request), cookie=request.cookies.get(guard.SESSION_COOKIE))
    response = RedirectResponse(goto, status_code=303)  # a new session: the old one is ended
    guard.set_member_cookie(response, done.cookie)
    return response


def _team(request: Request) -> bool:
    team: guard.TeamMode = request.app.state.team
    return team.known() or team.check(database(request))


def _page(
    request: Request, goto: str, error: str | None = None, status: int = 200, username: str = ""
) -> HTMLResponse:
    context = {"next": goto, "error": error, "team": _team(request), "username": username}
    return render(request, "login.html", context, status=status, public=True)
