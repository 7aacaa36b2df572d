"""The Service page, the Tone page and their API, in-process."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.web.conftest import add_person, post_form


def _net(client: Any) -> tuple[int, int]:
    dana = add_person(client, display_name="Dana Whitfield", organisation="Acme", title="CIO")
    lee = add_person(
        client, display_name="Lee Chen", organisation="Northbank", title="Head of Security"
    )
    return dana, lee


def test_the_service_api(client: Any) -> None:
    dana, _ = _net(client)
    offer = client.post(
        "/api/offers",
        json={"text": "can introduce you to security leaders", "kind": "relationship"},
    )
    assert offer.status_code == 201 and offer.json()["kind"] == "relationship"
    assert client.post("/api/offers", json={"text": "x", "kind": "money"}).status_code == 422
    need = client.post("/api/needs", json={"person": f"#{dana}", "text": "hiring a security head"})
    assert need.status_code == 201 and need.json()["display_name"] == "Dana Whitfield"
    assert [n["text"] for n in client.get("/api/needs").json()] == ["hiring a security head"]
    logged = client.post(
        "/api/ledger", json={"person": "Dana", "direction": "asked", "text": "a reference"}
    )
    assert logged.status_code == 201 and "never helped" in logged.json()["warnings"][0]
    ledger = client.get("/api/ledger").json()
    assert (ledger["gave"], ledger["asked"]) == (0, 1)
    found = client.get("/api/service/matches", params={"method": "bm25"}).json()
    assert found["method"] == "bm25"
    kinds = {m["kind"] for m in found["matches"]}
    assert kinds == {"offer", "person"}
    tone = client.post("/api/tone", json={"text": "Could you introduce me?", "to": "Dana"}).json()
    assert tone["to"] == "Dana Whitfield"
    assert "favour" in [f["rule"] for f in tone["tone"]["flags"]]
    assert client.post("/api/tone", json={"text": "hi", "to": "Nobody"}).status_code == 404
    assert client.delete(f"/api/offers/{offer.json()['id']}").status_code == 200
    assert client.delete(f"/api/needs/{need.json()['id']}").status_code == 200


def test_needs_suggested_from_notes_are_reviewed(client: Any) -> None:
    dana, _ = _net(client)
    client.post(f"/api/people/{dana}/notes", json={"text": "She is hiring a CISO this spring."})
    made = client.post("/api/needs/suggest").json()
    assert [n["status"] for n in made] == ["suggested"]
    assert client.get("/api/needs").json() == []
    accepted = client.post(f"/api/needs/{made[0]['id']}/accept").json()
    assert accepted["status"] == "open"


def test_the_service_page_and_its_forms(client: Any) -> None:
    dana, _ = _net(client)
    page = post_form(
        client, "/service", "/service/offers", text="20 years running ERP migrations", kind="skill"
    )
    assert page.status_code == 200 and "20 years running ERP migrations" in page.text
    page = post_form(
        client, "/service", "/service/needs", person="Dana", text="moving to a new ERP"
    )
    assert "moving to a new ERP" in page.text
    page = post_form(
        client, "/service", "/service/ledger", person="Dana", direction="gave", text="a book"
    )
    assert "given 1, asked 0" in page.text
    html = client.get("/service").text
    assert "You offer" in html and f'href="/people/{dana}"' in html
    bad = post_form(client, "/service", "/service/needs", person="Nobody", text="x")
    assert "no person" in bad.text.lower() or "nobody" in bad.text.lower()


def test_the_tone_page(client: Any) -> None:
    _net(client)
    assert "Check the tone" in client.get("/tone").text
    page = post_form(
        client,
        "/tone",
        "/tone",
        to="Dana",
        text="Act now! Limited time offer. Could you introduce me to your CFO?",
    )
    assert "Reads as sales-y" in page.text
    assert "You have never helped Dana Whitfield" in page.text
    assert "Instead:" in page.text
    unknown = post_form(client, "/tone", "/tone", to="Nobody", text="hello")
    assert "flash-error" in unknown.text


def test_the_tone_page_takes_its_recipient_from_a_link(client: Any) -> None:
    dana, _ = _net(client)
    page = client.get("/tone", params={"to": f"#{dana}"})
    assert f'value="#{dana}"' in page.text


def test_todays_opportunity_opens_the_intro_form_filled_in(client: Any) -> None:
    dana, lee = _net(client)
    client.post("/api/needs", json={"person": f"#{dana}", "text": "hiring a head of security"})
    today = client.get("/").text
    link = re.search(r'href="(/intros\?a=%23\d+&amp;b=%23\d+&amp;why=[^"]*)"', today)
    assert link is not None, "Today offers no introduction for the fresh need"
    url = html.unescape(link.group(1))
    assert url.startswith(f"/intros?a=%23{dana}&b=%23{lee}&")
    form = client.get(url).text
    assert f'name="a" required placeholder="e.g. Dana or #12" value="#{dana}"' in form
    assert f'value="#{lee}"' in form
    assert "Dana Whitfield is hiring a head of security</textarea>" in form
    assert client.get("/api/intros").json() == []  # a filled-in form, nothing proposed yet


def test_a_match_on_the_service_page_opens_the_intro_form(client: Any) -> None:
    dana, lee = _net(client)
    client.post("/api/needs", json={"person": f"#{dana}", "text": "hiring a head of security"})
    page = client.get("/service?method=bm25").text
    link = re.search(r'href="(/intros\?a=%23\d+&amp;b=%23\d+&amp;why=[^"]*)"', page)
    assert link is not None, "a match with someone I know offers no introduction"
    form = client.get(html.unescape(link.group(1))).text
    assert f'value="#{dana}"' in form and f'value="#{lee}"' in form
    assert "Dana Whitfield: hiring a head of security</textarea>" in form
