"""`kithkin person merge` shows what will move and who survives, then asks (or takes --yes);
off a terminal without --yes it refuses and nothing is merged."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kithkin.cli import people as people_cli

Run = Any


def _ok(run: Run, *args: str, input: str | None = None) -> str:
    result = run(*args, input=input)
    assert result.code == 0, result.err
    return str(result.out)


@pytest.fixture
def pair(run: Run) -> Run:
    """Dana Whitfield (CIO at Acme, a coffee) and D. Whitfield (a phone, her kids, a call, and
    the same coffee)."""
    _ok(run, "init", "--name", "Alex", "--email", "alex@corp.example")
    _ok(run, "person", "add", "Dana Whitfield", "--org", "Acme", "--title", "CIO",
        "--email", "dana@acme.example", "--tag", "circle")  # fmt: skip
    _ok(run, "person", "add", "D. Whitfield", "--org", "Acme Corp", "--given", "Dana",
        "--email", "dana@home.example", "--phone", "+1 555 0100", "--tag", "board")  # fmt: skip
    _ok(run, "story", "set", "#2", "other", "two kids, Ada and Leo")
    _ok(run, "note", "add", "#2", "prefers calls before 9")
    _ok(run, "log", "coffee", "#1", "#2", "--at", "3 days ago")
    _ok(run, "log", "call", "#2", "--at", "yesterday")
    _ok(run, "log", "meal", "#1", "--at", "last week")
    return run


def test_the_preview_counts_everything_else_that_moves(pair: Run) -> None:
    _ok(pair, "need", "add", "#2", "hiring a CISO")
    _ok(pair, "need", "add", "#2", "a board seat")
    _ok(pair, "gave", "#2", "an intro to a recruiter")
    _ok(pair, "intro", "received", "#2", "#1")  # D. introduced me to Dana
    out = pair("person", "merge", "#1", "#2").out
    assert "also moves over: 2 needs, 1 ledger entry, 1 introduction they made for me" in out, out
    _ok(pair, "person", "merge", "#1", "#2", "--yes")
    needs = json.loads(_ok(pair, "need", "list", "--json"))
    assert sorted((n["person_id"], n["text"]) for n in needs) == [
        (1, "a board seat"),
        (1, "hiring a CISO"),
    ]


def test_the_preview_says_what_moves_and_who_survives(pair: Run) -> None:
    refused = pair("person", "merge", "#1", "#2")
    assert refused.code == 1
    assert "error: nothing merged: say --yes" in refused.err
    out = refused.out
    assert out.startswith("merge D. Whitfield into Dana Whitfield:")
    assert "keeps Dana Whitfield (#1); D. Whitfield (#2) is folded in and goes" in out
    assert "organisation: “Acme” stays (“Acme Corp” is dropped)" in out
    assert "given name: “Dana” comes over" in out
    assert "email dana@home.example moves over" in out
    assert "phone +1 555 0100 moves over" in out
    assert "other fact moves over: two kids, Ada and Leo" in out
    assert "1 note moves over" in out and "tags added: board" in out
    assert "interactions: 2 + 2, 1 shared → 3" in out
    assert json.loads(_ok(pair, "stats", "--json"))["people"] == 2  # nothing merged


def test_asked_at_a_terminal_no_keeps_them_apart_yes_merges(
    pair: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(people_cli, "_interactive", lambda: True)
    declined = pair("person", "merge", "#1", "#2", input="n\n")
    assert declined.code == 1 and "Merge them? [y/N]" in declined.err
    assert json.loads(_ok(pair, "stats", "--json"))["people"] == 2
    accepted = _ok(pair, "person", "merge", "#1", "#2", input="y\n")
    assert "merged #2 into #1" in accepted
    assert json.loads(_ok(pair, "stats", "--json"))["people"] == 1


def test_yes_merges_without_asking_and_json_carries_the_preview(pair: Run) -> None:
    data = json.loads(_ok(pair, "person", "merge", "Dana Whitfield", "D. Whitfield", "--yes",
                          "--json"))  # fmt: skip
    preview = data["preview"]
    assert preview["keep"]["id"] == 1 and preview["other"]["id"] == 2
    assert (preview["keep_interactions"], preview["other_interactions"]) == (2, 2)
    assert preview["shared_interactions"] == 1 and preview["filled"] == {"given_name": "Dana"}
    assert data["merged"]["other_id"] == 2 and data["lines"][0].startswith("keeps Dana")
    shown = json.loads(_ok(pair, "person", "show", "#1", "--json"))
    assert shown["given_name"] == "Dana" and shown["organisation"] == "Acme"
    assert sorted(shown["tags"]) == ["board", "circle"]


def test_merging_someone_with_themselves_is_refused_before_asking(pair: Run) -> None:
    same = pair("person", "merge", "#1", "Dana Whitfield", "--yes")
    assert same.code == 1 and "cannot merge a person with themselves" in same.err
