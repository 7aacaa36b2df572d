"""`/docs`: the API's documentation from assets installed with a package, nothing from a CDN."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_are_served_from_this_server_only(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/docs/assets/swagger-ui-bundle.js" in sources
    assert all(s.startswith("/") or s.startswith("data:") for s in sources), sources
    assert "<script>" not in page.text  # the CSP allows no inline script
    assert "script-src" not in page.headers["content-security-policy"]
    for asset, media in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "text/css")):
        served = client.get(f"/docs/assets/{asset}")
        assert served.status_code == 200 and media in served.headers["content-type"]
        assert len(served.content) > 100_000
    init = client.get("/static/docs.js").text
    assert 'url: "/openapi.json"' in init and "validatorUrl: null" in init


def test_only_the_assets_the_page_needs_are_served(client: TestClient) -> None:
    for name in ("index.html", "swagger-initializer.js", "..%2F__init__.py", "x"):
        assert client.get(f"/docs/assets/{name}").status_code == 404
