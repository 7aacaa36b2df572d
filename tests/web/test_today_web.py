"""Today, Circle and Brief pages and their JSON API, in-process: forms, CSRF, escaping."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kithkin.store import Database
from tests.builders.circle import dana_sam_lee
from tests.web.conftest import JSON, post_form, token_of

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
XSS = "<script>alert(1)</script>"


@pytest.fixture
def seeded(client: Any, db_url: str) -> dict[str, int]:
    """Dana (circle, overdue), Sam <script> (wrote yesterday), Lee (meeting tomorrow)."""
    db = Database(db_url)
    ids = dana_sam_lee(db, NOW, sam=f"Sam {XSS}", subject=f"Board {XSS}", lee_title="CTO")
    db.dispose()
    return ids


def test_today_page_lists_items_with_reasons_and_actions(
    client: Any, seeded: dict[str, int]
) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    for text in (
        "Meetings today and tomorrow",
        "Catch-up with Lee",
        "Waiting for your reply",
        "wrote to you 1 day ago",
        "Your circle: due and overdue",
        "overdue by",
    ):
        assert text in html, text
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'href="/brief/{seeded["lee"]}"' in html
    assert 'action="/today/mute"' in html and 'action="/today/log"' in html
    assert html.count('name="csrf_token"') >= 6


def test_snooze_dismiss_and_log_a_touch_through_forms(client: Any, seeded: dict[str, int]) -> None:
    sam, dana = seeded["sam"], seeded["dana"]
    snoozed = post_form(client, "/", "/today/mute", key=f"waiting:{sam}", do="snooze", days="3")
    assert "Snoozed for 3 days" in snoozed.text
    assert f'data-key="waiting:{sam}"' not in snoozed.text
    assert "1 snoozed or dismissed" in snoozed.text
    logged = post_form(client, "/", "/today/log", person_id=str(dana), kind="call")
    assert "Logged a call with Dana Whitfield" in logged.text
    assert f'data-key="circle:{dana}"' not in logged.text
    missing = post_form(client, "/", "/today/mute", key="fading:999", do="dismiss")
    assert "no item &#39;fading:999&#39;" in missing.text


def test_forms_need_the_csrf_token(client: Any, seeded: dict[str, int]) -> None:
    client.get("/")
    refused = client.post("/today/mute", data={"key": f"waiting:{seeded['sam']}", "do": "dismiss"})
    assert refused.status_code == 403
    foreign = client.post(
        "/circle/add",
        data={"csrf_token": token_of(client.get("/circle").text), "person": "Sam"},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403


def test_circle_page_add_cadence_settings_and_remove(client: Any, seeded: dict[str, int]) -> None:
    page = client.get("/circle")
    assert page.status_code == 200 and "Dana Whitfield" in page.text and "overdue" in page.text
    added = post_form(client, "/circle", "/circle/add", person="Lee Chen", cadence="21")
    assert "Added Lee Chen to your circle." in added.text
    lee = seeded["lee"]
    changed = post_form(client, "/circle", f"/circle/{lee}/cadence", days="30")
    assert "Lee Chen: every 30 days." in changed.text
    saved = post_form(
        client, "/circle", "/circle/settings", cap="1", cadence="10", tag="board", tag_days="30"
    )
    assert "Saved: cap 1; every 10 days by default; tag board: every 30 days." in saved.text
    assert "past its cap of 1" in saved.text
    bad = post_form(client, "/circle", "/circle/add", person="Nobody Here")
    assert "nobody called &#39;Nobody Here&#39;" in bad.text
    removed = post_form(client, "/circle", f"/circle/{lee}/remove")
    assert "Took Lee Chen out of your circle." in removed.text


def test_brief_page_is_escaped_and_logs_a_meeting(client: Any, seeded: dict[str, int]) -> None:
    sam = seeded["sam"]
    page = client.get(f"/brief/{sam}")
    assert page.status_code == 200 and XSS not in page.text
    for text in (
        "Their story",
        "You don't know",
        "Conversation starters",
        "To close",
        "Open loops",
        "unanswered",
    ):
        assert text in page.text, text
    logged = post_form(
        client,
        f"/brief/{sam}",
        "/today/log",
        person_id=str(sam),
        kind="meeting",
        subject="Board seat",
        next=f"/brief/{sam}",
    )
    assert "Logged a meeting" in logged.text and "Board seat" in logged.text
    assert client.get("/brief/999").status_code == 404


def test_person_page_says_how_strong_the_relationship_is(
    client: Any, seeded: dict[str, int]
) -> None:
    sam = seeded["sam"]
    api = client.get(f"/api/strength/{sam}").json()
    page = client.get(f"/people/{sam}").text
    assert f"{api['explanation'][0]}" in page and "reciprocity:" in page
    assert f'href="/brief/{sam}"' in page and XSS not in page
    assert 'href="/circle"' in page  # the main navigation reaches Today and the circle


def test_the_json_api(client: Any, seeded: dict[str, int]) -> None:
    agenda = client.get("/api/today").json()
    assert [s["name"] for s in agenda["sections"]] == [
        "meetings",
        "waiting",
        "intros",
        "circle",
        "fading",
        "share",
        "room",
        "reflect",
        "service",
    ]
    key = agenda["sections"][1]["items"][0]["key"]
    snoozed = client.post("/api/today/snooze", json={"key": key, "days": 2}, headers=JSON)
    assert snoozed.status_code == 200 and snoozed.json()["action"] == "snooze"
    assert client.get("/api/today").json()["hidden"] == 1
    assert client.post("/api/today/dismiss", data={"key": key}).status_code == 415
    circle = client.post(
        "/api/circle", json={"person": "Lee Chen", "cadence_days": 7}, headers=JSON
    )
    assert circle.status_code == 200
    assert {m["display_name"] for m in circle.json()["members"]} == {"Dana Whitfield", "Lee Chen"}
    lee = seeded["lee"]
    member = client.put(f"/api/circle/{lee}/cadence", json={"days": 9}, headers=JSON).json()
    assert [m["cadence"] for m in member["members"] if m["person_id"] == lee] == [9]
    settings = client.put("/api/circle/settings", json={"cap": 5}, headers=JSON).json()
    assert settings["cap"] == 5
    assert client.put("/api/circle/tags/board", json={"days": 30}, headers=JSON).json()[
        "tag_cadences"
    ] == {"board": 30}
    gone = client.delete(f"/api/circle/{lee}", headers=JSON).json()
    assert [m["display_name"] for m in gone["members"]] == ["Dana Whitfield"]
    assert isinstance(client.get("/api/circle/suggestions").json(), list)
    brief = client.get(f"/api/brief/{seeded['sam']}").json()
    assert brief["display_name"] == f"Sam {XSS}" and brief["loops"][0]["kind"] == "waiting"
    tomorrow = client.get("/api/briefs/tomorrow").json()
    assert [b["display_name"] for m in tomorrow for b in m["briefs"]] == ["Lee Chen"]
    strength = client.get(f"/api/strength/{seeded['sam']}").json()
    assert strength["explanation"][0].startswith("strength ")
    assert client.get("/api/strength/999").status_code == 404
    assert isinstance(client.get("/api/fading").json(), list)
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/today",
        "/api/circle",
        "/api/brief/{person_id}",
        "/api/strength/{person_id}",
    } <= set(paths)


def test_a_coffee_just_logged_is_no_meeting_to_log_and_was_moments_ago(
    client: Any, seeded: dict[str, int]
) -> None:
    """Issue 13: a coffee logged on Dana's page showed on Today as "meeting … (earlier today:
    log how it went)", and her page said "last two-way contact 1 hour ago"."""
    from kithkin import clock

    dana = seeded["dana"]
    logged = post_form(
        client, f"/people/{dana}", f"/people/{dana}/interactions", kind="coffee", date=""
    )
    assert "Logged the coffee" in logged.text
    assert "last two-way contact moments ago" in logged.text
    assert "1 hour ago" not in logged.text
    clock.freeze(NOW + timedelta(minutes=5))
    page = client.get("/").text
    assert "log how it went" not in page and "Coffee with Dana" not in page
    assert f'data-key="circle:{dana}"' not in page  # her cadence starts again
    brief = client.get(f"/api/brief/{dana}").json()
    assert "5 minutes ago" in brief["strength"]
    # a meeting planned ahead that has now happened still asks how it went
    clock.freeze(NOW - timedelta(days=1))
    client.post(
        "/api/interactions",
        json={
            "kind": "meeting",
            "participants": [seeded["lee"]],
            "occurred_at": (NOW - timedelta(hours=2)).isoformat(),
            "subject": "Roadmap",
        },
    )
    clock.freeze(NOW)
    later = client.get("/").text
    assert "Roadmap" in later and "earlier today: log how it went" in later
    clock.freeze(NOW + timedelta(minutes=20))
    assert "last two-way contact 20 minutes ago" in client.get(f"/people/{dana}").text


def test_the_api_reads_strength_at_its_own_moment(client: Any, seeded: dict[str, int]) -> None:
    """Only the clock moves: GET /api/strength and /api/circle give lower scores day by day."""
    from kithkin import clock

    sam, dana = seeded["sam"], seeded["dana"]
    scores = []
    for day in (2, 3, 10, 30):
        clock.freeze(NOW + timedelta(days=day))
        report = client.get(f"/api/strength/{sam}").json()
        members = {m["person_id"]: m["score"] for m in client.get("/api/circle").json()["members"]}
        offered = {s["person_id"]: s for s in client.get("/api/circle/suggestions").json()}
        assert offered[sam]["tier"] == report["tier"]
        scores.append((report["score"], members[dana], offered[sam]["score"]))
    for before, after in itertools.pairwise(scores):
        assert all(a < b for a, b in zip(after, before, strict=True)), (before, after)


def test_today_offers_the_circle_s_free_places_and_adds_with_one_click(
    client: Any, seeded: dict[str, int]
) -> None:
    """A circle below its cap: Today's last section offers the strongest two-way
    relationships not in it (Sam waits for a reply already: he is shown there, once)."""
    lee = seeded["lee"]
    client.post(
        "/api/interactions",
        json={
            "kind": "coffee",
            "participants": [lee],
            "occurred_at": (NOW - timedelta(days=3)).isoformat(),
        },
    )
    page = client.get("/").text
    assert "Room in your circle" in page and f'data-key="room:{lee}"' in page
    assert "strength " in page and "two-way, last two-way contact 3 days ago" in page
    assert f'data-key="room:{seeded["sam"]}"' not in page
    data = client.get("/api/today").json()
    [room] = [s for s in data["sections"] if s["name"] == "room"]
    assert room["items"][0]["actions"]["add"] == f"kithkin circle add '#{lee}'"
    added = post_form(client, "/", "/circle/add", person=f"#{lee}", next="/")
    assert "Added Lee Chen to your circle" in added.text
    assert f'data-key="room:{lee}"' not in added.text
