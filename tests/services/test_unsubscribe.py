"""Unsubscribing end to end: mail imported with the real importer, a dry run, then --apply
against real servers on 127.0.0.1 (an HTTP server for one-click, aiosmtpd for mailto), the
outbox making a second run send nothing, and every refusal."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import dkim
import pytest

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound
from kithkin.ingest.mail import import_mail
from kithkin.outbound.smtp import SmtpSettings
from kithkin.practices import hygiene
from kithkin.services import unsubscribe
from kithkin.services.inbox import read as read_inbox
from kithkin.store import Database
from kithkin.store import hygiene as store
from tests.builders.inbox import mail_of, owner
from tests.ingest.mailbox import BASE, message, write_maildir
from tests.outbound.local import (
    Handler,
    Server,
    dns_of,
    new_dkim_key,
    self_signed,
    serve,
    smtp_server,
    tls_context,
)

ME = "me@corp.example"
SIGNED = [b"from", b"to", b"subject", b"list-unsubscribe", b"list-unsubscribe-post"]
KEY = b"s1._domainkey.news.example."


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    return new_dkim_key(tmp_path_factory.mktemp("dkim") / "key.pem")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"), "IP:127.0.0.1")


@pytest.fixture
def http(certificate: tuple[Path, Path]) -> Iterator[Server]:
    """An HTTPS server on 127.0.0.1 (RFC 8058 wants https) with a self-signed certificate."""
    yield from serve(tls_context(certificate))


@pytest.fixture
def handler() -> Handler:
    return Handler()


@pytest.fixture
def smtp_port(handler: Handler) -> Iterator[int]:
    yield from smtp_server(handler)


@pytest.fixture
def smtp(smtp_port: int) -> SmtpSettings:
    """The local SMTP server as the user's settings (plain: loopback only)."""
    return SmtpSettings("127.0.0.1", smtp_port, security="none", from_address=ME, timeout=5)


def news(k: int, url: str, keys: tuple[bytes, bytes], *, sign: bool = True) -> bytes:
    data = message(
        f"n{k}@news.example",
        "Weekly News <editor@news.example>",
        [ME],
        f"This week {k}",
        day=k,
        List_Id="Weekly News <weekly.news.example>",
        List_Unsubscribe=f"<{url}>, <mailto:leave@news.example?subject=unsubscribe>",
        List_Unsubscribe_Post="List-Unsubscribe=One-Click",
    )
    if not sign:
        return data
    signature: bytes = dkim.sign(data, b"s1", b"news.example", keys[0], include_headers=SIGNED)
    return signature + data


def dev(k: int) -> bytes:
    return message(
        f"d{k}@lists.example",
        f"Poster {k} <p{k}@dev.example>",
        ["dev@lists.example"],
        f"[dev] topic {k}",
        day=k,
        List_Id="<dev.lists.example>",
        List_Unsubscribe="<mailto:dev-request@lists.example?subject=unsubscribe>",
    )


def shop(k: int) -> bytes:
    return message(
        f"s{k}@shop.example",
        "Shop <offers@shop.example>",
        [ME],
        f"Offer {k}",
        day=k,
        Precedence="bulk",
        List_Unsubscribe="<https://shop.example/leave?u=77>",
    )


@pytest.fixture
def mailbox(db: Database, tmp_path: Path, http: Server, keys: tuple[bytes, bytes]) -> Path:
    owner(db, name="Me", addresses=[ME])
    root = tmp_path / "mail"
    url = f"{http.base}/u/t0k3n"
    write_maildir(
        root / "INBOX",
        [*((news(k, url, keys), "") for k in range(6)), *((dev(k), "S") for k in range(8))]
        + [(shop(k), "") for k in range(5)],
    )
    write_maildir(
        root / "Spam",
        [
            (
                message(
                    f"x{k}@prizes.example",
                    "Prize Desk <win@prizes.example>",
                    [ME],
                    "You won",
                    day=k,
                    List_Unsubscribe="<https://prizes.example/stop>",
                ),
                "",
            )
            for k in range(3)
        ],
    )
    import_mail(db, [str(root)], workers=0)
    clock.freeze(BASE + timedelta(days=7))
    return root


@pytest.fixture
def options(
    keys: tuple[bytes, bytes], certificate: tuple[Path, Path]
) -> Callable[..., unsubscribe.Options]:
    """The options of a test: loopback allowed, the DKIM key from a dict, the test's own
    certificate trusted."""
    trust = ssl.create_default_context(cafile=str(certificate[0]))

    def make(**more: Any) -> unsubscribe.Options:
        return unsubscribe.Options(
            allow_loopback=True, dns=dns_of({KEY: keys[1]}), verify=trust, **more
        )

    return make


def test_one_click_after_the_dkim_check_and_never_twice(
    db: Database,
    mailbox: Path,
    http: Server,
    keys: tuple[bytes, bytes],
    options: Callable[..., unsubscribe.Options],
) -> None:
    [dry] = unsubscribe.plan(db, subscriptions=["weekly.news.example"], options=options())
    assert dry.allowed and dry.method == "one-click" and dry.status == "planned"
    assert dry.target == f"{http.base}/u/t0k3n" and "DKIM" in dry.plan
    assert http.hits == []  # a dry run sends nothing
    with db.read() as conn:
        assert store.actions(conn) == []  # nor records anything

    [done] = unsubscribe.apply(db, subscriptions=[dry.id], options=options())
    assert done.status == "done" and "200" in (done.outcome or "")
    [hit] = http.hits
    assert (hit.method, hit.path, hit.body) == ("POST", "/u/t0k3n", b"List-Unsubscribe=One-Click")
    assert "Cookie" not in hit.headers and "Authorization" not in hit.headers

    [again] = unsubscribe.apply(db, subscriptions=[dry.id], options=options())
    assert again.status == "refused"  # no longer offerable: unsubscribed, checking it stops
    assert "unsubscribed" in again.plan
    assert len(http.hits) == 1
    with db.read() as conn:
        [entry] = store.actions(conn)
        sub = next(s for s in hygiene.subscriptions(read_inbox(conn)) if s.key == dry.key)
    assert (entry.status, entry.method, entry.attempts) == ("done", "one-click", 1)
    assert sub.state == "done" and not sub.offerable


def test_a_list_that_keeps_sending_is_flagged_ignored(
    db: Database,
    mailbox: Path,
    keys: tuple[bytes, bytes],
    options: Callable[..., unsubscribe.Options],
    http: Server,
) -> None:
    [step] = unsubscribe.apply(db, subscriptions=["weekly.news.example"], options=options())
    assert step.status == "done"
    url = f"{http.base}/u/t0k3n"
    write_maildir(mailbox / "INBOX", [(news(k, url, keys), "") for k in (8, 9, 10)], start=100)
    import_mail(db, [str(mailbox)], workers=0)  # the next import: two days on, still sending
    clock.freeze(BASE + timedelta(days=11))
    with db.read() as conn:
        sub = next(s for s in hygiene.subscriptions(read_inbox(conn)) if s.key == step.key)
    assert sub.state == "ignored" and not sub.offerable
    assert "unsubscribe ignored" in sub.offer_note and "report as spam" in sub.offer_note


def _only_news(db: Database, folder: Path, messages: list[bytes]) -> None:
    """A mailbox of just these Weekly News messages, imported; the clock three days on."""
    write_maildir(folder, [(m, "") for m in messages])
    mail_of(db, folder, name="Me", addresses=[ME])
    clock.freeze(BASE + timedelta(days=3))


def test_an_unsigned_offer_falls_back_to_mailto(
    db: Database,
    tmp_path: Path,
    keys: tuple[bytes, bytes],
    options: Callable[..., unsubscribe.Options],
    http: Server,
    handler: Handler,
    smtp: SmtpSettings,
) -> None:
    url = f"{http.base}/u/t0k3n"
    # the latest message offering one-click carries no signature: one-click is out
    _only_news(db, tmp_path / "m", [news(k, url, keys, sign=k == 0) for k in (0, 1, 2)])
    [step] = unsubscribe.apply(db, subscriptions=["weekly"], options=options(smtp=smtp))
    assert step.method == "mailto" and step.status == "done", step
    assert any("one-click refused" in note for note in step.notes)
    assert http.hits == []  # the unverified one-click URL was never called
    [mail] = handler.received
    assert mail.recipients == ["leave@news.example"]
    assert mail.message["Subject"] == "unsubscribe"
    with db.read() as conn:
        [entry] = store.actions(conn)
    assert mail.message["Message-ID"] == entry.message_id
    assert (
        unsubscribe.apply(db, subscriptions=["weekly"], options=options(smtp=smtp))[0].status
        == "refused"
    )
    assert len(handler.received) == 1  # never twice


def test_a_signature_that_fails_with_the_signers_key_is_reported_not_unsubscribed(
    db: Database,
    tmp_path: Path,
    keys: tuple[bytes, bytes],
    options: Callable[..., unsubscribe.Options],
    http: Server,
    handler: Handler,
    smtp: SmtpSettings,
) -> None:
    url = f"{http.base}/u/t0k3n"
    signed = [news(k, url, keys) for k in (0, 1)]
    tampered = news(2, url, keys).replace(b"/u/t0k3n", b"/u/other")  # changed after signing
    _only_news(db, tmp_path / "m", [*signed, tampered])
    [step] = unsubscribe.apply(db, subscriptions=["weekly"], options=options(smtp=smtp))
    assert step.status == "refused" and (step.outcome or "").startswith("report as spam instead")
    assert "does not verify" in (step.outcome or "")
    assert http.hits == [] and handler.received == []  # neither the link nor a mail
    with db.read() as conn:
        assert store.actions(conn) == []


def test_an_attempt_a_crash_left_unfinished_is_only_retried_on_request(
    db: Database,
    mailbox: Path,
    keys: tuple[bytes, bytes],
    options: Callable[..., unsubscribe.Options],
    handler: Handler,
    smtp: SmtpSettings,
) -> None:
    [dry] = unsubscribe.plan(db, subscriptions=["dev.lists.example"], options=options(smtp=smtp))
    assert dry.method == "mailto" and "dev-request@lists.example" in dry.plan
    with db.write() as conn:  # what a crash in the middle of sending leaves
        entry = store.record_action(
            conn,
            action="unsubscribe",
            subscription_key=dry.key,
            method="mailto",
            target=dry.target or "",
        )
        store.start_attempt(conn, entry.id)
    [left] = unsubscribe.apply(db, subscriptions=[dry.id], options=options(smtp=smtp))
    assert left.status == "refused" and "under way" in left.plan and "--retry" in left.plan
    assert handler.received == []
    with db.read() as conn:
        assert store.entry_of(conn, entry.id).status == "trying"
    [retried] = unsubscribe.apply(
        db, subscriptions=[dry.id], options=options(smtp=smtp), retry=True
    )
    assert retried.status == "done" and retried.outbox_id == entry.id
    [mail] = handler.received
    assert mail.message["Message-ID"] == entry.message_id  # the same mail, recognisably
    with db.read() as conn:
        done = store.entry_of(conn, entry.id)
    assert (done.status, done.attempts) == ("done", 2)


def test_an_action_recorded_but_never_begun_goes_on_without_asking(
    db: Database,
    mailbox: Path,
    keys: tuple[bytes, bytes],
    options: Callable[..., unsubscribe.Options],
    handler: Handler,
    smtp: SmtpSettings,
) -> None:
    [dry] = unsubscribe.plan(db, subscriptions=["dev.lists.example"], options=options(smtp=smtp))
    with db.write() as conn:  # a crash right after recording: nothing was sent
        entry = store.record_action(
            conn, action="unsubscribe", subscription_key=dry.key, method="mailto",
            target=dry.target or "",
        )  # fmt: skip
    [step] = unsubscribe.apply(db, subscriptions=[dry.id], options=options(smtp=smtp))
    assert step.status == "done" and step.outbox_id == entry.id
    [mail] = handler.received
    assert mail.message["Message-ID"] == entry.message_id


def test_web_links_are_given_never_fetched_and_spam_is_refused(
    db: Database,
    mailbox: Path,
    keys: tuple[bytes, bytes],
    options: Callable[..., unsubscribe.Options],
    http: Server,
) -> None:
    steps = unsubscribe.apply(db, subscriptions=["shop.example", "prizes"], options=options())
    web, spam = steps
    assert web.method == "web" and web.status == "shown"
    assert "https://shop.example/leave?u=77" in (web.outcome or "")
    assert spam.status == "refused" and spam.method is None
    assert "report as spam instead" in spam.plan
    assert http.hits == []
    with db.read() as conn:
        [entry] = store.actions(conn)  # the link given is recorded; the spam refusal is not
    assert entry.method == "web" and entry.status == "done"


def test_no_smtp_server_passes_over_mailto(db: Database, mailbox: Path) -> None:
    [step] = unsubscribe.plan(
        db, subscriptions=["dev.lists.example"], options=unsubscribe.Options()
    )
    assert not step.allowed and step.status == "refused"
    assert "no SMTP server set" in step.plan


def test_ids_keys_and_pieces_find_a_subscription(db: Database, mailbox: Path) -> None:
    with db.read() as conn:
        subs = hygiene.subscriptions(read_inbox(conn))
    news_sub = unsubscribe.find(subs, "weekly.news.example")
    assert unsubscribe.find(subs, unsubscribe.short_id(news_sub.key)) is news_sub
    assert unsubscribe.find(subs, news_sub.key) is news_sub
    assert unsubscribe.find(subs, "Weekly News") is news_sub
    with pytest.raises(NotFound, match="no subscription matches"):
        unsubscribe.find(subs, "nothing-like-it")
    with pytest.raises(InvalidInput, match=r"matches 4 subscriptions \(s[0-9a-f]{6} Weekly News, "):
        unsubscribe.find(subs, "example")
