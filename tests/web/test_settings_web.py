"""The Settings page: each form stores what it is given and says so beside it; bad input is
said beside the form, with what was typed, and nothing is stored; `/api/settings` the same."""

from __future__ import annotations

import html
import re
import sys
import types
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kithkin.services import settings as service
from kithkin.store import Database
from tests.web.conftest import JSON, post_form


def stored(db_url: str) -> service.Settings:
    db = Database(db_url)
    try:
        return service.read(db)
    finally:
        db.dispose()


def said_in(page: str, section: str) -> str:
    """The text of the section `section` of the Settings page."""
    found = re.search(rf'<section class="card" id="{section}".*?</section>', page, re.S)
    assert found, f"no section {section}"
    return html.unescape(found.group(0))


@pytest.fixture
def keyring() -> Iterator[dict[tuple[str, str], str]]:
    """A system keyring in memory, where the `keyring` package would be."""
    kept: dict[tuple[str, str], str] = {}

    class Backend:
        pass

    fake = types.ModuleType("keyring")
    fake.get_keyring = Backend  # type: ignore[attr-defined]
    fake.set_password = lambda s, a, p: kept.__setitem__((s, a), p)  # type: ignore[attr-defined]
    fake.get_password = lambda s, a: kept.get((s, a))  # type: ignore[attr-defined]
    before = sys.modules.get("keyring")
    sys.modules["keyring"] = fake
    try:
        yield kept
    finally:
        if before is None:
            del sys.modules["keyring"]
        else:
            sys.modules["keyring"] = before


def test_the_page_shows_every_setting_and_is_in_the_menu(client: TestClient) -> None:
    page = client.get("/settings").text
    assert '<a href="/settings" aria-current="page">Settings</a>' in page
    for action in ("me", "me/addresses", "circle", "region", "smtp", "calendar"):
        assert f'action="/settings/{action}#' in page  # a form's error is said in its section
    assert 'value="10"' in page and 'value="14"' in page  # cap and default cadence
    assert 'value="US"' in page and 'value="730"' in page


def test_name_and_addresses_added_and_removed(client: TestClient, db_url: str) -> None:
    page = post_form(client, "/settings", "/settings/me", name="  Dana Whitfield ")
    assert "Saved: you are Dana Whitfield." in said_in(page.text, "me")
    page = post_form(client, "/settings", "/settings/me/addresses", address="Dana@Acme.example")
    assert "Added dana@acme.example" in said_in(page.text, "me")
    post_form(client, "/settings", "/settings/me/addresses", address="dana@home.example")
    me = stored(db_url).me
    assert me.name == "Dana Whitfield"
    assert me.addresses == ("dana@acme.example", "dana@home.example")
    page = post_form(
        client, "/settings", "/settings/me/addresses/remove", address="dana@acme.example"
    )
    assert "Removed dana@acme.example." in said_in(page.text, "me")
    assert stored(db_url).me.addresses == ("dana@home.example",)
    assert "dana@home.example" in said_in(page.text, "me")


def test_a_bad_address_is_said_beside_its_form_and_nothing_stored(
    client: TestClient, db_url: str
) -> None:
    page = post_form(client, "/settings", "/settings/me/addresses", address="not an address")
    assert page.status_code == 400
    section = said_in(page.text, "me")
    assert "not an email address" in section and 'role="alert"' in section
    assert 'value="not an address"' in section  # what was typed is kept
    assert stored(db_url).me.addresses == ()
    missing = post_form(client, "/settings", "/settings/me/addresses/remove", address="x@y.example")
    assert missing.status_code == 400 and "not one of your addresses" in missing.text


def test_circle_cap_default_and_tag_cadence(client: TestClient, db_url: str) -> None:
    page = post_form(
        client, "/settings", "/settings/circle", cap="8", cadence="21", tag="board", tag_days="45"
    )
    assert "Saved: cap 8; every 21 days by default; tag board: every 45 days." in said_in(
        page.text, "circle"
    )
    found = stored(db_url)
    assert (found.cap, found.default_cadence, found.tag_cadences) == (8, 21, {"board": 45})
    bad = post_form(client, "/settings", "/settings/circle", cap="8", cadence="0")
    assert bad.status_code == 400
    assert "a cadence of 0 days?" in said_in(bad.text, "circle")
    assert stored(db_url).default_cadence == 21  # one transaction: nothing of it stored
    bad = post_form(client, "/settings", "/settings/circle", cap="2000", cadence="7")
    assert "from 1 to 1000" in said_in(bad.text, "circle")
    assert (stored(db_url).cap, stored(db_url).default_cadence) == (8, 21)


def test_phone_region(client: TestClient, db_url: str) -> None:
    page = post_form(client, "/settings", "/settings/region", region="gb")
    assert "read as in GB" in said_in(page.text, "region")
    assert stored(db_url).region == "GB"
    bad = post_form(client, "/settings", "/settings/region", region="ZZ")
    assert bad.status_code == 400 and "unknown region 'ZZ'" in said_in(bad.text, "region")
    assert 'value="ZZ"' in said_in(bad.text, "region")
    assert stored(db_url).region == "GB"


def test_smtp_server_without_a_keyring(
    client: TestClient, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # no keyring package: imports fail
    monkeypatch.delenv("KITHKIN_SMTP_PASSWORD", raising=False)
    fields = {"host": "smtp.acme.example", "port": "465", "security": "ssl", "username": "dana"}
    page = post_form(
        client, "/settings", "/settings/smtp", **fields, from_address="dana@acme.example"
    )
    assert "goes through smtp.acme.example" in said_in(page.text, "smtp")
    server = stored(db_url).smtp.server
    assert server is not None
    assert (server.host, server.port, server.security, server.username) == (
        "smtp.acme.example",
        465,
        "ssl",
        "dana",
    )
    assert "no system keyring" in said_in(page.text, "smtp")
    # a password with nowhere to keep it: refused, nothing changed, the password not echoed
    bad = post_form(
        client, "/settings", "/settings/smtp", **{**fields, "port": "25"}, password="s3cret!"
    )
    assert bad.status_code == 400 and "no system keyring" in said_in(bad.text, "smtp")
    assert "s3cret!" not in bad.text
    assert stored(db_url).smtp.server == server
    bad = post_form(client, "/settings", "/settings/smtp", host="smtp.acme.example", port="x")
    assert "port: 'x' is not a whole number" in said_in(bad.text, "smtp")
    bad = post_form(client, "/settings", "/settings/smtp", host="smtp.acme.example", port="587")
    assert "not an address to send from" in said_in(
        bad.text, "smtp"
    )  # no from, and no address of mine


def test_smtp_password_kept_in_the_keyring_never_in_the_database(
    client: TestClient,
    db_url: str,
    keyring: dict[tuple[str, str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KITHKIN_SMTP_PASSWORD", raising=False)
    post_form(client, "/settings", "/settings/me/addresses", address="dana@acme.example")
    page = post_form(
        client,
        "/settings",
        "/settings/smtp",
        host="smtp.acme.example",
        port="587",
        security="starttls",
        username="dana",
        password="s3cret!",
    )
    assert "The password is in the system keyring." in said_in(page.text, "smtp")
    assert keyring == {("kithkin-smtp", "dana@smtp.acme.example"): "s3cret!"}
    found = stored(db_url).smtp
    assert found.password_from == "keyring" and found.server is not None
    assert found.server.from_address == "dana@acme.example"  # my first address
    assert "s3cret!" not in page.text
    db = Database(db_url)
    with db.read() as conn:
        rows = conn.exec_driver_sql("SELECT value FROM setting").scalars().all()
    db.dispose()
    assert not any("s3cret!" in str(v) for v in rows)
    assert client.get("/api/settings").json()["smtp"]["password_from"] == "keyring"


def test_calendar_window(client: TestClient, db_url: str) -> None:
    page = post_form(
        client,
        "/settings",
        "/settings/calendar",
        past_days="90",
        future_days="30",
        max_occurrences="500",
    )
    assert "90 days back and 30 days ahead, at most 500" in said_in(page.text, "calendar")
    window = stored(db_url).calendar
    assert (window.past_days, window.future_days, window.max_occurrences) == (90, 30, 500)
    bad = post_form(client, "/settings", "/settings/calendar", past_days="90", future_days="9999")
    assert bad.status_code == 400
    assert "future_days must be between 0 and 3,650" in said_in(bad.text, "calendar")
    bad = post_form(client, "/settings", "/settings/calendar", past_days="lots")
    assert "days back: 'lots' is not a whole number" in said_in(bad.text, "calendar")
    assert stored(db_url).calendar == window


def test_a_form_without_its_token_is_refused(client: TestClient, db_url: str) -> None:
    client.get("/settings")
    response = client.post("/settings/region", data={"region": "GB"})
    assert response.status_code == 403
    assert stored(db_url).region == "US"


def test_the_api_reads_and_sets_every_setting(
    client: TestClient, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)
    monkeypatch.delenv("KITHKIN_SMTP_PASSWORD", raising=False)
    got = client.get("/api/settings").json()
    assert got["cap"] == 10 and got["region"] == "US" and got["smtp"]["server"] is None
    assert client.put("/api/me", json={"name": "Dana", "addresses": ["d@a.example"]}).is_success
    response = client.put("/api/settings/region", json={"region": "de"})
    assert response.status_code == 200 and response.json()["region"] == "DE"
    response = client.put(
        "/api/settings/smtp", json={"host": "smtp.a.example", "port": 2525, "security": "none"}
    )
    assert response.json()["smtp"] == {
        "server": {
            "host": "smtp.a.example",
            "port": 2525,
            "security": "none",
            "username": None,
            "from_address": "d@a.example",
        },
        "password_from": None,
        "keyring": False,
    }
    response = client.put("/api/settings/calendar", json={"future_days": 60})
    assert response.json()["calendar"] == {
        "past_days": 730,
        "future_days": 60,
        "max_occurrences": 2000,
    }
    assert client.put("/api/circle/settings", json={"cap": 12}).json()["cap"] == 12
    got = client.get("/api/settings").json()
    assert (got["me"]["name"], got["cap"], got["region"]) == ("Dana", 12, "DE")


@pytest.mark.parametrize(
    ("path", "body", "said"),
    [
        ("/api/settings/region", {"region": "QQ"}, "unknown region"),
        ("/api/settings/smtp", {"host": " ", "from_address": "d@a.example"}, "needs a host"),
        ("/api/settings/smtp", {"host": "h", "password": "pw"}, "needs a user name"),
        ("/api/settings/calendar", {"max_occurrences": 100_001}, "max_occurrences must be"),
    ],
)
def test_the_api_refuses_bad_settings_and_stores_nothing(
    client: TestClient, db_url: str, path: str, body: dict[str, object], said: str
) -> None:
    before = client.get("/api/settings").json()
    response = client.put(path, json=body, headers=JSON)
    assert response.status_code == 400, response.text
    assert said in response.json()["error"]
    assert client.get("/api/settings").json() == before
