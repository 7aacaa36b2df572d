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


def test_the_schema_says_what_the_use_cases_refuse(client: TestClient) -> None:
    ana = add_person(client, display_name="Ana")
    for path, body in (
        (f"/api/people/{ana}/notes", {"text": " "}),
        (f"/api/people/{ana}/tags", {"name": ""}),
        (f"/api/people/{ana}/story", {"field": "work", "text": ""}),
        (f"/api/people/{ana}/contacts", {"kind": "url", "value": ""}),
        (f"/api/people/{ana}/merge", {"other": " "}),
        ("/api/circle", {"person": ""}),
    ):
        assert client.post(path, json=body).status_code == 422, path
    assert client.put(f"/api/circle/{ana}/cadence", json={"days": 0}).status_code == 422
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["NoteIn"]["properties"]["text"]["pattern"] == r"\S"
    assert schemas["PersonPatch"]["properties"]["display_name"] == {
        "type": "string",
        "pattern": r"\S",
        "title": "Display Name",
    }
    # DELETE is no method of /api/circle/settings, though it is one of /api/circle/{id}
    assert client.options("/api/circle/settings").headers["allow"] == "PUT"
