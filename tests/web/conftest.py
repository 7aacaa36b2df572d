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
