"""The API docs (`/docs`) and the login page in a real browser: Debian's Chromium driven by
Playwright against uvicorn on 127.0.0.1 (see test_browser.py for the tier). Nothing may be
fetched from anywhere but the server; screenshots at 1280 and 390 px go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kithkin.services.access import serve_access
from kithkin.store import Database
from kithkin.web.app import create_app
from tests.web.test_browser import ARTIFACTS, chromium, live_url, serve_app, watched_page

__all__ = ["chromium", "live_url"]
pytestmark = pytest.mark.browser

TOKEN = "correct-horse-battery-staple"
WIDTHS = (1280, 390)


@pytest.fixture
def guarded_url(db: Database, db_url: str) -> Iterator[str]:
    checks = serve_access(db, bind="192.0.2.1", allow_hosts=["kithkin.test"], token=TOKEN)
    app = create_app(db_url, allowed_hosts=checks.hosts, token_sha256=checks.token_sha256)
    yield from serve_app(app)


def test_the_api_docs_render_from_local_assets(chromium: Path, live_url: str) -> None:
    from playwright.sync_api import expect

    with watched_page(chromium, live_url) as (page, problems):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_url}/docs")
            expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=15000)
            expect(page.get_by_text("/api/people/{person_id}", exact=True).first).to_be_visible()
            expect(page.locator(".info .title")).to_contain_text("kithkin")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"docs-{width}.png"))
        assert problems == []


def test_a_browser_logs_in_with_the_token(chromium: Path, guarded_url: str) -> None:
    from playwright.sync_api import expect

    with watched_page(chromium, guarded_url) as (page, problems):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{guarded_url}/people")
            expect(page).to_have_url(f"{guarded_url}/login?next=%2Fpeople")
            expect(page.get_by_role("heading", name="Log in")).to_be_visible()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"login-{width}.png"), full_page=True)
        page.get_by_label("Token").fill("not the token")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_have_text("That is not this server's token.")
        page.get_by_label("Token").fill(TOKEN)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{guarded_url}/people")
        page.get_by_text("Menu").click()  # the last width is a phone's: the menu is folded
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        cookies = {c["name"]: c for c in page.context.cookies()}
        session = cookies["kithkin_session"]
        assert session["httpOnly"] and session["sameSite"] == "Strict"
        page.get_by_role("button", name="Log out").click()
        expect(page).to_have_url(f"{guarded_url}/login")
        page.goto(f"{guarded_url}/trash")
        expect(page).to_have_url(f"{guarded_url}/login?next=%2Ftrash")
        # a 401 page shows in the console as a failed resource; nothing else may
        assert [p for p in problems if "401" not in p] == []
