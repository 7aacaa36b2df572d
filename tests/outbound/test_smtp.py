"""Unsubscribing by mail: mailto: URIs parsed strictly (with a round-trip property), and the
message sent to a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin import clock
from kithkin.errors import InvalidInput, SmtpError
from kithkin.outbound.smtp import (
    ENV_VAR,
    KEYRING_SERVICE,
    MailtoTarget,
    SmtpSettings,
    build_unsubscribe_message,
    parse_mailto,
    send_unsubscribe,
    smtp_password,
)
from tests.outbound.local import Handler, smtp_server

# --- mailto: URIs -----------------------------------------------------------------------------


def test_a_plain_mailto() -> None:
    assert parse_mailto("mailto:leave@news.example") == MailtoTarget(
        to=("leave@news.example",), subject="unsubscribe", body=""
    )


def test_fields_and_several_addresses() -> None:
    uri = (
        "MAILTO:a@x.example,%22b%2Cc%22@y.example?subject=Stop%20it%21&body=please%0D%0Abye"
        "&to=d@z.example&cc=e@z.example,f@z.example&In-Reply-To=%3Cm1@x%3E&keywords=list"
    )
    assert parse_mailto(uri) == MailtoTarget(
        to=("a@x.example", '"b,c"@y.example', "d@z.example"),
        subject="Stop it!",
        body="please\r\nbye",
        headers=(
            ("Cc", "e@z.example, f@z.example"),
            ("In-Reply-To", "<m1@x>"),
            ("Keywords", "list"),
        ),
    )


def test_an_address_given_twice_is_one_recipient() -> None:
    assert parse_mailto("mailto:a@x.example?to=a@x.example").to == ("a@x.example",)


def test_plus_is_not_a_space_and_an_empty_subject_is_the_default() -> None:
    target = parse_mailto("mailto:list+unsubscribe@x.example?subject=&body=a+b")
    assert target.to == ("list+unsubscribe@x.example",)
    assert (target.subject, target.body) == ("unsubscribe", "a+b")


def test_an_international_domain_becomes_its_idna_form() -> None:
    assert parse_mailto("mailto:leave@b%C3%BCcher.example").to == ("leave@xn--bcher-kva.example",)


@pytest.mark.parametrize(
    ("uri", "why"),
    [
        ("https://x.example/u", "is not a mailto: URI"),
        ("leave@x.example", "is not a mailto: URI"),
        ("mailto:", "no recipient"),
        ("mailto:?subject=hi", "no recipient"),
        ("mailto:leave@x.example?bcc=spy@evil.example", "'bcc' is refused"),
        ("mailto:leave@x.example?from=ceo@corp.example", "'from' is refused"),
        ("mailto:leave@x.example?reply-to=a@evil.example", "'reply-to' is refused"),
        ("mailto:leave@x.example?X-Evil=1", "'x-evil' is refused"),
        ("mailto:leave@x.example?subject=a%0D%0ABcc:%20spy@evil.example", "line break"),
        ("mailto:leave@x.example?subject=a&subject=b", "more than one 'subject'"),
        ("mailto:Leave%20Me%20<leave@x.example>", "is not an email address"),
        ("mailto:leave", "is not an email address"),
        ("mailto:leave@x.example%0D%0ABcc:spy@evil.example", "is not an email address"),
        ("mailto:leave@[127.0.0.1]", "is not an email address"),
        ("mailto:l%C3%A9ave@x.example", "is not an email address"),
        ("mailto:leave@x.example?to=bad", "'bad' is not an email address"),
        ("mailto:leave@x.example?subject=%FF", "not UTF-8"),
    ],
)
def test_refused_uris(uri: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=why):
        parse_mailto(uri)


_ATEXT = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
_ATOMS = st.text(alphabet=_ATEXT, min_size=1, max_size=8)
_LOCALS = st.one_of(
    st.lists(_ATOMS, min_size=1, max_size=3).map(".".join),
    st.text(alphabet=" ,;:@<>()[]abc.", min_size=0, max_size=8).map(lambda s: f'"{s}"'),
)
_LABELS = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_DOMAINS = st.lists(_LABELS, min_size=1, max_size=3).map(".".join)
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(
    local=_LOCALS,
    domain=_DOMAINS,
    subject=_TEXT.filter(lambda s: "\r" not in s and "\n" not in s and s != ""),
    body=_TEXT,
)
def test_a_quoted_mailto_round_trips(local: str, domain: str, subject: str, body: str) -> None:
    address = f"{local}@{domain}"
    uri = f"mailto:{quote(address)}?subject={quote(subject, safe='')}&body={quote(body)}"
    assert parse_mailto(uri) == MailtoTarget(to=(address,), subject=subject, body=body)


# --- the message ------------------------------------------------------------------------------


def test_the_message() -> None:
    clock.freeze(datetime(2026, 5, 1, 8, 0, tzinfo=UTC))
    target = parse_mailto("mailto:leave@x.example?subject=Unsubscribe%20me&cc=log@x.example")
    message = build_unsubscribe_message(
        target, from_address="Alex <alex@corp.example>", message_id="unsub-7@kithkin"
    )
    assert message["From"] == "Alex <alex@corp.example>"
    assert message["To"] == "leave@x.example"
    assert message["Cc"] == "log@x.example"
    assert message["Subject"] == "Unsubscribe me"
    assert message["Message-ID"] == "<unsub-7@kithkin>"
    assert message["Date"] == "Fri, 01 May 2026 08:00:00 +0000"
    assert message.get_content().strip() == "unsubscribe"
    assert b"\r\n" in message.as_bytes()


def test_a_message_needs_a_sender_and_a_message_id() -> None:
    target = parse_mailto("mailto:leave@x.example")
    with pytest.raises(InvalidInput, match="no sender address"):
        build_unsubscribe_message(target, from_address="", message_id="a@b")
    with pytest.raises(InvalidInput, match="is not a Message-ID"):
        build_unsubscribe_message(target, from_address="a@b.example", message_id="no id")
    with pytest.raises(InvalidInput, match="cannot build"):
        build_unsubscribe_message(
            target, from_address="a@b.example\r\nBcc: spy@evil.example", message_id="a@b"
        )


# --- sending to a real SMTP server on 127.0.0.1 -----------------------------------------------


@pytest.fixture
def handler() -> Handler:
    return Handler()


@pytest.fixture
def smtp_port(handler: Handler) -> Iterator[int]:
    yield from smtp_server(handler)


def plain(port: int, **options: Any) -> SmtpSettings:
    values: dict[str, Any] = {"security": "none", "from_address": "Alex <alex@corp.example>"}
    return SmtpSettings("127.0.0.1", port, timeout=5, **{**values, **options})


TARGET = parse_mailto("mailto:list-request@lists.example?subject=unsubscribe%20dev&body=bye")


def test_the_message_arrives(handler: Handler, smtp_port: int) -> None:
    outcome = send_unsubscribe(
        TARGET, settings=plain(smtp_port), password=None, message_id="u1@kithkin"
    )
    assert outcome == (
        f"sent to list-request@lists.example via 127.0.0.1:{smtp_port} (250 2.0.0 Ok: queued as 42)"
    )
    (received,) = handler.received
    assert received.sender == "alex@corp.example"
    assert received.recipients == ["list-request@lists.example"]
    assert received.message["Subject"] == "unsubscribe dev"
    assert received.message["Message-ID"] == "<u1@kithkin>"
    assert received.message["To"] == "list-request@lists.example"
    assert received.message.get_content().strip() == "bye"
    assert handler.logins == []


def test_cc_recipients_get_it_too(handler: Handler, smtp_port: int) -> None:
    target = parse_mailto("mailto:a@lists.example?cc=b@lists.example&subject=Ünsubscribe")
    send_unsubscribe(target, settings=plain(smtp_port), password=None, message_id="u2@kithkin")
    (received,) = handler.received
    assert received.recipients == ["a@lists.example", "b@lists.example"]
    assert received.message["Subject"] == "Ünsubscribe"


def test_a_refused_recipient(handler: Handler, smtp_port: int) -> None:
    target = parse_mailto("mailto:nobody@lists.example")
    with pytest.raises(SmtpError) as caught:
        send_unsubscribe(target, settings=plain(smtp_port), password=None, message_id="u3@k")
    assert str(caught.value) == (
        f"127.0.0.1:{smtp_port}: recipient nobody@lists.example refused: "
        "550 5.1.1 No such user here"
    )
    assert handler.received == []


def test_login_over_a_plain_loopback_connection(handler: Handler, smtp_port: int) -> None:
    settings = plain(smtp_port, username="alex")
    send_unsubscribe(TARGET, settings=settings, password="s3cret", message_id="u4@kithkin")
    assert handler.logins == [(b"alex", b"s3cret")]
    assert len(handler.received) == 1


def test_a_refused_login_does_not_show_the_password(handler: Handler, smtp_port: int) -> None:
    settings = plain(smtp_port, username="alex")
    with pytest.raises(SmtpError, match="login refused for alex: 535") as caught:
        send_unsubscribe(TARGET, settings=settings, password="wr0ng-pass", message_id="u5@k")
    assert "wr0ng-pass" not in str(caught.value)
    assert handler.received == []


def test_no_password_in_the_clear_to_another_machine() -> None:
    settings = SmtpSettings(
        "smtp.example", 25, security="none", username="alex", from_address="a@b.example"
    )
    with pytest.raises(InvalidInput, match="refusing to send a password over a plain connection"):
        send_unsubscribe(TARGET, settings=settings, password="s3cret", message_id="u6@k")


def test_a_login_without_a_password(smtp_port: int) -> None:
    with pytest.raises(InvalidInput, match=f"no password for alex: set {ENV_VAR}"):
        send_unsubscribe(
            TARGET, settings=plain(smtp_port, username="alex"), password=None, message_id="u@k"
        )


def test_starttls_is_required_by_default(handler: Handler, smtp_port: int) -> None:
    settings = plain(smtp_port, security="starttls")
    with pytest.raises(SmtpError, match="does not offer STARTTLS; refusing to send in clear"):
        send_unsubscribe(TARGET, settings=settings, password=None, message_id="u7@k")
    assert handler.received == []


def test_nothing_listening_fails_fast() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(SmtpError, match=f"127.0.0.1:{port}: cannot send: Connection refused"):
            send_unsubscribe(TARGET, settings=plain(port), password=None, message_id="u8@k")
    assert time.monotonic() - started < 2


def test_a_server_that_never_greets_times_out() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        settings = SmtpSettings(
            "127.0.0.1", port, security="none", from_address="a@b.example", timeout=0.3
        )
        with pytest.raises(SmtpError, match=r"no answer within 0\.3 s"):
            send_unsubscribe(TARGET, settings=settings, password=None, message_id="u9@k")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1: (certificate, key)."""
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_starttls_with_the_servers_own_certificate(
    handler: Handler, certificate: tuple[Path, Path]
) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    for port in smtp_server(handler, tls_context=context, require_starttls=True):
        settings = plain(port, security="starttls", username="alex", cafile=str(certificate[0]))
        send_unsubscribe(TARGET, settings=settings, password="s3cret", message_id="t1@k")
        assert handler.logins == [(b"alex", b"s3cret")]
        untrusted = plain(port, security="starttls")
        with pytest.raises(SmtpError, match="certificate not trusted"):
            send_unsubscribe(TARGET, settings=untrusted, password=None, message_id="t2@k")
    assert len(handler.received) == 1


# --- the password -----------------------------------------------------------------------------


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setitem(sys.modules, "keyring", None)  # as if not installed


@pytest.mark.usefixtures("no_keyring")
def test_the_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = SmtpSettings("smtp.example", username="alex")
    assert smtp_password(settings) is None
    monkeypatch.setenv(ENV_VAR, "from-env")
    assert smtp_password(settings) == "from-env"


@pytest.mark.usefixtures("no_keyring")
def test_the_password_from_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, str]] = []

    def get_password(service: str, account: str) -> str:
        asked.append((service, account))
        return "from-keyring"

    monkeypatch.setitem(sys.modules, "keyring", SimpleNamespace(get_password=get_password))
    assert smtp_password(SmtpSettings("smtp.example", username="alex")) == "from-keyring"
    assert asked == [(KEYRING_SERVICE, "alex@smtp.example")]
    assert smtp_password(SmtpSettings("smtp.example")) is None  # no login, no lookup
    assert len(asked) == 1
