"""Team intro paths: any teammate can be the bridge ("Sam on your team knows their CTO well"),
ranked with my own paths and marked as a teammate's leg; in the CLI as in the service."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from kithkin import clock
from kithkin.model import Actor
from kithkin.services import interactions, knows, people
from kithkin.services.team import as_actor
from kithkin.store import Database, team
from tests.ingest.mailbox import BASE


def _team(db: Database) -> tuple[Actor, Actor, dict[str, int]]:
    """Ada and Sam share a database; Sam (someone in it) has met Chris, the CTO, three times
    lately; Chris knows Dana well; Ada herself knows none of them, but has had one call
    with Bob, who once met Chris."""
    clock.freeze(BASE + timedelta(days=30))
    ids = {
        name: people.add_person(db, display_name=name).person.id
        for name in ("Sam Carter", "Chris Cto", "Dana Dee", "Bob Bee")
    }
    with db.write() as conn:
        ada = as_actor(team.add(conn, "ada", role="owner", name="Ada"))
        sam = as_actor(team.add(conn, "sam", role="editor", person_id=ids["Sam Carter"]))
    for days in (2, 9, 16):
        at = clock.now() - timedelta(days=days)
        interactions.log(db, kind="meeting", people=[ids["Chris Cto"]], at=at, actor=sam)
    interactions.log(
        db, kind="call", people=[ids["Bob Bee"]], at=clock.now() - timedelta(days=3), actor=ada
    )
    knows.state(db, a=ids["Chris Cto"], b=ids["Dana Dee"], tier="strong")
    knows.state(db, a=ids["Bob Bee"], b=ids["Chris Cto"], tier="weak")
    return ada, sam, ids


def _legs(found: knows.IntroPaths) -> list[list[tuple[str, bool]]]:
    return [[(leg.name, leg.teammate) for leg in p.legs] for p in found.paths]


def test_a_teammate_is_the_bridge_to_whom_they_know(db: Database) -> None:
    ada, sam, ids = _team(db)
    found = knows.intro_paths(db, to="Chris Cto", actor=ada)
    assert _legs(found)[0] == [("Sam Carter", True), ("Chris Cto", False)]
    best = found.paths[0]
    mate, theirs = best.legs
    assert mate.evidence == "on your team" and mate.person_id == ids["Sam Carter"]
    assert best.score == theirs.score > 0 and best.hint is None  # no "warm up Sam" hint
    assert "last two-way contact" in theirs.evidence  # Sam's own meetings with Chris
    # my own, weaker path through Bob ranks after the teammate's
    assert [("Bob Bee", False), ("Chris Cto", False)] in _legs(found)[1:]

    # a second hop: Sam knows Chris, who knows Dana
    to_dana = knows.intro_paths(db, to="Dana Dee", actor=ada)
    assert [("Sam Carter", True), ("Chris Cto", False), ("Dana Dee", False)] in _legs(to_dana)

    # Sam sees his own relationship, not a path through himself
    assert _legs(knows.intro_paths(db, to="Chris Cto", actor=sam)) == [[("Chris Cto", False)]]


def test_a_teammate_without_a_person_or_a_relationship_bridges_nothing(db: Database) -> None:
    ada, _, _ = _team(db)
    with db.write() as conn:
        team.add(conn, "lee", role="viewer", name="Lee")  # no person in the network: no bridge
    found = knows.intro_paths(db, to="Bob Bee", actor=ada)
    # my own call first; Sam never met Bob, so only through Chris, who knows Bob a little
    assert _legs(found) == [
        [("Bob Bee", False)],
        [("Sam Carter", True), ("Chris Cto", False), ("Bob Bee", False)],
    ]


def test_the_cli_shows_the_teammate_leg(db: Database, run: Callable[..., Any]) -> None:
    _team(db)
    result = run("--user", "ada", "intro", "path", "Chris Cto", "--json")
    assert result.code == 0, result.err
    paths = json.loads(result.out)["paths"]
    assert paths[0]["legs"][0]["teammate"] is True
    assert paths[0]["legs"][0]["evidence"] == "on your team"
    text = run("--user", "ada", "intro", "path", "Chris Cto").out
    assert "you → Sam Carter (your team) → Chris Cto" in text
