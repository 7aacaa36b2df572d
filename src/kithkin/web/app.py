"""The FastAPI application: one Database per app, the guards, error handling, and `serve`."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import webbrowser
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

import kithkin
from kithkin.errors import Ambiguous, KithkinError, TooManyAttempts
from kithkin.model import Actor
from kithkin.services import team as team_service
from kithkin.store import Database
from kithkin.web import (
    account,
    amplify,
    brief,
    capture,
    circle,
    contacts,
    docs,
    duplicates,
    first_run,
    gatherings,
    guard,
    inbox,
    intro_paths,
    intros,
    login,
    mail_api,
    mail_import,
    people,
    photos,
    review,
    search,
    service,
    settings,
    story,
    today,
    trash,
    users,
)
from kithkin.web.render import render

STATIC: Final = Path(__file__).parent / "static"
ROUTERS: Final = (
    login.pages,
    docs.pages,
    people.api,
    photos.api,
    story.api,
    trash.api,
    search.api,
    contacts.api,
    duplicates.api,
    mail_api.router,
    mail_import.api,
    mail_import.pages,
    inbox.api,
    today.pages,
    today.api,
    circle.pages,
    circle.api,
    amplify.pages,
    amplify.api,
    gatherings.pages,
    gatherings.api,
    review.pages,
    review.api,
    intro_paths.pages,
    intro_paths.api,
    service.pages,
    service.api,
    brief.pages,
    brief.api,
    inbox.pages,
    people.pages,
    story.pages,
    trash.pages,
    contacts.pages,
    duplicates.pages,
    settings.pages,
    settings.api,
    first_run.pages,
    first_run.api,
    photos.pages,
    capture.pages,
    capture.api,
    intros.pages,
    intros.api,
    account.pages,
    account.api,
    users.pages,
    users.api,
)
"""Every router of the app, in the order their routes are tried."""
_WILDCARD_HOSTS: Final = ("0.0.0.0", "::", "")  # noqa: S104 - names, not a bind
KEPT_CONNECTIONS: Final = 8  # SQLite connections a server process keeps open for its threads
SERVED_ENV: Final = "KITHKIN_SERVED"
"""What `serve` hands its worker processes (JSON: the database URL, the host names, the
token's digest): each worker builds its app from it (`from_environment`)."""


def create_app(
    db_url: str,
    *,
    allowed_hosts: Collection[str] = guard.LOOPBACK_HOSTS,
    token_sha256: str | None = None,
    shared_folder: Path | None = None,
) -> FastAPI:
    """The web UI and JSON API over the database at `db_url`.

    `allowed_hosts` are the host names the app answers to; the default, the loopback names,
    keeps pages on other sites from reaching it through DNS rebinding. With `token_sha256`
    (see `services.access`) every request but the login page's must carry the token: as
    `Authorization: Bearer TOKEN`, or the session cookie the login page sets.
    """
    db = Database(db_url, keep_connections=KEPT_CONNECTIONS)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.dispose()

    app = FastAPI(
        title="kithkin",
        version=kithkin.__version__,
        description="Keeps and coaches an executive's networking practice. Local-first.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's Swagger UI and ReDoc load from a CDN: web.docs serves /docs
        redoc_url=None,
    )
    app.state.db = db
    app.state.mail_jobs = mail_import.MailJobs(shared_folder)
    app.state.token_sha256 = token_sha256
    app.state.team = team = guard.TeamMode()
    hosts = frozenset(h.lower() for h in allowed_hosts)

    async def admitted(request: Request) -> bool:
        """Whether the request may pass: in team mode with a member's session or token
        (`request.state.actor`), on a personal database with the server's token if any."""
        if request.url.path.startswith("/static/"):
            return True
        is_team = team.known()
        if is_team is None:
            is_team = await run_in_threadpool(team.check, db)
        if is_team:
            return await run_in_threadpool(guard.admit_member, request, db)
        return guard.is_public(request.url.path) or guard.authenticated(request, token_sha256)

    @app.middleware("http")
    async def guard_requests(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response: Response
        is_api = request.url.path == "/api" or request.url.path.startswith("/api/")
        if not guard.host_allowed(request, hosts):
            response = PlainTextResponse("unexpected Host header", status_code=400)
        elif not await admitted(request):
            response = _login_first(request, is_api or request.url.path == app.openapi_url)
        elif is_api and request.method not in guard.SAFE_METHODS and not guard.same_origin(request):
            response = JSONResponse({"error": "cross-origin request refused"}, status_code=403)
        elif (
            is_api
            and request.method in guard.WRITE_METHODS
            and guard.has_body(request)
            and not guard.is_json(request)
            and not contacts.is_upload(request)
            and not capture.is_upload(request)
        ):
            response = JSONResponse(
                {"error": "send writes with Content-Type: application/json"}
                if request.url.path != contacts.UPLOAD_PATH
                else {"error": "upload files as multipart/form-data with X-Kithkin-Upload: 1"},
                status_code=415,
            )
        elif guard.is_public(request.url.path) and not isinstance(
            getattr(request.state, "actor", None), Actor
        ):  # the login page, styles: shown before anyone acts
            response = await call_next(request)
        else:  # team mode: the request's changes are its member's (a viewer's refused)
            with team_service.acting(guard.actor(request)):
                response = await call_next(request)
        for name, value in guard.SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(KithkinError)
    async def kithkin_error(request: Request, exc: KithkinError) -> Response:
        if _is_api(request):
            body: dict[str, object] = {"error": str(exc)}
            if isinstance(exc, Ambiguous):
                body["candidates"] = [{"id": i, "display_name": n} for i, n in exc.candidates]
            response: Response = JSONResponse(body, status_code=exc.http_status)
        else:
            response = _error_page(request, exc.http_status, str(exc))
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        headers = exc.headers
        if exc.status_code == 405:  # the route that matched first knows only its own methods
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        if _is_api(request):
            return JSONResponse(
                {"error": str(exc.detail)}, status_code=exc.status_code, headers=headers
            )
        message = "There is no such page." if exc.status_code == 404 else str(exc.detail)
        page = _error_page(request, exc.status_code, message)
        page.headers.update(headers or {})
        return page

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if _is_api(request):
            first = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:3]
            )
            # what was sent is not echoed back ("input"): it may hold a password
            detail = [{k: v for k, v in e.items() if k not in ("input", "ctx")} for e in errors]
            return JSONResponse(
                {"error": f"invalid request: {first}", "detail": jsonable_encoder(detail)},
                status_code=422,
            )
        if any(e["loc"] and e["loc"][0] == "path" for e in errors):
            return _error_page(request, 404, "There is no such page.")
        return _error_page(request, 400, "That request was not understood.")

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _login_first(request: Request, is_api: bool) -> Response:
    """401 for the API (it takes a bearer token), the login page for a browser."""
    if is_api:
        team = getattr(request.state, "team", False)
        return JSONResponse(
            {
                "error": "log in first: send Authorization: Bearer TOKEN with your API token"
                if team
                else "this server asks for its token: send Authorization: Bearer TOKEN"
            },
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="kithkin"'},
        )
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{guard.LOGIN_PATH}?{urlencode({'next': here})}", status_code=303)


def _allowed_methods(request: Request) -> str:
    """The methods of every route at the request's path (GET and POST are often two)."""
    methods = {
        method
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, Route) and route.path_regex.match(request.url.path)
        for method in route.methods or ()
    }
    return ", ".join(sorted(methods))


def _is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", {"status": status, "message": message}, status=status)


def from_environment() -> FastAPI:
    """The app of one worker process of `serve --workers N`, built from `SERVED_ENV`."""
    served = json.loads(os.environ[SERVED_ENV])
    return create_app(
        served["db_url"],
        allowed_hosts=tuple(served["allowed_hosts"]),
        token_sha256=served["token_sha256"],
        shared_folder=Path(served["shared_folder"]),
    )


def serve(
    db_url: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    allowed_hosts: Collection[str] = guard.LOOPBACK_HOSTS,
    token_sha256: str | None = None,
    open_browser: bool = False,
    workers: int = 1,
) -> None:
    """Run the web UI with uvicorn until interrupted (`services.access.serve_access` says
    which hosts and which token a bind needs): in this process, or in `workers` processes
    sharing the port, each with its own app over the same database."""
    import uvicorn

    if open_browser:
        shown = "127.0.0.1" if host in _WILDCARD_HOSTS else host
        url = f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    if workers > 1:
        with tempfile.TemporaryDirectory(prefix="kithkin-serve-") as shared:
            os.environ[SERVED_ENV] = json.dumps(
                {
                    "db_url": db_url,
                    "allowed_hosts": list(allowed_hosts),
                    "token_sha256": token_sha256,
                    "shared_folder": shared,
                }
            )
            uvicorn.run(
                "kithkin.web.app:from_environment",
                factory=True,
                workers=workers,
                host=host,
                port=port,
                server_header=False,
                log_level="info",
            )
        return
    app = create_app(db_url, allowed_hosts=allowed_hosts, token_sha256=token_sha256)
    uvicorn.run(app, host=host, port=port, server_header=False, log_level="info")
