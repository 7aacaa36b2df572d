"""Import a vCard in a real browser, review the likely duplicate it holds, merge the pair.

Debian's Chromium driven by Playwright, against uvicorn (see test_browser.py for the tier).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.test_browser import ARTIFACTS, chromium, live_url, watched_page

pytestmark = pytest.mark.browser
__all__ = ["chromium", "live_url"]  # fixtures, shared with test_browser.py

CARDS = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:6f1c0d4e-0000-4000-8000-000000000001\r\n"
    "FN:Bob Smith\r\nN:Smith;Bob;;;\r\nORG:Acme\r\nTITLE:CIO\r\n"
    "EMAIL;TYPE=work:bob@acme.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:6f1c0d4e-0000-4000-8000-000000000002\r\n"
    "FN:Robert Smith\r\nN:Smith;Robert;;;\r\nORG:ACME Inc.\r\n"
    "EMAIL;TYPE=home:robert.smith@home.example\r\nNOTE:Sails on weekends\r\nEND:VCARD\r\n"
)


def test_import_a_vcard_review_the_duplicate_and_merge_it(
    chromium: Path, live_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    upload = tmp_path / "contacts.vcf"
    upload.write_text(CARDS, encoding="utf-8")
    with watched_page(chromium, live_url) as (page, problems):
        page.goto(f"{live_url}/people")
        page.locator(".nav-more-button").hover()  # the link is under More
        page.get_by_role("link", name="Import", exact=True).click()
        page.get_by_label("Contacts files").set_input_files(str(upload))
        page.get_by_role("button", name="Import", exact=True).click()
        summary = page.locator("#summary")
        expect(summary).to_contain_text("Imported contacts.vcf")
        expect(summary.locator(".count-new dd")).to_have_text("2")
        expect(summary.locator(".count-skipped dd")).to_have_text("0")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "import-page.png"), full_page=True)

        page.get_by_role("link", name="Review likely duplicates").click()
        pair = page.locator(".pair").first
        expect(pair).to_contain_text(
            "same organisation Acme; names Bob Smith ~ Robert Smith (nickname)"
        )
        expect(pair.locator(".pair-side")).to_have_count(2)
        preview = pair.locator(".merge-preview")  # what Merge will do, above the button
        expect(preview).to_contain_text("keeps Bob Smith")
        expect(preview).to_contain_text("email (home) robert.smith@home.example moves over")
        expect(preview).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "duplicates-page.png"), full_page=True)
        pair.get_by_role("button", name="Merge", exact=True).click()

        expect(page.locator(".flash")).to_contain_text("Merged Robert Smith")
        expect(page.locator("h1")).to_have_text("Bob Smith")
        contacts = page.locator("#contacts")
        expect(contacts).to_contain_text("bob@acme.example")
        expect(contacts).to_contain_text("robert.smith@home.example")
        expect(page.locator("#notes")).to_contain_text("Sails on weekends")
        page.screenshot(path=str(ARTIFACTS / "merged-person.png"), full_page=True)

        page.locator(".nav-more-button").hover()  # the link is under More
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Duplicates").click()
        expect(page.locator(".empty")).to_contain_text("No likely duplicates")
    assert problems == []  # no script errors, no CSP violations, no request off the app
