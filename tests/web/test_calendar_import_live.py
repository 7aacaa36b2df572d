"""A hostile calendar imported through a real server (uvicorn on 127.0.0.1): the import ends in
seconds with the clipped events in its summary, and the server answers other requests while
it runs (the import runs in the thread pool, off the event loop)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kithkin.web.app import create_app
from tests.builders.mail import as_me_at
from tests.web.test_browser import serve_app


@pytest.fixture
def server(db_url: str) -> Iterator[str]:
    as_me_at(db_url)
    yield from serve_app(create_app(db_url))


def storms(tmp_path: Path, count: int) -> Path:
    """`count` meetings, each repeating every second from 2025 on, in one small file."""
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:storm-{i}\r\nSUMMARY:Storm {i}\r\nDTSTART:20250101T000000Z\r\n"
        "DURATION:PT1S\r\nRRULE:FREQ=SECONDLY;COUNT=100000000\r\n"
        f"ATTENDEE:mailto:p{i}@storm.example\r\nEND:VEVENT\r\n"
        for i in range(count)
    )
    path = tmp_path / "storms.ics"
    path.write_text(
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n{events}END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    return path


def test_a_hostile_import_ends_in_seconds_and_the_server_answers_meanwhile(
    server: str, tmp_path: Path
) -> None:
    path = storms(tmp_path, 40)
    assert path.stat().st_size < 10_000
    outcome: dict[str, Any] = {}

    def run_import() -> None:
        began = time.monotonic()
        with httpx.Client(base_url=server, timeout=120) as client:
            response = client.post("/api/import/calendar", json={"paths": [str(path)]})
        outcome["response"] = response
        outcome["seconds"] = time.monotonic() - began

    importer = threading.Thread(target=run_import, daemon=True)
    importer.start()
    answers: list[float] = []
    with httpx.Client(base_url=server, timeout=30) as client:
        time.sleep(0.5)  # the import is under way
        while importer.is_alive() and len(answers) < 5:
            asked = time.monotonic()
            page = client.get("/import/mail")
            assert page.status_code == 200
            answers.append(time.monotonic() - asked)
    importer.join(timeout=90)
    assert not importer.is_alive(), "the import did not end in 90 s"
    assert answers, "the import ended before the page was asked for"
    assert max(answers) < 3, answers  # answered while the import ran
    response = outcome["response"]
    assert response.status_code == 200, response.text
    body = response.json()
    assert outcome["seconds"] < 60
    # 2,000 of an event, 5,000 of the file's clipped events together: the first ones kept
    assert body["events"] == 5000
    assert [c["kept"] for c in body["clipped"]] == [2000, 2000, 1000] + [0] * 37
    assert body["clipped"][0]["reason"] == "more than 2,000 occurrences in the window"
    assert body["clipped"][-1]["reason"].endswith("this file's clipped events already gave 5,000")
