"""The HTML pages through an in-process client: forms, CSRF, escaping, flash and redirects."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import JSON, add_person, post_form, token_of

XSS = "<script>alert(1)</script>"


def test_root_is_today_with_a_way_to_people(client: Any) -> None:
    add_person(client, display_name="Dana Whitfield")  # an empty database opens on a welcome
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 200  # Today (web/today.py) wins over the old redirect
    assert "<h1>Today" in response.text and 'href="/people"' in response.text


def test_add_person_form_then_the_person_page(client: Any) -> None:
    page = client.get("/people/new")
    assert page.status_code == 200
    assert 'name="display_name"' in page.text
    assert "kithkin_csrf" in page.headers["set-cookie"]
    assert "samesite=strict" in page.headers["set-cookie"].lower()
    assert "httponly" in page.headers["set-cookie"].lower()

    token = token_of(page.text)
    response = client.post(
        "/people/new",
        data={
            "csrf_token": token,
            "display_name": "Dana Whitfield",
            "organisation": "Northwind Health",
            "title": "CIO",
            "email": "dana@northwind.example",
            "phone": "+44 20 7946 0000",
            "url": "northwind.example/dana",
            "tags": "cio, healthcare ,",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/people/\d+", location)

    person = client.get(location)
    assert "Added Dana Whitfield" in person.text  # the flash message, shown once
    for text in ("Dana Whitfield", "Northwind Health", "CIO", "healthcare"):
        assert text in person.text
    assert 'href="mailto:dana@northwind.example"' in person.text
    assert 'href="https://northwind.example/dana"' in person.text
    assert "0 %" in person.text
    assert "where they went to school" in person.text  # a gap, named
    assert "Added Dana Whitfield" not in client.get(location).text


def test_add_person_error_keeps_what_was_typed(client: Any) -> None:
    response = post_form(client, "/people/new", "/people/new", organisation="Nameless Ltd")
    assert response.status_code == 400
    assert "a person needs a name" in response.text
    assert 'value="Nameless Ltd"' in response.text


def test_forms_without_a_valid_csrf_token_are_refused(client: Any) -> None:
    person_id = add_person(client, display_name="Ann")
    no_token = client.post("/people/new", data={"display_name": "Eve"})
    assert no_token.status_code == 403
    assert "security token" in no_token.text
    client.get("/trash")  # now the client has the cookie
    wrong = client.post(f"/people/{person_id}/delete", data={"csrf_token": "x" * 43})
    assert wrong.status_code == 403
    assert client.get(f"/api/people/{person_id}").status_code == 200

    token = token_of(client.get("/trash").text)
    foreign = client.post(
        f"/people/{person_id}/delete",
        data={"csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    client.cookies.clear()  # a token copied without its cookie is worthless
    stolen = client.post(f"/people/{person_id}/notes", data={"csrf_token": token, "text": "x"})
    assert stolen.status_code == 403
    assert client.get(f"/api/people/{person_id}").json()["notes"] == []


def test_imported_text_is_escaped_everywhere(client: Any) -> None:
    person_id = add_person(
        client, display_name=XSS, organisation='"><img src=x onerror=alert(2)>', tags=["x"]
    )
    client.post(f"/api/people/{person_id}/story", json={"field": "work", "text": f"sail {XSS}"})
    client.post(f"/api/people/{person_id}/notes", json={"text": f"a note {XSS}"})
    pages = [
        client.get("/people"),
        client.get(f"/people/{person_id}"),
        client.get("/people", params={"q": "sail"}),
    ]
    for page in pages:
        assert page.status_code == 200
        assert XSS not in page.text
        assert "<img src=x" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    client.delete(f"/api/people/{person_id}", headers=JSON)
    trash = client.get("/trash").text
    assert XSS not in trash
    assert "&lt;script&gt;" in trash


def test_a_javascript_url_is_never_a_link(client: Any) -> None:
    person_id = add_person(
        client, display_name="Ann", contacts=[{"kind": "url", "value": "javascript:alert(1)"}]
    )
    page = client.get(f"/people/{person_id}").text
    assert "javascript:alert(1)" in page
    assert 'href="javascript' not in page


def test_search_filter_tags_and_pages(client: Any) -> None:
    ann = add_person(client, display_name="Ann Archer", tags=["cio"])
    add_person(client, display_name="Bob Baker", tags=["cto"])
    client.post(
        f"/api/people/{ann}/story",
        json={"field": "passions", "text": "weekends on the water in a sailboat"},
    )
    found = client.get("/people", params={"q": "sailboat"}).text
    assert "Ann Archer" in found
    assert "Bob Baker" not in found
    assert "<mark>sailboat</mark>" in found
    assert "Nobody matches" in client.get("/people", params={"q": "zeppelin"}).text

    tagged = client.get("/people", params={"tag": "cto"}).text
    assert "Bob Baker" in tagged
    assert "Ann Archer" not in tagged
    listing = client.get("/people").text
    assert re.search(r'href="/people\?tag=cio[^"]*">cio</a> <span class="muted">1</span>', listing)

    for n in range(55):
        add_person(client, display_name=f"Person {n:02d}")
    first = client.get("/people").text
    assert first.count('class="person-link"') == 50
    assert "page=2" in first
    second = client.get("/people", params={"page": 2}).text
    assert second.count('class="person-link"') == 7
    assert "Person 54" in second


def test_story_notes_interactions_and_edits_through_forms(client: Any) -> None:
    person_id = add_person(client, display_name="Ann")
    page = f"/people/{person_id}"
    added = post_form(
        client,
        page,
        f"{page}/story",
        field="origin",
        text="Grew up in Porto",
        learned_on="2024-05-02",
        learned_where="CIO summit dinner",
    )
    assert added.url.path == page
    assert "Grew up in Porto" in added.text
    assert "learned on 2024-05-02 at CIO summit dinner" in added.text
    assert "20 %" in added.text
    bad_date = post_form(client, page, f"{page}/story", field="work", text="x", learned_on="May")
    assert "is not a date" in bad_date.text

    noted = post_form(client, page, f"{page}/notes", text="Ask about the sailing trip")
    assert "Note added." in noted.text
    assert "note on Ann: Ask about the sailing trip" in noted.text  # in the timeline

    logged = post_form(
        client,
        page,
        f"{page}/interactions",
        kind="call",
        direction="from_me",
        date="2024-06-01",
        subject="Budget season",
    )
    assert "Logged the call." in logged.text
    assert "call → Budget season" in logged.text

    edited = post_form(
        client,
        page,
        f"{page}/edit",
        display_name="Ann Archer",
        given_name="",
        family_name="Archer",
        organisation="Contoso",
        title="CTO",
    )
    assert "Saved display name, family name, organisation, title." in edited.text
    assert client.get(f"/api/people/{person_id}").json()["organisation"] == "Contoso"

    fact_id = client.get(f"/api/people/{person_id}").json()["story"][0]["id"]
    removed = post_form(client, page, f"{page}/story/{fact_id}/remove")
    assert "Story fact removed." in removed.text
    assert "learned on 2024-05-02" not in removed.text
    assert client.get(f"/api/people/{person_id}").json()["story"] == []


def test_contacts_and_tags_through_forms(client: Any) -> None:
    ann = add_person(client, display_name="Ann", contacts=[{"kind": "email", "value": "a@x.io"}])
    bob = add_person(client, display_name="Bob")
    page = f"/people/{bob}"
    clash = post_form(client, page, f"{page}/contacts", kind="email", value="a@x.io")
    assert clash.url.path == page
    assert f'already belongs to <a href="/people/{ann}">Ann</a>' in clash.text
    assert 'class="flash flash-error"' in clash.text

    post_form(client, page, f"{page}/contacts", kind="phone", value="+1 555 0100", label="mobile")
    contact = client.get(f"/api/people/{bob}").json()["contact_points"][0]
    assert contact["label"] == "mobile"
    post_form(client, page, f"{page}/contacts/{contact['id']}/remove")
    assert client.get(f"/api/people/{bob}").json()["contact_points"] == []

    tagged = post_form(client, page, f"{page}/tags", tag="advisor, board")
    assert "Tagged advisor, board." in tagged.text
    post_form(client, page, f"{page}/tags/remove", tag="advisor")
    assert client.get(f"/api/people/{bob}").json()["tags"] == ["board"]
    assert client.get(f"/api/people/{ann}").json()["tags"] == []


def test_delete_then_undo_from_the_flash_and_restore_from_the_trash(client: Any) -> None:
    person_id = add_person(client, display_name="Ann")
    deleted = post_form(client, f"/people/{person_id}", f"/people/{person_id}/delete")
    assert deleted.url.path == "/people"
    assert "Ann is in the trash for 30 days. You can undo this." in deleted.text
    assert 'action="/undo"' in deleted.text
    assert client.get(f"/people/{person_id}").status_code == 404

    trash = client.get("/trash").text
    assert "Restore Ann" in trash
    assert "deleted Ann" in trash  # the last undoable action, named

    undone = post_form(client, "/trash", "/undo", next="/people")
    assert undone.url.path == "/people"
    assert "Undone: deleted Ann" in undone.text
    assert client.get(f"/people/{person_id}").status_code == 200
    nothing = post_form(client, "/trash", "/undo", next="https://evil.example/")
    assert nothing.url.path == "/trash"  # never redirected off the app
    assert "nothing to undo" in nothing.text

    post_form(client, f"/people/{person_id}", f"/people/{person_id}/delete")
    restored = post_form(client, "/trash", f"/trash/{person_id}/restore")
    assert "Restored Ann." in restored.text
    assert "The trash is empty." in restored.text


def test_merge_form(client: Any) -> None:
    keep = add_person(client, display_name="Dana Whitfield")
    add_person(client, display_name="Sam One")
    add_person(client, display_name="Sam Two")
    dupe = add_person(client, display_name="D. Whitfield", organisation="Northwind")
    page = f"/people/{keep}"
    ambiguous = post_form(client, page, f"{page}/merge", other="sam")
    assert "fits 2 people" in ambiguous.text
    merged = post_form(client, page, f"{page}/merge", other=f"#{dupe}")
    assert "Merged D. Whitfield" in merged.text
    assert "Northwind" in merged.text
    assert client.get(f"/api/people/{dupe}").status_code == 404


def test_error_pages(client: Any) -> None:
    missing = client.get("/people/999")
    assert missing.status_code == 404
    assert "no person #999" in missing.text
    assert "<nav" in missing.text
    assert client.get("/people/abc").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/people", params={"page": 0}).status_code == 400


def test_pages_carry_security_headers_and_the_footer(client: Any) -> None:
    add_person(client, display_name="Ann")
    page = client.get("/people")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.headers["x-frame-options"] == "DENY"
    assert "<span>1 person</span>" in page.text
    assert "<script" not in page.text
    assert re.search(r'(src|href)="(https?:)?//', page.text) is None  # nothing external
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert "http" not in css.text
