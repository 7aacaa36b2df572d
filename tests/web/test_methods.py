"""What the API answers to a method it does not serve, and to a write without a body: the
answers its OpenAPI document promises (schemathesis found them wrong)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import add_person


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND"])
def test_an_unknown_method_is_405_not_415(client: TestClient, method: str) -> None:
    response = client.request(method, "/api/people")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


def test_allow_names_every_method_of_the_path(client: TestClient) -> None:
    assert client.options("/api/circle").headers["allow"] == "GET, POST"
    assert client.options("/api/me").headers["allow"] == "GET, PUT"
    person = client.options("/api/people/1")
    assert person.status_code == 405
    assert person.headers["allow"] == "DELETE, GET, PATCH"


def test_a_page_405_says_allow_too(client: TestClient) -> None:
    response = client.request("DELETE", "/people")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


def test_writes_without_a_body_need_no_content_type(client: TestClient) -> None:
    ana = add_person(client, display_name="Ana")
    assert client.delete(f"/api/people/{ana}").status_code == 200
    assert client.post("/api/undo").json()["undone"].startswith("delete")
    assert client.delete(f"/api/people/{ana}").status_code == 200
    assert client.post(f"/api/trash/{ana}/restore").status_code == 200


def test_a_body_still_needs_json(client: TestClient) -> None:
    ana = add_person(client, display_name="Ana")
    sent = client.post(
        f"/api/people/{ana}/notes", content=b"text=hi", headers={"Content-Type": "text/plain"}
    )
    assert sent.status_code == 415
    assert client.request("DELETE", f"/api/people/{ana}", content=b"x").status_code == 415


def test_the_contacts_upload_declares_its_header(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/import/contacts"]["post"]
    headers = [p for p in operation["parameters"] if p["in"] == "header"]
    assert [(h["name"], h["required"]) for h in headers] == [("x-kithkin-upload", True)]


def test_the_circle_api_documents_its_conflicts(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "409" in paths["/api/circle"]["post"]["responses"]
