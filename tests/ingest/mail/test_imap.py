"""IMAP import end to end against a real Dovecot: the CLI reads a folder, a second run reads
nothing, a message appended since is the only one read; the password never leaves the
environment."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import pytest
from sqlalchemy import text

from kithkin.store import Database
from tests.sources.mail import dovecot
from tests.sources.mail.dovecot import PASSWORD, Dovecot

ANA = "Ana Lima <ana@kithkin.example>"
MEETING = "来週の打ち合わせについて"


def _message(mid: str, sender: str, subject: str, to: str = ANA, **fields: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2024, 3, 4, 9, 30, tzinfo=UTC))
    message["Message-ID"] = f"<{mid}>"
    for name, value in fields.items():
        message[name.replace("_", "-")] = value
    message.set_content("Never fetched.\n")
    return message


FOLDERS: dict[str, list[dovecot.Seeded]] = {
    "INBOX": [
        (_message("intro@acme.example", "Jürgen Müller <juergen@acme.example>", "Lunch?"), ""),
        (
            _message(
                "cjk@tokyo.example", "田中 愛子 <aiko@tokyo.example>", "来週の打ち合わせについて"
            ),
            "S",
        ),
        (
            _message(
                "digest@news.example",
                "Digest <news@news.example>",
                "This week",
                List_Unsubscribe="<https://news.example/u>",
            ),
            "",
        ),
    ],
    "Sent": [
        (
            _message(
                "reply@kithkin.example",
                ANA,
                "Re: Lunch?",
                to="Jürgen Müller <juergen@acme.example>",
                In_Reply_To="<intro@acme.example>",
                References="<intro@acme.example>",
            ),
            "S",
        )
    ],
}


@pytest.fixture
def server() -> Iterator[Dovecot]:
    dovecot.require()
    with dovecot.running(FOLDERS) as running:
        yield running


def test_imap_import_then_nothing_then_only_the_new_message(
    server: Dovecot, run: Any, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KITHKIN_IMAP_PASSWORD", PASSWORD)
    assert run("init", "--email", "ana@kithkin.example").code == 0
    first = run("import", "mail", server.url("INBOX"), server.url("Sent"), "--json")
    assert first.code == 0, first.err
    summary = json.loads(first.out)
    assert (summary["read"], summary["new"], summary["new_people"]) == (4, 4, 2)
    assert summary["by_category"] == {"bulk": 1, "person": 3}
    assert PASSWORD not in first.out + first.err
    with db.read() as conn:
        flags = dict(conn.execute(text("SELECT message_id, flags FROM mail_message")).all())
        threads = conn.execute(text("SELECT count(DISTINCT thread_id) FROM mail_message")).scalar()
        cjk = conn.execute(
            text("SELECT subject FROM mail_message WHERE message_id = 'cjk@tokyo.example'")
        ).scalar()
        names = set(conn.execute(text("SELECT display_name FROM person")).scalars())
        sources = conn.execute(text("SELECT location, kind, last_uid, done FROM mail_source")).all()
    assert flags["cjk@tokyo.example"] == "S" and flags["intro@acme.example"] == ""
    assert cjk == MEETING
    assert names == {"Jürgen Müller", "田中 愛子"}
    assert threads == 3  # the lunch conversation is one thread across the two folders
    assert {(kind, uid, done) for _, kind, uid, done in sources} == {("imap", 3, 1), ("imap", 1, 1)}

    again = json.loads(run("import", "mail", server.url("INBOX"), "--json").out)
    assert (again["read"], again["new"]) == (0, 0)
    assert again["unchanged_sources"] == [server.url("INBOX")]

    with server.admin() as admin:  # read on another device: the next import sees it
        assert admin.select('"INBOX"')[0] == "OK"
        typ, answer = admin.uid("STORE", "1", "+FLAGS", "(\\Seen \\Answered)")
        assert typ == "OK", answer
    flagged = json.loads(run("import", "mail", server.url("INBOX"), "--json").out)
    assert (flagged["read"], flagged["flags_updated"]) == (0, 1)
    assert flagged["unchanged_sources"] == []
    with db.read() as conn:
        intro = conn.execute(
            text("SELECT flags FROM mail_message WHERE message_id = 'intro@acme.example'")
        ).scalar()
    assert intro == "RS"

    with server.admin() as admin:
        data = _message("later@acme.example", "Jürgen Müller <juergen@acme.example>", "Also")
        typ, answer = admin.append('"INBOX"', None, None, data.as_bytes())
        assert typ == "OK", answer
    third = json.loads(run("import", "mail", server.url("INBOX"), "--json").out)
    assert (third["read"], third["new"], third["interactions"], third["new_people"]) == (1, 1, 1, 0)


def test_imap_without_a_password_is_a_clear_error(
    server: Dovecot, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KITHKIN_IMAP_PASSWORD", raising=False)
    monkeypatch.setattr("kithkin.sources.mail.credentials._from_keyring", lambda account: None)
    result = run("import", "mail", server.url("INBOX"))
    assert result.code == 1
    assert "no password" in result.err and "KITHKIN_IMAP_PASSWORD" in result.err
