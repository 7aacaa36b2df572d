"""The Gatherings and Review pages in a real browser: the charts render, and the numbers they
plot are the ones the API gives; "I was there", the goals form and a reflection work.

Debian's Chromium driven by Playwright, against uvicorn (see test_browser.py for the tier).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kithkin.services import circle, gatherings, interactions
from kithkin.store import Database
from tests.builders.people import person
from tests.web.test_browser import ARTIFACTS, chromium, live_url, watched_page

pytestmark = pytest.mark.browser
__all__ = ["chromium", "live_url"]  # fixtures, shared with test_browser.py


def _seed(db_url: str) -> None:
    """Dana in the circle, a few weeks of mail and coffees, and a weekly gathering."""
    now = datetime.now(UTC)
    db = Database(db_url)
    try:
        dana = person(db, "Dana Whitfield")
        sam = person(db, "Sam Okafor")
        circle.add_members(db, people=[dana], cadence_days=14)
        for days in (3, 10, 17, 40, 60):
            interactions.log(
                db, kind="email", people=[dana], at=now - timedelta(days=days), direction="from_me"
            )
        for days in (5, 12, 30):
            interactions.log(
                db, kind="email", people=[sam], at=now - timedelta(days=days), direction="to_me"
            )
        interactions.log(db, kind="coffee", people=[sam], at=now - timedelta(days=1))
        start = (now - timedelta(days=70)).date()
        gatherings.add_gathering(
            db, name="Cloud chat", rrule="FREQ=WEEKLY", at="12:00", tz="UTC",
            first_day=start, platform="Zoom", link="https://zoom.example/j/1",
        )  # fmt: skip
        for weeks in (1, 2, 4, 5):
            gatherings.attended(db, gathering="Cloud chat", day=start + timedelta(weeks=weeks))
    finally:
        db.dispose()


def test_the_gatherings_page(chromium: Path, live_url: str, db_url: str) -> None:
    from playwright.sync_api import expect

    _seed(db_url)
    with watched_page(chromium, live_url) as (page, problems):
        page.goto(f"{live_url}/gatherings")
        card = page.locator(".gathering", has_text="Cloud chat")
        expect(card).to_contain_text("Weekly at 12:00 (UTC)")
        habit = page.request.get(f"{live_url}/api/gatherings").json()["gatherings"][0]["habit"]
        marks = card.locator("svg.chart-strip rect.mark")
        expect(marks).to_have_count(min(26, len(habit["marks"])))
        states = marks.evaluate_all("(rs) => rs.map(r => r.dataset.state)")
        assert states == [m["state"] for m in habit["marks"]][-26:]
        expect(card.locator(".habit-score")).to_have_text(f"{round(habit['score'])}%")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "gatherings-page.png"), full_page=True)

        card.get_by_role("button", name="I was there").click()
        expect(page.locator(".flash")).to_contain_text("you were at Cloud chat")
        after = page.request.get(f"{live_url}/api/gatherings").json()["gatherings"][0]["habit"]
        assert after["attended"] == habit["attended"] + 1
        assert problems == []


def test_the_review_page_plots_the_apis_numbers(chromium: Path, live_url: str, db_url: str) -> None:
    from playwright.sync_api import expect

    _seed(db_url)
    with watched_page(chromium, live_url) as (page, problems):
        page.goto(f"{live_url}/review")
        found = page.request.get(f"{live_url}/api/review").json()
        for chart in ("#touches-chart", "#strength-chart", "#habit-chart", "#cadence-chart"):
            expect(page.locator(chart)).to_be_visible()
            expect(page.locator(f"{chart} > title")).not_to_be_empty()
        bars = page.locator("#touches-chart rect.bar")
        plotted = bars.evaluate_all(
            "(rs) => rs.map(r => [r.dataset.series, Number(r.dataset.value)])"
        )
        expected = [(s, float(w[s])) for w in found["touches"] for s in ("mine", "theirs")]
        assert [tuple(p) for p in plotted] == expected
        assert sum(v for s, v in expected if s == "mine") > 0
        dots = page.locator("#strength-chart circle.dot").evaluate_all(
            "(cs) => cs.map(c => Number(c.dataset.value))"
        )
        assert dots == [round(p["value"], 1) for p in found["circle_strength"]]
        cells = page.locator("#habit-chart rect.cell").evaluate_all(
            "(rs) => rs.map(r => Number(r.dataset.value))"
        )
        assert cells == [int(p["value"]) for p in found["heatmap"]]
        touches = page.locator("#cadence-chart circle.touch")
        expect(touches).to_have_count(len(found["circle"][0]["touches"]))
        # the numbers are there as text too, for those who cannot see the chart
        page.locator("#touches details.numbers > summary").click()
        expect(page.locator("#touches details.numbers tbody tr")).to_have_count(12)
        page.screenshot(path=str(ARTIFACTS / "review-page.png"), full_page=True)

        # a reflection on the coffee, kept in Sam's story
        form = page.locator("#reflect .reflect-form").first
        form.get_by_placeholder("What did you learn about them?").fill("Sam moves to Lisbon.")
        form.get_by_label("Keep in their story as").select_option("origin")
        form.get_by_role("button", name="Keep").click()
        expect(page.locator(".flash")).to_contain_text("It is in their story too")

        page.get_by_role("spinbutton", name="Conversations").fill("9")
        page.get_by_role("button", name="Save goals").click()
        expect(page.locator(".flash")).to_contain_text("Saved your weekly goals")
        expect(page.locator('[data-goal="conversations"]')).to_have_attribute("data-target", "9")
        assert problems == []
