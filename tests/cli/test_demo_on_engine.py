"""`kithkin demo --no-serve` on the test's database, SQLite path or PostgreSQL URL alike;
a server's database that holds people is never replaced by the demo."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import engine


def test_the_demo_builds_on_this_engine_and_today_reads_it(run: Any) -> None:
    built = run("demo", "--no-serve", "--json")
    assert built.code == 0, built.err
    assert json.loads(built.out)["people"] > 100
    assert "password" not in built.out
    today = run("today")
    assert today.code == 0 and "Meetings today and tomorrow" in today.out


@pytest.mark.pg_only(reason="a PostgreSQL database is filled when empty, never replaced")
def test_the_demo_refuses_a_server_database_that_holds_people(run: Any) -> None:
    assert engine() == "postgresql"
    assert run("person", "add", "Somebody Real").code == 0
    refused = run("demo", "--no-serve")
    assert refused.code != 0
    assert "holds 1 person already" in refused.err
    assert "Somebody Real" in run("people").out
