"""The JSON API through an in-process client: every route, its errors and its guards."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import JSON, add_person


def test_create_read_and_edit_a_person(client: Any) -> None:
    response = client.post(
        "/api/people",
        json={
            "given_name": "Dana",
            "family_name": "Whitfield",
            "organisation": "Northwind",
            "contacts": [{"kind": "email", "value": "Dana@Northwind.example"}],
            "tags": ["cio", "healthcare"],
        },
    )
    assert response.status_code == 201
    created = response.json()
    assert created["display_name"] == "Dana Whitfield"
    assert created["tags"] == ["cio", "healthcare"]
    assert created["contact_points"][0]["value"] == "Dana@Northwind.example"
    assert created["story_completeness"] == 0.0
    assert created["story_gaps"] == ["work", "origin", "education", "passions", "drivers"]

    person_id = created["id"]
    patched = client.patch(f"/api/people/{person_id}", json={"title": "CIO", "organisation": None})
    assert patched.status_code == 200
    assert patched.json()["title"] == "CIO"
    assert patched.json()["organisation"] is None
    assert patched.json()["display_name"] == "Dana Whitfield"  # not sent, not changed

    fetched = client.get(f"/api/people/{person_id}").json()
    assert fetched["title"] == "CIO"
    assert fetched["uid"] == created["uid"]


def test_bad_input_is_a_json_error(client: Any) -> None:
    empty = client.post("/api/people", json={"organisation": "Nameless Ltd"})
    assert empty.status_code == 400
    assert empty.json() == {"error": "a person needs a name"}

    unknown_field = client.post("/api/people", json={"display_name": "A", "shoe_size": 44})
    assert unknown_field.status_code == 422
    assert "shoe_size" in unknown_field.json()["error"]

    person_id = add_person(client, display_name="Ann")
    bad_fact = client.post(f"/api/people/{person_id}/story", json={"field": "diet", "text": "x"})
    assert bad_fact.status_code == 422
    assert bad_fact.json()["error"].startswith("invalid request")
    cleared = client.patch(f"/api/people/{person_id}", json={"display_name": None})
    assert cleared.status_code == 400


def test_not_found_and_unknown_routes_are_json_404(client: Any) -> None:
    missing = client.get("/api/people/999")
    assert missing.status_code == 404
    assert missing.json() == {"error": "no person #999"}
    assert client.get("/api/nothing-here").status_code == 404
    assert "error" in client.get("/api/nothing-here").json()
    person_id = add_person(client, display_name="Ann")
    fact = client.delete(f"/api/people/{person_id}/story/77", headers=JSON)
    assert fact.status_code == 404
    assert "no story fact #77" in fact.json()["error"]


def test_list_search_and_filter_by_tag(client: Any) -> None:
    ann = add_person(client, display_name="Ann Archer", tags=["cio"])
    add_person(client, display_name="Bob Baker", organisation="Contoso", tags=["cto"])
    add_person(client, display_name="Cleo Chen", tags=["cio"])
    client.post(
        f"/api/people/{ann}/story",
        json={"field": "passions", "text": "weekends on the water in a sailboat"},
    )

    listed = client.get("/api/people").json()
    assert [p["display_name"] for p in listed] == ["Ann Archer", "Bob Baker", "Cleo Chen"]
    assert listed[0]["snippet"] is None
    assert [p["display_name"] for p in client.get("/api/people?tag=cio").json()] == [
        "Ann Archer",
        "Cleo Chen",
    ]
    page = client.get("/api/people?limit=1&offset=1").json()
    assert [p["display_name"] for p in page] == ["Bob Baker"]

    found = client.get("/api/people", params={"q": "sailboat"}).json()
    assert [p["id"] for p in found] == [ann]
    assert "[sailboat]" in found[0]["snippet"]
    assert client.get("/api/people", params={"q": "sailboat", "tag": "cto"}).json() == []

    hits = client.get("/api/search", params={"q": "contoso"}).json()
    assert [h["person"]["display_name"] for h in hits] == ["Bob Baker"]
    assert hits[0]["score"] > 0
    assert client.get("/api/people?limit=0").status_code == 422


def test_story_notes_and_timeline(client: Any) -> None:
    person_id = add_person(client, display_name="Ann")
    fact = client.post(
        f"/api/people/{person_id}/story",
        json={
            "field": "education",
            "text": "Studied physics in Leiden",
            "learned_on": "2024-03-05",
            "learned_where": "Gartner Symposium dinner",
        },
    )
    assert fact.status_code == 201
    assert fact.json()["learned_on"] == "2024-03-05"
    assert fact.json()["learned_where"] == "Gartner Symposium dinner"
    client.post(f"/api/people/{person_id}/story", json={"field": "work", "text": "Runs IT"})

    note = client.post(f"/api/people/{person_id}/notes", json={"text": "Promised an intro"})
    assert note.status_code == 201
    assert note.json()["text"] == "Promised an intro"

    person = client.get(f"/api/people/{person_id}").json()
    assert person["story_completeness"] == 0.4
    assert person["story_gaps"] == ["origin", "passions", "drivers"]
    assert [n["text"] for n in person["notes"]] == ["Promised an intro"]

    removed = client.delete(f"/api/people/{person_id}/story/{fact.json()['id']}", headers=JSON)
    assert removed.status_code == 200
    assert removed.json()["story_completeness"] == 0.2

    timeline = client.get(f"/api/people/{person_id}/timeline").json()
    kinds = [entry["kind"] for entry in timeline]
    assert "note.add" in kinds
    assert "story.add" in kinds
    assert "story.remove" in kinds
    assert client.get("/api/people/999/timeline").status_code == 404


def test_contacts_and_tags(client: Any) -> None:
    ann = add_person(client, display_name="Ann")
    bob = add_person(client, display_name="Bob")
    added = client.post(
        f"/api/people/{ann}/contacts", json={"kind": "email", "value": "ann@x.example"}
    )
    assert added.status_code == 201
    contact_id = added.json()["id"]

    clash = client.post(
        f"/api/people/{bob}/contacts", json={"kind": "email", "value": "ANN@x.example"}
    )
    assert clash.status_code == 409
    assert "already belongs to Ann" in clash.json()["error"]
    bad = client.post(f"/api/people/{bob}/contacts", json={"kind": "email", "value": "nope"})
    assert bad.status_code == 400

    gone = client.delete(f"/api/people/{ann}/contacts/{contact_id}", headers=JSON)
    assert gone.json()["contact_points"] == []

    tagged = client.post(f"/api/people/{ann}/tags", json={"name": "board/advisors"})
    assert tagged.json() == {"changed": True, "tags": ["board/advisors"]}
    again = client.post(f"/api/people/{ann}/tags", json={"name": "board/advisors"})
    assert again.json()["changed"] is False
    untagged = client.delete(f"/api/people/{ann}/tags/board/advisors", headers=JSON)
    assert untagged.json() == {"changed": True, "tags": []}
    missing = client.delete(f"/api/people/{ann}/tags/board/advisors", headers=JSON)
    assert missing.status_code == 404


def test_merge_then_undo(client: Any) -> None:
    keep = add_person(client, display_name="Dana Whitfield", tags=["cio"])
    dupe = add_person(
        client,
        display_name="D. Whitfield",
        organisation="Northwind",
        contacts=[{"kind": "email", "value": "dana@northwind.example"}],
    )
    client.post(f"/api/people/{dupe}/story", json={"field": "origin", "text": "From Porto"})

    merged = client.post(f"/api/people/{keep}/merge", json={"other": "dana@northwind.example"})
    assert merged.status_code == 200, merged.text
    person = merged.json()["person"]
    assert person["organisation"] == "Northwind"
    assert [f["text"] for f in person["story"]] == ["From Porto"]
    assert client.get(f"/api/people/{dupe}").status_code == 404

    undone = client.post("/api/undo", headers=JSON)
    assert undone.status_code == 200
    assert "merged D. Whitfield" in undone.json()["undone"]
    assert client.get(f"/api/people/{dupe}").json()["story"][0]["text"] == "From Porto"
    assert client.get(f"/api/people/{keep}").json()["story"] == []


def test_merge_with_an_ambiguous_name_is_409_with_candidates(client: Any) -> None:
    keep = add_person(client, display_name="Ann")
    add_person(client, display_name="Sam Smith")
    add_person(client, display_name="Sam Smithers")
    response = client.post(f"/api/people/{keep}/merge", json={"other": "sam"})
    assert response.status_code == 409
    body = response.json()
    assert "fits 2 people" in body["error"]
    assert {c["display_name"] for c in body["candidates"]} == {"Sam Smith", "Sam Smithers"}
    itself = client.post(f"/api/people/{keep}/merge", json={"other": keep})
    assert itself.status_code == 400


def test_delete_trash_undo_and_restore(client: Any) -> None:
    person_id = add_person(client, display_name="Ann")
    deleted = client.delete(f"/api/people/{person_id}", headers=JSON)
    assert deleted.status_code == 200
    assert "undo" in deleted.json()["message"]
    assert client.get(f"/api/people/{person_id}").status_code == 404
    assert [t["person"]["id"] for t in client.get("/api/trash").json()] == [person_id]
    assert client.get("/api/stats").json()["in_trash"] == 1

    assert client.post("/api/undo", headers=JSON).status_code == 200
    assert client.get(f"/api/people/{person_id}").status_code == 200
    assert client.get("/api/trash").json() == []
    nothing = client.post("/api/undo", headers=JSON)
    assert nothing.status_code == 400
    assert nothing.json() == {"error": "nothing to undo"}

    client.delete(f"/api/people/{person_id}", headers=JSON)
    restored = client.post(f"/api/trash/{person_id}/restore", headers=JSON)
    assert restored.json()["display_name"] == "Ann"
    assert client.post(f"/api/trash/{person_id}/restore", headers=JSON).status_code == 404


def test_log_interaction(client: Any) -> None:
    ann = add_person(client, display_name="Ann")
    bob = add_person(client, display_name="Bob")
    logged = client.post(
        "/api/interactions",
        json={
            "kind": "coffee",
            "direction": "from_me",
            "occurred_at": "2025-01-10T09:30:00+01:00",
            "participants": [ann, bob],
            "subject": "Cloud strategy",
        },
    )
    assert logged.status_code == 201
    assert logged.json()["created"] is True
    timeline = client.get(f"/api/people/{ann}/timeline").json()
    [entry] = [e for e in timeline if e["kind"] == "interaction"]
    assert entry["interaction_id"] == logged.json()["id"]
    assert entry["at"].startswith("2025-01-10T08:30")
    assert "Cloud strategy" in entry["summary"]
    assert "Bob" in entry["summary"]

    telepathy = client.post("/api/interactions", json={"kind": "telepathy", "participants": [ann]})
    assert telepathy.status_code == 422
    nobody = client.post("/api/interactions", json={"kind": "call", "participants": [999]})
    assert nobody.status_code == 404
    assert client.get("/api/stats").json()["interactions_by_kind"] == {"coffee": 1}


def test_me_and_stats_and_activity(client: Any) -> None:
    assert client.get("/api/me").json() == {"name": None, "addresses": [], "person_id": None}
    me = client.put("/api/me", json={"name": "Pat", "addresses": ["Pat@Corp.example"]})
    assert me.json()["addresses"] == ["pat@corp.example"]
    assert client.get("/api/me").json()["name"] == "Pat"
    add_person(client, display_name="Ann")
    stats = client.get("/api/stats").json()
    assert stats["people"] == 1
    assert client.get("/api/activity?limit=1").json()[0]["action"] == "person.add"


def test_writes_need_json_and_the_same_origin(client: Any) -> None:
    form = client.post("/api/people", data={"display_name": "Eve"})
    assert form.status_code == 415
    assert "application/json" in form.json()["error"]
    plain = client.post(
        "/api/undo", content=b"{}", headers={"Content-Type": "text/plain;charset=UTF-8"}
    )
    assert plain.status_code == 415
    # a write without a body needs no media type, but a foreign page still cannot send it
    # (a bodyless POST is a "simple" request a browser sends without a preflight)
    for method, path in (("POST", "/api/undo"), ("DELETE", "/api/people/1")):
        for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            assert client.request(method, path, headers=headers).status_code == 403

    foreign = client.post(
        "/api/people", json={"display_name": "Eve"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert client.get("/api/people").json() == []

    own = client.post(
        "/api/people", json={"display_name": "Ann"}, headers={"Origin": "http://127.0.0.1"}
    )
    assert own.status_code == 201


def test_a_foreign_host_header_is_refused(client: Any) -> None:
    # A page on a rebinding domain reaches the app with its own Host header.
    assert client.get("/api/people", headers={"Host": "evil.example:8765"}).status_code == 400
    assert client.get("/api/people", headers={"Host": "localhost:8765"}).status_code == 200


def test_security_headers(client: Any) -> None:
    headers = client.get("/api/stats").headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert "access-control-allow-origin" not in headers


def test_openapi_documents_the_api(client: Any) -> None:
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for path, methods in {
        "/api/people": {"get", "post"},
        "/api/people/{person_id}": {"get", "patch", "delete"},
        "/api/people/{person_id}/story": {"post"},
        "/api/people/{person_id}/story/{fact_id}": {"delete"},
        "/api/people/{person_id}/notes": {"post"},
        "/api/people/{person_id}/contacts": {"post"},
        "/api/people/{person_id}/contacts/{contact_id}": {"delete"},
        "/api/people/{person_id}/tags": {"post"},
        "/api/people/{person_id}/tags/{name}": {"delete"},
        "/api/people/{person_id}/merge": {"post"},
        "/api/people/{person_id}/timeline": {"get"},
        "/api/interactions": {"post"},
        "/api/search": {"get"},
        "/api/stats": {"get"},
        "/api/trash": {"get"},
        "/api/undo": {"post"},
        "/api/me": {"get", "put"},
    }.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    assert not [p for p in paths if not p.startswith("/api/")]  # HTML pages stay out of it
    assert "PersonOut" in doc["components"]["schemas"]
    assert client.get("/docs").status_code == 200  # from local assets: test_docs_page.py
