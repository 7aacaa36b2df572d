"""What team accounts cost a request, and a login: the guard's work per request and argon2id.

    uv run python benchmarks/accounts.py [--requests 300]

Serves one small database with uvicorn on 127.0.0.1 and times `GET /api/me` (a read of one
setting), one client, one request after another, three ways: on a personal database (the
baseline: no login, what every request cost before accounts), and on the same database once
it has users, with a session cookie and with an API token (each request then also looks its
session or token up). Then a login with the real argon2id parameters (RFC 9106's second
recommendation), a wrong password, and an unknown user name (which checks a dummy hash, so
it must cost the same). Medians and p95 in milliseconds; ratios against the baseline.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from kithkin.errors import NotLoggedIn
from kithkin.model import SOLO
from kithkin.services import accounts, sessions, team
from kithkin.store import Database

PASSWORD = "correct horse battery staple"  # noqa: S105 - a made-up user's


@contextmanager
def served(url: str) -> Iterator[str]:
    import uvicorn

    from kithkin.web.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(url), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def timed(call: Callable[[], object], n: int, *, warm: int = 20) -> list[float]:
    for _ in range(min(warm, n)):
        call()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def row(name: str, times: list[float], base: float | None) -> str:
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
    ratio = f"{median / base:6.2f}x" if base else "  base "
    return f"{name:<34} {median:9.2f} {p95:9.2f}  {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    n = args.requests
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'kithkin.db'}"
        db = Database(url)
        print(f"{'GET /api/me, one client':<34} {'median ms':>9} {'p95 ms':>9}  ratio")
        with served(url) as base_url, httpx.Client(base_url=base_url) as client:
            personal = timed(lambda: client.get("/api/me").raise_for_status(), n)
        baseline = statistics.median(personal)
        print(row("personal database (no login)", personal, None))
        accounts.add_user(db, actor=SOLO, username="ada", password=PASSWORD, role="owner")
        made = accounts.add_token(db, actor=team.actor_for(db, "ada"), label="bench")
        with served(url) as base_url, httpx.Client(base_url=base_url) as client:
            page = client.get("/login").text
            csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
            client.post(
                "/login", data={"csrf_token": csrf, "username": "ada", "password": PASSWORD}
            )
            cookie = timed(lambda: client.get("/api/me").raise_for_status(), n)
            bearer = {"Authorization": f"Bearer {made.token}"}
            with httpx.Client(base_url=base_url, headers=bearer) as api:
                token = timed(lambda: api.get("/api/me").raise_for_status(), n)
        print(row("team database, session cookie", cookie, baseline))
        print(row("team database, API token", token, baseline))

        def attempt(username: str, password: str, n: int = 0) -> Callable[[], object]:
            def call() -> object:
                try:
                    return sessions.log_in(
                        db, username=username, password=password, address=f"bench{n}"
                    )
                except NotLoggedIn:
                    return None

            return call

        rounds = 5
        good = timed(attempt("ada", PASSWORD), rounds)
        print()
        print(f"{'a login (argon2id m=64 MiB, t=3)':<34} {'median ms':>9} {'p95 ms':>9}  ratio")
        print(row("right password", good, None))
        wrong = [timed(attempt("ada", "wrong password", k), 1, warm=0)[0] for k in range(4)]
        unknown = [timed(attempt(f"nobody{k}", PASSWORD, k), 1, warm=0)[0] for k in range(4)]
        print(row("wrong password", wrong, statistics.median(good)))
        print(row("unknown user name", unknown, statistics.median(good)))
        db.dispose()


if __name__ == "__main__":
    main()
