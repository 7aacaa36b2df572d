"""Reading answers out of real replies: every reply of the ksummit list archive (real people
answering each other, quoting, signing, top- and bottom-posting) and the Enron inbox goes
through `reply_text` and `classify`; the quoted text is stripped from nearly all of them,
nothing is lost from the rest, and no message stops or slows the reading."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kithkin.practices.intros import classify
from kithkin.services.intros import reply_text
from kithkin.sources.mail.mbox import read_mbox
from kithkin.sources.mail.raw import read_raw
from kithkin.sources.mail.records import MessageRecord
from tests.conftest import shared_data

pytestmark = pytest.mark.corpus


def quoted_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.lstrip().startswith(">"))


def test_ksummit_replies_lose_their_quotes() -> None:
    archive = shared_data("mail", "lists", "ksummit.lists.linux.dev.mbox")
    replies = 0
    still_quoting = 0
    answers: dict[str, int] = {}
    slowest = 0.0
    for record in read_mbox(archive, folder="lists"):
        if not isinstance(record, MessageRecord) or not record.in_reply_to:
            continue
        if replies == 1500:
            break
        raw = read_raw(str(archive), record.offset)
        started = time.perf_counter()
        text = reply_text(raw)
        slowest = max(slowest, time.perf_counter() - started)
        answers[classify(text)] = answers.get(classify(text), 0) + 1
        replies += 1
        # bottom-posting (answers between quotes) keeps its inner quotes: a small share
        still_quoting += quoted_lines(text) > 0
    assert replies == 1500
    assert still_quoting == 0, (still_quoting, replies)
    assert set(answers) <= {"yes", "no", "unclear"}
    assert answers.get("unclear", 0) > answers.get("yes", 0)  # list mail is no consent
    assert slowest < 2.0


def test_enron_replies_are_read_without_error() -> None:
    inbox = shared_data("mail", "enron-inbox")
    files = [p for p in sorted(Path(inbox).rglob("*")) if p.is_file()][:3000]
    read = 0
    for path in files:
        text = reply_text(path.read_bytes())
        assert "\r" not in text
        read += 1
    assert read > 100
