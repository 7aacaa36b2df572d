"""`kithkin intro ...`, `kithkin smtp` (and `inbox smtp`, the same) and `kithkin me --style`
through the CLI runner: text, --json, and one-line errors."""

from __future__ import annotations

import json
from typing import Any


def test_smtp_is_one_setting_for_every_outbound_mail(run: Any) -> None:
    assert run("init", "--email", "jo@me.example").code == 0
    unset = run("smtp")
    assert unset.code == 0 and "no SMTP server set: kithkin smtp --host" in unset.err
    set_ = run("smtp", "--host", "127.0.0.1", "--port", "2525", "--security", "none")
    assert set_.out.strip() == "127.0.0.1:2525 (none), from jo@me.example"
    assert run("inbox", "smtp").out == set_.out
    assert json.loads(run("smtp", "--json").out)["port"] == 2525


def test_style(run: Any) -> None:
    assert json.loads(run("me", "--json").out)["style"] == "both"
    assert run("me", "--style", "connector").out.startswith("style: connector")
    assert json.loads(run("me", "--json").out)["style"] == "connector"
    assert run("me", "--style", "lurker").code == 2


def test_propose_list_and_errors(run: Any) -> None:
    assert run("init", "--name", "Jo Doe", "--email", "jo@me.example").code == 0
    run("person", "add", "Ana Lima", "--email", "ana@acme.example")
    run("person", "add", "Bo Chen", "--email", "bo@bee.example")
    dry = run("intro", "propose", "Ana", "Bo", "--why", "both sail")
    assert dry.code == 0 and "Subject: Would you like to meet Bo Chen?" in dry.out
    assert "a dry run" in dry.err
    assert dry.out.count(": reads as a person]") == 2  # each draft's tone beside it
    data = json.loads(run("intro", "propose", "Ana", "Bo", "--why", "both sail", "--json").out)
    assert [r["address"] for r in data["requests"]] == ["ana@acme.example", "bo@bee.example"]
    assert all(r["tone"] < 0.5 and not r["salesy"] for r in data["requests"])
    assert json.loads(run("intro", "list", "--json").out) == []
    assert "no introductions yet" in run("intro", "list").out
    no_server = run("intro", "propose", "Ana", "Bo", "--why", "x", "--send")
    assert no_server.code != 0 and "no SMTP server" in no_server.err
    assert len(no_server.err.strip().splitlines()) == 1
    missing = run("intro", "consent", "42", "Ana", "yes")
    assert missing.code != 0 and "no intro #42" in missing.err
    assert run("intro", "send").code == 2  # an ID or --all
    assert run("intro", "send", "--all").out.strip() == "nothing ready to send"
