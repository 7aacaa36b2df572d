"""Introductions others made for me: kept with how they went, they make the introducer's
record (reliability), through the use cases and the CLI (the page and API: tests/web)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound
from kithkin.services import intros
from kithkin.store import Database
from tests.builders.people import person

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_an_introducers_record_counts_the_introductions_they_made_for_me(db: Database) -> None:
    clock.freeze(NOW)
    sam, linh, omar = person(db, "Sam Harlow"), person(db, "Linh Dang"), person(db, "Omar Haddad")
    assert intros.introducer_reliability(db, sam).introduced == 0
    first = intros.record_received(db, by="Sam", to="Linh", at="2026-11-02", why="data teams")
    assert (first.introducer_id, first.person_id, first.outcome) == (sam, linh, None)
    assert first.introduced_at.date().isoformat() == "2026-11-02"
    intros.record_received(db, by=f"#{sam}", to=f"#{omar}", outcome="not-yet")
    mid = intros.introducer_reliability(db, sam)
    assert (mid.introduced, mid.met, mid.not_yet, mid.no) == (2, 0, 1, 0)
    intros.received_outcome(db, received_id=first.id, outcome="met")
    after = intros.introducer_reliability(db, sam)
    assert (after.introduced, after.met, after.not_yet) == (2, 1, 1)
    assert after.score > mid.score  # a meeting raises the record
    assert (
        intros.introducer_reliability(db, linh).introduced == 0
    )  # the introduced are no introducers
    assert [r.display_name for r in intros.received(db)] == ["Omar Haddad", "Linh Dang"]


def test_bad_introductions_are_refused(db: Database) -> None:
    person(db, "Sam Harlow")
    with pytest.raises(InvalidInput, match="two different people"):
        intros.record_received(db, by="Sam", to="Sam")
    with pytest.raises(InvalidInput, match="met, not-yet or no"):
        intros.record_received(db, by="Sam", to="Sam", outcome="maybe")
    with pytest.raises(NotFound):
        intros.record_received(db, by="Sam", to="Nobody Here")
    with pytest.raises(NotFound):
        intros.received_outcome(db, received_id=99, outcome="met")
    assert intros.received(db) == []


def test_the_cli(run: Any) -> None:
    for name in ("Sam Harlow", "Linh Dang"):
        assert run("person", "add", name).code == 0
    said = run("intro", "received", "Sam", "Linh", "--at", "2026-11-02", "--why", "data teams")
    assert said.code == 0 and "Sam Harlow introduced you to Linh Dang" in said.out
    assert "outcome not known yet" in run("intro", "received").out
    assert ": met" in run("intro", "received", "--id", "1", "--outcome", "met").out
    [row] = json.loads(run("intro", "received", "--json").out)
    assert (row["introducer"], row["display_name"], row["outcome"]) == (
        "Sam Harlow",
        "Linh Dang",
        "met",
    )
    assert run("intro", "received", "Sam").code != 0  # whom to?
