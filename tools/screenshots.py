"""`make screenshots`: PNGs of the web UI on the demo network, for the README.

Builds the demo in a temporary folder, serves it on a free port of 127.0.0.1, and saves
Today, a person's page and their brief at desktop (1280 x 900) and phone (390 x 844) width
into docs/screenshots/. Each shot is the top of the page, one screen high, so the files stay
small. Debian's Chromium is driven by Playwright, as in the browser tests.

    python tools/screenshots.py                      # the README's shots
    python tools/screenshots.py --all --out /tmp/s   # every page, to look at them
    python tools/screenshots.py --url http://127.0.0.1:8714 --all --out /tmp/s
"""

from __future__ import annotations

import argparse
import json
import socket
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
README_PAGES = ("today", "person", "brief", "intros", "review", "amplify")


# Every page's path on the demo ({pid}: the circle's strongest member).
PATHS = {
    "today": "/",
    "person": "/people/{pid}",
    "brief": "/brief/{pid}",
    "circle": "/circle",
    "amplify": "/amplify",
    "gatherings": "/gatherings",
    "review": "/review",
    "people": "/people",
    "search": "/people?q=sailing",
    "inbox": "/inbox",
    "duplicates": "/duplicates",
    "import": "/import",
    "import-mail": "/import/mail",
    "new-person": "/people/new",
    "trash": "/trash",
    "intros": "/intros",
    "intro-paths": "/intros/paths",
    "service": "/service",
    "tone": "/tone",
    "capture": "/capture",
    "settings": "/settings",
}


def pages(base: str) -> dict[str, str]:
    """Every page's path on the demo; the person is the circle's strongest member."""
    with urllib.request.urlopen(f"{base}/api/circle") as answer:  # noqa: S310 - our own server
        members = json.load(answer)["members"]
    pid = max(members, key=lambda m: m["score"])["person_id"] if members else 1
    return {name: path.format(pid=pid) for name, path in PATHS.items()}


@contextmanager
def demo_server() -> Iterator[str]:
    """The demo network, built in a temporary folder and served on a free port."""
    import uvicorn

    from kithkin.services import demo
    from kithkin.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="kithkin-shots-") as folder:
        built = demo.build(path=Path(folder) / "demo.db")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(create_app(built.url), log_level="warning", lifespan="on")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise SystemExit("the demo server did not start")
            time.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(timeout=15)
            sock.close()


def shoot(base: str, out: Path, names: tuple[str, ...], full_page: bool) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    paths = pages(base)
    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            for label, (width, height) in WIDTHS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for name in names:
                    page.goto(base + paths[name])
                    target = out / f"{name}-{label}.png"
                    page.screenshot(path=str(target), full_page=full_page)
                    saved.append(target)
                page.close()
        finally:
            browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--url", help="shoot a server already running instead of the demo")
    parser.add_argument("--all", action="store_true", help="every page, whole pages")
    args = parser.parse_args()
    names = tuple(PATHS) if args.all else README_PAGES

    def run(base: str) -> None:
        for path in shoot(base, args.out, names, full_page=args.all):
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    if args.url:
        run(args.url.rstrip("/"))
    else:
        with demo_server() as base:
            run(base)


if __name__ == "__main__":
    main()
