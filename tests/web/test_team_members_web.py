"""Team mode in the web UI and the API: each member's own "me" and circle, and team intro
paths marked as such. Each member signs in with a real API token of
theirs (`SignedInAs`), so the app's own guard decides who acts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kithkin.store import Database
from kithkin.web.app import create_app
from tests.graph.test_team_intro_paths import _team
from tests.web.conftest import BASE_URL, SignedInAs, post_form


@pytest.fixture
def team_client(db: Database, db_url: str) -> Iterator[TestClient]:
    with TestClient(SignedInAs(create_app(db_url), db_url), base_url=BASE_URL) as test_client:
        yield test_client


def test_team_paths_in_the_api_and_on_the_page(db: Database, team_client: TestClient) -> None:
    _team(db)
    ada = {"x-test-user": "ada"}
    found = team_client.get("/api/intros/paths", params={"to": "Chris Cto"}, headers=ada)
    assert found.status_code == 200, found.text
    first = found.json()["paths"][0]
    assert [leg["name"] for leg in first["legs"]] == ["Sam Carter", "Chris Cto"]
    assert [leg["teammate"] for leg in first["legs"]] == [True, False]
    page = team_client.get("/intros/paths", params={"to": "Chris Cto"}, headers=ada)
    assert page.status_code == 200
    assert 'class="path path-team"' in page.text and "your team</span>" in page.text


def test_each_member_sets_their_own_me(db: Database, team_client: TestClient) -> None:
    _team(db)
    team_client.headers["x-test-user"] = "sam"
    post_form(team_client, "/settings", "/settings/me/addresses", address="sam@team.example")
    assert team_client.get("/api/me").json()["addresses"] == ["sam@team.example"]
    team_client.headers["x-test-user"] = "ada"
    assert team_client.get("/api/me").json()["addresses"] == []
    assert team_client.get("/api/settings").json()["me"]["name"] == "Ada"
