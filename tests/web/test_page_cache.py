"""The heavy pages kept as rendered (web.page_cache): kept while nothing changes, fresh after
any write (of this server or of another process), each browser with its own CSRF token, and
never a page with a one-time message."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from kithkin import clock
from kithkin.services import people
from kithkin.store import Database
from kithkin.web import render as rendering
from kithkin.web.page_cache import MARKER
from tests.web.conftest import BASE_URL, add_person, post_form, token_of

NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often the person page's data is read (the page itself is what is tested)."""
    calls: list[int] = []
    original = people.person_page

    def person_page(*args: object, **kwargs: object) -> people.PersonPage:
        calls.append(1)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(people, "person_page", person_page)
    return calls


def test_a_page_is_kept_until_the_database_changes(
    client: TestClient, db_url: str, counted: list[int]
) -> None:
    clock.freeze(NOW)
    pid = add_person(client, display_name="Dana Whitfield")
    client.get(f"/people/{pid}")  # PostgreSQL: a fresh database's first reads may write once
    first = client.get(f"/people/{pid}")
    assert first.status_code == 200 and "Dana Whitfield" in first.text
    read = len(counted)
    again = client.get(f"/people/{pid}")
    assert again.text == first.text and len(counted) == read  # kept: not read again
    other = Database(db_url)  # another process writes
    try:
        people.edit_person(other, person=pid, changes={"display_name": "Dana W. Whitfield"})
    finally:
        other.dispose()
    assert "Dana W. Whitfield" in client.get(f"/people/{pid}").text
    assert len(counted) == read + 1
    clock.freeze(NOW + timedelta(minutes=1))  # the minute turns: kept page now, read again
    assert "Dana W. Whitfield" in client.get(f"/people/{pid}").text
    deadline = time.monotonic() + 30
    while len(counted) < read + 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(counted) == read + 2  # once, by the thread the turn started
    client.get(f"/people/{pid}")
    assert len(counted) == read + 2  # and kept again
    clock.freeze(NOW + timedelta(minutes=5))  # minutes later: read before answering
    client.get(f"/people/{pid}")
    assert len(counted) == read + 3


def test_each_browser_gets_its_own_csrf_token(client: TestClient, db_url: str) -> None:
    clock.freeze(NOW)
    pid = add_person(client, display_name="Ana Lima")
    mine = token_of(client.get(f"/people/{pid}").text)
    with TestClient(client.app, base_url=BASE_URL) as stranger:
        page = stranger.get(f"/people/{pid}")
        theirs = token_of(page.text)
        assert theirs != mine and page.cookies.get("kithkin_csrf") == theirs
        assert MARKER not in page.text
        assert token_of(stranger.get(f"/people/{pid}").text) == theirs
    assert token_of(client.get(f"/people/{pid}").text) == mine
    added = post_form(client, "/people/new", "/people/new", display_name="Bo Chen")
    assert added.status_code == 200 and "Bo Chen" in added.text  # the kept token is valid


def test_a_page_with_a_message_is_never_kept(client: TestClient) -> None:
    clock.freeze(NOW)
    pid = add_person(client, display_name="Ana Lima")
    client.get(f"/people/{pid}")
    client.cookies.set(rendering.FLASH_COOKIE, "eyJtIjogIlNhdmVkIiwgImsiOiAib2siLCAidSI6IGZhbHNlfQ")
    shown = client.get(f"/people/{pid}")
    assert "Saved" in shown.text
    client.cookies.delete(rendering.FLASH_COOKIE)
    assert "Saved" not in client.get(f"/people/{pid}").text  # the message shown once
    assert client.get("/people/999999").status_code == 404  # an error page: not kept
