"""The Service and Tone pages in a real browser at a phone's and a desktop's width: an offer,
a need and a ledger line added through the forms; a draft checked, its flags and nudge shown;
nothing scrolls sideways, nothing leaves the machine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_browser import chromium, live_url, watched_page
from tests.web.test_browser_settings import no_sideways_scroll

pytestmark = pytest.mark.browser
__all__ = ["chromium", "live_url"]  # fixtures, shared with test_browser.py


def test_service_and_tone_pages(chromium: Path, live_url: str) -> None:
    import httpx
    from playwright.sync_api import expect

    httpx.post(f"{live_url}/api/people", json={"display_name": "Dana Whitfield"})
    with watched_page(chromium, live_url) as (page, problems):
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_url}/service")
            offers = page.locator("#offers")
            offers.locator("input[name=text]").fill(f"ERP migrations {width}")
            offers.get_by_role("button", name="Add offer").click()
            expect(page.locator("#offers")).to_contain_text(f"ERP migrations {width}")
            needs = page.locator("#needs")
            needs.locator("input[name=person]").fill("Dana")
            needs.locator("input[name=text]").fill(f"replacing the ERP {width}")
            needs.get_by_role("button", name="Add need").click()
            expect(page.locator("#needs")).to_contain_text(f"replacing the ERP {width}")
            no_sideways_scroll(page, f"/service at {width} px")

            page.goto(f"{live_url}/tone")
            page.locator("input[name=to]").fill("Dana")
            page.locator("textarea[name=text]").fill(
                "Act now! Limited time offer. Could you introduce me to your CFO?"
            )
            page.get_by_role("button", name="Check the tone").click()
            result = page.locator("#tone-result")
            expect(result).to_contain_text("Reads as sales-y")
            expect(result).to_contain_text("You have never helped Dana Whitfield")
            no_sideways_scroll(page, f"/tone at {width} px")
        assert problems == []
