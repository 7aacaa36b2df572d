"""`kithkin serve --workers N`: a real server of several processes on 127.0.0.1, and what
they share (a mail import started by one worker is followed from any of them, and only one
runs at a time across them)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from kithkin.errors import Conflict, NotFound
from kithkin.services.access import default_workers
from kithkin.store import Database
from kithkin.web.mail_import import MailJobs
from tests.builders.mail import ME, as_me_at
from tests.ingest.mailbox import message, write_mbox
from tests.web.conftest import token_of

DANA = "Dana Whitfield <dana@acme.example>"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def mbox(tmp_path: Path) -> Path:
    return write_mbox(
        tmp_path / "archive.mbox",
        [
            message("1@acme", DANA, [ME], "Board pack"),
            message("2@kk", f"Ana <{ME}>", [DANA], "Re: Board pack", day=1, reply_to="1@acme"),
        ],
    )


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`kithkin serve --workers 2` on a free port of 127.0.0.1; (its URL, its log)."""
    as_me_at(db_url)
    port = _free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "KITHKIN_DB": db_url}
    env.pop("KITHKIN_SERVED", None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kithkin", "serve", "--port", str(port), "--workers", "2"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while log.read_text().count("Application startup complete") < 2:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"2 workers did not start:\n{log.read_text()}"
            time.sleep(0.1)
        yield base, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(url: str) -> httpx.Response:
    """A request on a connection of its own (so the workers share them out)."""
    with httpx.Client(timeout=30) as client:
        return client.get(url)


def test_two_workers_answer_pages_and_the_api(server: tuple[str, Path]) -> None:
    base, log = server
    pids = set(re.findall(r"Started server process \[(\d+)\]", log.read_text()))
    assert len(pids) == 2
    pages = ["/", "/people", "/people?q=dana", "/circle"]
    paths = [*pages, "/api/people", "/api/stats", "/api/search?q=dana"] * 5
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda p: _get(base + p), paths))
    assert [a.status_code for a in answers] == [200] * len(paths)


def test_a_form_posted_to_another_worker_passes_its_csrf_check(
    server: tuple[str, Path],
) -> None:
    base, _ = server
    for n in range(4):  # new connections: the page and the post reach either worker
        page = _get(f"{base}/people/new")
        token = token_of(page.text)
        with httpx.Client(timeout=30, cookies=page.cookies) as client:
            added = client.post(
                f"{base}/people/new",
                data={"csrf_token": token, "display_name": f"Worker Test {n}"},
            )
        assert added.status_code in (200, 303), added.text
    listed = _get(f"{base}/api/people?limit=100").json()
    names = {p["display_name"] for p in listed}
    assert {f"Worker Test {n}" for n in range(4)} <= names


def test_a_mail_import_is_followed_from_any_worker(server: tuple[str, Path], mbox: Path) -> None:
    base, _ = server
    with httpx.Client(timeout=30) as client:
        started = client.post(f"{base}/api/import/mail", json={"locations": [str(mbox)]})
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        answer = _get(f"{base}/api/import/mail/{job_id}")
        assert answer.status_code == 200, answer.text  # whichever worker it reached
        seen.append(answer.json()["state"])
        if seen[-1] != "running" and len(seen) >= 8:
            break
    assert seen[-1] == "done"
    for _ in range(6):
        body = _get(f"{base}/api/import/mail").json()
        assert [job["id"] for job in body] == [job_id]
        assert body[0]["summary"]["read"] == 2
        page = _get(f"{base}/import/mail?job={job_id}")
        assert page.status_code == 200 and 'data-state="done"' in page.text


def test_one_import_at_a_time_across_processes(db: Database, mbox: Path, tmp_path: Path) -> None:
    """Two job boards on one folder, as two workers have: either sees the other's job."""
    as_me_at(db.url)
    folder = tmp_path / "shared"
    folder.mkdir()
    first, second = MailJobs(folder), MailJobs(folder)
    job = first.start(db, [str(mbox)], None)
    seen = second.get(job.id)
    assert seen.id == job.id and seen.locations == [str(mbox)]
    if seen.state == "running":
        with pytest.raises(Conflict):
            second.start(db, [str(mbox)], None)
    done = second.wait(job.id, timeout=60)
    assert done.state == "done" and done.summary is not None
    assert [j.id for j in second.recent()] == [job.id]
    with pytest.raises(NotFound):
        second.get("0123456789abcdef")
    with pytest.raises(NotFound):
        second.get("../../etc/passwd")


def test_a_job_whose_process_is_gone_reads_as_failed(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (folder / "00ff00ff00ff00ff.json").write_text(
        '{"id": "00ff00ff00ff00ff", "locations": ["x.mbox"], "state": "running", "read": 5,'
        ' "per_second": 1.0, "seconds": 5.0, "started_at": "2026-01-01T00:00:00+00:00",'
        f' "finished_at": null, "summary": null, "error": null, "pid": {gone.pid}}}'
    )
    (folder / "0000000000000bad.json").write_text("{not json")
    jobs = MailJobs(folder)
    job = jobs.get("00ff00ff00ff00ff")
    assert job.state == "failed" and job.error == "the server process stopped"
    assert [j.id for j in jobs.recent()] == ["00ff00ff00ff00ff"]


def test_default_workers() -> None:
    assert default_workers(bind="127.0.0.1", dialect="sqlite") == 1
    cores = max(1, min(8, os.cpu_count() or 1))
    assert default_workers(bind="0.0.0.0", dialect="sqlite") == cores  # noqa: S104
    assert default_workers(bind="127.0.0.1", dialect="postgresql") == cores
