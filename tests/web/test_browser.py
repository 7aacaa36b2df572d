"""The web UI in a real browser: Debian's Chromium driven by Playwright, against uvicorn.

Skipped (saying why) where /usr/bin/chromium is absent; in CI (CI set) that is a failure.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from kithkin.web.app import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def require_chromium(path: Path) -> Path:
    """`path` if it exists; else skip, saying why, or fail in CI, where it must be there."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing in CI: install Debian's chromium (make test-deps)")
        pytest.skip(f"browser tier skipped: {path} not found (apt-get install chromium)")
    return path


@pytest.fixture
def chromium() -> Path:
    return require_chromium(CHROMIUM)


@contextmanager
def watched_page(chromium: Path, base_url: str) -> Iterator[tuple[Page, list[str]]]:
    """A page of a headless Chromium (1280x900), and the problems seen on it as they come:
    console errors, uncaught page errors, and any request to anywhere but `base_url`
    (nothing may leave the machine)."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on(
                "request",
                lambda r: None if r.url.startswith((base_url, "data:")) else problems.append(r.url),
            )
            yield page, problems
        finally:
            browser.close()


def test_a_missing_browser_skips_locally_and_fails_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not found"):
        require_chromium(tmp_path / "chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="missing in CI"):
        require_chromium(tmp_path / "chromium")


@pytest.fixture
def live_url(db_url: str) -> Iterator[str]:
    """The app served by uvicorn in a background thread on a free port of 127.0.0.1."""
    yield from serve_app(create_app(db_url))


def serve_app(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn in a background thread on a free port of 127.0.0.1; yields
    its base URL and stops it afterwards."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped while starting"
        assert time.monotonic() < deadline, "uvicorn did not start in 15 s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def test_add_a_person_write_their_story_find_them_and_undo_a_delete(
    chromium: Path, live_url: str
) -> None:
    from playwright.sync_api import expect

    with watched_page(chromium, live_url) as (page, problems):
        _add_person(page, live_url, expect)
        person_url = page.url

        # Their story, as told at a dinner.
        story = page.locator("form.add-fact")
        story.locator("select[name=field]").select_option("passions")
        story.locator("input[name=text]").fill("weekends on the water in a sailboat")
        story.locator("input[name=learned_on]").fill("2025-03-14")
        story.locator("input[name=learned_where]").fill("CIO summit dinner")
        story.get_by_role("button", name="Add to story").click()
        expect(page.locator(".flash")).to_contain_text("Added to their story (passions)")
        story = page.locator("form.add-fact")
        story.locator("select[name=field]").select_option("origin")
        story.locator("input[name=text]").fill("Grew up in Lagos, moved to Rotterdam at 12")
        story.get_by_role("button", name="Add to story").click()
        expect(page.locator(".completeness")).to_contain_text("40 %")

        # Find them by a word of their story.
        page.get_by_role("link", name="People", exact=True).click()
        page.get_by_label("Search people").fill("sailboat")
        page.get_by_role("button", name="Search").click()
        expect(page.locator(".snippet mark")).to_have_text("sailboat")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "search-page.png"), full_page=True)
        page.get_by_role("link", name="Marina Okafor").click()
        expect(page).to_have_url(person_url)
        expect(page.locator("#story")).to_contain_text("weekends on the water in a sailboat")
        expect(page.locator("#story")).to_contain_text("learned on 2025-03-14 at CIO summit")

        # A note, and an interaction; both land on the timeline.
        page.locator("#note-text").fill("Ask how the spring regatta went")
        page.get_by_role("button", name="Add note").click()
        expect(page.locator("#timeline")).to_contain_text("Ask how the spring regatta went")
        log = page.locator("#log form")
        log.locator("select[name=kind]").select_option("coffee")
        log.locator("input[name=subject]").fill("Supply-chain visibility pilot")
        log.get_by_role("button", name="Log it").click()
        expect(page.locator("#timeline")).to_contain_text("Supply-chain visibility pilot")

        page.screenshot(path=str(ARTIFACTS / "person-page.png"), full_page=True)

        # Delete, then undo from the Trash.
        page.locator("summary", has_text="Delete").click()
        page.get_by_role("button", name="Delete Marina Okafor").click()
        expect(page.locator(".flash")).to_contain_text("in the trash for 30 days")
        page.locator(".nav-more-button").hover()  # the link is under More
        page.get_by_role("link", name=re.compile(r"^Trash")).click()
        expect(page.get_by_role("button", name="Restore Marina Okafor")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "trash-page.png"), full_page=True)
        page.get_by_role("button", name="Undo last action").click()
        expect(page.locator(".flash")).to_contain_text("Undone: deleted Marina Okafor")
        expect(page.locator(".empty")).to_have_text("The trash is empty.")
        page.goto(person_url)
        expect(page.locator("h1")).to_have_text("Marina Okafor")
    assert problems == []  # no script errors, no CSP violations, no request off the app


def _add_person(page: Any, base: str, expect: Any) -> None:
    page.goto(f"{base}/people")
    page.locator(".nav-more-button").hover()  # the link is under More
    page.get_by_role("link", name="Add person", exact=True).first.click()
    expect(page).to_have_url(f"{base}/people/new")
    page.get_by_label("Display name").fill("Marina Okafor")
    page.get_by_label("Organisation").fill("Harbor Logistics")
    page.get_by_label("Title").fill("Chief Information Officer")
    page.get_by_label("Email").fill("marina@harbor-logistics.example")
    page.get_by_label("Tags").fill("cio, logistics")
    page.get_by_role("button", name="Add person").click()
    expect(page).to_have_url(re.compile(r"/people/\d+$"))
    expect(page.locator(".flash")).to_contain_text("Added Marina Okafor")
    expect(page.locator("h1")).to_have_text("Marina Okafor")
