"""Fixtures for the web tests: the app in-process on a fresh database, and form helpers."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kithkin.web.app import create_app

BASE_URL = "http://127.0.0.1"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def db_url(db_path: Path, request: pytest.FixtureRequest) -> str:
    """SQLite, or PostgreSQL when KITHKIN_TEST_ENGINE=postgresql (as `db`, the same database)."""
    if os.environ.get("KITHKIN_TEST_ENGINE") == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{db_path}"


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url), base_url=BASE_URL) as test_client:
        yield test_client


def token_of(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def post_form(client: TestClient, page: str, action: str, **fields: str) -> Any:
    """Open `page` (which sets the CSRF cookie), then post its form to `action`, following."""
    token = token_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **fields})


def add_person(client: TestClient, **fields: Any) -> int:
    response = client.post("/api/people", json=fields)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


JSON = {"Content-Type": "application/json"}


class SignedInAs:
    """The app, where a request with `X-Test-User: NAME` is sent as that member would send it:
    with `Authorization: Bearer TOKEN`, a real API token of theirs (made on first use), so
    the app's own guard finds the member (team mode's login, not a stand-in)."""

    def __init__(self, app: Any, db_url: str) -> None:
        self.app, self.db_url = app, db_url
        self.tokens: dict[str, str] = {}

    def token(self, name: str) -> str:
        from kithkin.services import accounts, team
        from kithkin.store import Database
        from kithkin.store import team as team_store

        if name not in self.tokens:
            db = Database(self.db_url)
            try:
                with db.read() as conn:
                    member = team_store.by_username(conn, name)
                made = accounts.add_token(db, actor=team.as_actor(member), label="test")
            finally:
                db.dispose()
            self.tokens[name] = made.token
            self.app.state.team.began()  # members were added behind the app's back
        return self.tokens[name]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != b"x-test-user"]
            user = dict(scope["headers"]).get(b"x-test-user", b"").decode()
            if user:
                headers.append((b"authorization", f"Bearer {self.token(user)}".encode()))
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)
