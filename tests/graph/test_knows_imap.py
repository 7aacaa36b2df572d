"""The "knows" graph kept by IMAP sync, against a real Dovecot: an answer between two
others read on the first sync is a tie; one appended later adds its evidence on the next."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import pytest

from kithkin.store import Database
from kithkin.store import knows as store
from tests.sources.mail import dovecot
from tests.sources.mail.dovecot import PASSWORD, Dovecot

ANA = "Ana Lima <ana@kithkin.example>"
DANA = "Dana Reyes <dana@zeta.example>"
BOB = "Bob Stone <bob@acme.example>"


def _message(
    mid: str, sender: str, to: str, subject: str, parent: str | None = None, day: int = 4
) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Cc"] = sender, to, ANA
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2024, 3, day, 9, 30, tzinfo=UTC))
    message["Message-ID"] = f"<{mid}>"
    if parent:
        message["In-Reply-To"] = message["References"] = f"<{parent}>"
    message.set_content("Never fetched.\n")
    return message.as_bytes()


@pytest.fixture
def server() -> Iterator[Dovecot]:
    dovecot.require()
    folders: dict[str, list[dovecot.Seeded]] = {
        "INBOX": [
            (_message("d1@zeta.example", DANA, BOB, "Deal"), ""),
            (_message("b1@acme.example", BOB, DANA, "Re: Deal", "d1@zeta.example"), ""),
        ]
    }
    with dovecot.running(folders) as running:
        yield running


def test_imap_sync_keeps_the_graph(
    server: Dovecot, run: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KITHKIN_IMAP_PASSWORD", PASSWORD)
    assert run("init", "--email", "ana@kithkin.example").code == 0
    first = json.loads(run("import", "mail", server.url("INBOX"), "--json").out)
    assert first["ties"] == 1
    with db.read() as conn:
        [tie] = store.ties_of(conn, ["dana@zeta.example"])
    assert (tie.a, tie.b, tie.evidence) == ("bob@acme.example", "dana@zeta.example", 1)
    with server.admin() as admin:
        data = _message("d2@zeta.example", DANA, BOB, "Re: Re: Deal", "b1@acme.example", day=5)
        typ, answer = admin.append('"INBOX"', None, None, data)
        assert typ == "OK", answer
    second = json.loads(run("import", "mail", server.url("INBOX"), "--json").out)
    assert (second["new"], second["ties"]) == (1, 1)
    with db.read() as conn:
        [tie] = store.ties_of(conn, ["dana@zeta.example"])
    assert tie.evidence == 2 and tie.last_ref == "d2@zeta.example"
    listed = json.loads(run("knows", "bob@acme.example", "--json").out)
    assert [t["other"] for t in listed["ties"]] == ["dana@zeta.example"]
