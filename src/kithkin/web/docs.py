"""The API's documentation at `/docs`: Swagger UI over `/openapi.json`, from the assets the
`swagger-ui-bundle` package installs (no CDN: nothing is fetched from anywhere else). Only the
two files the page needs are served, and the page starts Swagger UI from our own script (the
Content Security Policy allows no inline script)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import FileResponse, HTMLResponse

from kithkin.web.guard import SECURITY_HEADERS
from kithkin.web.render import ENV

ASSETS: Final = ("swagger-ui.css", "swagger-ui-bundle.js")
CSP: Final = (
    SECURITY_HEADERS["Content-Security-Policy"] + "; style-src 'self' 'unsafe-inline'"
)  # Swagger UI sets style attributes; scripts stay our own files

pages = APIRouter(include_in_schema=False)


def swagger_ui() -> Path:
    from swagger_ui_bundle import swagger_ui_path

    return Path(str(swagger_ui_path))


@pages.get("/docs")
def docs_page(request: Request) -> HTMLResponse:
    html = ENV.get_template("docs.html").render(title=request.app.title)
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP})


@pages.get("/docs/assets/{name}")
def docs_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise HTTPException(404)
    return FileResponse(swagger_ui() / name, headers={"Cache-Control": "max-age=86400"})
