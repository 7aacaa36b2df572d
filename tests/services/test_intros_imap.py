"""Answers to consent requests delivered to a real IMAP server (the test Dovecot): the next
IMAP sync finds them by In-Reply-To / References, fetches their text again (the import keeps
headers only), strips the quote and reads the answer; a request answered by a message whose
thread only References it is found too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from kithkin.outbound.smtp import SmtpSettings
from kithkin.services import intros
from kithkin.services.intros import Options
from kithkin.store import Database
from kithkin.store import intros as store
from tests.builders.mail import as_me
from tests.builders.people import person
from tests.outbound.local import Handler, smtp_server
from tests.sources.mail import dovecot
from tests.sources.mail.dovecot import PASSWORD, Dovecot

ME = "jo@me.example"
ANA = "ana@acme.example"
BO = "bo@bee.example"


@pytest.fixture
def server() -> Iterator[Dovecot]:
    dovecot.require()
    with dovecot.running({"INBOX": []}) as running:
        yield running


@pytest.fixture
def port() -> Iterator[int]:
    yield from smtp_server(Handler())


def answer(mid: str, sender: str, parent: str, body: str, *, refs_only: bool = False) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ME
    message["Subject"] = "Re: Would you like to meet?"
    message["Date"] = "Mon, 7 Dec 2026 10:00:00 +0000"
    message["Message-ID"] = f"<{mid}>"
    if not refs_only:
        message["In-Reply-To"] = parent
    message["References"] = f"<older@elsewhere.example> {parent}"
    message.set_content(
        f"{body}\n\nOn Mon, 7 Dec 2026, Jo <{ME}> wrote:\n> Would you like me to make the "
        "introduction?\n> A quick yes or no is all I need.\n"
    )
    return message.as_bytes()


def test_answers_come_in_on_the_next_imap_sync(
    server: Dovecot, run: Any, db: Database, port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KITHKIN_IMAP_PASSWORD", PASSWORD)
    as_me(db, ME)
    person(db, "Ana Lima", emails=[ANA])
    person(db, "Bo Chen", emails=[BO])
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", from_address=ME)
    made = intros.propose(
        db, a="Ana Lima", b="Bo Chen", why="both sail", send=True, options=Options(smtp=smtp)
    )
    assert made.intro_id is not None
    with db.read() as conn:
        asked = {
            p.address: p.request_message_id or "" for p in store.get(conn, made.intro_id).parties
        }
    with server.admin() as admin:
        for data in (
            answer("a1@acme", f"Ana <{ANA}>", asked[ANA], "Yes, I'd love to meet Bo."),
            answer("b1@bee", f"Bo <{BO}>", asked[BO], "No thanks, not right now.", refs_only=True),
        ):
            typ, said = admin.append('"INBOX"', None, None, data)
            assert typ == "OK", said
    synced = run("import", "mail", server.url("INBOX"), "--json")
    assert synced.code == 0, synced.err
    answers = {a["person"]: a["answer"] for a in json.loads(synced.out)["intro_answers"]}
    assert answers == {"Ana Lima": "yes", "Bo Chen": "no"}
    view = intros.get_intro(db, intro_id=made.intro_id)
    assert view.stage == "declined"
    assert view.parties[0].answer_text == "Yes, I'd love to meet Bo."
    assert PASSWORD not in synced.out + synced.err
