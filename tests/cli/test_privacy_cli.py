"""Team privacy through the CLI: `--user` acts as a member; `--share/--private`, the share
commands, a viewer refused, the activity's author."""

from __future__ import annotations

from typing import Any

from kithkin.store import Database
from kithkin.store import team as team_store


def test_private_by_default_shared_on_request(run: Any, db: Database) -> None:
    with db.write() as conn:
        team_store.add(conn, "ada", role="owner")
        team_store.add(conn, "ben", role="editor")
        team_store.add(conn, "vic", role="viewer")
    assert run("--user", "ada", "person", "add", "Grace Hopper").code == 0
    said = run("--user", "ada", "note", "add", "Grace Hopper", "quietly job hunting")
    assert said.code == 0 and "(private)" in said.out
    note_id = said.out.split("#")[1].split()[0]
    assert run("--user", "ada", "note", "add", "Grace", "met at RSA", "--share").code == 0
    assert run("--user", "ada", "story", "set", "Grace", "drivers", "board seat").code == 0
    assert run("--user", "ada", "need", "add", "Grace", "a new CISO").code == 0
    assert run("--user", "ada", "gave", "Grace", "an intro", "--share").code == 0

    mine = run("--user", "ada", "person", "show", "Grace").out
    assert "quietly job hunting" in mine and "board seat" in mine and "(private)" in mine
    theirs = run("--user", "ben", "person", "show", "Grace").out
    assert "met at RSA" in theirs
    assert "quietly job hunting" not in theirs and "board seat" not in theirs
    assert "a new CISO" not in run("--user", "ben", "need", "list").out
    assert "an intro" in run("--user", "ben", "ledger").out
    assert "job hunting" not in run("--user", "ben", "activity").out
    assert "ada:" in run("--user", "ben", "activity").out  # each line names its author
    assert run("--user", "ben", "search", "hunting").out.strip() in ("", "no matches")

    refused = run("--user", "ben", "note", "share", note_id)
    assert refused.code != 0 and f"no note #{note_id}" in refused.err
    assert run("--user", "ada", "note", "share", note_id).code == 0
    assert "quietly job hunting" in run("--user", "ben", "person", "show", "Grace").out

    viewer = run("--user", "vic", "note", "add", "Grace", "hello")
    assert viewer.code != 0 and "vic is a viewer" in viewer.err
    circle = run("--user", "vic", "circle", "add", "Grace")  # a use case without its own check
    assert circle.code != 0 and "vic is a viewer" in circle.err
    assert run("--user", "ben", "circle", "add", "Grace").code == 0
    assert "ben:" in run("--user", "ada", "activity").out
    nobody = run("note", "add", "Grace", "hello")
    assert nobody.code != 0 and "--user" in nobody.err
