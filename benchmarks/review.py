"""The weekly review, the gatherings and the person chart at scale, against Today as the
baseline: the same generated network as benchmarks/today.py (50,000 people, 1,000,000
interactions over three years by default, a circle of ten), plus five gatherings with a year of
attendance.

    uv run python benchmarks/review.py [--people 50000] [--interactions 1000000]

Each figure is the median of 5 warm runs (relationships refreshed first, as Today does), and
its ratio to Today (warm) on the same database: the review reads 26 weeks of interactions and
the whole history of the circle and of the 300 most active people of the last 12 weeks.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from today import NOW, YEARS, Generator, insert, median_of, setup

from kithkin import clock
from kithkin.services import gatherings, review, today
from kithkin.services.relationships import refresh
from kithkin.store import Database

PLAN = (
    ("Breakfast", "FREQ=MONTHLY;BYDAY=1TU", "07:30", "America/New_York"),
    ("Cloud chat", "FREQ=WEEKLY;BYDAY=TH", "12:00", "Europe/Paris"),
    ("Run", "FREQ=WEEKLY;BYDAY=FR", "07:00", "Europe/London"),
    ("Roundtable", "FREQ=MONTHLY;BYDAY=-1WE", "17:00", "Asia/Singapore"),
    ("Standup", "FREQ=DAILY", "09:00", "UTC"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    clock.freeze(NOW)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'review.db'}")
        gen = Generator(args.people, args.seed)
        setup(db, gen)
        start = NOW - timedelta(days=365 * YEARS)
        made = 0
        t0 = time.perf_counter()
        while made < args.interactions:
            size = min(200_000, args.interactions - made)
            inter, parts, mail = gen.batch(size, start, NOW - timedelta(minutes=5))
            insert(db, inter, parts, mail)
            made += len(inter)
        refresh(db, NOW)
        built = time.perf_counter() - t0
        first = (NOW - timedelta(days=365)).date()
        for name, rule, at, tz in PLAN:
            gatherings.add_gathering(db, name=name, rrule=rule, at=at, tz=tz, first_day=first)
            status = gatherings.gathering(db, gathering=name)
            for k, mark in enumerate(status.habit.marks):
                if k % 5 != 3:
                    gatherings.attended(db, gathering=name, day=mark.day)
        figures = {
            "Today (warm), the baseline": median_of(lambda: today.agenda(db, now=NOW), 5),
            "kithkin review (the week)": median_of(lambda: review.review(db, now=NOW), 5),
            "gathering list (5, a year each)": median_of(
                lambda: gatherings.gatherings(db, now=NOW), 5
            ),
            "Today's next up and reflections": median_of(
                lambda: (gatherings.today(db, now=NOW), review.pending(db, now=NOW)), 5
            ),
            "person chart (24 months)": median_of(
                lambda: review.person_months(db, person=1, now=NOW), 5
            ),
        }
        db.dispose()
    base = next(iter(figures.values()))
    print(f"{args.people:,} people, {made:,} interactions (built in {built:.0f} s)")
    print(f"{'':34} {'median':>10} {'× Today':>8}")
    for label, seconds in figures.items():
        print(f"{label:34} {seconds * 1000:>7.1f} ms {seconds / base:>8.2f}")


if __name__ == "__main__":
    main()
