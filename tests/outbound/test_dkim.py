"""The DKIM check before a one-click unsubscribe: messages signed at test time with a fresh
RSA key, the public key served from a dict instead of the DNS."""

from __future__ import annotations

from pathlib import Path

import dkim
import pytest

from kithkin.outbound.dkim import DnsTxt, verify_one_click
from tests.outbound.local import new_dkim_key

SELECTOR = b"s1"
DOMAIN = b"news.example"
KEY_NAME = b"s1._domainkey.news.example."
SIGNED = [b"from", b"to", b"subject", b"list-unsubscribe", b"list-unsubscribe-post"]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """(private key PEM, DNS TXT record) of a new 2048-bit RSA key."""
    return new_dkim_key(tmp_path_factory.mktemp("dkim") / "key.pem")


@pytest.fixture
def dns(keys: tuple[bytes, bytes]) -> DnsTxt:
    records = {KEY_NAME: keys[1]}

    def lookup(name: bytes, timeout: float = 5) -> bytes | None:
        return records.get(name)

    return lookup


def newsletter(url: str = "https://news.example/u/123") -> bytes:
    lines = [
        "From: News <news@news.example>",
        "To: me@corp.example",
        "Subject: This week",
        "Message-ID: <n1@news.example>",
        f"List-Unsubscribe: <{url}>, <mailto:leave@news.example>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "",
        "Hello.",
        "",
    ]
    return "\r\n".join(lines).encode()


def signed(keys: tuple[bytes, bytes], message: bytes, headers: list[bytes] = SIGNED) -> bytes:
    signature: bytes = dkim.sign(message, SELECTOR, DOMAIN, keys[0], include_headers=headers)
    return signature + message


def test_a_signature_that_covers_both_fields(keys: tuple[bytes, bytes], dns: DnsTxt) -> None:
    verdict = verify_one_click(signed(keys, newsletter()), dns=dns)
    assert verdict.ok
    assert verdict.domain == "news.example"
    assert verdict.reason == (
        "DKIM signature by news.example verifies and covers List-Unsubscribe and "
        "List-Unsubscribe-Post"
    )


def test_a_signature_without_the_post_field(keys: tuple[bytes, bytes], dns: DnsTxt) -> None:
    headers = [name for name in SIGNED if name != b"list-unsubscribe-post"]
    verdict = verify_one_click(signed(keys, newsletter(), headers), dns=dns)
    assert not verdict.ok
    assert verdict.reason == (
        "the DKIM signature by news.example verifies but does not cover List-Unsubscribe-Post"
    )


def test_a_url_changed_after_signing(keys: tuple[bytes, bytes], dns: DnsTxt) -> None:
    raw = signed(keys, newsletter()).replace(b"news.example/u/123", b"evil.example/u/123")
    verdict = verify_one_click(raw, dns=dns)
    assert not verdict.ok and verdict.forged  # the signer's own key says it was altered
    assert verdict.reason.startswith("the DKIM signature by news.example does not verify")


def test_a_body_changed_after_signing(keys: tuple[bytes, bytes], dns: DnsTxt) -> None:
    raw = signed(keys, newsletter()).replace(b"Hello.", b"Hello!")
    verdict = verify_one_click(raw, dns=dns)
    assert verdict == verify_one_click(raw, dns=dns)
    assert (
        verdict.reason == "the DKIM signature by news.example does not verify (body hash mismatch)"
    )


def test_a_list_unsubscribe_field_added_above_the_signed_one(
    keys: tuple[bytes, bytes], dns: DnsTxt
) -> None:
    raw = b"List-Unsubscribe: <https://evil.example/u>\r\n" + signed(keys, newsletter())
    verdict = verify_one_click(raw, dns=dns)
    assert not verdict.ok
    assert "does not cover every List-Unsubscribe field (2 in the message)" in verdict.reason


def test_a_message_without_the_post_field(keys: tuple[bytes, bytes], dns: DnsTxt) -> None:
    message = newsletter().replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n", b"")
    verdict = verify_one_click(signed(keys, message), dns=dns)
    assert not verdict.ok
    assert verdict.reason == "the message has no List-Unsubscribe-Post field"


def test_no_signature(dns: DnsTxt) -> None:
    assert verify_one_click(newsletter(), dns=dns).reason == "no DKIM signature"
    assert not verify_one_click(newsletter(), dns=dns).ok
    assert not verify_one_click(newsletter(), dns=dns).forged


def test_an_unknown_key(keys: tuple[bytes, bytes], caplog: pytest.LogCaptureFixture) -> None:
    def nothing(name: bytes, timeout: float = 5) -> bytes | None:
        return None

    verdict = verify_one_click(signed(keys, newsletter()), dns=nothing)
    assert not verdict.ok and not verdict.forged  # no key to judge by: not a failed check
    assert verdict.reason == (
        "the DKIM signature by news.example does not verify "
        "(no DKIM key published at s1._domainkey.news.example)"
    )
    assert caplog.records == []  # dkimpy's error went to the verdict, not to the log


def test_a_wrong_key(keys: tuple[bytes, bytes]) -> None:
    other = Path(__file__)  # any bytes that are not a key record
    verdict = verify_one_click(
        signed(keys, newsletter()), dns=lambda name, timeout=5: other.name.encode()
    )
    assert not verdict.ok
    assert "does not verify" in verdict.reason
    assert "\n" not in verdict.reason


def test_one_good_signature_among_bad_ones(keys: tuple[bytes, bytes], dns: DnsTxt) -> None:
    message = newsletter()
    good = signed(keys, message)
    forged = dkim.sign(message, b"s2", b"other.example", keys[0], include_headers=SIGNED)
    verdict = verify_one_click(forged + good, dns=dns)
    assert verdict.ok
    assert verdict.domain == "news.example"
    alone = verify_one_click(forged + message, dns=dns)
    assert alone.reason == (
        "the DKIM signature by other.example does not verify "
        "(no DKIM key published at s2._domainkey.other.example)"
    )


def test_malformed_input_is_a_verdict_not_an_exception(dns: DnsTxt) -> None:
    for raw in (b"", b"\x00\xff garbage", b"DKIM-Signature: v=1; a=nonsense\r\n\r\nbody"):
        verdict = verify_one_click(raw, dns=dns)
        assert not verdict.ok
        assert "\n" not in verdict.reason
