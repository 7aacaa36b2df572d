"""The API against its own OpenAPI document: schemathesis generates valid and invalid requests
for every operation (in process, over a small network of builders) and checks that none gets a
server error, that every status code is one the document declares, and that every body fits
its response schema.

Left out: the operations that reach beyond the database: importing mail, calendars or social
exports (a generated path could name a real folder), fetching the amplify queue's feeds, and
unsubscribing (the outbox sends mail and POSTs); and adding a user, whose first one turns the
database into a team database, where every later request would need a login (the accounts'
API has tests of its own, in test_accounts_web).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from kithkin import clock
from kithkin.store import Database
from kithkin.web.app import create_app
from tests.builders.circle import dana_sam_lee
from tests.builders.people import dana_and_her_duplicate

OUTSIDE_WORLD = r"^/api/(import/mail|import/calendar|import/social|amplify/fetch|inbox/unsubscribe)"


ASGI_HOST = ["testserver"]  # the Host the in-process client sends
schema = (
    # the document as the app makes it (an in-memory database has no tables to serve it from)
    schemathesis.openapi.from_dict(create_app("sqlite://", allowed_hosts=ASGI_HOST).openapi())
    .exclude(path_regex=OUTSIDE_WORLD)
    .exclude(path="/api/users", method="POST")
)


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> FastAPI:
    """The app over a small network: Dana, Sam and Lee, and Dana's duplicate — on the engine
    of the run (a PostgreSQL database of the session's cluster in the PostgreSQL run)."""
    if os.environ.get("KITHKIN_TEST_ENGINE") == "postgresql":
        url = request.getfixturevalue("pg_cluster").new_database()
    else:
        path: Path = tmp_path_factory.mktemp("fuzz") / "kithkin.db"
        url = f"sqlite:///{path}"
    db = Database(url)
    try:
        dana_sam_lee(db, datetime.now(UTC))
        clock.freeze(None)
        dana_and_her_duplicate(db)
    finally:
        db.dispose()
    return create_app(url, allowed_hosts=ASGI_HOST)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(case: schemathesis.Case, seeded_app: FastAPI) -> None:
    case.call_and_validate(
        app=seeded_app,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
