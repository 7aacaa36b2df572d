"""A person's mail threads on their page and in the API; meetings in the API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from kithkin import clock
from kithkin.ingest.calendar import import_calendar
from kithkin.ingest.mail import import_mail
from kithkin.store import Database, people
from tests.builders.mail import ME, as_me
from tests.ingest.mailbox import message, write_mbox


def _setup(db_url: str, tmp_path: Path) -> int:
    db = as_me(Database(db_url))
    box = write_mbox(
        tmp_path / "in.mbox",
        [
            message("1@a", "Dana Whitfield <dana@acme.example>", [ME], "Quarterly <plan>"),
            message(
                "2@a", ME, ["dana@acme.example"], "Re: Quarterly <plan>", day=2, reply_to="1@a"
            ),
        ],
    )
    import_mail(db, [str(box)], workers=0)
    with db.read() as conn:
        dana = people.resolve(conn, "dana@acme.example")
    db.dispose()
    return dana


def test_the_person_page_shows_their_threads(
    client: TestClient, db_url: str, tmp_path: Path
) -> None:
    dana = _setup(db_url, tmp_path)
    page = client.get(f"/people/{dana}")
    assert page.status_code == 200
    html = page.text
    assert 'id="threads"' in html and "Quarterly &lt;plan&gt;" in html
    row = html[html.index("Quarterly &lt;plan&gt;") :].split("</tr>")[0]
    assert ">2<" in row and ">me<" in row


def test_the_threads_api(client: TestClient, db_url: str, tmp_path: Path) -> None:
    dana = _setup(db_url, tmp_path)
    response = client.get(f"/api/people/{dana}/threads")
    assert response.status_code == 200
    (thread,) = response.json()
    assert thread["subject"] == "Quarterly <plan>"
    assert (thread["message_count"], thread["with_them"], thread["last_from_me"]) == (2, 2, True)
    assert thread["first_at"].startswith("2024-03-04") and thread["last_at"].startswith(
        "2024-03-06"
    )
    assert client.get("/api/people/9999/threads").status_code == 404
    assert "/api/people/{person_id}/threads" in client.get("/openapi.json").json()["paths"]


def test_the_meetings_api(client: TestClient, db_url: str, tmp_path: Path) -> None:
    clock.freeze(datetime(2025, 3, 20, 12, tzinfo=UTC))
    cal = tmp_path / "c.ics"
    cal.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:x\r\n"
        "SUMMARY:Coffee\r\nDTSTART:20250321T080000Z\r\nDURATION:PT30M\r\n"
        "ATTENDEE;CN=Dana;PARTSTAT=ACCEPTED:mailto:dana@acme.example\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    db = Database(db_url)
    import_calendar(db, [cal])
    db.dispose()
    (meeting,) = client.get("/api/meetings").json()
    assert meeting["summary"] == "Coffee" and meeting["attendees"][0]["person_id"] is not None
    assert client.get("/api/meetings", params={"start": "2025-03-22T00:00:00Z"}).json() == []
