"""The heavy pages (Today, People, a person, a brief) kept as rendered, per worker process.

A page asked for again is its kept HTML while the database has not changed (see
`Database.memo`: any commit, by any process, makes it stale) and the minute has not turned
(what a page says of "now": due, overdue, "3 days ago"; in the minute after the turn the
page kept is answered while one thread renders it anew: `Database.minutely`). It is kept
per member (in team mode each sees their own page) and per address with its query; the CSRF
token of the browser that asked first is swapped for the asker's own, and a page that
carries a one-time message (the flash cookie), or is not a plain 200 page, is never kept.
`kept` marks a page's route.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Final, TypeVar

from fastapi import Request
from pydantic import BaseModel
from starlette.responses import HTMLResponse, Response

from kithkin.web import guard
from kithkin.web.render import FLASH_COOKIE, database

MARKER: Final = "@@kithkin-csrf@@"  # never a token: tokens are letters, digits, - and _
F = TypeVar("F", bound=Callable[..., Any])


class _NotKept(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__("not a page to keep")
        self.response = response


def kept(handler: F) -> F:
    """A page route (a plain `def` with a `request: Request` parameter) whose answer is kept."""

    @functools.wraps(handler)
    def page(**params: Any) -> Response:
        request: Request = params["request"]
        if request.cookies.get(FLASH_COOKIE):
            response: Response = handler(**params)
            return response
        who = guard.actor(request)
        key = f"page:{who.member_id}:{who.role}:{request.url.path}?{request.url.query}"

        def render(_now: object) -> str:
            response = handler(**params)
            if not isinstance(response, HTMLResponse) or response.status_code != 200:
                raise _NotKept(response)
            body = bytes(response.body).decode()
            token = _token_used(request, response)
            return body.replace(token, MARKER) if token else body

        try:
            body = database(request).minutely(key, render)
        except _NotKept as not_kept:
            return not_kept.response
        token, fresh = guard.csrf_token(request)
        answer = HTMLResponse(body.replace(MARKER, token))
        if fresh:
            guard.set_csrf_cookie(answer, token)
        return answer

    return page  # type: ignore[return-value]


def _token_used(request: Request, response: Response) -> str | None:
    """The CSRF token a page was rendered with: the one it sets, else the browser's."""
    for name, value in response.raw_headers:
        if name == b"set-cookie" and value.startswith(guard.CSRF_COOKIE.encode() + b"="):
            return value.split(b";", 1)[0].split(b"=", 1)[1].decode()
    token, fresh = guard.csrf_token(request)
    return None if fresh else token


def kept_json(request: Request, make: Callable[[], BaseModel]) -> Response:
    """An API answer kept as its JSON, as `kept` keeps a page (per member, address and
    query, until the database changes or the minute turns): what `make` returns, dumped once
    and not validated again on each request. Its route names the model (`response_model`)."""
    who = guard.actor(request)
    key = f"json:{who.member_id}:{who.role}:{request.url.path}?{request.url.query}"
    body = database(request).minutely(key, lambda _now: make().model_dump_json().encode())
    return Response(body, media_type="application/json")
