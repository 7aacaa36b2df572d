"""Ids a database cannot hold (past 2**31 - 1, PostgreSQL's INTEGER) are refused where the web
takes them (one type, `web.schemas.Id`): a 404 page or a 422 from the API, never a 500 from an
overflow in SQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import JSON, add_person, post_form

HUGE = 2**64
TOO_BIG = 2**31  # one past the largest PostgreSQL INTEGER (MAX_ID)

API_READS = [
    "/api/people/{id}",
    "/api/people/{id}/timeline",
    "/api/people/{id}/threads",
    "/api/people/{id}/sources",
    "/api/brief/{id}",
    "/api/strength/{id}",
]
PAGES = ["/people/{id}", "/brief/{id}"]


@pytest.mark.parametrize("big", [TOO_BIG, HUGE])
@pytest.mark.parametrize("path", API_READS)
def test_an_api_read_of_a_huge_id_is_422(client: TestClient, path: str, big: int) -> None:
    response = client.get(path.format(id=big))
    assert response.status_code == 422, response.text
    assert "person_id" in response.json()["error"]


@pytest.mark.parametrize("big", [TOO_BIG, HUGE])
@pytest.mark.parametrize("path", PAGES)
def test_a_page_of_a_huge_id_is_not_found(client: TestClient, path: str, big: int) -> None:
    response = client.get(path.format(id=big))
    assert response.status_code == 404
    assert "There is no such page." in response.text


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/api/people/{id}", {"title": "CTO"}),
        ("DELETE", "/api/people/{id}", None),
        ("POST", "/api/people/{id}/tags", {"name": "board"}),
        ("DELETE", "/api/people/{id}/tags/board", None),
        ("POST", "/api/people/{id}/notes", {"text": "met at the forum"}),
        ("DELETE", "/api/people/{id}/contacts/{id}", None),
        ("DELETE", "/api/people/{id}/story/{id}", None),
        ("PUT", "/api/circle/{id}/cadence", {"days": 30}),
        ("DELETE", "/api/circle/{id}", None),
        ("POST", "/api/trash/{id}/restore", None),
    ],
)
def test_a_write_to_a_huge_id_is_422(
    client: TestClient, method: str, path: str, body: object
) -> None:
    response = client.request(
        method, path.format(id=HUGE), json=body, headers=JSON if body is not None else {}
    )
    assert response.status_code == 422, response.text


def test_huge_ids_in_a_body_are_422(client: TestClient) -> None:
    me = add_person(client, display_name="Ana")
    interaction = {"kind": "call", "participants": [me, HUGE]}
    assert client.post("/api/interactions", json=interaction).status_code == 422
    assert (
        client.post("/api/interactions", json={**interaction, "participants": [-1]}).status_code
        == 422
    )
    assert client.post("/api/duplicates/dismiss", json={"a": me, "b": HUGE}).status_code == 422
    assert client.post(f"/api/people/{me}/merge", json={"other": HUGE}).status_code == 422
    assert client.get(f"/api/people?offset={HUGE}").status_code == 422


def test_a_huge_id_typed_as_a_reference_is_no_such_person(client: TestClient) -> None:
    me = add_person(client, display_name="Ana")
    for big in (TOO_BIG, HUGE):
        assert client.post(f"/api/people/{me}/merge", json={"other": f"#{big}"}).status_code == 404
    response = client.post(f"/api/people/{me}/merge", json={"other": f"#{HUGE}"})
    assert response.status_code == 404
    assert response.json()["error"] == f"no person #{HUGE}"


def test_a_duplicates_form_with_a_huge_id_says_so(client: TestClient) -> None:
    me = add_person(client, display_name="Ana")
    page = post_form(client, "/people/new", "/duplicates/dismiss", a=str(me), b=str(HUGE))
    assert page.status_code == 200
    assert "this form lost its ids" in page.text
