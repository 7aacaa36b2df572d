"""Gatherings and the review through the web app, in-process: the API, the forms, the .ics
download and the feed behind its own token (public even when the server asks for one)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import recurring_ical_events
from fastapi.testclient import TestClient
from icalendar import Calendar

from kithkin import clock
from kithkin.services import access, gathering_feed, review
from kithkin.store import Database
from kithkin.web.app import create_app
from tests.web.conftest import BASE_URL, JSON, add_person, post_form

NOW = datetime(2026, 3, 18, 12, tzinfo=UTC)


def _add(client: TestClient, **fields: object) -> dict[str, object]:
    body = {"name": "Lunch", "rrule": "FREQ=WEEKLY;BYDAY=TU", "at": "12:00", "tz": "UTC"}
    response = client.post("/api/gatherings", json={**body, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_the_api_adds_lists_attends_and_removes(client: TestClient) -> None:
    clock.freeze(NOW)
    added = _add(client, first_day="2026-02-01", hashtag="#lunch", group="Paris CTOs")
    gid = added["gathering"]["id"]  # type: ignore[index]
    assert added["schedule"] == "weekly on Tuesday at 12:00 (UTC)"
    assert added["next_at"] == "2026-03-24T12:00:00Z"
    done = client.post(f"/api/gatherings/{gid}/attended", json={"day": "2026-03-17"})
    assert done.status_code == 200 and done.json()["habit"]["attended"] == 1
    dana = add_person(client, display_name="Dana Whitfield")
    met = client.post(f"/api/gatherings/{gid}/met", json={"person": f"#{dana}"})
    assert met.json()["met"] == [
        {"person_id": dana, "display_name": "Dana Whitfield", "day": "2026-03-17"}
    ]
    [listed] = client.get("/api/gatherings").json()["gatherings"]
    assert listed["gathering"]["hashtag"] == "lunch"
    assert client.post("/api/gatherings", json={"name": "x"}).status_code == 422
    bad = client.post("/api/gatherings", json={"name": "X", "rrule": "FREQ=HOURLY", "at": "10:00"})
    assert bad.status_code == 400 and "at most daily" in bad.json()["error"]
    assert (
        client.post(
            "/api/gatherings", json={**{"name": "lunch"}, "rrule": "FREQ=DAILY", "at": "9:00"}
        ).status_code
        == 409
    )
    assert client.delete(f"/api/gatherings/{gid}").status_code == 204
    assert client.get("/api/gatherings").json()["gatherings"] == []


def test_the_page_and_its_forms(client: TestClient) -> None:
    clock.freeze(NOW)
    page = post_form(
        client, "/gatherings", "/gatherings/add",
        name="Cloud chat", rrule="FREQ=WEEKLY;BYDAY=TH", at="17:00", tz="Europe/Paris",
        platform="Zoom", link="https://zoom.example/j/1", first_day="2026-03-01",
    )  # fmt: skip
    assert "Added Cloud chat: weekly on Thursday at 17:00 (Europe/Paris)." in page.text
    assert 'href="https://zoom.example/j/1"' in page.text
    page = post_form(client, "/gatherings", "/gatherings/1/attended", day="2026-03-12")
    assert "you were at Cloud chat on 2026-03-12" in page.text
    assert 'data-state="attended" data-day="2026-03-12"' in page.text
    page = post_form(
        client, "/gatherings", "/gatherings/add", name="Bad", rrule="FREQ=MINUTELY", at="10:00"
    )
    assert "at most daily" in page.text and "flash-error" in page.text


def test_the_download_and_the_feed(client: TestClient, db_url: str) -> None:
    clock.freeze(NOW)
    _add(client, first_day="2026-03-01", tz="America/New_York", link="https://meet.example/a")
    download = client.get("/gatherings/kithkin.ics")
    assert download.headers["content-type"].startswith("text/calendar")
    db = Database(db_url)
    try:
        token = gathering_feed.feed_token(db)
    finally:
        db.dispose()
    feed = client.get(f"/feed/{token}.ics")
    assert feed.status_code == 200 and feed.content == download.content
    cal = Calendar.from_ical(feed.content)
    found = recurring_ical_events.of(cal).between(date(2026, 3, 1), date(2026, 3, 20))
    assert [e.decoded("DTSTART").strftime("%d %H:%M %z") for e in found] == [
        "03 12:00 -0500",
        "10 12:00 -0400",  # the clocks moved on 8 March
        "17 12:00 -0400",
    ]
    assert client.get("/feed/not-the-token.ics").status_code == 404


def test_the_feed_needs_no_login_where_the_server_asks_for_a_token(db_url: str) -> None:
    digest = access.token_digest("s3cret-token-for-the-web")
    with TestClient(create_app(db_url, token_sha256=digest), base_url=BASE_URL) as client:
        db = Database(db_url)
        try:
            token = gathering_feed.feed_token(db)
        finally:
            db.dispose()
        assert client.get("/gatherings", follow_redirects=False).status_code in (303, 307, 401)
        assert client.get(f"/feed/{token}.ics").status_code == 200
        assert client.get("/feed/guess.ics").status_code == 404


def test_the_review_api_is_the_services_numbers(client: TestClient, db_url: str) -> None:
    clock.freeze(NOW)
    dana = add_person(client, display_name="Dana Whitfield")
    for at, direction in (("2026-03-17T10:00:00", "from_me"), ("2026-03-10T10:00:00", "to_me")):
        client.post(
            "/api/interactions",
            json={
                "kind": "email",
                "direction": direction,
                "occurred_at": at,
                "participants": [dana],
            },
        )
    found = client.get("/api/review").json()
    db = Database(db_url)
    try:
        expected = review.to_json(review.review(db))
    finally:
        db.dispose()
    assert found["touches"] == expected["touches"]
    assert found["touches"][-1] == {"week": "2026-03-16", "mine": 1, "theirs": 0}
    assert found["touches"][-2] == {"week": "2026-03-09", "mine": 0, "theirs": 1}
    goals = client.put("/api/review/goals", json={"conversations": 3, "minutes": 60}, headers=JSON)
    assert goals.json()["conversations"] == 3 and goals.json()["minutes"] == 60
    months = client.get(f"/api/people/{dana}/months").json()
    assert len(months) == 24 and months[-1] == {"month": "2026-03-01", "mine": 1, "theirs": 1}
    person_page = client.get(f"/people/{dana}").text
    assert 'id="months-chart"' in person_page
    assert 'data-series="mine" data-label="Mar 26" data-value="1.0"' in person_page


def test_the_review_page_draws_its_numbers(client: TestClient) -> None:
    clock.freeze(NOW)
    dana = add_person(client, display_name="Dana Whitfield")
    client.post(
        "/api/interactions",
        json={
            "kind": "coffee",
            "direction": "both",
            "occurred_at": "2026-03-17T10:00:00",
            "participants": [dana],
        },
    )
    page = client.get("/review").text
    for chart in ("touches-chart", "strength-chart", "habit-chart"):
        assert f'id="{chart}"' in page and f'id="{chart}-title"' in page
    assert 'data-series="mine" data-label="16 Mar" data-value="1.0"' in page
    assert 'data-label="2026-03-17" data-value="1"' in page  # the heatmap's day
    assert 'data-goal="conversations" data-actual="1"' in page
    page = post_form(client, "/review", "/review/reflect", key="meeting:1", text="Good talk.")
    assert "Kept your reflection on coffee with Dana Whitfield." in page.text


def test_the_person_page_says_where_we_met(client: TestClient, db_path: Path) -> None:
    clock.freeze(NOW)
    dana = add_person(client, display_name="Dana Whitfield")
    gid = _add(client)["gathering"]["id"]  # type: ignore[index]
    client.post(f"/api/gatherings/{gid}/met", json={"person": "Dana", "day": "2026-03-17"})
    page = client.get(f"/people/{dana}").text
    assert (
        "You met at" in page
        and f'href="/gatherings#gathering-{gid}">Lunch</a> (2026-03-17)' in page
    )


def test_reading_the_page_makes_no_address_the_button_does(client: TestClient, db_url: str) -> None:
    page = client.get("/gatherings").text
    assert "/feed/" not in page and "Make a calendar address" in page
    page = post_form(client, "/gatherings", "/gatherings/feed").text
    assert "Made your calendar address" in page
    db = Database(db_url)
    try:
        token = gathering_feed.existing_token(db)
    finally:
        db.dispose()
    assert token and f"/feed/{token}.ics" in page
    page = post_form(client, "/gatherings", "/gatherings/feed").text
    assert "the old one no longer works" in page and f"/feed/{token}.ics" not in page
    assert client.get(f"/feed/{token}.ics").status_code == 404
