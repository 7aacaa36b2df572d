"""A crash at any step of an introduction neither loses a consent nor sends anything twice.

A real `kithkin` process is killed (SIGKILL, as by a power cut: `KITHKIN_CRASH_AT` makes it
kill itself at the named step) between every pair of steps of sending: recorded in the outbox,
marked as being tried, accepted by the SMTP server, finished. A real SMTP server (aiosmtpd) on
127.0.0.1 counts what it received, by Message-ID; replies come back as a real mbox through
`kithkin import mail`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kithkin.services import unsubscribe
from kithkin.store import Database
from tests.builders.mail import as_me
from tests.builders.people import person
from tests.ingest.mailbox import write_mbox
from tests.outbound.local import Handler, smtp_server

ME = "jo@me.example"
ANA = "ana@acme.example"
BO = "bo@bee.example"


@pytest.fixture
def handler() -> Handler:
    return Handler()


@pytest.fixture
def port(handler: Handler) -> Iterator[int]:
    yield from smtp_server(handler)


@pytest.fixture
def ready(db: Database, port: int) -> Database:
    as_me(db, ME)
    person(db, "Ana Lima", emails=[ANA])
    person(db, "Bo Chen", emails=[BO])
    unsubscribe.set_smtp(
        db, host="127.0.0.1", port=port, security="none", username=None, from_address=ME
    )
    return db


_TARGET: dict[str, str] = {}  # the URL of the test's database (`db`: SQLite or PostgreSQL)


@pytest.fixture(autouse=True)
def _target(db: Database) -> None:
    _TARGET["url"] = db.url


def kithkin(
    db_path: Path, *args: str, crash: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`kithkin ARGS` in a new process, on the test's database (`db_path`'s folder holds the
    test's files)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KITHKIN_")}
    env["KITHKIN_DB"] = _TARGET["url"]
    if crash:
        env["KITHKIN_CRASH_AT"] = crash
    return subprocess.run(
        [sys.executable, "-m", "kithkin", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def intro_list(db_path: Path) -> list[dict[str, Any]]:
    done = kithkin(db_path, "intro", "list", "--json")
    assert done.returncode == 0, done.stderr
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found


def by_message_id(handler: Handler) -> Counter[str]:
    return Counter(str(r.message["Message-ID"]) for r in handler.received)


def reply(mid: str, sender: str, parent: str, body: str) -> bytes:
    return (
        f"From: {sender}\nTo: {ME}\nSubject: Re: intro\nMessage-ID: <{mid}>\n"
        f"Date: Mon, 7 Dec 2026 10:00:00 +0000\nIn-Reply-To: {parent}\nReferences: {parent}\n"
        f"\n{body}\n\n> Would you like me to make the introduction?\n"
    ).encode()


PROPOSE = ("intro", "propose", "Ana Lima", "Bo Chen", "--why", "both build payment systems")
STEPS = ["queued", "trying#1", "sent#1", "finished#1", "trying#2", "sent#2", "finished#2"]


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_while_asking_loses_nothing_and_sends_nothing_twice(
    ready: Database, db_path: Path, handler: Handler, step: str
) -> None:
    crashed = kithkin(db_path, *PROPOSE, "--send", crash=step)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    sent_before = len(handler.received)
    [found] = intro_list(db_path)  # the intro was recorded before anything was sent
    # sending again sends what is ready, never what may have gone
    again = kithkin(db_path, "intro", "send", "--all")
    assert again.returncode == 0, again.stderr
    counts = by_message_id(handler)
    assert all(n == 1 for n in counts.values()), counts
    stuck = [p for p in intro_list(db_path)[0]["parties"] if p["request_status"] == "trying"]
    if step.startswith("trying"):
        # killed before the server was contacted: nothing went, and it says so
        assert len(stuck) == 1 and sent_before == int(step[-1]) - 1
        assert "never finished" in again.stdout
        retried = kithkin(db_path, "intro", "send", str(found["id"]), "--retry")
        assert retried.returncode == 0, retried.stderr
    elif step.startswith("sent"):
        # the server had it: it is never sent again unasked, and the reply settles it
        assert len(stuck) == 1 and sent_before == int(step[-1])
    else:
        assert stuck == []
    counts = by_message_id(handler)
    assert sorted(r.recipients[0] for r in handler.received) == [ANA, BO]
    assert all(n == 1 for n in counts.values()), counts
    # the replies come by mail: the answers are read, a half-sent request is settled as sent
    requests = {r.recipients[0]: str(r.message["Message-ID"]) for r in handler.received}
    box = write_mbox(
        db_path.parent / "replies.mbox",
        [
            reply("r1@acme", f"Ana <{ANA}>", requests[ANA], "Yes, happy to!"),
            reply("r2@bee", f"Bo <{BO}>", requests[BO], "Sure, go ahead."),
        ],
    )
    imported = kithkin(db_path, "import", "mail", str(box), "--json")
    assert imported.returncode == 0, imported.stderr
    assert len(json.loads(imported.stdout)["intro_answers"]) == 2
    [after] = intro_list(db_path)
    assert after["stage"] == "consented"
    assert {p["request_status"] for p in after["parties"]} == {"sent"}


@pytest.mark.parametrize("step", ["trying#1", "sent#1", "finished#1"])
def test_a_crash_while_introducing_never_loses_a_consent_nor_introduces_twice(
    ready: Database, db_path: Path, handler: Handler, step: str
) -> None:
    assert kithkin(db_path, *PROPOSE, "--send").returncode == 0
    [found] = intro_list(db_path)
    for who in ("Ana Lima", "Bo Chen"):
        assert kithkin(db_path, "intro", "consent", str(found["id"]), who, "yes").returncode == 0
    crashed = kithkin(db_path, "intro", "send", str(found["id"]), crash=step)
    assert crashed.returncode == -signal.SIGKILL
    [after] = intro_list(db_path)
    assert [p["answer"] for p in after["parties"]] == ["yes", "yes"]  # no consent lost
    for _ in range(2):
        assert kithkin(db_path, "intro", "send", "--all").returncode == 0
    introductions = [r for r in handler.received if len(r.recipients) == 2]
    assert len(introductions) == (0 if step.startswith("trying") else 1)
    if step == "sent#1":
        # its copy in my sent mail shows it went: settled as sent, still never twice
        copy = introductions[0].message
        copy_bytes = copy.as_bytes().replace(b"\r\n", b"\n")
        box = write_mbox(db_path.parent / "sent.mbox", [copy_bytes])
        assert kithkin(db_path, "import", "mail", str(box)).returncode == 0
        assert kithkin(db_path, "intro", "send", "--all").returncode == 0
        assert intro_list(db_path)[0]["stage"] == "introduced"
    if step.startswith("trying"):
        assert kithkin(db_path, "intro", "send", "--all", "--retry").returncode == 0
    introductions = [r for r in handler.received if len(r.recipients) == 2]
    assert len(introductions) == 1
    assert intro_list(db_path)[0]["stage"] == "introduced"


class Stalling(Handler):
    """Takes the whole message, then stalls before answering "250" (until released)."""

    def __init__(self) -> None:
        super().__init__()
        import threading

        self.arrived = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio

        self.arrived.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def test_killed_while_the_server_stalls_it_is_never_sent_twice(db: Database, db_path: Path) -> None:
    handler = Stalling()
    for port in smtp_server(handler):
        as_me(db, ME)
        person(db, "Ana Lima", emails=[ANA])
        person(db, "Bo Chen", emails=[BO])
        unsubscribe.set_smtp(
            db, host="127.0.0.1", port=port, security="none", username=None, from_address=ME
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("KITHKIN_")}
        env["KITHKIN_DB"] = _TARGET["url"]
        process = subprocess.Popen(
            [sys.executable, "-m", "kithkin", *PROPOSE, "--send"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert handler.arrived.wait(60)  # the first request is with the server, unanswered
        process.kill()
        assert process.wait(30) == -signal.SIGKILL
        time.sleep(0.5)  # the server sees the connection drop
        handler.release.set()  # the client vanished before "250": the server drops it
        again = kithkin(db_path, "intro", "send", "--all")
        assert again.returncode == 0, again.stderr
        assert "never finished" in again.stdout  # the stalled one is not sent again unasked
        assert [r.recipients for r in handler.received] == [[BO]]
        [found] = intro_list(db_path)
        assert sorted(p["request_status"] for p in found["parties"]) == ["sent", "trying"]
        retried = kithkin(db_path, "intro", "send", str(found["id"]), "--retry")
        assert retried.returncode == 0, retried.stderr
        counts = by_message_id(handler)
        assert len(counts) == 2 and all(n == 1 for n in counts.values()), counts
        assert {p["request_status"] for p in intro_list(db_path)[0]["parties"]} == {"sent"}
