"""Logging in to a server that asks for a token (one reached beyond loopback): the login page
turns the token, typed once, into a session cookie (HttpOnly, SameSite=Strict); the API takes
`Authorization: Bearer TOKEN` instead. `/logout` ends the session in this browser."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kithkin.web import guard
from kithkin.web.render import Form, checked_form, render, safe_next

pages = APIRouter(include_in_schema=False)
Posted = Annotated[Form, Depends(checked_form)]


@pages.get(guard.LOGIN_PATH)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return _page(request, safe_next(next, "/"))


@pages.post(guard.LOGIN_PATH)
def log_in(request: Request, form: Posted) -> Response:
    digest: str | None = request.app.state.token_sha256
    goto = safe_next(form.optional("next"), "/")
    if digest is not None and not guard.token_matches(form.text("token"), digest):
        return _page(request, goto, error="That is not this server's token.", status=401)
    response = RedirectResponse(goto, status_code=303)
    if digest is not None:
        guard.set_session_cookie(response, digest)
    return response


@pages.post("/logout")
def log_out(request: Request, form: Posted) -> RedirectResponse:
    response = RedirectResponse(guard.LOGIN_PATH, status_code=303)
    response.delete_cookie(guard.SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


def _page(request: Request, goto: str, error: str | None = None, status: int = 200) -> HTMLResponse:
    context = {"next": goto, "error": error}
    return render(request, "login.html", context, status=status, public=True)
