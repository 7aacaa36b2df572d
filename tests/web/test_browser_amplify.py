"""The Amplify page in a real browser: the chart and its table, logging a share, "Shared it"
on the queue, at desktop width and without sideways scrolling at phone width.

Debian's Chromium driven by Playwright, against uvicorn (see test_browser.py for the tier).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kithkin.store import Database, people
from kithkin.store import amplify as store
from tests.web.test_browser import ARTIFACTS, chromium, live_url, watched_page

pytestmark = pytest.mark.browser
__all__ = ["chromium", "live_url"]  # fixtures, shared with test_browser.py


def _seed(db_url: str) -> None:
    """Dana, in the circle, with a feed of one fresh post; Sam, in the circle too."""
    now = datetime.now(UTC)
    db = Database(db_url)
    with db.write() as conn:
        dana = people.add_person(conn, display_name="Dana Whitfield", tags=["circle"])
        people.add_person(conn, display_name="Sam Okafor", tags=["circle"])
        feed_id, _ = store.add_feed(conn, dana, "https://dana.example/feed.xml")
        feed = store.feeds(conn)[0]
        assert feed.id == feed_id
        entry = {
            "guid": "p1",
            "url": "https://dana.example/p1",
            "title": "Notes on resilient supply chains",
            "summary": None,
            "published_at": now - timedelta(days=2),
        }
        store.add_items(conn, feed, [entry])
    db.dispose()


def test_log_a_share_and_share_from_the_queue(chromium: Path, live_url: str, db_url: str) -> None:
    from playwright.sync_api import expect

    _seed(db_url)
    with watched_page(chromium, live_url) as (page, problems):
        page.goto(f"{live_url}/amplify")
        expect(page.locator("h1")).to_have_text("Amplify")
        expect(page.locator("svg.ratio-chart g.bar")).to_have_count(12)
        expect(page.locator(".amplify-summary")).to_contain_text("Nothing shared")

        page.locator("#log").get_by_label("My own").check()
        page.locator("#log").get_by_label("Note").fill("my talk on supply chains")
        page.get_by_role("button", name="Log it").click()
        expect(page.locator(".flash")).to_contain_text("Logged: your own post.")
        expect(page.locator(".amplify-summary")).to_contain_text("0% amplification")

        item = page.locator(".queue-item", has_text="Notes on resilient supply chains")
        expect(item).to_contain_text("you have never amplified Dana Whitfield")
        item.get_by_role("button", name="Shared it").click()
        expect(page.locator(".flash")).to_contain_text("you amplified Dana Whitfield")
        expect(page.locator(".queue-item")).to_have_count(0)
        expect(page.locator(".amplify-summary")).to_contain_text("50% amplification")
        expect(page.locator("#voices")).to_contain_text("Dana Whitfield")
        expect(page.locator("#voices")).to_contain_text("Sam Okafor")  # never amplified
        month = datetime.now(UTC).strftime("%Y-%m")
        expect(page.locator(f'g.bar[data-month="{month}"]')).to_have_attribute("data-percent", "50")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "amplify-page.png"), full_page=True)

        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"the phone page scrolls sideways: {wide} px"
    assert problems == []  # no script errors, no CSP violations, no request off the app
