"""`kithkin offer/need/gave/asked/ledger/service matches` and `kithkin tone`, in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Run = Any


def _ok(run: Run, *args: str, input: str | None = None) -> str:
    result = run(*args, input=input)
    assert result.code == 0, result.err
    return str(result.out)


def test_service_from_the_command_line(run: Run) -> None:
    _ok(run, "init", "--name", "Alex", "--email", "alex@corp.example")
    _ok(run, "person", "add", "Dana Whitfield", "--org", "Acme")
    _ok(run, "person", "add", "Lee Chen", "--title", "CISO", "--org", "Northbank")
    assert "offer #1 (relationship)" in _ok(
        run, "offer", "add", "can introduce you to CISOs in banking", "--kind", "relationship"
    )
    assert json.loads(_ok(run, "offer", "--json"))[0]["kind"] == "relationship"
    assert "until" in _ok(run, "need", "add", "Dana", "hiring a CISO", "--until", "2999-01-01")
    assert "hiring a CISO" in _ok(run, "need", "list")
    asked = run("asked", "Dana", "a reference")
    assert asked.code == 0 and "never helped Dana Whitfield" in asked.err
    _ok(run, "gave", "Dana", "introduced her to Lee")
    ledger = json.loads(_ok(run, "ledger", "--json"))
    assert (ledger["gave"], ledger["asked"]) == (1, 1)
    found = json.loads(_ok(run, "service", "matches", "--method", "bm25", "--json"))
    assert found["method"] == "bm25"
    assert any(m["kind"] == "offer" for m in found["matches"])
    assert "Lee Chen" in _ok(run, "service", "matches", "--method", "bm25")
    _ok(run, "note", "add", "Lee", "Looking for a board seat next year.")
    assert "Looking for a board seat" in _ok(run, "need", "suggest")
    assert "#2" in _ok(run, "need", "list", "--suggested")
    _ok(run, "need", "dismiss", "2")
    assert _ok(run, "need", "list", "--suggested").startswith("no suggestions")
    _ok(run, "offer", "remove", "1")
    _ok(run, "need", "remove", "1")
    bad = run("offer", "add", "x", "--kind", "money")
    assert bad.code == 2


def test_tone_checks_several_files_and_stdin(run: Run, tmp_path: Path) -> None:
    _ok(run, "init", "--name", "Alex", "--email", "alex@corp.example")
    _ok(run, "person", "add", "Dana Whitfield")
    pitch = tmp_path / "pitch.txt"
    pitch.write_text("Act now! Limited time offer: buy now and save $500. Click here!")
    kind = tmp_path / "kind.txt"
    kind.write_text("Dana, I saw your talk and thought of a friend who would enjoy meeting you.")
    results = json.loads(_ok(run, "tone", str(pitch), str(kind), "--json"))
    assert [r["source"] for r in results] == [str(pitch), str(kind)]
    assert results[0]["salesy"] and not results[1]["salesy"]
    assert all(0 <= r["score"] <= 1 for r in results)
    text = _ok(run, "tone", "--to", "Dana", "-", input="Could you introduce me to your CFO?")
    assert "never helped Dana Whitfield" in text
    missing = run("tone", str(tmp_path / "nope.txt"), str(kind))
    assert missing.code == 1 and "nope.txt" in missing.err and str(kind) in missing.out
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\x00\x10JFIF\x00")
    refused = run("tone", str(binary), str(kind))
    assert refused.code == 1 and "photo.jpg: not a text" in refused.err and str(kind) in refused.out
