"""The Amplify page and its API: the chart plots the months' numbers (checked, not pixels),
with a table of the same; the forms log a share, set the target, follow a feed and decide on
queue items; the API says the same as the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from kithkin import clock
from tests.web.conftest import add_person, post_form

NOW = datetime(2024, 7, 25, 12, tzinfo=UTC)


def log(client: TestClient, kind: str, days_ago: int, **more: str) -> dict[str, object]:
    at = (NOW - timedelta(days=days_ago)).isoformat()
    response = client.post("/api/shares", json={"kind": kind, "at": at, **more})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_the_page_plots_the_months_and_says_the_ratio(client: TestClient) -> None:
    clock.freeze(NOW)
    dana = add_person(client, display_name="Dana Whitfield")
    for days in (1, 2, 3):
        log(client, "own", days)
    log(client, "amplify", 4, of=f"#{dana}", url="https://dana.example/post")
    log(client, "amplify", 35, of="Dana")  # June: one amplified, nothing of my own
    page = client.get("/amplify").text
    assert "25%</strong> amplification — 1 of 4 shares; your target is 50%." in page
    bars = dict(re.findall(r'data-month="(\d{4}-\d\d)" data-percent="(\d*)"', page))
    assert len(bars) == 12
    assert (bars["2024-07"], bars["2024-06"], bars["2024-05"]) == ("25", "100", "")
    assert "<title>2024-07: 25% amplification (1 of 4)</title>" in page
    assert "<title>2024-05: nothing shared</title>" in page
    assert '<th scope="row">2024-07</th><td>1</td><td>3</td><td>25%</td>' in page
    assert "below your target of 50%" in page
    assert 'href="/people/' in page and "Dana Whitfield" in page

    api = client.get("/api/amplify", params={"days": 28}).json()
    assert api["overall"] == {"label": "all", "own": 3, "amplify": 1, "percent": 25}
    assert api["voices"][0]["display_name"] == "Dana Whitfield"
    assert client.get("/api/shares", params={"limit": 2}).json()[0]["kind"] == "own"


def test_the_forms_log_set_follow_and_decide(client: TestClient) -> None:
    pid = add_person(client, display_name="Sam Okafor")
    done = post_form(client, "/amplify", "/amplify/share", kind="amplify", of="Sam", url="")
    assert "Logged: an amplification of Sam Okafor." in done.text
    done = post_form(client, "/amplify", "/amplify/target", percent="60")
    assert "Target: 60%" in done.text
    assert client.get("/api/amplify").json()["target"] == 60
    done = post_form(client, "/amplify", "/amplify/share", kind="own", url="not a url")
    assert "not a web address" in done.text
    done = post_form(
        client, "/amplify", "/amplify/feeds", person=f"#{pid}", url="https://sam.example/"
    )
    assert "Following Sam Okafor: https://sam.example/" in done.text
    feeds = client.get("/api/amplify/feeds").json()
    assert [f["url"] for f in feeds] == ["https://sam.example/"]
    assert client.delete(f"/api/amplify/feeds/{feeds[0]['id']}").json() == []
    assert client.put("/api/amplify/target", json={"percent": 101}).status_code == 422
    assert client.post("/api/amplify/queue/999", json={"action": "shared"}).status_code == 404


def test_importing_from_the_page_and_the_api(client: TestClient, tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    shares = folder / "Shares.csv"
    shares.write_text(
        "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"
        "2024-03-01 09:00:00,urn:li:share:1,Mine,,,PUBLIC\n"
        "2024-03-02 09:00:00,urn:li:share:2,,https://blog.example/x,,PUBLIC\n",
        encoding="utf-8",
    )
    done = post_form(client, "/amplify", "/amplify/import", paths=f"{shares}\n")
    assert "Imported: 2 shares read, 2 new, 0 already there." in done.text
    again = client.post("/api/import/social", json={"paths": [str(shares)]}).json()
    assert (again["read"], again["added"], again["unchanged"]) == (2, 0, 2)
    missing = client.post("/api/import/social", json={"paths": [str(folder / "none.zip")]})
    assert missing.status_code == 400 and "no such file" in missing.json()["error"]

    page = client.get("/amplify", params={"days": 3650}).text
    assert '<input type="hidden" name="author" value="blog.example">' in page
    pid = add_person(client, display_name="Bo Blogger")
    done = post_form(client, "/amplify", "/amplify/authors", author="blog.example", person="Bo")
    assert "blog.example is Bo Blogger: their shares are linked." in done.text
    person = client.get(f"/api/people/{pid}").json()
    assert [c["value"] for c in person["contact_points"]] == ["https://blog.example"]
    voices = client.get("/api/amplify", params={"days": 3650}).json()["voices"]
    assert [(v["person_id"], v["count"]) for v in voices] == [(pid, 1)]


def test_the_queue_through_the_api_from_a_local_feed(client: TestClient) -> None:
    from tests.services.test_amplify import Server

    feeds = Server()
    try:
        dana = add_person(client, display_name="Dana Whitfield")
        added = client.post(
            "/api/amplify/feeds", json={"person": f"#{dana}", "url": f"{feeds.url}/dana.rss"}
        )
        assert [f["url"] for f in added.json()] == [f"{feeds.url}/dana.rss"]
        fetched = client.post("/api/amplify/fetch").json()
        assert (fetched["feeds"], fetched["new_items"]) == (1, 3)
        queue = client.get("/api/amplify/queue").json()
        assert queue[0]["title"] == "Fresh post" and "never amplified" in queue[0]["why"]
        done = client.post(f"/api/amplify/queue/{queue[0]['id']}", json={"action": "shared"})
        assert done.json()["state"] == "shared"
        shares = client.get("/api/shares").json()
        assert (shares[0]["kind"], shares[0]["person_id"]) == ("amplify", dana)
        page = client.get("/amplify").text
        assert "Sam" not in page and "Old post" in page and "Fresh post" not in page
        assert "javascript:" not in page
    finally:
        feeds.httpd.shutdown()
        feeds.httpd.server_close()
