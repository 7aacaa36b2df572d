"""The web UI under load: `kithkin serve --workers N` on 127.0.0.1, driven by 20 clients.

    uv run python benchmarks/web_load.py [--seconds 60] [--pages today,people,...]
        [--engines sqlite,postgresql] [--workers 2] [--people 5000] [--interactions 200000]

For each engine (SQLite, and PostgreSQL when a throwaway cluster can be started: see
tests/pg_cluster.py) the demo network is built, then scaled up with the generated people
and interactions of benchmarks/today.py (fictional, `.example`), the relationships are
refreshed, and the real server is started as a user would (`python -m kithkin serve`).
Then, page by page (Today, People, a person, a brief, search, the API), 20 clients on
keep-alive connections (asyncio + httpx) ask for it:

- saturation: no pause between requests, for `--seconds`: requests/s;
- paced: each client pausing 1 s between requests, for `--seconds`: p50/p95/p99.

It prints one row per page and engine with both, the errors (any answer but 200, or none),
and the ratios to the issue's targets (saturation ≥ 150 requests/s on two cores; paced p95 ≤
100 ms; so a ratio ≥ 1 meets the target), and the load average before and after: the
clients run on the same machine as the server, and the machine may be shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from today import Generator

from kithkin.demo import build_demo
from kithkin.services.relationships import refresh
from kithkin.store import Database

CLIENTS = 20
TARGET_RPS = 150.0
TARGET_P95 = 0.100
PAUSE = 1.0
OFFSET = 100_000  # generated people's ids start above the demo's
PAGES = ("today", "people", "person", "brief", "search", "api")


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def pct(self, q: float) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def rate(self) -> float:
        return len(self.times) / self.seconds if self.seconds else 0.0


def scale(db: Database, people: int, interactions: int, seed: int = 7) -> None:
    """Add `people` generated people and about `interactions` interactions among them over
    three years up to now, in portable SQL (SQLite and PostgreSQL)."""
    gen = Generator(people, seed)
    now = datetime.now(UTC)
    with db.read() as conn:
        top = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM interaction").scalar()
    gen.next_id = int(top or 0) + OFFSET
    rows = [
        dict(zip(("id", "uid", "display_name", "given_name", "family_name", "organisation",
                  "title", "created_at", "updated_at"), row, strict=True))
        for row in gen.people_rows()
    ]  # fmt: skip
    for row in rows:
        row["id"] += OFFSET
    with db.write() as conn:
        conn.execute(
            _sql(
                "INSERT INTO person (id, uid, display_name, given_name, family_name, "
                "organisation, title, created_at, updated_at) VALUES (:id, :uid, :display_name,"
                " :given_name, :family_name, :organisation, :title, :created_at, :updated_at)"
            ),
            rows,
        )
    start = now - timedelta(days=365 * 3)
    made = 0
    while made < interactions:
        inter, parts, mail = gen.batch(min(50_000, interactions - made), start, now)
        made += len(inter)
        with db.write() as conn:
            conn.execute(
                _sql(
                    "INSERT INTO interaction (id, kind, direction, occurred_at, subject, "
                    "summary, thread_key, source, source_id, created_at) VALUES (:a, :b, :c, "
                    ":d, :e, :f, :g, :h, :i, :j)"
                ),
                [dict(zip("abcdefghij", row, strict=True)) for row in inter],
            )
            conn.execute(
                _sql(
                    "INSERT INTO interaction_participant (interaction_id, person_id, role) "
                    "VALUES (:a, :b, :c) ON CONFLICT DO NOTHING"
                ),
                [{"a": i, "b": p + OFFSET, "c": r} for i, p, r in parts],
            )
            if not mail:
                continue
            conn.execute(
                _sql(
                    "INSERT INTO mail_message (message_id, category, direction, date, "
                    "date_estimated, recipients, interaction_id, flags, folder, source_file, "
                    "source_offset, size, imported_at, has_dkim) VALUES (:a, :b, :c, :d, :e, "
                    ":f, :g, :h, :i, :j, :k, :l, :m, FALSE)"
                ),
                [dict(zip("abcdefghijklm", row, strict=True)) for row in mail],
            )
    if db.dialect == "postgresql":
        with db.write() as conn:
            for table in ("person", "interaction"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT MAX(id) FROM {table}))"
                )


def _sql(statement: str) -> Any:
    from sqlalchemy import text

    return text(statement)


def build(url: str, people: int, interactions: int) -> dict[str, str]:
    """The demo network scaled up at `url`; the path of each page to load."""

    db = Database(url)
    try:
        build_demo(db)
        scale(db, people, interactions)
        refresh(db, datetime.now(UTC))
        with db.read() as conn:
            busiest = conn.exec_driver_sql(
                "SELECT person_id FROM interaction_participant GROUP BY person_id "
                "ORDER BY COUNT(*) DESC LIMIT 1"
            ).scalar()
            demo = conn.exec_driver_sql(
                f"SELECT MIN(id) FROM person WHERE id < {OFFSET}"  # noqa: S608
            ).scalar()
    finally:
        db.dispose()
    return {
        "today": "/",
        "people": "/people",
        "person": f"/people/{busiest}",
        "brief": f"/brief/{demo}",
        "search": "/people?q=cloud",
        "api": "/api/today",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(url: str, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "KITHKIN_DB": url}
    command = [sys.executable, "-m", "kithkin", "serve", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--workers", str(workers)], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped:\n{log.read_text()}")
        if log.read_text().count("Application startup complete") >= workers:
            return process, base
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the server did not start in 120 s:\n{log.read_text()}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def drive(base: str, path: str, seconds: float, pause: float) -> Tally:
    tally = Tally()
    end = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)

    async def client(n: int) -> None:
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
            if pause:  # spread the paced clients over the first second
                await asyncio.sleep(pause * n / CLIENTS)
            while time.monotonic() < end:
                t0 = time.perf_counter()
                try:
                    answer = await http.get(path)
                    ok = answer.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    tally.times.append(time.perf_counter() - t0)
                else:
                    tally.errors += 1
                if pause:
                    await asyncio.sleep(pause)

    t0 = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    tally.seconds = time.monotonic() - t0
    return tally


def engines(wanted: list[str], folder: Path) -> tuple[list[tuple[str, str]], Any]:
    found = []
    cluster = None
    for engine in wanted:
        if engine == "sqlite":
            found.append(("sqlite", f"sqlite:///{folder / 'web.db'}"))
        elif engine == "postgresql":
            try:
                from tests.pg_cluster import Cluster, Unavailable

                cluster = Cluster()
            except (ImportError, Unavailable, RuntimeError) as exc:
                print(f"postgresql: skipped ({exc})", flush=True)
                continue
            found.append(("postgresql", cluster.new_database()))
    return found, cluster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="per page and mode")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"of {', '.join(PAGES)}")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--interactions", type=int, default=200_000)
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = sorted(set(pages) - set(PAGES))
    if unknown:
        raise SystemExit(f"--pages: unknown {', '.join(unknown)} (known: {', '.join(PAGES)})")
    load_before = os.getloadavg()
    rows: list[tuple[str, str, str, Tally, Tally]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        found, cluster = engines(args.engines.split(","), folder)
        try:
            for engine, url in found:
                t0 = time.perf_counter()
                paths = build(url, args.people, args.interactions)
                print(f"{engine}: built in {time.perf_counter() - t0:.0f} s", flush=True)
                process, base = start_server(url, args.workers, folder / f"{engine}.log")
                try:
                    for page in pages:
                        path = paths[page]
                        asyncio.run(drive(base, path, min(3.0, args.seconds), 0))  # warm up
                        busy = asyncio.run(drive(base, path, args.seconds, 0))
                        paced = asyncio.run(drive(base, path, args.seconds, PAUSE))
                        rows.append((engine, page, path, busy, paced))
                        print(
                            f"  {page:<7} {busy.rate:6.1f} req/s  paced p95 "
                            f"{paced.pct(0.95) * 1000:6.1f} ms",
                            flush=True,
                        )
                finally:
                    stop_server(process)
        finally:
            if cluster is not None:
                cluster.stop()
    load_after = os.getloadavg()
    print()
    print(
        f"{args.workers} workers, {CLIENTS} clients, {args.seconds:.0f} s per page and mode; "
        f"{args.people:,} generated people, {args.interactions:,} interactions (+ the demo)"
    )
    print(
        f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
        f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} "
        f"({os.cpu_count()} cores)"
    )
    head = (
        f"{'engine':<10} {'page':<7} {'req/s':>7} {'×150':>5} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'100/p95':>7} {'errors':>6}"
    )
    print(head)
    for engine, page, _, busy, paced in rows:
        p95 = paced.pct(0.95)
        print(
            f"{engine:<10} {page:<7} {busy.rate:7.1f} {busy.rate / TARGET_RPS:5.2f} "
            f"{paced.pct(0.5) * 1000:7.1f} {p95 * 1000:7.1f} {paced.pct(0.99) * 1000:7.1f} "
            f"{TARGET_P95 / p95 if p95 else 0:7.2f} {busy.errors + paced.errors:6d}"
        )
    busy_p95 = [statistics.quantiles(b.times, n=20)[-1] for *_, b, _ in rows if len(b.times) > 1]
    if busy_p95:
        print(f"saturated p95 (no pause), worst page: {max(busy_p95) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
