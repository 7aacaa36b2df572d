"""The amplification ratio of real accounts, month by month, and what importing them costs.

    uv run python benchmarks/amplify.py [--rounds 3]

Imports the Mastodon archive (../shared/data/social/mastodon-dealingwith) and the Bluesky
repository (../shared/data/social/bluesky/paul_staging.repo.car) each into a fresh database
with `kithkin import social`'s use case, then again (nothing new: the idempotent path), and
prints for each the share of amplification per month (boosts, reposts and quotes against own
posts and replies) and the overall ratio.

Timings, the median of `--rounds`, against the baseline of the parse alone: `json.loads` of
the outbox, `libipld.decode_car` of the repository (what any reader must do), so the ratios
say what kithkin adds (reading every post, linking authors' keys, storing with provenance).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kithkin.practices.amplify import by_month
from kithkin.services import amplify
from kithkin.store import Database

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "social"
SETS = {
    "mastodon": (DATA / "mastodon-dealingwith", DATA / "mastodon-dealingwith" / "outbox.json"),
    "bluesky": (DATA / "bluesky" / "paul_staging.repo.car",) * 2,
}


def baseline(name: str, path: Path) -> Callable[[], object]:
    if name == "mastodon":
        return lambda: json.loads(path.read_bytes())
    import libipld

    return lambda: libipld.decode_car(path.read_bytes())


def timed(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="Runs of each timing (median).")
    args = parser.parse_args()
    timings = []
    for name, (path, raw) in SETS.items():
        if not path.exists():
            print(f"{name}: {path} not found, skipped")
            continue
        with tempfile.TemporaryDirectory() as folder:

            def fresh_import(folder: str = folder, path: Path = path) -> float:
                """The import alone into a new, migrated database (made before timing)."""
                db = Database(f"sqlite:///{Path(folder) / f'{time.perf_counter_ns()}.db'}")
                try:
                    started = time.perf_counter()
                    amplify.import_social(db, paths=[path])
                    return time.perf_counter() - started
                finally:
                    db.dispose()

            db = Database(f"sqlite:///{Path(folder) / 'kept.db'}")
            done = amplify.import_social(db, paths=[path])
            first = statistics.median(fresh_import() for _ in range(args.rounds))
            again = timed(
                lambda db=db, path=path: amplify.import_social(db, paths=[path]), args.rounds
            )
            parse = timed(baseline(name, raw), args.rounds)
            shares = amplify.shares(db, limit=10_000)
            db.dispose()
        timings.append((name, done.read, parse, first, again))
        months = by_month(shares)
        total_own = sum(m.own for m in months)
        total_amp = sum(m.amplify for m in months)
        print(
            f"\n{name}: {done.read:,} shares ({total_own:,} own, {total_amp:,} amplified)"
            f", {done.direct} direct messages left out"
        )
        print(f"{'month':<8} {'own':>5} {'ampl.':>6} {'ratio':>6}")
        for m in months:
            print(f"{m.label:<8} {m.own:>5} {m.amplify:>6} {m.percent:>5}%")
        overall = round(100 * total_amp / (total_own + total_amp)) if shares else 0
        print(f"{'overall':<8} {total_own:>5} {total_amp:>6} {overall:>5}%")
    print(f"\nimport time, median of {args.rounds} (baseline: parsing the file alone)")
    print(
        f"{'export':<10} {'shares':>7} {'parse s':>8} {'import s':>9} {'x parse':>8}"
        f" {'again s':>8} {'x parse':>8}"
    )
    for name, n, parse, first, again in timings:
        print(
            f"{name:<10} {n:>7,} {parse:>8.3f} {first:>9.3f} {first / parse:>8.1f}"
            f" {again:>8.3f} {again / parse:>8.1f}"
        )


if __name__ == "__main__":
    main()
