"""The web UI never tells the user to type a command: every page of the demo (and its error
and warning states) is rendered and its visible text scanned for `kithkin COMMAND`; a use
case's message that names one is shown with a link to the page that does it instead."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import click
import pytest
from fastapi.testclient import TestClient

from kithkin import clock
from kithkin.cli.main import cli
from kithkin.demo import build_demo
from kithkin.store import Database
from kithkin.web.app import create_app
from kithkin.web.hints import no_commands
from tests.web.conftest import BASE_URL, post_form

DAY = date(2026, 3, 14)
NOW = datetime(2026, 3, 14, 7, 0, tzinfo=UTC)
COMMAND = re.compile(
    r"\bkithkin (?:%s)\b" % "|".join(cli.list_commands(click.Context(cli)))  # noqa: UP031
)
HIDDEN = re.compile(r"<(script|style|head)\b.*?</\1>", re.S | re.I)
SHOWN_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|aria-label)="([^"]*)"')


def visible_text(page: str) -> str:
    """What a reader sees of a page: its text, and the placeholders and labels of its fields."""
    body = HIDDEN.sub(" ", page)
    shown = " ".join(SHOWN_ATTRIBUTES.findall(body))
    return html.unescape(re.sub(r"<[^>]+>", " ", body) + " " + shown)


def commands_in(page: str) -> list[str]:
    text = visible_text(page)
    return [text[max(0, m.start() - 60) : m.end() + 40] for m in COMMAND.finditer(text)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    db = Database(url)
    build_demo(db, seed=7, today=DAY)
    db.dispose()
    clock.freeze(NOW)
    try:
        with TestClient(create_app(url), base_url=BASE_URL) as client:
            yield client
    finally:
        clock.freeze(None)


def pages_of(client: TestClient) -> list[str]:
    people = [p["id"] for p in client.get("/api/people", params={"limit": 12}).json()]
    circle = [m["person_id"] for m in client.get("/api/circle").json()["members"]]
    subs = [s["id"] for s in client.get("/api/inbox/subscriptions").json()]
    return [
        "/",
        "/circle",
        "/amplify",
        "/inbox",
        "/inbox?all=1",
        "/people",
        "/people?q=board",
        "/people?tag=circle",
        "/people/new",
        "/import",
        "/import/mail",
        "/duplicates",
        "/trash",
        "/settings",
        "/docs",
        "/intros",
        *(f"/people/{p}" for p in people + circle[:3]),
        *(f"/brief/{p}" for p in people[:4] + circle[:3]),
        *(f"/inbox/unsubscribe/{s}" for s in subs),
    ]


def test_no_page_of_the_demo_names_a_command(demo: TestClient) -> None:
    found = {}
    for path in pages_of(demo):
        response = demo.get(path)
        assert response.status_code == 200, path
        if said := commands_in(response.text):
            found[path] = said
    assert not found


def test_nor_its_warnings_and_errors(demo: TestClient) -> None:
    assert demo.put("/api/circle/settings", json={"cap": 3}).is_success  # past the cap
    try:
        shown = {path: demo.get(path).text for path in ("/", "/circle", "/settings")}
        assert "past its cap of 3" in shown["/circle"]
        after_errors = [
            post_form(demo, "/", "/today/mute", key="waiting:999999", do="dismiss"),
            post_form(demo, "/inbox", "/inbox/rules", sub_id="zzzz", rule="keep", next="/inbox"),
            post_form(demo, "/circle", "/circle/add", person="#1", cadence=""),
        ]
    finally:
        assert demo.put("/api/circle/settings", json={"cap": 10}).is_success
    for page in [*shown.values(), *(r.text for r in after_errors)]:
        assert not commands_in(page)
    assert '(<a href="/settings#circle">Settings</a>)' in shown["/circle"]
    assert '(<a href="/">Today</a> lists them)' in after_errors[0].text
    assert '(<a href="/inbox">Inbox</a>)' in after_errors[1].text


def test_an_empty_database_names_no_command_either(client: TestClient, db_url: str) -> None:
    assert not commands_in(client.get("/").text)
    assert not commands_in(client.get("/inbox").text)
    with TestClient(create_app(db_url, token_sha256="0" * 64), base_url=BASE_URL) as guarded:
        login = guarded.get("/login")
        assert "Log in" in login.text and not commands_in(login.text)


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        (
            "remove 2 or raise the cap (kithkin circle cap N)",
            'remove 2 or raise the cap (<a href="/settings#circle">Settings</a>)',
        ),
        (
            "no addresses (kithkin init --email ...), so <none>",
            'no addresses (<a href="/settings#me">Settings</a>), so &lt;none&gt;',
        ),
        (
            "mailto: no SMTP server set (kithkin inbox smtp --host HOST --from ADDRESS)",
            'mailto: no SMTP server set (<a href="/settings#smtp">Settings</a>)',
        ),
        (
            "import your Sent folder too (kithkin import mail PATH), so kithkin can tell",
            'import your Sent folder too (<a href="/import/mail#mail-form">Import mail</a>), '
            "so kithkin can tell",
        ),
        ("its link (kithkin never opens it)", "its link (kithkin never opens it)"),
        ("see (kithkin brief '#12') first", "see first"),
        ("try `kithkin today` now", 'try <a href="/">Today</a> now'),
        (
            "Dana is not in the circle (kithkin circle add first)",
            'Dana is not in the circle (<a href="/circle">add them on the Circle page</a> first)',
        ),
        (
            "also matches #3; stored on #7: if they are one person, merge them "
            "(kithkin person merge)",
            "also matches #3; stored on #7: if they are one person, merge them",
        ),
    ],
)
def test_a_command_in_a_message_becomes_a_link_to_its_page(message: str, shown: str) -> None:
    assert str(no_commands(message)) == shown
