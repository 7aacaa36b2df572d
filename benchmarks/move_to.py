"""`kithkin move-to` at scale, against the plain backup (export + restore) of the same data.

    uv run python benchmarks/move_to.py [--people 50000] [--interactions 200000] [--no-pg]

The personal database is generated with benchmarks/today.py's generator (fictional,
`.example`): people with an address each, a circle tag, interactions with their participants
and mail messages, a note for every tenth person. Each step runs as its own `kithkin`
process, whose time and peak memory (its maximum resident set, from the kernel) are printed:

- baseline: `kithkin export -o FILE` then `kithkin import backup FILE` into a new file;
- move-to into a new SQLite file (every row copied with its id, then checked);
- move-to into a new PostgreSQL database (a throwaway cluster, tests/pg_cluster.py), unless
  `--no-pg` or PostgreSQL is not installed;
- move-to of the same database again into that file as a second member: every person,
  interaction and message is found in the target and merged (the lookups' worst case).

Ratios are against the baseline (export + restore, both steps added up; memory: the larger).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from today import NOW, YEARS, Generator, insert, setup, stamp  # noqa: E402

from kithkin.store import Database  # noqa: E402


def generate(path: Path, people: int, interactions: int) -> int:
    """The personal database; its number of rows."""
    db = Database(f"sqlite:///{path}")
    gen = Generator(people, seed=19)
    setup(db, gen)
    at = stamp(NOW - timedelta(days=30))
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO contact_point (person_id, kind, value, normalized, source, created_at)"
            " VALUES (?, 'email', ?, ?, 'bench', ?)",
            [(i, f"p{i}@bench.example", f"p{i}@bench.example", at) for i in range(1, people + 1)],
        )
        conn.exec_driver_sql(
            "INSERT INTO note (person_id, text, created_at) VALUES (?, ?, ?)",
            [(i, f"met person {i} at the forum", at) for i in range(1, people + 1, 10)],
        )
        conn.exec_driver_sql(
            "INSERT INTO setting (key, value) VALUES ('me', ?)",
            ('{"addresses": ["me@bench.example"], "name": "Bench Mark"}',),
        )
    start = NOW - timedelta(days=365 * YEARS)
    step = 50_000
    made = 0
    while made < interactions:
        n = min(step, interactions - made)
        span = (NOW - start) / interactions
        begin = start + span * made
        inter, parts, mail = gen.batch(n, begin, begin + span * n)
        insert(db, inter, parts, mail)
        made += len(inter)
    with db.read() as conn:
        from kithkin.store import backup

        total = 0
        for table in backup.backup_tables():
            total += int(conn.scalar(select(func.count()).select_from(table)) or 0)
    db.dispose()
    return total


def timed(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a kithkin command: (seconds, peak resident MB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kithkin", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"kithkin {' '.join(args)} failed:\n{err.decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--interactions", type=int, default=200_000)
    parser.add_argument("--no-pg", action="store_true", help="leave PostgreSQL out")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kithkin-move-bench-") as folder:
        here = Path(folder)
        source = here / "personal.db"
        started = time.perf_counter()
        rows = generate(source, options.people, options.interactions)
        print(
            f"personal database: {options.people:,} people, {rows:,} rows"
            f" (generated in {time.perf_counter() - started:.0f} s)"
        )
        db = ["--db", str(source)]
        results: list[tuple[str, float, float]] = []
        export = timed([*db, "export", "-o", str(here / "backup.json")])
        restore = timed(
            ["--db", str(here / "restored.db"), "import", "backup", str(here / "backup.json")]
        )
        results.append(("export (baseline, part 1)", *export))
        results.append(("import backup (baseline, part 2)", *restore))
        base = (export[0] + restore[0], max(export[1], restore[1]))
        results.append(("export + import backup (baseline)", *base))
        results.append(
            ("move-to a new SQLite file", *timed([*db, "move-to", str(here / "team.db")]))
        )
        cluster = None
        if not options.no_pg:
            try:
                from tests.pg_cluster import Cluster, Unavailable

                try:
                    cluster = Cluster()
                except Unavailable as exc:
                    print(f"(PostgreSQL left out: {exc})")
            except ImportError as exc:
                print(f"(PostgreSQL left out: {exc})")
        if cluster is not None:
            try:
                url = cluster.empty_database()
                results.append(("move-to a new PostgreSQL database", *timed([*db, "move-to", url])))
            finally:
                cluster.stop()
        again = timed([*db, "move-to", str(here / "team.db"), "--as", "second"])
        results.append(("move-to again: every person merged", *again))
        print(f"\n{'step':<38} {'seconds':>8} {'peak MB':>8} {'time ×':>7} {'memory ×':>8}")
        for name, seconds, peak in results:
            print(
                f"{name:<38} {seconds:>8.1f} {peak:>8.0f} {seconds / base[0]:>7.2f}"
                f" {peak / base[1]:>8.2f}"
            )


if __name__ == "__main__":
    main()
