"""Every page on a phone (390 px) and a desktop (1280 px), on the demo network: nothing
scrolls sideways, the navigation collapses behind its Menu on a phone and opens without
script, and a phone's fields are tall enough for a thumb.

Debian's Chromium driven by Playwright, against uvicorn (see test_browser.py for the tier).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from kithkin.services import demo
from kithkin.web.app import create_app
from tests.web.test_browser import ARTIFACTS, CHROMIUM, require_chromium, serve_app, watched_page

pytestmark = pytest.mark.browser

PHONE, DESKTOP = 390, 1280
PAGES = (
    "/",
    "/people",
    "/people?q=sails",
    "/people/new",
    "/circle",
    "/gatherings",
    "/review",
    "/inbox",
    "/duplicates?min_score=0.3",
    "/import",
    "/import/mail",
    "/capture",
    "/trash",
)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo network, built once for the module and served."""
    built = demo.build(path=tmp_path_factory.mktemp("looks") / "demo.db")
    yield from serve_app(create_app(built.url))


def _get(url: str) -> object:
    with urllib.request.urlopen(url) as answer:  # noqa: S310 - our own server
        return json.load(answer)


@pytest.fixture(scope="module")
def every_page(demo_url: str) -> list[str]:
    """The pages above, a person's page and brief (a circle member), and an unsubscribe page."""
    circle = _get(f"{demo_url}/api/circle")
    assert isinstance(circle, dict)
    pid = circle["members"][0]["person_id"]
    subs = _get(f"{demo_url}/api/inbox/subscriptions")
    assert isinstance(subs, list) and subs
    return [*PAGES, f"/people/{pid}", f"/brief/{pid}", f"/inbox/unsubscribe/{subs[0]['id']}"]


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_no_page_scrolls_sideways(demo_url: str, every_page: list[str], width: int) -> None:
    chromium = require_chromium(CHROMIUM)
    with watched_page(chromium, demo_url) as (page, problems):
        page.set_viewport_size({"width": width, "height": 844})
        wide = []
        for path in every_page:
            response = page.goto(demo_url + path)
            assert response is not None and response.status == 200, path
            scroll = page.evaluate("document.documentElement.scrollWidth")
            inner = page.evaluate("window.innerWidth")
            if scroll > inner:
                wide.append(f"{path}: {scroll} > {inner}")
                ARTIFACTS.mkdir(exist_ok=True)
                name = path.strip("/").replace("/", "-").replace("?", "-") or "today"
                page.screenshot(path=str(ARTIFACTS / f"wide-{width}-{name}.png"), full_page=True)
        assert wide == []
    assert problems == []


def test_the_navigation_collapses_on_a_phone_and_opens_without_script(demo_url: str) -> None:
    from playwright.sync_api import expect

    chromium = require_chromium(CHROMIUM)
    with watched_page(chromium, demo_url) as (page, problems):
        page.set_viewport_size({"width": PHONE, "height": 844})
        page.goto(f"{demo_url}/people")
        people = page.get_by_role("link", name="People", exact=True)
        expect(people).to_be_hidden()
        page.get_by_text("Menu").click()  # a label for a checkbox: no script
        expect(people).to_be_visible()
        people.click()
        expect(page.locator("h1")).to_contain_text("People")

        page.set_viewport_size({"width": DESKTOP, "height": 900})
        expect(page.get_by_role("link", name="Circle", exact=True)).to_be_visible()
        expect(page.get_by_text("Menu")).to_be_hidden()
    assert problems == []


def test_a_phone_s_fields_are_tall_enough_for_a_thumb(demo_url: str, every_page: list[str]) -> None:
    chromium = require_chromium(CHROMIUM)
    person = next(p for p in every_page if p.startswith("/people/") and p[8:].isdigit())
    with watched_page(chromium, demo_url) as (page, problems):
        page.set_viewport_size({"width": PHONE, "height": 844})
        short = []
        for path in ("/people/new", person, "/circle", "/import", "/capture"):
            page.goto(demo_url + path)
            fields = page.locator(
                "main input:not([type=hidden]):not([type=checkbox]):not([type=file]), "
                "main select, main textarea, main .button:not(.small)"
            )
            for i in range(fields.count()):
                field = fields.nth(i)
                box = field.bounding_box()
                if box is None or not field.is_visible():
                    continue
                if box["height"] < 44:
                    short.append(f"{path}: {field.evaluate('e => e.outerHTML')[:80]} {box}")
        assert short == []
        page.goto(f"{demo_url}/people/new")
        name = page.locator("main input[name=display_name]")
        box = name.bounding_box()
        assert box is not None and box["width"] >= PHONE - 80  # the whole width, on a phone
    assert problems == []


def test_today_shows_the_top_of_a_section_and_the_rest_on_show_all(demo_url: str) -> None:
    chromium = require_chromium(CHROMIUM)
    shown = "els => els.filter(e => e.checkVisibility()).length"
    with watched_page(chromium, demo_url) as (page, problems):
        for width in (PHONE, DESKTOP):
            page.set_viewport_size({"width": width, "height": 844})
            page.goto(f"{demo_url}/")
            items = page.locator("#waiting .agenda-item")
            total = items.count()
            assert total > 3  # the demo waits on more than three people
            assert items.evaluate_all(shown) == 3
            page.locator("#waiting details.show-all > summary").click()
            assert items.evaluate_all(shown) == total
            # a row's one visible action, the others behind More
            first = items.first
            assert first.locator(".button:visible").count() == 2  # Brief, and More
            first.locator("details.more > summary").click()
            assert first.get_by_role("button", name="Snooze").is_visible()
    assert problems == []
