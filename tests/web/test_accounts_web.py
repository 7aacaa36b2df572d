"""Team accounts on the web, served by uvicorn on 127.0.0.1: the login page on every bind,
sessions, the login rate limit, API tokens, the Account and Users pages. A personal database
works as before: no login on loopback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kithkin.model import SOLO
from kithkin.services import accounts, team
from kithkin.store import Database
from kithkin.web.app import create_app
from tests.web.conftest import token_of
from tests.web.test_browser import serve_app

pytestmark = pytest.mark.usefixtures("cheap_passwords")

PASSWORD = "correct horse battery"
SAM_PASSWORD = "sam's own long password"


@pytest.fixture
def team_db(db: Database) -> Database:
    accounts.add_user(
        db, actor=SOLO, username="ada", password=PASSWORD, role="owner", name="Ada Lovelace"
    )
    owner = team.actor_for(db, "ada")
    accounts.add_user(db, actor=owner, username="sam", password=SAM_PASSWORD, role="viewer")
    return db


@pytest.fixture
def live(team_db: Database, db_url: str) -> Iterator[str]:
    """A loopback server (no server token) on a team database."""
    yield from serve_app(create_app(db_url))


def _client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, follow_redirects=False, timeout=20)


def log_in(client: httpx.Client, username: str, password: str, goto: str = "/") -> Any:
    token = token_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password, "next": goto},
    )


def test_a_team_database_asks_for_a_login_on_loopback_too(live: str) -> None:
    with _client(live) as client:
        page = client.get("/people?q=x")
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=%2Fpeople%3Fq%3Dx"
        api = client.get("/api/people")
        assert api.status_code == 401 and "log in first" in api.json()["error"]
        assert api.headers["www-authenticate"] == 'Bearer realm="kithkin"'
        assert client.get("/openapi.json").status_code == 401
        assert client.post("/api/people", json={"display_name": "Eve"}).status_code == 401
        assert client.get("/static/style.css").status_code == 200
        login = client.get("/login")
        assert 'name="username"' in login.text and 'name="password"' in login.text
        assert 'name="token"' not in login.text


def test_logging_in_gives_a_signed_httponly_session(live: str) -> None:
    with _client(live) as client:
        wrong = log_in(client, "ada", "not my password")
        assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text
        assert 'value="ada"' in wrong.text  # the name typed is kept
        unknown = log_in(client, "nobody", PASSWORD)
        assert unknown.status_code == 401 and "Wrong user name or password" in unknown.text
        done = log_in(client, "ada", PASSWORD, goto="/people")
        assert done.status_code == 303 and done.headers["location"] == "/people"
        cookie = done.headers["set-cookie"]
        assert cookie.startswith("kithkin_session=")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=" in cookie
        assert PASSWORD not in cookie
        page = client.get("/people")
        assert page.status_code == 200
        assert 'class="nav-user">ada</span>' in page.text and "Log out" in page.text
        assert 'href="/users"' in page.text  # an owner's menu
        assert client.get("/api/people").status_code == 200  # the browser's own API calls
        me = client.get("/api/me/account").json()
        assert me["username"] == "ada" and me["role"] == "owner"
        assert [s["current"] for s in me["sessions"]] == [True]

        out = client.post("/logout", data={"csrf_token": token_of(page.text)})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert client.get("/people").status_code == 303
        # the old cookie is dead on the server too, not only dropped by this browser
        client.cookies.set("kithkin_session", cookie.split(";")[0].split("=", 1)[1])
        assert client.get("/people").status_code == 303


def test_a_viewer_sees_no_users_page(live: str) -> None:
    with _client(live) as client:
        log_in(client, "sam", SAM_PASSWORD)
        page = client.get("/people")
        assert 'class="nav-user">sam</span>' in page.text and 'href="/users"' not in page.text
        assert client.get("/users").status_code == 403
        assert client.get("/api/users").status_code == 403
        denied = client.post(
            "/api/users", json={"username": "eve", "password": PASSWORD, "role": "owner"}
        )
        assert denied.status_code == 403 and "owner role" in denied.json()["error"]


def test_five_wrong_passwords_lock_the_user_name_with_429(live: str) -> None:
    with _client(live) as client:
        for _ in range(5):
            assert log_in(client, "ada", "wrong password!").status_code == 401
        locked = log_in(client, "ada", PASSWORD)
        assert locked.status_code == 429
        assert "too many failed logins for &#39;ada&#39;: try again in 15 minutes" in locked.text
        assert 14 * 60 < int(locked.headers["retry-after"]) <= 15 * 60
        assert client.get("/people").status_code == 303
        # another user logs in from the same address
        assert log_in(client, "sam", SAM_PASSWORD).status_code == 303


def test_api_tokens_act_as_their_user(live: str, team_db: Database) -> None:
    made = accounts.add_token(team_db, actor=team.actor_for(team_db, "sam"), label="script")
    with _client(live) as client:
        bearer = {"Authorization": f"Bearer {made.token}"}
        assert client.get("/api/people", headers=bearer).status_code == 200
        mine = client.get("/api/me/account", headers=bearer).json()
        assert mine["username"] == "sam" and mine["sessions"] == []
        assert [t["label"] for t in mine["tokens"]] == ["script"]
        assert mine["tokens"][0]["last_used_at"] is not None
        for wrong in (f"Bearer {made.token}x", f"Basic {made.token}", "Bearer"):
            assert client.get("/api/people", headers={"Authorization": wrong}).status_code == 401
        new = client.post("/api/tokens", json={"label": "second"}, headers=bearer)
        assert new.status_code == 201 and new.json()["token"].startswith("kk_")
        listed = client.get("/api/tokens", headers=bearer).json()
        assert {t["label"] for t in listed} == {"script", "second"}
        assert all("token" not in t for t in listed)
        gone = client.delete(f"/api/tokens/{made.info.id}", headers=bearer)
        assert gone.status_code == 200
        assert client.get("/api/people", headers=bearer).status_code == 401
        other = {"Authorization": f"Bearer {new.json()['token']}"}
        assert client.get("/api/users", headers=other).status_code == 403


def test_the_account_page_changes_the_password_and_logs_out_everywhere(live: str) -> None:
    with _client(live) as elsewhere, _client(live) as client:
        log_in(elsewhere, "ada", PASSWORD)
        log_in(client, "ada", PASSWORD)
        page = client.get("/account")
        assert page.status_code == 200
        assert "this browser" in page.text and "Log out everywhere" in page.text
        token = token_of(page.text)
        differ = client.post(
            "/account/password",
            data={"csrf_token": token, "current": PASSWORD, "new": "x" * 14, "repeat": "y" * 14},
            follow_redirects=True,
        )
        assert "The two new passwords differ" in differ.text
        short = client.post(
            "/account/password",
            data={"csrf_token": token, "current": PASSWORD, "new": "short", "repeat": "short"},
            follow_redirects=True,
        )
        assert "at least 12 characters" in short.text
        new = "a brand new password"
        changed = client.post(
            "/account/password",
            data={"csrf_token": token, "current": PASSWORD, "new": new, "repeat": new},
            follow_redirects=True,
        )
        assert "Your password is changed; 1 other session ended." in changed.text
        assert elsewhere.get("/people").status_code == 303  # its session ended
        assert client.get("/people").status_code == 200  # this one goes on

        made = client.post("/account/tokens", data={"csrf_token": token, "label": "laptop"})
        shown = re.search(r'class="new-token"[^>]*>(kk_[\w-]+)<', made.text)
        assert made.status_code == 200 and shown is not None
        bearer = {"Authorization": f"Bearer {shown.group(1)}"}
        assert client.get("/account").text.count(shown.group(1)) == 0  # shown once
        assert httpx.get(f"{live}/api/people", headers=bearer).status_code == 200

        out = client.post("/account/logout-everywhere", data={"csrf_token": token, "tokens": "yes"})
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert client.get("/people").status_code == 303
        assert httpx.get(f"{live}/api/people", headers=bearer).status_code == 401


def test_owners_manage_users_on_the_users_page(live: str) -> None:
    with _client(live) as client:
        log_in(client, "ada", PASSWORD)
        page = client.get("/users")
        assert page.status_code == 200 and "sam" in page.text
        token = token_of(page.text)
        added = client.post(
            "/users",
            data={
                "csrf_token": token,
                "username": "Bo",
                "name": "Bo Diaz",
                "role": "editor",
                "password": PASSWORD,
                "repeat": PASSWORD,
            },
            follow_redirects=True,
        )
        assert "Added bo (editor)." in added.text
        role = client.post(
            "/users/bo/role", data={"csrf_token": token, "role": "owner"}, follow_redirects=True
        )
        assert "bo is now owner." in role.text
        gone = client.post("/users/bo/remove", data={"csrf_token": token}, follow_redirects=True)
        assert "Removed bo" in gone.text
        last = client.post(
            "/users/ada/role", data={"csrf_token": token, "role": "viewer"}, follow_redirects=True
        )
        assert "last owner" in last.text
        api = client.get("/api/users").json()
        assert [(u["username"], u["role"]) for u in api] == [("ada", "owner"), ("sam", "viewer")]
        assert client.put("/api/users/sam/role", json={"role": "editor"}).json()["role"] == "editor"
        assert client.delete("/api/users/ada").status_code == 409


def test_a_personal_database_needs_no_login_until_its_first_user(db: Database, db_url: str) -> None:
    for base in serve_app(create_app(db_url)):
        with _client(base) as client:
            assert client.get("/people").status_code == 200
            assert client.get("/api/people").status_code == 200
            page = client.get("/users")
            assert (
                "A personal database" in page.text and "Account" not in page.text.split("<main")[0]
            )
            assert "no accounts" in client.get("/account").text
            weak = client.post(
                "/api/users", json={"username": "ada", "password": PASSWORD, "role": "editor"}
            )
            assert weak.status_code == 400 and "must be an owner" in weak.json()["error"]
            first = client.post(
                "/users",
                data={
                    "csrf_token": token_of(page.text),
                    "username": "ada",
                    "role": "owner",
                    "password": PASSWORD,
                    "repeat": PASSWORD,
                },
            )
            assert first.status_code == 303 and first.headers["location"] == "/login"
            assert client.get("/people").status_code == 303  # team mode, at once
            assert client.get("/api/people").status_code == 401
            assert log_in(client, "ada", PASSWORD).status_code == 303
            assert client.get("/people").status_code == 200


def test_workers_share_sessions_and_the_rate_limit(team_db: Database, db_url: str) -> None:
    """Two apps on one database, as two server processes (workers) are."""
    first = serve_app(create_app(db_url))
    second = serve_app(create_app(db_url))
    one, two = next(first), next(second)
    try:
        with _client(one) as a, _client(two) as b:
            assert log_in(a, "ada", PASSWORD).status_code == 303
            b.cookies.set("kithkin_session", a.cookies["kithkin_session"])
            assert b.get("/api/me/account").json()["username"] == "ada"
            for client in (a, b, a, b, a):
                assert log_in(client, "sam", "a wrong password").status_code == 401
            assert log_in(b, "sam", SAM_PASSWORD).status_code == 429
            assert log_in(a, "sam", SAM_PASSWORD).status_code == 429
            a.post("/logout", data={"csrf_token": token_of(a.get("/account").text)})
            assert b.get("/api/me/account").status_code == 401  # ended for every worker
    finally:
        for server in (first, second):
            server.close()


def test_a_personal_database_has_no_account_api(client: Any) -> None:
    answer = client.get("/api/me/account")
    assert answer.status_code == 404 and "personal database" in answer.json()["error"]
    assert client.get("/api/users").json() == []


def test_a_running_server_notices_a_user_added_by_the_cli(db: Database, db_url: str) -> None:
    import time

    for base in serve_app(create_app(db_url)):
        with _client(base) as client:
            assert client.get("/people").status_code == 200
            accounts.add_user(db, actor=SOLO, username="ada", password=PASSWORD, role="owner")
            time.sleep(1.1)  # the app looks again at most every second
            assert client.get("/people").status_code == 303
            assert client.get("/api/people").status_code == 401


def test_every_api_route_refuses_a_team_request_without_a_login(
    team_db: Database, db_url: str
) -> None:
    """Walks every route of the API (its paths with an id filled in) on a team database:
    without a session or token each answers 401 before it runs."""
    from fastapi.testclient import TestClient
    from starlette.routing import Route

    from kithkin.web.app import ROUTERS

    app = create_app(db_url)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        walked = 0
        for route in (r for router in ROUTERS for r in router.routes):
            if not isinstance(route, Route) or not route.path.startswith("/api"):
                continue
            path = re.sub(r"\{[^}]+\}", "1", route.path)
            for method in sorted(route.methods or ()):
                if method == "HEAD":
                    continue
                answer = client.request(method, path, json={} if method != "GET" else None)
                assert answer.status_code == 401, (method, path, answer.status_code)
                walked += 1
        assert walked > 50
