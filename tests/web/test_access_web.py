"""A server that asks for a token (as one beyond loopback must), served by uvicorn on
127.0.0.1: the Host check always, then the token: Bearer for the API, a login page and a
session cookie for a browser. Loopback without a token stays open."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from kithkin.services.access import serve_access
from kithkin.store import Database
from kithkin.web.app import create_app
from tests.web.test_browser import serve_app

TOKEN = "correct-horse-battery-staple"
FOREIGN = "evil.example"


@pytest.fixture
def guarded(db: Database, db_url: str) -> Iterator[str]:
    """The app as `kithkin serve --allow-host kithkin.test --token TOKEN` would build it."""
    checks = serve_access(db, bind="192.0.2.1", allow_hosts=["kithkin.test"], token=TOKEN)
    app = create_app(db_url, allowed_hosts=checks.hosts, token_sha256=checks.token_sha256)
    yield from serve_app(app)


def _client(base: str, **kwargs: object) -> httpx.Client:
    return httpx.Client(base_url=base, follow_redirects=False, timeout=10, **kwargs)  # type: ignore[arg-type]


def _port(base: str) -> int:
    port = urlsplit(base).port
    assert port is not None
    return port


def test_a_foreign_host_is_refused_before_anything_else(guarded: str) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    with _client(guarded) as client:
        host = f"{FOREIGN}:{_port(guarded)}"
        assert client.get("/api/people", headers={**bearer, "Host": host}).status_code == 400
        wrote = client.post(
            "/api/people", json={"display_name": "Eve"}, headers={**bearer, "Host": host}
        )
        assert wrote.status_code == 400
        assert client.get("/login", headers={"Host": host}).status_code == 400
        allowed = {**bearer, "Host": f"kithkin.test:{_port(guarded)}"}
        assert client.get("/api/people", headers=allowed).json() == []


def test_the_api_takes_the_token_as_bearer_and_nothing_else(guarded: str) -> None:
    with _client(guarded) as client:
        bare = client.get("/api/people")
        assert bare.status_code == 401
        assert bare.headers["www-authenticate"] == 'Bearer realm="kithkin"'
        assert "Authorization: Bearer" in bare.json()["error"]
        for wrong in ("Bearer not-the-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer"):
            assert client.get("/api/people", headers={"Authorization": wrong}).status_code == 401
        refused = client.post("/api/people", json={"display_name": "Eve"})
        assert refused.status_code == 401
        assert client.get("/openapi.json").status_code == 401
        good = {"Authorization": f"Bearer {TOKEN}"}
        added = client.post("/api/people", json={"display_name": "Ann"}, headers=good)
        assert added.status_code == 201
        assert [p["display_name"] for p in client.get("/api/people", headers=good).json()] == [
            "Ann"
        ]


def test_a_browser_logs_in_once_and_out(guarded: str) -> None:
    with _client(guarded) as client:
        first = client.get("/people?q=ann")
        assert first.status_code == 303
        assert first.headers["location"] == "/login?next=%2Fpeople%3Fq%3Dann"
        login = client.get(first.headers["location"])
        assert login.status_code == 200
        assert 'type="password" name="token"' in login.text
        assert "Duplicates" not in login.text and "people</span>" not in login.text  # no menu
        assert client.get("/static/style.css").status_code == 200
        token = _csrf(login.text)

        wrong = client.post("/login", data={"csrf_token": token, "token": "nope", "next": "/"})
        assert wrong.status_code == 401
        assert "not this server&#39;s token" in wrong.text
        assert "kithkin_session" not in client.cookies

        done = client.post(
            "/login", data={"csrf_token": token, "token": TOKEN, "next": "/people?q=ann"}
        )
        assert done.status_code == 303
        assert done.headers["location"] == "/people?q=ann"
        cookie = done.headers["set-cookie"]
        assert cookie.startswith("kithkin_session=")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        assert TOKEN not in cookie
        page = client.get("/people?q=ann")
        assert page.status_code == 200
        assert "Log out" in page.text
        # the cookie serves the browser's own API calls too
        assert client.get("/api/people").status_code == 200

        out = client.post("/logout", data={"csrf_token": token})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert client.get("/people").status_code == 303


def test_the_login_form_refuses_a_foreign_post_and_a_foreign_next(guarded: str) -> None:
    with _client(guarded) as client:
        token = _csrf(client.get("/login").text)
        foreign = client.post(
            "/login",
            data={"csrf_token": token, "token": TOKEN},
            headers={"Origin": "https://evil.example"},
        )
        assert foreign.status_code == 403
        away = client.post(
            "/login", data={"csrf_token": token, "token": TOKEN, "next": "//evil.example/"}
        )
        assert away.headers["location"] == "/"


def test_loopback_without_a_token_stays_open(db: Database, db_url: str) -> None:
    checks = serve_access(db, bind="127.0.0.1")
    app = create_app(db_url, allowed_hosts=checks.hosts, token_sha256=checks.token_sha256)
    for base in serve_app(app):
        with _client(base) as client:
            assert client.get("/api/people").status_code == 200
            assert client.get("/people").status_code == 200
            host = {"Host": f"{FOREIGN}:{_port(base)}"}
            assert client.get("/api/people", headers=host).status_code == 400


def test_every_answer_says_no_device_may_be_used(guarded: str) -> None:
    with _client(guarded) as client:
        for path in ("/login", "/api/people", "/static/style.css"):
            policy = client.get(path).headers["permissions-policy"]
            for feature in ("camera=()", "microphone=()", "geolocation=()", "usb=()"):
                assert feature in policy


def _csrf(html: str) -> str:
    from tests.web.conftest import token_of

    return token_of(html)
