"""The one-click POST against real servers on 127.0.0.1, and the refusals that happen before
any connection (names are resolved by a fake resolver, never by the DNS)."""

from __future__ import annotations

import re
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kithkin.errors import UnsafeTarget
from kithkin.outbound.oneclick import Resolve, check_target, post_one_click
from tests.outbound.local import Server, self_signed, serve, tls_context


@pytest.fixture
def server() -> Iterator[Server]:
    yield from serve()


@pytest.fixture
def other() -> Iterator[Server]:
    yield from serve()


def no_resolving(host: str, port: int) -> list[str]:
    raise AssertionError(f"{host} should not have been resolved")


def resolver(*addresses: str) -> Resolve:
    def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


def test_the_post_carries_exactly_the_one_click_body(server: Server) -> None:
    outcome = post_one_click(f"{server.base}/u/123?list=7", allow_loopback=True)
    assert outcome.ok
    assert outcome.status == 200
    assert outcome.detail == f"POST {server.base}/u/123?list=7 → 200 OK"
    (hit,) = server.hits
    assert (hit.method, hit.path, hit.body) == (
        "POST",
        "/u/123?list=7",
        b"List-Unsubscribe=One-Click",
    )
    headers = {name.lower(): value for name, value in hit.headers.items()}
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["user-agent"] == "kithkin"
    assert headers["host"] == f"127.0.0.1:{server.port}"
    assert "cookie" not in headers
    assert "authorization" not in headers


def test_no_cookie_survives_between_posts(server: Server) -> None:
    post_one_click(f"{server.base}/a", allow_loopback=True)
    post_one_click(f"{server.base}/b", allow_loopback=True)
    assert all("cookie" not in {n.lower() for n in hit.headers} for hit in server.hits)


def test_the_environment_is_not_trusted(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    assert post_one_click(f"{server.base}/u", allow_loopback=True).ok


def test_a_redirect_is_not_followed(server: Server, other: Server) -> None:
    server.redirect_to = f"{other.base}/landing"
    outcome = post_one_click(f"{server.base}/redirect", allow_loopback=True)
    assert not outcome.ok
    assert outcome.status == 302
    assert outcome.detail.endswith("→ 302 Found (redirect not followed)")
    assert other.hits == []


def test_a_server_error(server: Server) -> None:
    outcome = post_one_click(f"{server.base}/fail", allow_loopback=True)
    assert (outcome.ok, outcome.status) == (False, 500)
    assert outcome.detail.endswith("→ 500 Internal Server Error")


def test_a_slow_server_times_out_fast(server: Server) -> None:
    started = time.monotonic()
    outcome = post_one_click(f"{server.base}/slow", allow_loopback=True, timeout=0.3)
    assert time.monotonic() - started < 2
    assert (outcome.ok, outcome.status) == (False, None)
    assert outcome.detail == f"POST {server.base}/slow → no answer within 0.3 s"


def test_nothing_listening() -> None:
    with socket_bound() as port:
        outcome = post_one_click(f"http://127.0.0.1:{port}/u", allow_loopback=True, timeout=2)
    assert not outcome.ok
    assert "cannot connect" in outcome.detail
    assert "\n" not in outcome.detail


class socket_bound:
    """A port on 127.0.0.1 that is bound but not listening: connections are refused."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        port: int = self.sock.getsockname()[1]
        return port

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1/u", "plain http is refused"),
        ("https://127.0.0.1/u", "a loopback address"),
        ("https://10.0.0.1/u", "a private address"),
        ("https://192.168.1.1/u", "a private address"),
        ("https://169.254.169.254/latest/meta-data", "a link-local address"),
        ("https://[::1]/u", "a loopback address"),
        ("https://[fe80::1]/u", "a link-local address"),
        ("https://[::ffff:127.0.0.1]/u", "stands for 127.0.0.1, a loopback address"),
        ("https://[::ffff:10.1.2.3]/u", "stands for 10.1.2.3, a private address"),
        ("https://[64:ff9b::a00:1]/u", "stands for 10.0.0.1, a private address"),
        ("https://0.0.0.0/u", "an unspecified address"),
        ("https://224.0.0.1/u", "a multicast address"),
        ("https://100.64.0.1/u", "not a public address"),
        ("https://user:secret@news.example/u", "a user name or password"),
        ("https://token@news.example/u", "a user name or password"),
        ("ftp://news.example/u", "only https URLs"),
        ("javascript:alert(1)", "only https URLs"),
        ("mailto:leave@news.example", "only https URLs"),
    ],
)
def test_refused_without_a_connection(url: str, why: str) -> None:
    with pytest.raises(UnsafeTarget, match=why):
        check_target(url, resolve=no_resolving)
    with pytest.raises(UnsafeTarget, match=why):
        post_one_click(url, resolve=no_resolving)


def test_plain_http_to_a_public_name_is_refused_even_with_loopback_allowed() -> None:
    with pytest.raises(UnsafeTarget, match="plain http is refused"):
        post_one_click("http://news.example/u", resolve=no_resolving)
    with pytest.raises(UnsafeTarget, match="plain http is allowed only to loopback"):
        post_one_click(
            "http://news.example/u", allow_loopback=True, resolve=resolver("93.184.216.34")
        )


def test_a_name_is_checked_by_every_address_it_resolves_to(server: Server) -> None:
    assert check_target("https://news.example/u", resolve=resolver("93.184.216.34")) == [
        "93.184.216.34"
    ]
    both = resolver("93.184.216.34", "10.0.0.1")
    with pytest.raises(
        UnsafeTarget, match=re.escape("news.example resolves to 10.0.0.1, a private address")
    ):
        check_target("https://news.example/u", resolve=both)
    with pytest.raises(UnsafeTarget, match=re.escape("10.0.0.1, a private address")):
        post_one_click(
            "https://news.example/u", allow_loopback=True, resolve=resolver("127.0.0.1", "10.0.0.1")
        )
    assert server.hits == []


def test_loopback_needs_to_be_asked_for() -> None:
    url = "https://unsub.test/u"
    with pytest.raises(
        UnsafeTarget, match=re.escape("unsub.test resolves to 127.0.0.1, a loopback")
    ):
        check_target(url, resolve=resolver("127.0.0.1"))
    assert check_target(url, allow_loopback=True, resolve=resolver("127.0.0.1", "::1")) == [
        "127.0.0.1",
        "::1",
    ]


def test_a_name_that_does_not_resolve() -> None:
    def fails(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(UnsafeTarget, match=re.escape("news.example cannot be resolved")):
        check_target("https://news.example/u", resolve=fails)
    with pytest.raises(UnsafeTarget, match="resolves to no address"):
        check_target("https://news.example/u", resolve=resolver())


# --- HTTPS: the connection goes to the checked address, the name stays for TLS -------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for unsub.test: (certificate, key)."""
    return self_signed(tmp_path_factory.mktemp("tls"), "DNS:unsub.test")


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    yield from serve(tls_context(certificate))


def test_https_to_a_pinned_address_keeps_the_name(
    tls_server: Server, certificate: tuple[Path, Path]
) -> None:
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    url = f"https://unsub.test:{tls_server.port}/u"
    outcome = post_one_click(url, allow_loopback=True, resolve=resolver("127.0.0.1"), verify=trust)
    assert outcome.ok, outcome.detail
    assert tls_server.names == ["unsub.test"]
    (hit,) = tls_server.hits
    assert hit.headers["Host"] == f"unsub.test:{tls_server.port}"
    assert hit.body == b"List-Unsubscribe=One-Click"


def test_https_with_a_certificate_for_another_name(
    tls_server: Server, certificate: tuple[Path, Path]
) -> None:
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    url = f"https://elsewhere.test:{tls_server.port}/u"
    outcome = post_one_click(url, allow_loopback=True, resolve=resolver("127.0.0.1"), verify=trust)
    assert not outcome.ok
    assert "cannot connect" in outcome.detail
    assert "certificate" in outcome.detail.lower()
    assert tls_server.hits == []


def test_the_next_checked_address_when_one_refuses(server: Server) -> None:
    """The server listens on 127.0.0.1 only: ::1 refuses the connection (or has no route)."""
    url = f"http://unsub.test:{server.port}/u"
    outcome = post_one_click(url, allow_loopback=True, resolve=resolver("::1", "127.0.0.1"))
    assert outcome.ok, outcome.detail
    (hit,) = server.hits
    assert hit.headers["Host"] == f"unsub.test:{server.port}"
