"""Today, a brief, and the circle in a real browser: snooze, log a touch, add and remove.

Debian's Chromium driven by Playwright, against uvicorn (see test_browser.py for the tier).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kithkin.store import Database, interactions, people
from tests.web.test_browser import ARTIFACTS, chromium, live_url, watched_page

pytestmark = pytest.mark.browser
__all__ = ["chromium", "live_url"]  # fixtures, shared with test_browser.py


def _seed(db_url: str) -> None:
    """Dana (circle, last seen 40 days ago), Sam (wrote yesterday), Lee (meeting tomorrow)."""
    now = datetime.now(UTC)
    db = Database(db_url)
    with db.write() as conn:
        dana = people.add_person(conn, display_name="Dana Whitfield", tags=["circle"])
        sam = people.add_person(conn, display_name="Sam Okafor", organisation="Globex")
        lee = people.add_person(conn, display_name="Lee Chen", title="CTO")
        log = interactions.log_interaction
        log(
            conn,
            kind="coffee",
            direction="both",
            participants=[dana],
            occurred_at=now - timedelta(days=40),
        )
        for d in (30, 20, 10):
            log(
                conn,
                kind="email",
                direction="to_me",
                participants=[(sam, "from")],
                occurred_at=now - timedelta(days=d),
            )
            log(
                conn,
                kind="email",
                direction="from_me",
                participants=[(sam, "to")],
                occurred_at=now - timedelta(days=d - 1),
            )
        log(
            conn,
            kind="email",
            direction="to_me",
            participants=[(sam, "from")],
            occurred_at=now - timedelta(days=1),
            subject="Board seat?",
        )
        tomorrow = (now + timedelta(days=1)).replace(hour=12, minute=0)
        log(
            conn,
            kind="meeting",
            direction="both",
            participants=[lee],
            occurred_at=tomorrow,
            subject="Catch-up with Lee",
        )
    db.dispose()


def test_today_brief_snooze_log_and_the_circle(chromium: Path, live_url: str, db_url: str) -> None:
    from playwright.sync_api import expect

    _seed(db_url)
    with watched_page(chromium, live_url) as (page, problems):
        page.goto(f"{live_url}/")
        expect(page.locator("h1")).to_contain_text("Today")
        meetings = page.locator("#meetings")
        expect(meetings).to_contain_text("Catch-up with Lee")
        expect(meetings.locator(".digest")).to_contain_text("Lee Chen")
        waiting = page.locator("#waiting .agenda-item", has_text="Sam Okafor")
        expect(waiting).to_contain_text("wrote to you 1 day ago: “Board seat?”")
        circle = page.locator("#circle .agenda-item", has_text="Dana Whitfield")
        expect(circle).to_contain_text("overdue by")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "today-page.png"), full_page=True)

        # the brief before tomorrow's meeting
        meetings.get_by_role("link", name="Brief").click()
        expect(page).to_have_url(re.compile(r"/brief/\d+$"))
        expect(page.locator("h1")).to_have_text("Brief: Lee Chen")
        expect(page.locator("#starters li")).to_have_count(3)
        expect(page.locator("#loops")).to_contain_text("Catch-up with Lee")
        page.screenshot(path=str(ARTIFACTS / "brief-page.png"), full_page=True)
        page.get_by_role("link", name="Today", exact=True).click()

        # snooze Sam for three days: gone, and counted as snoozed
        waiting = page.locator("#waiting .agenda-item", has_text="Sam Okafor")
        expect(waiting.get_by_label("Snooze for how many days")).to_be_hidden()  # behind More
        waiting.locator("details.more > summary").click()
        waiting.get_by_label("Snooze for how many days").select_option("3")
        waiting.get_by_role("button", name="Snooze").click()
        expect(page.locator(".flash")).to_contain_text("Snoozed for 3 days: Sam Okafor")
        expect(page.locator("#waiting")).to_have_count(0)
        expect(page.locator("main")).to_contain_text("1 snoozed or dismissed")

        # a call with Dana resets her cadence: she leaves the agenda
        circle = page.locator("#circle .agenda-item", has_text="Dana Whitfield")
        circle.locator("details.more > summary").click()
        circle.get_by_label("What you did with Dana Whitfield").select_option("call")
        circle.get_by_role("button", name="Log a touch").click()
        expect(page.locator(".flash")).to_contain_text("Logged a call with Dana Whitfield")
        expect(page.locator("#circle")).to_have_count(0)

        # the circle: add Lee with his own cadence, then make room again
        page.get_by_role("link", name="Circle", exact=True).click()
        expect(page.locator("h1")).to_contain_text("Your circle")
        page.get_by_label("Add a person (name, email or #id)").fill("Lee Chen")
        page.get_by_label("Cadence (days)", exact=True).fill("21")
        page.get_by_role("button", name="Add to circle").click()
        expect(page.locator(".flash")).to_contain_text("Added Lee Chen to your circle.")
        row = page.locator("#members tr", has_text="Lee Chen")
        expect(row.get_by_label("Cadence in days for Lee Chen")).to_have_value("21")
        expect(row).to_contain_text("own")
        page.screenshot(path=str(ARTIFACTS / "circle-page.png"), full_page=True)
        row.locator("details.more > summary").click()
        row.get_by_role("button", name="Remove Lee Chen").click()
        expect(page.locator(".flash")).to_contain_text("Took Lee Chen out of your circle.")
        expect(page.locator("#members tr", has_text="Lee Chen")).to_have_count(0)
    assert problems == []  # no script errors, no CSP violations, no request off the app


def test_room_in_the_circle_at_desktop_and_phone_widths(
    chromium: Path, live_url: str, db_url: str
) -> None:
    """A circle below its cap: Today's last section offers Lee (a coffee three days ago),
    saying how strong and why; one click adds him, at 1280 px and at 390 px."""
    from playwright.sync_api import expect

    _seed(db_url)
    db = Database(db_url)
    with db.write() as conn:
        lee = people.resolve(conn, "Lee Chen")
        interactions.log_interaction(
            conn,
            kind="coffee",
            direction="both",
            participants=[lee],
            occurred_at=datetime.now(UTC) - timedelta(days=3),
        )
    db.dispose()
    with watched_page(chromium, live_url) as (page, problems):
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_url}/")
            room = page.locator("#room")
            expect(room).to_contain_text("Room in your circle")
            item = room.locator(".agenda-item", has_text="Lee Chen")
            expect(item).to_contain_text("two-way, last two-way contact 3 days ago")
            expect(item).to_contain_text(re.compile(r"strength \d+/100 \(\w+\)"))
            page.screenshot(path=str(ARTIFACTS / f"today-room-{width}.png"), full_page=True)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= width, f"Today scrolls sideways at {width} px ({wide} px)"
            if width == 390:
                button = item.get_by_role("button", name="Add to circle")
                box = button.bounding_box()
                assert box is not None and box["height"] >= 24  # a thumb can press it
                button.click()
                expect(page.locator(".flash")).to_contain_text("Added Lee Chen to your circle")
                expect(page.locator("#room")).to_have_count(0)
    assert problems == []
