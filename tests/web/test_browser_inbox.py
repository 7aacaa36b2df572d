"""The Inbox in a real browser: a one-click unsubscribe from a DKIM-signed list, end to end.

Debian's Chromium driven by Playwright, against uvicorn (see test_browser.py for the tier). The
list's mail is signed at test time with a fresh RSA key whose public half a dict serves instead
of the DNS; its one-click URL is an HTTPS server on 127.0.0.1 (a self-signed certificate the
app is told to trust) that records what it is sent.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dkim
import pytest

from kithkin.services.unsubscribe import Options
from kithkin.store import Database
from kithkin.web.app import create_app
from tests.builders.inbox import mail_of
from tests.ingest.mailbox import message, write_maildir
from tests.outbound.local import Hit, Server, dns_of, new_dkim_key, self_signed, serve, tls_context
from tests.web.test_browser import ARTIFACTS, chromium, serve_app, watched_page

pytestmark = pytest.mark.browser
__all__ = ["chromium"]  # a fixture, shared with test_browser.py

ME = "ana@kithkin.example"
SIGNED = [b"from", b"to", b"subject", b"list-unsubscribe", b"list-unsubscribe-post"]
KEY_NAME = b"s1._domainkey.news.example."


@dataclass
class Unsubscribes:
    """The list's one-click endpoint (an HTTPS server on 127.0.0.1) and what it was sent."""

    url: str
    certificate: Path
    server: Server

    @property
    def hits(self) -> list[Hit]:
        return [hit for hit in self.server.hits if hit.method == "POST"]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """(private key PEM, DNS TXT record) of a new 2048-bit RSA key."""
    return new_dkim_key(tmp_path_factory.mktemp("dkim") / "key.pem")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: (certificate, key)."""
    return self_signed(tmp_path_factory.mktemp("tls"), "IP:127.0.0.1")


@pytest.fixture
def endpoint(certificate: tuple[Path, Path]) -> Iterator[Unsubscribes]:
    """An HTTPS server on 127.0.0.1 answering 200 to every POST, recording each."""
    for server in serve(tls_context(certificate)):
        yield Unsubscribes(f"{server.base}/unsub/abc", certificate[0], server)


def _mailbox(root: Path, url: str, keys: tuple[bytes, bytes]) -> Path:
    """Weekly News (one-click, signed) posting every day and a dozen times on day 10, when
    Dana's mail came and was never answered; a quiet club list (mailto only)."""
    news = {
        "List_Id": "Weekly News <weekly.news.example>",
        "List_Unsubscribe": f"<{url}>",
        "List_Unsubscribe_Post": "List-Unsubscribe=One-Click",
    }
    days = [*range(20), *(10 + i / 100 for i in range(12))]
    inbox: list[tuple[bytes, str]] = []
    for k, day in enumerate(days):
        data = message(
            f"n{k}@news.example",
            "Weekly News <editor@news.example>",
            [ME],
            f"This week {k}",
            day=day,
            **news,
        )
        signature: bytes = dkim.sign(data, b"s1", b"news.example", keys[0], include_headers=SIGNED)
        inbox.append((signature + data, ""))
    for k in range(4):
        inbox.append(
            (
                message(
                    f"c{k}@club.example",
                    "Zed <zed@club.example>",
                    ["club@club.example"],
                    f"Club {k}",
                    day=k * 6,
                    List_Id="Book Club <club.example>",
                    List_Unsubscribe="<mailto:club-off@club.example>",
                ),
                "S",
            )
        )
    inbox.append(
        (
            message("d1@acme", "Dana Whitfield <dana@acme.example>", [ME], "Board seat?", day=10.2),
            "",
        )
    )
    write_maildir(root / "INBOX", inbox)
    return root


@pytest.fixture
def inbox_url(
    db_url: str, tmp_path: Path, endpoint: Unsubscribes, keys: tuple[bytes, bytes]
) -> Iterator[str]:
    """The app, its mail imported and told how to reach the outside world (a fake DNS,
    loopback allowed, the test certificate trusted), served by uvicorn on 127.0.0.1."""
    db = Database(db_url)
    mail_of(db, _mailbox(tmp_path / "mail", endpoint.url, keys), name="Ana", addresses=[ME])
    db.dispose()
    app = create_app(db_url)
    app.state.unsubscribe_options = Options(
        allow_loopback=True,
        dns=dns_of({KEY_NAME: keys[1]}),
        verify=ssl.create_default_context(cafile=str(endpoint.certificate)),
        timeout=5,
    )
    yield from serve_app(app)


def test_one_click_unsubscribe_from_a_signed_list(
    chromium: Path, inbox_url: str, endpoint: Unsubscribes
) -> None:
    from playwright.sync_api import expect

    with watched_page(chromium, inbox_url) as (page, problems):
        page.goto(f"{inbox_url}/")
        page.locator(".nav-more-button").hover()  # the link is under More
        page.get_by_role("link", name="Inbox", exact=True).click()
        expect(page.locator("h1")).to_contain_text("Inbox")

        # the signed list ranks first, its cost explained
        first = page.locator("#subscriptions li.sub").first
        expect(first).to_contain_text("Weekly News")
        expect(first).to_contain_text(
            "30 a month, none read, you never replied; 1 message from real people arrived "
            "the same days and is still unanswered"
        )
        expect(first).to_contain_text("can be left by one-click (RFC 8058)")
        expect(page.locator("#buried")).to_contain_text("Board seat?")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "inbox-page.png"), full_page=True)

        # the dry run says what it would do; nothing is sent yet
        first.get_by_role("link", name="Unsubscribe…").click()
        dry = page.locator("#dry-run")
        expect(dry).to_contain_text("check the DKIM signature of its latest message")
        expect(dry).to_contain_text(f"POST List-Unsubscribe=One-Click to {endpoint.url}")
        page.screenshot(path=str(ARTIFACTS / "inbox-dry-run.png"), full_page=True)
        assert endpoint.hits == []

        # confirmed: one POST, the exact body, no cookie of ours or anyone's
        page.get_by_role("button", name="Confirm: unsubscribe").click()
        outcome = page.locator("#outcome")
        expect(outcome.locator("#status")).to_have_text("done")
        expect(outcome).to_contain_text(f"POST {endpoint.url} → 200 OK")
        expect(outcome).to_contain_text("Recorded in the outbox as #1")
        page.screenshot(path=str(ARTIFACTS / "inbox-outcome.png"), full_page=True)
        [hit] = endpoint.hits
        assert (hit.path, hit.body) == ("/unsub/abc", b"List-Unsubscribe=One-Click")
        assert "Cookie" not in hit.headers and "cookie" not in hit.headers

        # back on the Inbox: unsubscribed, and in the outbox
        page.locator(".nav-more-button").hover()  # the link is under More
        page.get_by_role("link", name="Inbox", exact=True).click()
        weekly = page.locator("#subscriptions li.sub", has_text="Weekly News")
        expect(weekly).to_contain_text("unsubscribed on")
        expect(weekly.get_by_role("link", name="Unsubscribe…")).to_have_count(0)
        expect(page.locator("#outbox")).to_contain_text("Weekly News")
        expect(page.locator("#outbox")).to_contain_text("done")

        # keep the club: it moves to the kept ones
        club = page.locator("#subscriptions li.sub", has_text="Book Club")
        club.get_by_role("button", name="Keep").click()
        expect(page.locator(".flash")).to_contain_text("Book Club: kept")
        expect(page.locator("#kept")).to_contain_text("Book Club")
        expect(page.locator("#subscriptions li.sub", has_text="Book Club")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "inbox-kept.png"), full_page=True)
    assert len(endpoint.hits) == 1
    assert problems == []  # no script errors, no CSP violations, no request off the app
