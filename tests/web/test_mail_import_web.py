"""Mail and calendar imports from the web: `/api/import/mail` (start, follow, one at a time),
`/api/import/calendar`, and the `/import/mail` page, on a fresh database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kithkin import clock
from kithkin.store import Database, settings
from kithkin.web.mail_import import MailJob, MailJobs
from tests.builders.mail import ME, as_me_at
from tests.conftest import shared_data
from tests.ingest.mail.test_notes import BIG, UNDATED, noted_mbox
from tests.ingest.mailbox import message, write_mbox
from tests.web.conftest import post_form, token_of

DANA = "Dana Whitfield <dana@acme.example>"
MEETING = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//kithkin tests//EN
BEGIN:VEVENT
UID:board-1@kithkin.test
DTSTAMP:20240301T090000Z
DTSTART:20240304T100000Z
DTEND:20240304T110000Z
SUMMARY:Board prep
ORGANIZER;CN=Ana:mailto:ana@kithkin.example
ATTENDEE;CN=Dana Whitfield;PARTSTAT=ACCEPTED:mailto:dana@acme.example
ATTENDEE;CN=Ana;PARTSTAT=ACCEPTED:mailto:ana@kithkin.example
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def me(db_url: str) -> None:
    as_me_at(db_url)


@pytest.fixture
def mbox(tmp_path: Path) -> Path:
    return write_mbox(
        tmp_path / "archive.mbox",
        [
            message("1@acme", DANA, [ME], "Board pack"),
            message("2@kk", f"Ana <{ME}>", [DANA], "Re: Board pack", day=1, reply_to="1@acme"),
            message("3@shop", "Shop <news@shop.example>", [ME], "Sale", day=2, Precedence="bulk"),
        ],
    )


def jobs(client: TestClient) -> MailJobs:
    app = getattr(client.app, "app", client.app)  # under SignedInAs: the app it wraps
    found: MailJobs = app.state.mail_jobs
    return found


def finished(client: TestClient, job_id: str) -> dict[str, Any]:
    jobs(client).wait(job_id, timeout=60)
    response = client.get(f"/api/import/mail/{job_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["state"] != "running", body
    return body


def test_start_and_follow_a_mail_import(client: TestClient, me: None, mbox: Path) -> None:
    started = client.post("/api/import/mail", json={"locations": [str(mbox)]})
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["state"] in ("running", "done") and job["locations"] == [str(mbox)]
    body = finished(client, job["id"])
    assert body["state"] == "done" and body["error"] is None
    summary = body["summary"]
    assert (summary["read"], summary["new"], summary["new_people"]) == (3, 3, 1)
    assert summary["by_category"] == {"person": 2, "bulk": 1}
    assert summary["unsubscribe_ignored"] == []
    assert body["read"] == 3 and body["finished_at"] is not None
    listed = client.get("/api/import/mail").json()
    assert [j["id"] for j in listed] == [job["id"]]
    person = client.get("/api/people", params={"q": "Dana"}).json()
    assert any(p["display_name"] == "Dana Whitfield" for p in person), person
    again = finished(
        client, client.post("/api/import/mail", json={"locations": [str(mbox)]}).json()["id"]
    )
    assert (again["summary"]["new"], again["summary"]["unchanged_sources"]) == (0, [str(mbox)])


def test_what_cannot_be_imported_is_said_at_once(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere.mbox"
    response = client.post("/api/import/mail", json={"locations": [str(missing)]})
    assert response.status_code == 400
    assert response.json() == {"error": f"{missing}: no such file or folder on this computer"}
    assert client.post("/api/import/mail", json={"locations": []}).status_code == 422
    blank = client.post("/api/import/mail", json={"locations": ["  "]})
    assert blank.status_code == 400 and "give the path of a mailbox" in blank.json()["error"]
    monkeypatch.delenv("KITHKIN_IMAP_PASSWORD", raising=False)
    imap = client.post("/api/import/mail", json={"locations": ["imaps://ana@127.0.0.1/INBOX"]})
    assert imap.status_code == 400 and "no password" in imap.json()["error"]
    nobody = client.post("/api/import/mail", json={"locations": ["~no-such-user-kk/mail"]})
    assert nobody.status_code == 400 and "no such user's home folder" in nobody.json()["error"]
    typo = client.post("/api/import/mail", json={"location": ["x"], "password": "hunter2-Zq"})
    assert typo.status_code == 422 and "hunter2-Zq" not in typo.text  # never echoed back
    assert client.get("/api/import/mail").json() == []  # nothing was started
    assert client.get("/api/import/mail/nope").status_code == 404


def test_one_mail_import_at_a_time(client: TestClient, mbox: Path) -> None:
    busy = MailJob(id="busy", locations=["x"], started_at=clock.now())
    jobs(client)._jobs[busy.id] = busy
    response = client.post("/api/import/mail", json={"locations": [str(mbox)]})
    assert response.status_code == 409
    assert response.json() == {"error": "a mail import is running; wait for it to end"}


def test_a_failing_import_says_why_and_keeps_what_was_stored(
    client: TestClient, me: None, mbox: Path
) -> None:
    """The mbox is stored, then the IMAP server (nothing listens on 127.0.0.1:1) refuses."""
    nowhere = "imaps://ana@127.0.0.1:1/INBOX"
    started = client.post(
        "/api/import/mail", json={"locations": [str(mbox), nowhere], "password": "pw-9Zq!"}
    )
    assert started.status_code == 202, started.text
    body = finished(client, started.json()["id"])
    assert body["state"] == "failed" and body["summary"] is None
    assert body["error"] and "127.0.0.1" in body["error"] and "\n" not in body["error"]
    assert body["read"] == 3  # the mbox was read and stored before the server refused
    people = client.get("/api/people", params={"q": "Dana"}).json()
    assert [p["display_name"] for p in people] == ["Dana Whitfield"]
    page = client.get(f"/import/mail?job={body['id']}").text
    assert 'data-state="failed"' in page and "The import stopped" in page and "pw-9Zq!" not in page


def test_calendar_import_api(client: TestClient, me: None, tmp_path: Path) -> None:
    ics = tmp_path / "work.ics"
    ics.write_text(MEETING)
    response = client.post(
        "/api/import/calendar",
        json={"paths": [str(ics)], "zone": "Europe/Berlin", "past_days": 36500},  # from 2024
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["events"], body["meetings"], body["interactions"], body["new_people"]) == (
        1,
        1,
        1,
        1,
    )
    bad_zone = client.post("/api/import/calendar", json={"paths": [str(ics)], "zone": "Mars/Base"})
    assert (
        bad_zone.status_code == 400 and bad_zone.json()["error"] == "unknown time zone 'Mars/Base'"
    )
    missing = client.post("/api/import/calendar", json={"paths": [str(tmp_path / "no.ics")]})
    assert missing.status_code == 400 and "no such file" in missing.json()["error"]
    refused = client.post(
        "/api/import/calendar", content=b'{"paths": []}', headers={"Content-Type": "text/plain"}
    )
    assert refused.status_code in (403, 415)  # the API takes JSON writes only


def test_the_page_starts_an_import_and_shows_its_summary(
    client: TestClient, me: None, mbox: Path
) -> None:
    page = client.get("/import/mail")
    assert page.status_code == 200 and 'id="mail-form"' in page.text
    assert 'href="/import/mail"' in client.get("/import").text  # reached from the Import page
    token = token_of(page.text)
    started = client.post(
        "/import/mail",
        data={"csrf_token": token, "locations": f"{mbox}\n", "password": ""},
        follow_redirects=False,
    )
    assert started.status_code == 303
    job_id = started.headers["location"].rsplit("=", 1)[1]
    jobs(client).wait(job_id, timeout=60)
    shown = client.get(f"/import/mail?job={job_id}").text
    assert 'data-state="done"' in shown and "Imported" in shown
    assert "<dd>3</dd>" in shown and "new people" in shown
    assert 'http-equiv="refresh"' not in shown  # only while it runs


def test_the_summary_says_what_the_parser_noticed(
    client: TestClient, me: None, tmp_path: Path
) -> None:
    box, (big, _, undated) = noted_mbox(tmp_path / "noted.mbox")
    (tmp_path / "passwd").write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    started = client.post("/api/import/mail", json={"locations": [str(box), str(tmp_path)]})
    assert started.status_code == 202, started.text
    summary = finished(client, started.json()["id"])["summary"]
    assert summary["undated"] == 1 and summary["not_mail"] == 1
    assert {"file": str(box), "place": f"offset {big}", "message": BIG} in summary["notes"]
    assert summary["note_counts"][UNDATED] == 1
    page = client.get(f"/import/mail?job={started.json()['id']}").text
    assert "Noticed while reading" in page and f"offset {undated}: {UNDATED}" in page
    assert "Skipped 1 file that is not mail" in page


def test_the_page_keeps_what_was_typed_but_never_the_password(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KITHKIN_IMAP_PASSWORD", raising=False)
    wrong = post_form(
        client,
        "/import/mail",
        "/import/mail",
        locations=str(tmp_path / "nowhere"),
        password="s3cret!",
    )
    assert wrong.status_code == 400 and "no such file or folder" in wrong.text
    assert str(tmp_path / "nowhere") in wrong.text and "s3cret!" not in wrong.text
    in_url = post_form(
        client, "/import/mail", "/import/mail", locations="imaps://ana:hunter2-Zq@127.0.0.1:1"
    )
    assert in_url.status_code == 400 and "hunter2-Zq" not in in_url.text
    assert "imaps://ana@127.0.0.1:1" in in_url.text  # what was typed, less the password
    refused = client.post("/import/mail", data={"locations": "x"})  # no CSRF token
    assert refused.status_code == 403


def test_the_page_imports_calendars(client: TestClient, me: None, tmp_path: Path) -> None:
    ics = tmp_path / "work.ics"
    ics.write_text(MEETING)
    done = post_form(client, "/import/mail", "/import/calendar", paths=str(ics), zone="")
    assert done.status_code == 200 and 'id="calendar-summary"' in done.text
    assert "Imported work.ics" in done.text


def test_the_page_tells_the_window_and_the_events_kept_in_part(
    client: TestClient, me: None, tmp_path: Path
) -> None:
    clock.freeze(datetime(2026, 1, 2, tzinfo=UTC))
    ics = tmp_path / "storm.ics"
    ics.write_text(
        MEETING.replace("DTEND:20240304T110000Z", "RRULE:FREQ=MINUTELY\nDURATION:PT1M")
        .replace("20240304T100000Z", "20260101T000000Z")
        .replace("Board prep", "Storm")
    )
    done = post_form(client, "/import/mail", "/import/calendar", paths=str(ics), zone="")
    assert done.status_code == 200
    assert "at most 2,000 of one event" in done.text
    assert (
        f"<code>{ics}</code>: line 4 (event board-1@kithkin.test): Storm: "
        "more than 2,000 occurrences in the window; 2,000 kept</li>" in done.text
    )


def test_the_enron_inbox_through_the_api(client: TestClient, db_url: str) -> None:
    db = Database(db_url)
    with db.write() as conn:
        settings.set_me(conn, name="Vince Kaminski", addresses=["vince.kaminski@enron.com"])
    db.dispose()
    path = shared_data("mail", "enron-inbox")
    body = finished(
        client, client.post("/api/import/mail", json={"locations": [str(path)]}).json()["id"]
    )
    assert body["state"] == "done" and body["summary"]["read"] == 5340
    assert body["per_second"] > 0 and body["read"] == 5340


def test_the_page_follows_a_running_import(client: TestClient) -> None:
    running = MailJob(id="run1", locations=["/srv/mail/archive.mbox"], started_at=clock.now())
    running.read = 12_345
    jobs(client)._jobs[running.id] = running
    page = client.get("/import/mail?job=run1")
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="1">' in page.text
    assert 'data-state="running"' in page.text and "Importing mail" in page.text
    assert "<strong>12,345</strong> messages read" in page.text
    listed = client.get("/import/mail").text  # without ?job: among the imports, still running
    assert "/import/mail?job=run1" in listed and "running, 12,345 messages" in listed
    assert client.get("/import/mail?job=gone").status_code == 404


def test_in_team_mode_each_member_sees_only_the_imports_they_started(
    db_url: str, mbox: Path
) -> None:
    from kithkin.services import team
    from kithkin.store import team as team_store
    from kithkin.web.app import create_app
    from tests.web.conftest import BASE_URL, JSON, SignedInAs

    db = Database(db_url)
    try:
        with db.write() as conn:
            for name, role in (("ada", "owner"), ("ben", "editor")):
                team.as_actor(team_store.add(conn, name, role=role))
    finally:
        db.dispose()
    app = create_app(db_url)
    with TestClient(SignedInAs(app, db_url), base_url=BASE_URL) as client:
        ada, ben = {"X-Test-User": "ada", **JSON}, {"X-Test-User": "ben", **JSON}
        started = client.post("/api/import/mail", json={"locations": [str(mbox)]}, headers=ada)
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        jobs(client).wait(job_id, timeout=60)
        mine = client.get(f"/api/import/mail/{job_id}", headers=ada)
        assert mine.status_code == 200 and mine.json()["state"] == "done"
        assert [j["id"] for j in client.get("/api/import/mail", headers=ada).json()] == [job_id]
        assert client.get(f"/api/import/mail/{job_id}", headers=ben).status_code == 404
        assert client.get("/api/import/mail", headers=ben).json() == []
        link = f"/import/mail?job={job_id}"
        page = client.get("/import/mail", headers={"X-Test-User": "ben"})
        assert page.status_code == 200 and link not in page.text
        assert link in client.get("/import/mail", headers={"X-Test-User": "ada"}).text
        shown = client.get(f"/import/mail?job={job_id}", headers={"X-Test-User": "ben"})
        assert shown.status_code == 404 and str(mbox) not in shown.text
