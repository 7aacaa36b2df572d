"""Importing mail and a calendar from the browser: Debian's Chromium driven by Playwright,
against uvicorn on 127.0.0.1 (see test_browser.py for the tier)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kithkin.services import calendar
from kithkin.store import Database, settings
from kithkin.web.app import create_app
from tests.ingest.mailbox import message, write_mbox
from tests.web.test_browser import ARTIFACTS, chromium, serve_app, watched_page
from tests.web.test_mail_import_web import DANA, ME, MEETING

pytestmark = pytest.mark.browser
__all__ = ["chromium"]  # a fixture, shared with test_browser.py


@pytest.fixture
def app_url(db_url: str) -> Iterator[str]:
    db = Database(db_url)
    with db.write() as conn:
        settings.set_me(conn, name="Ana", addresses=[ME])
    calendar.set_window(db, past_days=36_500)  # the meeting is from March 2024
    db.dispose()
    yield from serve_app(create_app(db_url))


def test_import_a_mailbox_and_a_calendar_from_the_browser(
    chromium: Path, app_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    messages = [message(f"{k}@acme", DANA, [ME], f"Update {k}", day=k) for k in range(40)]
    messages.append(message("r@kk", f"Ana <{ME}>", [DANA], "Re: Update 1", reply_to="1@acme"))
    box = write_mbox(tmp_path / "Work.mbox", messages)
    ics = tmp_path / "work.ics"
    ics.write_text(MEETING)
    with watched_page(chromium, app_url) as (page, problems):
        page.goto(f"{app_url}/import")
        page.get_by_role("link", name="Import mail or calendars").click()
        expect(page.locator("h1")).to_have_text("Import mail and calendars")

        page.get_by_label("Mailboxes, one a line").fill(f"{tmp_path / 'nowhere'}")
        page.get_by_role("button", name="Import mail").click()
        expect(page.locator(".flash-error")).to_contain_text("no such file or folder")

        page.get_by_label("Mailboxes, one a line").fill(str(box))
        page.get_by_role("button", name="Import mail").click()
        job = page.locator("#mail-job")
        expect(job).to_have_attribute("data-state", "done", timeout=30_000)
        expect(job).to_contain_text("Imported")
        expect(job.locator(".count-read dd")).to_have_text("41")
        expect(job.locator(".count-people dd")).to_have_text("1")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "import-mail.png"), full_page=True)

        page.get_by_label("Calendar files (.ics), one a line").fill(str(ics))
        page.get_by_role("button", name="Import calendars").click()
        summary = page.locator("#calendar-summary")
        expect(summary).to_contain_text("Imported work.ics")
        expect(summary.locator(".count-meetings dd")).to_have_text("1")

        page.get_by_role("link", name="People", exact=True).click()
        expect(page.locator("main")).to_contain_text("Dana Whitfield")
    # the one error is the page that refused the wrong path, answered with status 400
    assert problems == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
