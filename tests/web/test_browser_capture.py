"""Capturing a card from the browser: Debian's Chromium driven by Playwright against uvicorn
on 127.0.0.1 — upload a card photo, review the draft next to it (fix a field, see the match),
save, answer the story questions, and see the photo and the facts on the person's page."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from kithkin.services import people
from kithkin.store import Database
from kithkin.web.app import create_app
from tests.builders.cards import Style, fonts, identity, qr_png, render
from tests.web.test_browser import ARTIFACTS, chromium, serve_app, watched_page

pytestmark = pytest.mark.browser
__all__ = ["chromium"]  # a fixture, shared with test_browser.py


@pytest.fixture
def app_url(db_url: str) -> Iterator[str]:
    db = Database(db_url)
    people.add_person(db, display_name="Dana Whitfield", organisation="Northwind")
    db.dispose()
    yield from serve_app(create_app(db_url))


@pytest.mark.usefixtures("ocr")
def test_a_card_photo_becomes_a_person_with_a_story(
    chromium: Path, app_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    rng = random.Random(21)
    person = identity(rng)
    person.region = "US"
    person.phone, person.phone_e164 = "+1 415 555 0134", "+14155550134"
    card = tmp_path / "card.png"
    card.write_bytes(render(person, Style(fonts()[0], rotation=4), rng))
    with watched_page(chromium, app_url) as (page, problems):
        page.goto(f"{app_url}/")
        page.locator(".nav-more-button").hover()  # the link is under More
        page.get_by_role("link", name="Capture").first.click()
        expect(page.locator("h1")).to_have_text("Capture a card")
        page.get_by_label("Or choose files").set_input_files(str(card))
        page.get_by_role("button", name="Read").click()
        expect(page.locator("h1")).to_have_text("Review the card")
        expect(page.locator("img.capture-photo")).to_be_visible()
        email = page.locator(".capture-field input[type=email]")
        expect(email).to_have_value(person.email)
        name = page.get_by_label("Name", exact=False).first
        name.fill(person.name)  # the user has the last word on every field
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "capture-review.png"), full_page=True)
        page.get_by_role("button", name="Save").click()

        expect(page.locator("h1")).to_contain_text("Now learn")
        page.get_by_label("Where did you meet?").fill("Web Summit, Lisbon")
        page.get_by_label("What do they do?").fill("runs the design studio")
        page.get_by_label("One thing you learned").fill("sails on weekends")
        page.get_by_role("button", name="Add to their story").click()

        expect(page.locator("h1")).to_have_text(person.name)
        main = page.locator("main")
        expect(main).to_contain_text("runs the design studio")
        expect(main).to_contain_text("Met at Web Summit, Lisbon")
        expect(main).to_contain_text(person.email)
        photo = page.locator(".person-head img")
        expect(photo).to_be_visible()
    assert problems == []


def test_a_qr_code_that_looks_like_someone_is_added_to_them(
    chromium: Path, app_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    code = tmp_path / "code.png"
    code.write_bytes(qr_png("MECARD:N:Whitfield,Dana;ORG:Northwind;EMAIL:dana@northwind.example;;"))
    with watched_page(chromium, app_url) as (page, problems):
        page.goto(f"{app_url}/capture")
        page.get_by_label("Take a photo").set_input_files(str(code))
        page.get_by_role("button", name="Read").click()
        expect(page.locator(".capture-matches legend")).to_contain_text(
            "This looks like Dana Whitfield: add to them?"
        )
        page.screenshot(path=str(ARTIFACTS / "capture-match.png"), full_page=True)
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".flash")).to_contain_text("Added the card to Dana Whitfield")
        page.get_by_role("link", name="Later").click()
        expect(page.locator("main")).to_contain_text("dana@northwind.example")
        expect(page).to_have_url(f"{app_url}/people/1")
    assert problems == []
