"""Today at scale: 50,000 people and up to 5,000,000 interactions in a temporary SQLite file.

    uv run python benchmarks/today.py [--people 50000] [--steps 500000,1000000,2000000,5000000]
                                      [--no-mail] [--keep PATH]

The network is generated here (fictional, `.example`), written with raw executemany in one
transaction per batch: people with a skewed number of interactions each (Pareto: a few
hundred people hold a large share, like a real mailbox), email threads that alternate between
me and them with a `mail_message` row per email (person, list and bulk mail; sizes), text
messages, about eight meetings, calls, coffees or notes a day, a circle of ten, and eight
meetings planned for today and tomorrow.

At each step (the database grows in place) it prints:
- catch-up: the refresh of the relationship table after the step's new interactions (the
  first step computes every relationship; later steps recompute everyone they touched);
- Today (warm): `services.today.agenda` with the relationship table fresh, median of 7 —
  the figure that must stay under 200 ms;
- Today (no-op check): what deciding "nothing changed" costs inside it.
Then, at the last size, 1,000 new interactions arrive, and it prints the incremental refresh
they cost and Today right after it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kithkin import clock
from kithkin.services import today
from kithkin.services.relationships import refresh
from kithkin.store import Database, relationships

NOW = datetime(2026, 3, 14, 7, 0, tzinfo=UTC)
YEARS = 3
WRITTEN = ("email", "message")
WRITTEN_WEIGHTS = (88, 12)
SPOKEN = ("meeting", "call", "coffee", "note")
SPOKEN_WEIGHTS = (50, 30, 10, 10)
SPOKEN_PER_DAY = 8  # a diary has room for so many meetings and calls, whatever the mailbox


def stamp(at: datetime) -> str:
    """A datetime as SQLAlchemy's SQLite DateTime stores it (naive UTC)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class Generator:
    def __init__(self, people: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people = people
        # a skewed share of the traffic per person: Pareto weights, shuffled over ids
        weights = [self.rng.paretovariate(1.1) for _ in range(people)]
        self.cum: list[float] = []
        total = 0.0
        for w in weights:
            total += min(w, 400.0)
            self.cum.append(total)
        self.next_id = 1
        self.thread = 0

    def people_rows(self) -> list[tuple[Any, ...]]:
        at = stamp(NOW - timedelta(days=365 * YEARS + 30))
        return [
            (i, f"bench{i:06d}", f"Person {i}", "Person", f"{i}", f"Org {i % 900}", "CIO", at, at)
            for i in range(1, self.people + 1)
        ]

    def batch(
        self, n: int, start: datetime, end: datetime
    ) -> tuple[list[Any], list[Any], list[Any]]:
        """About `n` interactions between `start` and `end`: (interactions, participants, mail)."""
        rng = self.rng
        inter: list[Any] = []
        parts: list[Any] = []
        mail: list[Any] = []
        span = (end - start).total_seconds()
        created = stamp(end)
        while len(inter) < n:
            pid = rng.choices(range(1, self.people + 1), cum_weights=self.cum)[0]
            at = start + timedelta(seconds=span * (rng.random() ** 0.7))
            spoken = rng.random() < SPOKEN_PER_DAY * (span / 86_400) / n
            kind = rng.choices(
                *((SPOKEN, SPOKEN_WEIGHTS) if spoken else (WRITTEN, WRITTEN_WEIGHTS))
            )[0]
            if kind == "email":
                self.thread += 1
                direction = rng.choice(("from_me", "to_me"))
                category = rng.choices(("person", "list", "bulk"), (85, 10, 5))[0]
                length = 1 if category != "person" else rng.choice((1, 1, 2, 2, 3, 4, 6))
                for _ in range(length):
                    if at > end:
                        break
                    iid = self.next_id
                    self.next_id += 1
                    role = {"from_me": "to", "to_me": "from"}[direction]
                    if category == "list":
                        role = "list"
                    inter.append(
                        (iid, "email", direction, stamp(at), f"Subject {self.thread}", None,
                         f"b{self.thread}", "bench", f"m{iid}", created)
                    )  # fmt: skip
                    parts.append((iid, pid, role))
                    mail.append(
                        (f"b{iid}@bench.example", category, direction, stamp(at), False,
                         rng.randint(1, 3), iid, "S", "INBOX", "bench", 0,
                         rng.randint(900, 30_000), created)
                    )  # fmt: skip
                    at += timedelta(hours=rng.expovariate(1 / 20))
                    direction = "to_me" if direction == "from_me" else "from_me"
                continue
            iid = self.next_id
            self.next_id += 1
            direction = {"note": "neither", "message": rng.choice(("from_me", "to_me"))}.get(
                kind, "both"
            )
            inter.append(
                (iid, kind, direction, stamp(at), f"{kind} {iid}", None, None, "bench",
                 f"m{iid}", created)
            )  # fmt: skip
            parts.append((iid, pid, "with"))
            if kind == "meeting" and rng.random() < 0.3:
                for other in rng.sample(range(1, self.people + 1), rng.randint(1, 4)):
                    if other != pid:
                        parts.append((iid, other, "with"))
        return inter, parts, mail


def insert(db: Database, inter: list[Any], parts: list[Any], mail: list[Any]) -> None:
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO interaction (id, kind, direction, occurred_at, subject, summary, "
            "thread_key, source, source_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            inter,
        )
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO interaction_participant (interaction_id, person_id, role) "
            "VALUES (?,?,?)",
            parts,
        )
        if mail:
            conn.exec_driver_sql(
                "INSERT INTO mail_message (message_id, category, direction, date, "
                "date_estimated, recipients, interaction_id, flags, folder, source_file, "
                "source_offset, size, imported_at, has_dkim) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,0)",
                mail,
            )


def setup(db: Database, gen: Generator) -> None:
    with db.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO person (id, uid, display_name, given_name, family_name, organisation,"
            " title, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            gen.people_rows(),
        )
        conn.exec_driver_sql("INSERT INTO tag (id, name) VALUES (1, 'circle')")
        conn.exec_driver_sql(
            "INSERT INTO person_tag (person_id, tag_id) VALUES (?, 1)",
            [(i,) for i in range(1, 11)],
        )


def plan_meetings(db: Database, gen: Generator) -> None:
    """Eight meetings today and tomorrow, with one or two people each."""
    rows, parts = [], []
    for n in range(8):
        iid = gen.next_id
        gen.next_id += 1
        at = NOW.replace(hour=9) + timedelta(hours=5 * n)
        rows.append(
            (iid, "meeting", "both", stamp(at), f"Planned meeting {n}", None, None, "bench",
             f"m{iid}", stamp(NOW))
        )  # fmt: skip
        for pid in {1 + n * 7, 2 + n * 13}:
            parts.append((iid, pid, "with"))
    insert(db, rows, parts, [])


def median_of(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000, help="people in the network")
    parser.add_argument(
        "--steps", default="500000,1000000,2000000,5000000", help="interaction counts to measure"
    )
    parser.add_argument("--no-mail", action="store_true", help="no mail_message rows")
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    clock.freeze(NOW)
    with tempfile.TemporaryDirectory() as folder:
        path = args.keep or Path(folder) / "today.db"
        path.unlink(missing_ok=True)
        db = Database(f"sqlite:///{path}")
        gen = Generator(args.people, args.seed)
        setup(db, gen)
        plan_meetings(db, gen)
        start = NOW - timedelta(days=365 * YEARS)
        rows: list[tuple[int, float, float, float, float]] = []
        made = 0
        for target in steps:
            t0 = time.perf_counter()
            while made < target:
                size = min(200_000, target - made)
                inter, parts, mail = gen.batch(size, start, NOW - timedelta(minutes=5))
                insert(db, inter, parts, [] if args.no_mail else mail)
                made += len(inter)
            generated = time.perf_counter() - t0
            t0 = time.perf_counter()
            refresh(db, NOW)
            catch_up = time.perf_counter() - t0
            warm = median_of(lambda: today.agenda(db, now=NOW), 7)
            check = median_of(lambda: refresh(db, NOW), 7)
            rows.append((made, generated, catch_up, warm, check))
            print(
                f"  {made:>9,} interactions: generated in {generated:.1f} s, "
                f"refresh {catch_up:.1f} s, Today {warm * 1000:.0f} ms",
                flush=True,
            )
        # 1,000 new interactions arrive (mail of the last minutes: newer than what is stored)
        inter, parts, mail = gen.batch(1000, NOW - timedelta(minutes=4), NOW - timedelta(minutes=1))
        insert(db, inter, parts, [] if args.no_mail else mail)
        with db.read() as conn:
            dirty = len(relationships.plan(conn, NOW).person_ids)
        t0 = time.perf_counter()
        refreshed = refresh(db, NOW)
        incremental = time.perf_counter() - t0
        after = median_of(lambda: today.agenda(db, now=NOW), 7)
        agenda = today.agenda(db, now=NOW)
        size_mb = path.stat().st_size / 1e6
        db.dispose()
    print()
    print(f"{args.people:,} people; database {size_mb:,.0f} MB at the last step")
    print(f"{'interactions':>13} {'catch-up refresh':>17} {'Today (warm)':>13} {'no-op check':>12}")
    for made, _, catch_up, warm, check in rows:
        print(f"{made:>13,} {catch_up:>15.2f} s {warm * 1000:>10.1f} ms {check * 1000:>9.2f} ms")
    print()
    print(
        f"+1,000 interactions ({len(inter)} written, {dirty} people touched): "
        f"incremental refresh {incremental * 1000:.0f} ms ({refreshed} recomputed); "
        f"Today after it {after * 1000:.1f} ms"
    )
    counts = {name: len(agenda.section(name)) for name, _ in today.SECTIONS}
    print(f"Today held {counts} (hidden {agenda.hidden})")
    verdict = "within" if max(r[3] for r in rows) <= 0.2 else "OVER"
    print(f"warm Today {verdict} the 200 ms budget at every size")


if __name__ == "__main__":
    main()
