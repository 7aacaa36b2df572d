"""The Settings page and the first-run page in a real browser, at a phone's width (390 px)
and a desktop's (1280 px): nothing scrolls sideways, a form saves and says so beside it, a
bad value is said beside its form; the first run opens the demo."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.web.test_browser import ARTIFACTS, chromium, live_url, watched_page

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser
__all__ = ["chromium", "live_url"]  # fixtures, shared with test_browser.py

WIDTHS = (390, 1280)
SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"
PAST_THE_EDGE = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.closest('.topbar') ? 'the menu' : `${e.tagName}.${e.className}`)"""


def no_sideways_scroll(page: Page, what: str) -> None:
    """Nothing of the page reaches past the window's right edge; and, once the menu folds at
    a phone's width (the menu is not this page's), the document does not scroll sideways."""
    wide = page.evaluate(PAST_THE_EDGE)
    assert [w for w in wide if w != "the menu"] == [], f"{what}: {wide}"
    if "the menu" not in wide:
        assert page.evaluate(SIDEWAYS), f"{what} scrolls sideways"


def test_settings_at_phone_and_desktop_widths(chromium: Path, live_url: str) -> None:
    from playwright.sync_api import expect

    with watched_page(chromium, live_url) as (page, problems):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_url}/settings")
            expect(page.locator("h1")).to_have_text("Settings")
            no_sideways_scroll(page, f"/settings at {width} px")

            me = page.locator("#me")
            me.get_by_label("Add an address").fill(f"dana{width}@acme.example")
            me.get_by_role("button", name="Add address").click()
            expect(page.locator("#me [role=status]")).to_contain_text(
                f"Added dana{width}@acme.example"
            )
            expect(page.locator("#me .addresses")).to_contain_text(f"dana{width}@acme.example")

            region = page.locator("#region")
            region.locator("input[name=region]").fill("XX")
            region.get_by_role("button", name="Save region").click()
            expect(page.locator("#region [role=alert]")).to_contain_text("unknown region")
            expect(page.locator("#region input[name=region]")).to_have_value("XX")
            no_sideways_scroll(page, f"/settings with an error at {width} px")
            page.locator("#region input[name=region]").fill("GB")
            page.locator("#region").get_by_role("button", name="Save region").click()
            expect(page.locator("#region [role=status]")).to_contain_text("read as in GB")

            button = page.locator("#smtp").get_by_role("button", name="Save server")
            box = button.bounding_box()
            assert box is not None and box["height"] >= 36, "a button too small for a thumb"
            assert box["x"] + box["width"] <= width
            page.screenshot(path=str(ARTIFACTS / f"settings-{width}.png"), full_page=True)
        # the page that says a form's error answers 400: Chromium logs that, and nothing else
        assert [p for p in problems if "status of 400" not in p] == []
        assert len(problems) == len(WIDTHS)


def test_first_run_at_both_widths_then_the_demo(chromium: Path, live_url: str) -> None:
    from playwright.sync_api import expect

    with watched_page(chromium, live_url) as (page, problems):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_url}/")
            expect(page.locator("h1")).to_have_text("Welcome to kithkin")
            no_sideways_scroll(page, f"the first run at {width} px")
            page.screenshot(path=str(ARTIFACTS / f"first-run-{width}.png"), full_page=True)
        # building the demo takes a while (half a minute on PostgreSQL on a busy machine)
        page.get_by_role("button", name="Open the demo").click(timeout=180_000)
        expect(page.locator(".flash")).to_contain_text("The demo network is open", timeout=180_000)
        expect(page.locator("h1")).to_contain_text("Today")
        assert not problems


def test_settings_of_the_demo_fit_a_phone(chromium: Path, tmp_path: Path) -> None:
    """The demo's long addresses and the rest of its settings fit 390 px as well as 1280."""
    from playwright.sync_api import expect

    from kithkin.services import demo
    from kithkin.web.app import create_app
    from tests.web.test_browser import serve_app

    built = demo.build(path=tmp_path / "demo.db")
    for url in serve_app(create_app(built.url)):
        with watched_page(chromium, url) as (page, problems):
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                page.goto(f"{url}/settings")
                expect(page.locator("#me .addresses li")).to_have_count(2)
                no_sideways_scroll(page, f"the demo's settings at {width} px")
            assert not problems
