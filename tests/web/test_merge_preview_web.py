"""The Duplicates page shows, above each Merge button, what the merge would do (the preview the
CLI prints); `GET /api/duplicates/preview` gives the same, and writes nothing."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import JSON, add_person


def _pair(client: Any) -> tuple[int, int]:
    bob = add_person(
        client,
        display_name="Bob Smith",
        given_name="Bob",
        family_name="Smith",
        organisation="Acme",
        contacts=[{"kind": "email", "value": "bob@acme.example"}],
    )
    robert = add_person(
        client,
        display_name="Robert Smith",
        given_name="Robert",
        family_name="Smith",
        organisation="Acme Inc.",
        title="CIO",
        tags=["board"],
        contacts=[{"kind": "email", "value": "robert@acme.example"}],
    )
    for people in ([bob, robert], [robert], [bob]):
        logged = client.post("/api/interactions", json={"kind": "call", "participants": people})
        assert logged.status_code == 201, logged.text
    return bob, robert


def test_the_duplicates_page_previews_each_merge(client: Any) -> None:
    bob, robert = _pair(client)
    page = client.get("/duplicates").text
    assert "names Bob Smith ~ Robert Smith (nickname)" in page
    preview = page[page.index('class="merge-preview') : page.index('action="/duplicates/merge"')]
    assert f"keeps Bob Smith (#{bob}); Robert Smith (#{robert}) is folded in and goes" in preview
    assert "organisation: “Acme” stays (“Acme Inc.” is dropped)" in preview
    assert "given name: “Bob” stays" in preview
    assert "title: “CIO” comes over" in preview
    assert "email robert@acme.example moves over" in preview
    assert "tags added: board" in preview
    assert "interactions: 2 + 2, 1 shared → 3" in preview


def test_the_api_previews_a_merge_without_writing(client: Any) -> None:
    bob, robert = _pair(client)
    got = client.get(f"/api/duplicates/preview?keep={bob}&other={robert}")
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["keep"]["id"] == bob and body["other"]["display_name"] == "Robert Smith"
    assert body["differing"] == {
        "display_name": ["Bob Smith", "Robert Smith"],
        "given_name": ["Bob", "Robert"],
        "organisation": ["Acme", "Acme Inc."],
    }
    assert body["filled"] == {"title": "CIO"} and body["tags_added"] == ["board"]
    counts = [body[k] for k in ("keep_interactions", "other_interactions", "shared_interactions")]
    assert [*counts, body["interactions_after"]] == [2, 2, 1, 3]
    assert body["lines"][0].startswith(f"keeps Bob Smith (#{bob})")
    assert client.get("/api/stats", headers=JSON).json()["people"] == 2
    same = client.get(f"/api/duplicates/preview?keep={bob}&other={bob}")
    assert same.status_code == 400 and "cannot merge a person with themselves" in same.text
    assert client.get(f"/api/duplicates/preview?keep={bob}&other=999").status_code == 404
