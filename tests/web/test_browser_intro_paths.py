"""Who can introduce me, in a real browser: from a person page to their paths, and a
search by mail domain, at desktop and phone widths."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from kithkin import clock
from kithkin.services import mail
from kithkin.store import Database
from tests.builders.mail import as_me
from tests.graph.test_knows_mail import scenario
from tests.ingest.mailbox import BASE, write_mbox
from tests.web.test_browser import ARTIFACTS, chromium, live_url, watched_page

pytestmark = pytest.mark.browser
__all__ = ["chromium", "live_url"]  # fixtures, shared with test_browser.py


def test_path_search_from_the_person_page(
    chromium: Path, live_url: str, db_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    clock.freeze(BASE + timedelta(days=10))
    db = Database(db_url)
    mail.import_mail(as_me(db), locations=[str(write_mbox(tmp_path / "in.mbox", scenario()))])
    db.dispose()
    with watched_page(chromium, live_url) as (page, problems):
        page.goto(f"{live_url}/people?q=Dana")
        page.get_by_role("link", name="Dana").first.click()
        page.get_by_role("button", name="Who can introduce me to Dana").click()
        expect(page).to_have_url(re.compile(r"/intros/paths\?to=%23\d+$"))
        expect(page.locator("h1")).to_have_text("Who can introduce me to Dana")
        path = page.locator("#paths .path")
        expect(path).to_have_count(1)
        expect(path.locator(".path-chain")).to_contain_text("You → Bob → Dana")
        expect(path.locator(".leg").nth(1)).to_contain_text("a reply on 'Re: Deal'")

        page.get_by_label("A person, an address, a mail domain or an organisation").fill(
            "zeta.example"
        )
        page.get_by_role("button", name="Find paths").click()
        expect(page.locator("h1")).to_have_text("Who can introduce me to anyone at zeta.example")
        expect(page.locator("#paths .path")).to_have_count(1)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "intro-paths.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        chain = page.locator("#paths .path-chain")
        box = chain.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        page.screenshot(path=str(ARTIFACTS / "intro-paths-phone.png"), full_page=True)
    assert problems == []
