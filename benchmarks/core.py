"""Core figures: CLI start-up, search, backup round trip — each against a baseline, one run.

    uv run python benchmarks/core.py [--people N]

Prints a table of medians and ratios (these machines are noisy; compare ratios, not seconds).
- start-up: `kithkin --help` against a bare `python -c pass` and `python -c "import sqlalchemy"`
  (what --help would cost if the store were imported eagerly).
- search: FTS5 `search_people` against the portable LIKE scan (the non-SQLite fallback) on the
  demo network scaled up to N people.
- backup: export then restore into an empty database, against a plain `SELECT *` of every table.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kithkin.demo import build_demo
from kithkin.store import Database, backup, people, story
from kithkin.store import search as search_seam
from kithkin.store.backup import backup_tables

WORDS = ["sailboat", "porto", "cio", "acme", "marathon", "board", "security", "chess"]


def median_of(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(cmd: list[str]) -> Callable[[], object]:
    return lambda: subprocess.run(cmd, check=True, capture_output=True)


def grow(db: Database, extra: int) -> None:
    """Add `extra` people with a story fact each, so search runs on a bigger network."""
    with db.write() as conn:
        for n in range(extra):
            pid = people.add_person(
                conn, display_name=f"Bench Person {n}", organisation=f"Org {n % 400}"
            )
            story.add_fact(
                conn, pid, "passions", f"likes {WORDS[n % len(WORDS)]} and topic{n % 997}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--people", type=int, default=20_000, help="grow the demo to this many people"
    )
    args = parser.parse_args()
    rows: list[tuple[str, float, str, float]] = []

    exe = sys.executable
    kithkin = [exe, "-m", "kithkin", "--help"]
    base = median_of(run([exe, "-c", "pass"]), 7)
    eager = median_of(run([exe, "-c", "import sqlalchemy, fastapi"]), 7)
    ours = median_of(run(kithkin), 7)
    rows.append(("kithkin --help", ours, "python -c pass", base))
    rows.append(("kithkin --help", ours, "import sqlalchemy, fastapi", eager))

    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        start = time.perf_counter()
        summary = build_demo(db, seed=7)
        built = time.perf_counter() - start
        grow(db, max(0, args.people - summary.people))
        with db.read() as conn:
            total = people.count_people(conn)

            def fts() -> None:
                for word in WORDS:
                    people.search_people(conn, word, limit=20)

            def like() -> None:
                for word in WORDS:
                    search_seam._search_like(conn, [word], 20)

            rows.append(
                (
                    f"search x{len(WORDS)} (FTS5)",
                    median_of(fts, 9),
                    "LIKE scan fallback",
                    median_of(like, 9),
                )
            )

            def dump() -> None:
                backup.export(conn, io.StringIO())

            def select_all() -> None:
                for table in backup_tables():
                    list(conn.execute(table.select()))

            rows.append(
                (
                    "backup export",
                    median_of(dump, 3),
                    "SELECT * of every table",
                    median_of(select_all, 3),
                )
            )
        out = Path(folder) / "b.json"
        with db.read() as conn, out.open("w") as handle:
            backup.export(conn, handle)
        size = out.stat().st_size

        def restore() -> None:
            target = Path(folder) / f"r{time.perf_counter_ns()}.db"
            fresh = Database(f"sqlite:///{target}")
            with fresh.write() as conn:
                backup.restore(conn, out)
            fresh.dispose()

        restore_time = median_of(restore, 3)

    print(
        f"demo network: {summary.people} people, {summary.interactions} interactions, "
        f"built in {built:.2f} s; grown to {total} people for search"
    )
    print(f"backup restore into an empty database: {restore_time:.2f} s ({size / 1e6:.1f} MB file)")
    print()
    print(f"{'kithkin':<28} {'median':>10}   {'baseline':<28} {'median':>10}   {'ratio':>7}")
    for name, value, base_name, base_value in rows:
        print(
            f"{name:<28} {value * 1000:>8.1f}ms   {base_name:<28} {base_value * 1000:>8.1f}ms"
            f"   {value / base_value:>6.2f}x"
        )


if __name__ == "__main__":
    main()
