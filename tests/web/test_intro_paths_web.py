"""Who can introduce me: the page, its search form, the person page's link, and the API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from kithkin import clock
from kithkin.services import mail
from kithkin.store import Database
from tests.builders.mail import as_me
from tests.graph.test_knows_mail import scenario
from tests.ingest.mailbox import BASE, write_mbox


def imported(db_url: str, tmp_path: Path) -> None:
    clock.freeze(BASE + timedelta(days=10))
    db = Database(db_url)
    mail.import_mail(as_me(db), locations=[str(write_mbox(tmp_path / "in.mbox", scenario()))])
    db.dispose()


def test_the_page_searches_and_shows_each_leg(
    db_url: str, tmp_path: Path, client: TestClient
) -> None:
    imported(db_url, tmp_path)
    empty = client.get("/intros/paths")
    assert empty.status_code == 200 and 'name="to"' in empty.text
    page = client.get("/intros/paths", params={"to": "Dana"})
    assert page.status_code == 200
    assert "Who can introduce me to Dana" in page.text
    assert "1 path to Dana" in page.text
    assert "You and Bob" in page.text and "Bob and Dana" in page.text
    assert "a reply on &#39;Re: Deal&#39;" in page.text
    by_domain = client.get("/intros/paths", params={"to": "zeta.example"})
    assert "anyone at zeta.example" in by_domain.text and "Bob and Dana" in by_domain.text
    unknown = client.get("/intros/paths", params={"to": "Zed Nobody"})
    assert unknown.status_code == 404 and "flash-error" in unknown.text
    none = client.get("/intros/paths", params={"to": "frank@uni.example"})
    assert none.status_code == 200 and "No path to frank@uni.example yet" in none.text


def test_the_person_page_asks_who_can_introduce_me(
    db_url: str, tmp_path: Path, client: TestClient
) -> None:
    imported(db_url, tmp_path)
    dana = client.get("/api/people", params={"q": "Dana"}).json()[0]["id"]
    page = client.get(f"/people/{dana}").text
    assert 'action="/intros/paths"' in page and f'value="#{dana}"' in page
    assert "Who can introduce me to Dana" in page
    assert "Bob and Dana" in client.get("/intros/paths", params={"to": f"#{dana}"}).text


def test_the_api(db_url: str, tmp_path: Path, client: TestClient) -> None:
    imported(db_url, tmp_path)
    found = client.get("/api/intros/paths", params={"to": "dana@zeta.example"})
    assert found.status_code == 200, found.text
    data = found.json()
    assert (data["kind"], data["target"]) == ("person", "Dana")
    [path] = data["paths"]
    assert [leg["name"] for leg in path["legs"]] == ["Bob", "Dana"]
    assert path["score"] == min(leg["score"] for leg in path["legs"])
    assert path["legs"][1]["evidence"].startswith("a reply on 'Re: Deal'")
    assert client.get("/api/intros/paths", params={"to": "Zed Nobody"}).status_code == 404
    assert client.get("/api/intros/paths", params={"to": " "}).status_code in (400, 422)
    bob = data["paths"][0]["legs"][0]["person_id"]
    ties = client.get(f"/api/knows/{bob}").json()
    assert [(t["name"], t["tier"]) for t in ties["ties"]] == [("Dana", "weak")]
    assert client.get("/api/knows/99999").status_code == 404
