"""The Intros page and its API, in-process: the pipeline, the preview of the two requests,
the buttons (consent, send, outcome) through the same use cases, CSRF, escaping; and the
demo's intros on Today, ordered by my networking style."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kithkin.services import intros, unsubscribe
from kithkin.store import Database
from tests.outbound.local import Handler, smtp_server
from tests.web.conftest import JSON, add_person, post_form

XSS = "<script>alert(1)</script>"


@pytest.fixture
def handler() -> Handler:
    return Handler()


@pytest.fixture
def port(handler: Handler) -> Iterator[int]:
    yield from smtp_server(handler)


def email(address: str) -> dict[str, str]:
    return {"kind": "email", "value": address}


@pytest.fixture
def pair(client: Any, db_url: str, port: int) -> tuple[int, int]:
    ana = add_person(
        client, display_name="Ana Lima", contacts=[{"kind": "email", "value": "ana@acme.example"}]
    )
    bo = add_person(
        client, display_name=f"Bo {XSS}", contacts=[{"kind": "email", "value": "bo@bee.example"}]
    )
    db = Database(db_url)
    unsubscribe.set_smtp(
        db, host="127.0.0.1", port=port, security="none", username=None,
        from_address="jo@me.example",
    )  # fmt: skip
    db.dispose()
    return ana, bo


def test_preview_then_send_then_consent_then_introduce(
    client: Any, pair: tuple[int, int], handler: Handler, db_url: str
) -> None:
    ana, bo = pair
    empty = client.get("/intros")
    assert empty.status_code == 200 and "No introductions yet" in empty.text
    assert 'href="/intros/paths"' in empty.text
    ids = {"a": f"#{ana}", "b": f"#{bo}", "why": "both sail"}
    preview = post_form(client, "/intros", "/intros/preview", **ids)
    assert preview.status_code == 200
    assert "Would you like to meet Ana Lima?" in preview.text
    assert preview.text.count("reads as a person") == 2  # each draft's tone beside it
    assert XSS not in preview.text and "&lt;script&gt;" in preview.text
    assert handler.received == [] and client.get("/api/intros").json() == []  # a dry run
    sent = post_form(client, "/intros", "/intros/propose", **ids)
    assert "Asked Ana Lima" in sent.text
    assert len(handler.received) == 2
    [view] = client.get("/api/intros").json()
    assert view["stage"] == "asked"
    for pid in (ana, bo):
        post_form(
            client, "/intros", f"/intros/{view['id']}/consent", person=f"#{pid}", answer="yes"
        )
    page = client.get("/intros")
    assert "Send the introduction" in page.text
    done = post_form(client, "/intros", f"/intros/{view['id']}/send")
    assert "The introduction to ana@acme.example, bo@bee.example: sent." in done.text
    assert len(handler.received) == 3
    again = post_form(client, "/intros", f"/intros/{view['id']}/send")
    assert "Nothing was ready to send." in again.text and len(handler.received) == 3
    outcome = client.post(
        f"/api/intros/{view['id']}/outcome", json={"outcome": "met"}, headers=JSON
    )
    assert outcome.status_code == 200 and outcome.json()["stage"] == "outcome: met"
    person_page = client.get(f"/people/{ana}")
    assert person_page.status_code == 200


def test_the_api(client: Any, pair: tuple[int, int], handler: Handler) -> None:
    ana, bo = pair
    dry = client.post("/api/intros", json={"a": f"#{ana}", "b": f"#{bo}", "why": "x"}, headers=JSON)
    assert dry.status_code == 200 and dry.json()["intro_id"] is None
    assert len(dry.json()["requests"]) == 2
    made = client.post(
        "/api/intros", json={"a": f"#{ana}", "b": f"#{bo}", "why": "x", "send": True}, headers=JSON
    )
    assert made.status_code == 200 and len(made.json()["sent"]) == 2
    intro_id = made.json()["intro_id"]
    no = client.post(
        f"/api/intros/{intro_id}/consent", json={"person": f"#{bo}", "answer": "no"}, headers=JSON
    )
    assert no.json()["stage"] == "declined"
    yes = client.post(
        f"/api/intros/{intro_id}/consent", json={"person": f"#{bo}", "answer": "yes"}, headers=JSON
    )
    assert yes.status_code == 409
    again = client.post(
        "/api/intros", json={"a": f"#{bo}", "b": f"#{ana}", "why": "y", "send": True}, headers=JSON
    )
    assert again.status_code == 409
    assert client.get(f"/api/intros/{intro_id}").json()["status"] == "declined"
    assert client.get("/api/intros/999999").status_code == 404
    assert len(handler.received) == 2


def test_a_connector_sees_intros_first_on_today(client: Any, db_url: str) -> None:
    from kithkin.demo import build_demo

    db = Database(db_url)
    build_demo(db, seed=7)
    intros.set_style(db, style="connector")
    db.dispose()
    today = client.get("/api/today").json()
    assert today["sections"][0]["name"] == "intros"
    kinds = {i["kind"] for i in today["sections"][0]["items"]}
    assert {"unclear", "follow-up", "ready", "check"} <= kinds
    page = client.get("/").text
    assert page.index("Introductions waiting for you") < page.index("Meetings today")
    assert "Open in Intros" in page
    intros_page = client.get("/intros").text
    assert "Waiting for you" in intros_page and "declined" in intros_page
