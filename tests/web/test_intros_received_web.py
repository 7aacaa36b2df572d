"""Introductions others made for me on the Intros page and through the API."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import add_person, post_form


def test_the_page_and_the_api(client: Any) -> None:
    sam = add_person(client, display_name="Sam Harlow")
    linh = add_person(client, display_name="Linh Dang")
    page = post_form(client, "/intros", "/intros/received", by="Sam", to="Linh", at="", outcome="")
    assert "Kept: Sam Harlow introduced you to Linh Dang." in page.text
    assert 'action="/intros/received/1/outcome"' in page.text
    page = post_form(client, "/intros", "/intros/received/1/outcome", outcome="met")
    assert "Sam Harlow&#39;s introduction to Linh Dang — met." in page.text
    made = client.post(
        "/api/intros/received", json={"by": f"#{linh}", "to": f"#{sam}", "outcome": "no"}
    )
    assert made.status_code == 201 and made.json()["outcome"] == "no"
    listed = client.get("/api/intros/received").json()
    assert [(r["introducer"], r["outcome"]) for r in listed][::-1] == [
        ("Sam Harlow", "met"),
        ("Linh Dang", "no"),
    ]
    changed = client.post(
        f"/api/intros/received/{made.json()['id']}/outcome", json={"outcome": "met"}
    )
    assert changed.json()["outcome"] == "met"
    assert client.post("/api/intros/received", json={"by": "Sam", "to": "Sam"}).status_code == 400
