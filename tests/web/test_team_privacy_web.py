"""Team privacy through the web: acting as a second member, EVERY API route (enumerated from
the app's routers) is walked with the real ids of the first member's private rows, and none of
them appears; a viewer's writes are refused; the person page shows a "private" badge and the
"shared with the team" checkbox in team mode only.

Each member signs in with a real API token of theirs (`SignedInAs`: a request naming
`X-Test-User` is sent with that member's `Authorization: Bearer` token), so the app's own
guard decides who acts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kithkin.model import Actor
from kithkin.services import backup, team
from kithkin.store import Database
from kithkin.store import team as team_store
from kithkin.store.schema import note, story_fact
from kithkin.store.schema_service import ledger_entry, need
from kithkin.web import app as web_app
from tests.web.conftest import BASE_URL, JSON, SignedInAs, token_of

WALKER = "ben"  # the second member, who walks the API
SECRET = "zq-secret"  # in every private row of ada: no response to ben may hold it
OWNERS_ONLY = frozenset({"/users"})  # pages only an owner may open
_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


@pytest.fixture
def crew(db_url: str) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    db = Database(db_url)
    with db.write() as conn:
        actors = {
            name: team.as_actor(team_store.add(conn, name, role=role))
            for name, role in (("ada", "owner"), ("ben", "editor"), ("vic", "viewer"))
        }
    db.dispose()
    app = web_app.create_app(db_url)
    with TestClient(SignedInAs(app, db_url), base_url=BASE_URL) as client:
        yield client, {"actors": actors, "db_url": db_url}


def _as(name: str) -> dict[str, str]:
    return {"X-Test-User": name, **JSON}


def _ada_private_rows(client: TestClient) -> dict[str, int]:
    def post(path: str, body: dict[str, Any]) -> Any:
        response = client.post(path, json=body, headers=_as("ada"))
        assert response.status_code in (200, 201), (path, response.text)
        return response.json()

    pid = post("/api/people", {"display_name": "Grace Hopper"})["id"]
    other = post("/api/people", {"display_name": "Alan Turing"})["id"]
    ids = {
        "person_id": pid,
        "other": other,
        "fact_id": post(
            f"/api/people/{pid}/story", {"field": "drivers", "text": f"{SECRET} board seat"}
        )["id"],
        "note_id": post(f"/api/people/{pid}/notes", {"text": f"{SECRET} job hunting"})["id"],
        "need_id": post("/api/needs", {"person": f"#{pid}", "text": f"{SECRET} a CISO"})["id"],
        "entry_id": post(
            "/api/ledger", {"person": f"#{pid}", "direction": "gave", "text": f"{SECRET} intro"}
        )["entry"]["id"],
    }
    post(f"/api/people/{pid}/notes", {"text": "team knows this", "shared": True})
    return ids


def _api_routes() -> list[tuple[str, str]]:
    found = []
    for router in web_app.ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.path.startswith("/api"):
                found += [(method, route.path) for method in sorted(route.methods)]
    return found


def _fill(path: str, ids: dict[str, int]) -> str:
    values = {
        "kind": "note",
        "row_id": ids["note_id"],
        "name": "x",
        "tag": "x",
        "sub_id": "x",
        "job_id": "x",
        "draft_id": "x",
    }

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(ids.get(name, values.get(name, ids["fact_id"])))

    return _PARAM.sub(one, path)


def _query(path: str, ids: dict[str, int]) -> dict[str, Any]:
    return {
        "/api/duplicates/preview": {"keep": ids["person_id"], "other": ids["other"]},
        "/api/search": {"q": SECRET},
        "/api/people": {"q": SECRET},
    }.get(path, {})


def _bodies(ids: dict[str, int]) -> dict[tuple[str, str], dict[str, Any]]:
    pid = ids["person_id"]
    return {
        ("POST", "/api/people"): {"display_name": "Eve"},
        ("PATCH", "/api/people/{person_id}"): {"title": "CTO"},
        ("POST", "/api/people/{person_id}/notes"): {"text": "hi"},
        ("POST", "/api/people/{person_id}/story"): {"field": "work", "text": "hi"},
        ("POST", "/api/people/{person_id}/tags"): {"name": "x"},
        ("POST", "/api/people/{person_id}/contacts"): {"kind": "email", "value": "e@x.org"},
        ("POST", "/api/people/{person_id}/merge"): {"other": ids["other"]},
        ("POST", "/api/needs"): {"person": f"#{pid}", "text": "hi"},
        ("POST", "/api/ledger"): {"person": f"#{pid}", "direction": "gave", "text": "hi"},
        ("POST", "/api/offers"): {"text": "hi", "kind": "skill"},
        ("PUT", "/api/sharing/{kind}/{row_id}"): {"shared": True},
    }


def _example_body(spec: dict[str, Any], method: str, path: str, ids: dict[str, int]) -> Any:
    """A body the route's schema accepts (its required fields, plain values), from the app's
    OpenAPI document, so that a write reaches its use case rather than stopping at
    validation."""
    operation = spec["paths"].get(_PARAM_TYPES.sub(r"{\1}", path), {}).get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return _example(spec, schema, ids) if schema else None


_PARAM_TYPES = re.compile(r"{(\w+):\w+}")


def _example(spec: dict[str, Any], schema: dict[str, Any], ids: dict[str, int]) -> Any:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return _example(spec, spec["components"]["schemas"][name], ids)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return _example(spec, options[0], ids) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object":
        required = schema.get("required", [])
        props = schema.get("properties", {})
        return {name: _example(spec, props[name], ids) for name in required if name in props}
    if kind == "array":
        return [_example(spec, schema.get("items", {}), ids)] * max(1, schema.get("minItems", 1))
    if kind == "integer":
        return ids["person_id"]
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if schema.get("format") == "date":
        return "2030-01-01"
    if schema.get("format") == "date-time":
        return "2030-01-01T10:00:00Z"
    return f"#{ids['person_id']}"  # a person reference where a text is asked


# The write routes whose use cases check the role (team privacy, issue 19). The other write
# routes (imports, the inbox, intros, circle, gatherings, amplify, settings...) are not yet
# guarded by role: listed here so that a new guarded route is added on purpose.
GUARDED = {
    ("POST", "/api/people"),
    ("PATCH", "/api/people/{person_id}"),
    ("DELETE", "/api/people/{person_id}"),
    ("POST", "/api/people/{person_id}/notes"),
    ("DELETE", "/api/people/{person_id}/notes/{note_id}"),
    ("POST", "/api/people/{person_id}/story"),
    ("DELETE", "/api/people/{person_id}/story/{fact_id}"),
    ("POST", "/api/people/{person_id}/tags"),
    ("DELETE", "/api/people/{person_id}/tags/{name:path}"),
    ("POST", "/api/people/{person_id}/contacts"),
    ("DELETE", "/api/people/{person_id}/contacts/{contact_id}"),
    ("POST", "/api/people/{person_id}/merge"),
    ("POST", "/api/needs"),
    ("POST", "/api/needs/suggest"),
    ("DELETE", "/api/needs/{need_id:int}"),
    ("POST", "/api/needs/{need_id:int}/accept"),
    ("POST", "/api/needs/{need_id:int}/dismiss"),
    ("POST", "/api/ledger"),
    ("POST", "/api/offers"),
    ("DELETE", "/api/offers/{offer_id:int}"),
    ("PUT", "/api/sharing/{kind}/{row_id}"),
    ("POST", "/api/undo"),
    ("POST", "/api/trash/{person_id}/restore"),
}
# Writes that reach outside (feeds, mail, SMTP, the demo) or run long: not walked here.
SKIPPED = {
    ("POST", "/api/amplify/fetch"),
    ("POST", "/api/demo"),
    ("POST", "/api/import/mail"),
    ("POST", "/api/intros/{intro_id}/send"),
    ("POST", "/api/intros/{intro_id}/follow-up"),
    ("POST", "/api/inbox/unsubscribe"),
}


def _private_rows_left(db_url: str, ada: Actor) -> dict[str, int]:
    db = Database(db_url)
    try:
        with db.read() as conn:
            return {
                table.name: int(
                    conn.scalar(
                        select(func.count())
                        .select_from(table)
                        .where(table.c.member_id == ada.member_id, table.c.shared.is_(False))
                    )
                    or 0
                )
                for table in (note, story_fact, need, ledger_entry)
            }
    finally:
        db.dispose()


def test_every_api_route_hides_ada_private_rows_from_ben(
    crew: tuple[TestClient, dict[str, Any]],
) -> None:
    client, info = crew
    ids = _ada_private_rows(client)
    ada = info["actors"]["ada"]
    before = _private_rows_left(info["db_url"], ada)
    assert before == {"note": 1, "story_fact": 1, "need": 1, "ledger_entry": 1}
    routes = sorted(_api_routes(), key=lambda r: r[0] != "GET")  # every read, then the writes
    assert len(routes) > 60  # the walk covers the whole API
    bodies = _bodies(ids)
    walked = 0
    for method, path in routes:
        if (method, path) in SKIPPED:
            continue
        url = _fill(path, ids)
        response = client.request(
            method,
            url,
            params=_query(path, ids),
            json=bodies.get((method, path)) if method != "GET" else None,
            headers=_as(WALKER),
        )
        walked += 1
        assert response.status_code < 500, (method, url, response.text)
        assert SECRET not in response.text, (method, url, response.text[:300])
        if method != "GET" and re.search(r"{(fact_id|note_id|need_id|row_id)", path):
            assert response.status_code == 404, (method, url, response.text)
    assert walked > 60
    assert _private_rows_left(info["db_url"], ada) == before  # nothing of ada's was touched
    seen = client.get(f"/api/people/{ids['person_id']}", headers=_as("ada"))
    if seen.status_code == 200:  # ben may have deleted Grace (an editor may): then in the trash
        assert SECRET in seen.text


def _rows(db_url: str, walker: int | None = None) -> dict[str, Any]:
    """Every row of the database (a backup), but the settings (caches a read may refresh) and
    the walker's own account (a viewer may make themselves a token, end their sessions)."""
    db = Database(db_url)
    try:
        out = StringIO()
        backup.export(db, out=out)
    finally:
        db.dispose()
    tables = json.loads(out.getvalue())["tables"]
    mine = ("api_token", "web_session")  # the walker's own: they may make a token, log out
    for name in mine:
        at = tables[name]["columns"].index("member_id")
        tables[name]["rows"] = [r for r in tables[name]["rows"] if r[at] != walker]
    return {name: rows for name, rows in tables.items() if name != "setting"}


def test_a_viewer_cannot_write(crew: tuple[TestClient, dict[str, Any]]) -> None:
    client, info = crew
    ids = _ada_private_rows(client)
    bodies = _bodies(ids)
    spec = client.get("/openapi.json", headers=_as("vic")).json()
    vic = info["actors"]["vic"].member_id
    before = _rows(info["db_url"], vic)
    walked = 0
    for method, path in _api_routes():
        if method == "GET" or (method, path) in SKIPPED:
            continue
        body = bodies.get((method, path)) or _example_body(spec, method, path, ids)
        response = client.request(method, _fill(path, ids), json=body, headers=_as("vic"))
        walked += 1
        assert response.status_code < 500, (method, path, response.text)
        if (method, path) in GUARDED:
            assert response.status_code == 403, (method, path, response.text)
            assert "vic is a viewer" in response.json()["error"]
    assert walked > 50
    assert _rows(info["db_url"], vic) == before  # every write of the viewer changed nothing
    person = client.get(f"/api/people/{ids['person_id']}", headers=_as("vic")).json()
    assert [n["text"] for n in person["notes"]] == ["team knows this"]


def test_any_change_of_a_viewer_is_refused_even_unguarded(
    crew: tuple[TestClient, dict[str, Any]],
) -> None:
    """A use case that does not check the role itself (the circle's) is refused all the same:
    every change records an activity row, and a viewer's cannot."""
    client, _ = crew
    ids = _ada_private_rows(client)
    refused = client.post(
        "/api/circle", json={"person": f"#{ids['person_id']}"}, headers=_as("vic")
    )
    assert refused.status_code == 403 and "vic is a viewer" in refused.json()["error"]
    added = client.post("/api/circle", json={"person": f"#{ids['person_id']}"}, headers=_as("ben"))
    assert added.status_code in (200, 201), added.text
    log = client.get("/api/activity", headers=_as("ada")).json()
    assert log[0]["author"] == "ben" and log[0]["member_id"] is not None


def test_every_page_hides_ada_private_rows_from_ben(
    crew: tuple[TestClient, dict[str, Any]],
) -> None:
    client, _ = crew
    ids = _ada_private_rows(client)
    pages = [
        route.path
        for router in web_app.ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        and not route.path.startswith("/api")
        and "GET" in route.methods
    ]
    assert len(pages) > 20
    for path in pages:
        url = _fill(path, ids)
        for who in ("ben", "vic"):  # an editor and a viewer: neither sees them, both may read
            params = _query(path, ids) or {"q": "hunting"}
            response = client.get(url, params=params, headers=_as(who))
            if path in OWNERS_ONLY:  # managing users: an owner's page
                assert response.status_code == 403, (url, who)
                continue
            assert response.status_code < 500 and response.status_code != 403, (url, who)
            assert SECRET not in response.text, (url, response.text[:300])
    service = client.get("/service", headers=_as("ada")).text
    assert SECRET in service and 'class="badge private"' in service and 'name="shared"' in service


def test_the_person_page_marks_private_rows_in_team_mode_only(
    crew: tuple[TestClient, dict[str, Any]],
) -> None:
    client, _ = crew
    ids = _ada_private_rows(client)
    page = client.get(f"/people/{ids['person_id']}", headers={"X-Test-User": "ada"}).text
    assert 'class="badge private"' in page and f"{SECRET} job hunting" in page
    assert 'name="shared"' in page and "Shared with the team" in page
    theirs = client.get(f"/people/{ids['person_id']}", headers={"X-Test-User": "ben"}).text
    assert SECRET not in theirs and "team knows this" in theirs
    assert 'class="badge private"' not in theirs


def test_sharing_from_the_page_shows_it_to_the_team(
    crew: tuple[TestClient, dict[str, Any]],
) -> None:
    client, _ = crew
    ids = _ada_private_rows(client)
    page = f"/people/{ids['person_id']}"
    token = token_of(client.get(page, headers={"X-Test-User": "ada"}).text)
    done = client.post(
        f"/sharing/note/{ids['note_id']}",
        data={"csrf_token": token, "shared": "1", "next": page},
        headers={"X-Test-User": "ada"},
    )
    assert done.status_code == 200 and "Shared with the team" in done.text
    assert f"{SECRET} job hunting" in client.get(page, headers={"X-Test-User": "ben"}).text


def test_a_personal_database_shows_no_badge_nor_checkbox(client: TestClient) -> None:
    pid = client.post("/api/people", json={"display_name": "Solo"}).json()["id"]
    client.post(f"/api/people/{pid}/notes", json={"text": "my note"})
    page = client.get(f"/people/{pid}").text
    assert "my note" in page
    assert "badge private" not in page and "Shared with the team" not in page
