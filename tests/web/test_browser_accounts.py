"""Team accounts in a real browser (Debian's Chromium through Playwright, on uvicorn): the
login page, the name in the header, an API token made on the Account page, and logging out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kithkin.model import SOLO
from kithkin.services import accounts
from kithkin.store import Database
from kithkin.web.app import create_app
from tests.web.test_browser import chromium, serve_app, watched_page

__all__ = ["chromium"]  # a fixture, shared with test_browser.py

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("cheap_passwords")]

PASSWORD = "correct horse battery"


@pytest.fixture
def team_url(db: Database, db_url: str) -> Iterator[str]:
    accounts.add_user(
        db, actor=SOLO, username="ada", password=PASSWORD, role="owner", name="Ada Lovelace"
    )
    yield from serve_app(create_app(db_url))


def test_log_in_make_a_token_and_log_out(chromium: Path, team_url: str) -> None:
    from playwright.sync_api import expect

    with watched_page(chromium, team_url) as (page, problems):
        page.goto(f"{team_url}/people")
        expect(page).to_have_url(f"{team_url}/login?next=%2Fpeople")
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        page.get_by_label("User name").fill("ada")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_have_text("Wrong user name or password.")
        expect(page.get_by_label("User name")).to_have_value("ada")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{team_url}/people")
        expect(page.locator(".nav-user")).to_have_text("ada")

        page.locator("a.nav-account").click()
        expect(page.get_by_role("heading", name="Account")).to_be_visible()
        expect(page.get_by_text("this browser")).to_be_visible()
        page.get_by_label("What it is for").fill("nightly export")
        page.get_by_role("button", name="Make a token").click()
        token = page.locator("code.new-token").inner_text().strip()
        assert token.startswith("kk_")
        answer = httpx.get(
            f"{team_url}/api/me/account", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.json()["username"] == "ada"

        page.get_by_role("button", name="Log out", exact=True).click()
        expect(page).to_have_url(f"{team_url}/login")
        page.goto(f"{team_url}/account")
        expect(page).to_have_url(f"{team_url}/login?next=%2Faccount")
        # the one expected: the wrong password's page came with 401
        assert [p for p in problems if "status of 401" not in p] == []
        assert len(problems) == 1


@pytest.mark.parametrize("width", [390, 1280])
def test_the_account_pages_fit_a_phone_and_a_desktop(
    chromium: Path, team_url: str, width: int
) -> None:
    with watched_page(chromium, team_url) as (page, problems):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"{team_url}/login")
        page.locator("input[name=username]").fill("ada")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("button[type=submit]").click()
        page.goto(f"{team_url}/account")
        page.locator("input[name=label]").fill("a token")
        page.locator("form[action='/account/tokens'] button").click()
        wide, short = [], []
        for path in ("/login", "/account", "/users"):
            if path != "/account":
                page.goto(team_url + path)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                wide.append(f"{path}: {scroll} > {width}")
            fields = page.locator(
                "main input:not([type=hidden]):not([type=checkbox]), main select, "
                "main .button:not(.small)"
            )
            for i in range(fields.count()):
                box = fields.nth(i).bounding_box()
                seen = width == 390 and box is not None and fields.nth(i).is_visible()
                if seen and box is not None and box["height"] < 44:
                    short.append(f"{path}: {fields.nth(i).evaluate('e => e.outerHTML')[:40]} {box}")
        assert wide == [] and short == []
    assert problems == []
