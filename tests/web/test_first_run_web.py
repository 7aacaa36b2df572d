"""The first run: an empty database opens on a welcome (who are you, bring your network in,
or the demo), a database with anything in it on Today; the demo button fills only an empty
one."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from kithkin.services import me as myself
from kithkin.store import Database
from tests.web.conftest import add_person, post_form


def me_of(db_url: str) -> tuple[str | None, tuple[str, ...]]:
    db = Database(db_url)
    try:
        me = myself.get_me(db)
    finally:
        db.dispose()
    return me.name, me.addresses


def test_an_empty_database_opens_on_the_welcome(client: TestClient) -> None:
    page = client.get("/").text
    assert "Welcome to kithkin" in page and "Nothing needs you today" not in page
    for action in ('action="/first-run/me"', 'action="/import"', 'action="/demo"'):
        assert action in page
    for link in ('href="/import/mail#mail-form"', 'href="/import/mail#calendar-form"'):
        assert link in page
    assert client.get("/api/first-run").json() == {
        "empty": True,
        "me": {"name": None, "addresses": [], "person_id": None},
    }


def test_a_database_with_someone_in_it_opens_on_today(client: TestClient) -> None:
    add_person(client, display_name="Dana Whitfield")
    page = client.get("/").text
    assert "Welcome to kithkin" not in page and "Nothing needs you today" in page
    assert client.get("/api/first-run").json()["empty"] is False


def test_someone_in_the_trash_is_not_an_empty_database(client: TestClient) -> None:
    person = add_person(client, display_name="Dana Whitfield")
    assert client.delete(f"/api/people/{person}").is_success
    assert "Welcome to kithkin" not in client.get("/").text


def test_who_are_you_keeps_the_name_and_addresses_and_stays_welcoming(
    client: TestClient, db_url: str
) -> None:
    page = post_form(
        client,
        "/",
        "/first-run/me",
        name="Dana Whitfield",
        addresses="D@Acme.example\nd@home.example",
    )
    text = html.unescape(re.sub(r"<[^>]+>", "", page.text))
    assert "Welcome, Dana Whitfield. kithkin has 2 addresses of yours." in text
    assert "You are Dana Whitfield, writing from d@acme.example, d@home.example" in text
    assert "replaces your name and addresses" in text  # the demo says what it would do
    assert me_of(db_url) == ("Dana Whitfield", ("d@acme.example", "d@home.example"))


def test_a_bad_address_on_the_welcome_is_said_there_and_nothing_stored(
    client: TestClient, db_url: str
) -> None:
    page = post_form(client, "/", "/first-run/me", name="Dana", addresses="dana at acme")
    assert page.status_code == 400
    text = html.unescape(page.text)
    assert "not an email address: 'dana'" in text and "Welcome to kithkin" in text
    assert 'value="Dana"' in text and "dana at acme</textarea>" in text
    assert me_of(db_url) == (None, ())


def test_the_demo_button_fills_the_empty_database(client: TestClient) -> None:
    page = post_form(client, "/", "/demo")
    text = html.unescape(page.text)
    assert "The demo network is open:" in text and "Alex Morgan" in text
    assert "Welcome to kithkin" not in text and "<h1>Today" in text
    people = client.get("/api/stats").json()["people"]
    assert people > 100
    again = post_form(client, "/settings", "/demo")  # no button now; a stale form is refused
    assert "the demo database is not empty" in html.unescape(again.text)
    assert client.get("/api/stats").json()["people"] == people


def test_the_demo_api_fills_only_an_empty_database(client: TestClient) -> None:
    add_person(client, display_name="Dana Whitfield")
    response = client.post("/api/demo")
    assert response.status_code == 400 and "not empty" in response.json()["error"]
    assert client.get("/api/stats").json()["people"] == 1
