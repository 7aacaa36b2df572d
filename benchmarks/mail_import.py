"""Mail import end to end: kithkin's messages/second (parse + resolve + store into a fresh
SQLite file) against parsing alone with the stdlib `email` package, one table.

    uv run python benchmarks/mail_import.py [--messages N] [--sample N] [--repeat N]

Inputs: the Enron inbox corpus (5,340 message files) and one mbox of N messages (default
200,000) built by `mail_parse.build_mbox` from the real corpora, each copy with fresh
Message-IDs. Rows, each run in a fresh process:

- kithkin import: `ingest.mail.import_mail` into a new database (a worker process parses
  while the main one stores), the time of the call itself;
- kithkin re-import: the same mailbox again (unchanged), into the same database;
- SQLite inserts alone (floor): the rows that import wrote, read back and inserted again
  into a fresh database of the same schema (same pragmas, the same per-batch commits, the
  search index built by the same statement), untouched by Python: what storing costs before
  any parsing or deciding. No importer that stores these rows in SQLite can beat it;
- email full / email headers / kithkin parse alone / raw read: `mail_parse`'s rows (parse
  only, no storing; kithkin's scanner reading every record in one process).

Below the table, per input: how much faster an unchanged re-import is; the CPU a message
may take for kithkin to run at 2x `BytesHeaderParser` on two cores, against what parsing
alone, `prepare` and the hand-over between processes (measured on the first --sample
messages) and the floor already take; and the floor by table.

Peak RSS is each process's high-water mark (VmHWM), the main one and the largest worker,
sampled from /proc while the import runs; "main CPU s" is the storing process's own CPU time
(on a busy machine the wall time says more about the neighbours). Times are best of
--repeat runs: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mail_parse  # the generator and baselines of benchmarks/mail_parse.py

ENRON = mail_parse.ENRON


def child_import(db: str, path: str, workers: int | None) -> dict[str, Any]:
    from kithkin.ingest.mail import import_mail
    from kithkin.store import Database

    database = Database(f"sqlite:///{db}")
    start, cpu = time.perf_counter(), time.process_time()
    summary = import_mail(database, [path], workers=workers)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    database.dispose()
    return {"count": summary.read, "new": summary.new, "seconds": seconds, "cpu": cpu}


def child_stages(path: str, sample: int) -> dict[str, Any]:
    """CPU seconds a message of the steps between parsing and storing, measured on the
    first `sample` messages (all with 0): `prepare` (what a message is, in the worker) and
    the hand-over between processes (as the import does it: a plain tuple pickled in the
    worker, unpickled and made a `Prepared` again in the storing process, in tasks of 500
    as the pool sends them)."""
    from itertools import islice

    from kithkin.ingest.mail.prepare import from_values, prepare_values
    from kithkin.sources.mail import MessageRecord, read_mail
    from kithkin.sources.mail.parallel import fewer_collections

    records = (r for r in read_mail(path) if isinstance(r, MessageRecord))
    found = list(islice(records, sample or None))
    clock = time.process_time
    with fewer_collections():  # as during an import
        start = clock()
        prepared = [prepare_values(frozenset(), record) for record in found]
        prepared_at = clock()
        sent = [
            pickle.dumps(prepared[at : at + 500], protocol=5) for at in range(0, len(found), 500)
        ]
        received = [from_values(b) for blob in sent for b in pickle.loads(blob)]  # noqa: S301
        done = clock()
    assert len(received) == len(found)
    return {
        "count": len(found),
        "prepare": prepared_at - start,
        "hand_over": done - prepared_at,
    }


def in_child(*args: object) -> dict[str, Any]:
    """What this script prints, as JSON, when run in a fresh process with `args`."""
    command = [sys.executable, __file__, *map(str, args)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure_stages(path: Path, sample: int) -> dict[str, Any]:
    return in_child("--stages", path, sample)


# Tables in an order their foreign keys accept; the rows of each are inserted in batches the
# size of the import's, a commit after each.
FLOOR_TABLES = (
    "mail_source",
    "person",
    "contact_point",
    "mail_thread",
    "interaction",
    "interaction_participant",
    "mail_thread_ref",
    "mail_message",
    "mail_file",
)


def child_floor(db: str, floor: str) -> dict[str, Any]:
    """The floor row: every row the import stored, inserted again with executemany alone."""
    from kithkin.ingest.mail.files import CACHE_MB
    from kithkin.ingest.mail.session import BATCH_SIZE
    from kithkin.store import Database, search

    copy = Database(f"sqlite:///{floor}")
    copy.migrate()
    source = sqlite3.connect(db)
    messages = source.execute("SELECT count(*) FROM mail_message").fetchone()[0]
    tables = []
    for name in FLOOR_TABLES:
        cursor = source.execute(f"SELECT * FROM {name}")  # noqa: S608 (in stored order)
        columns = ", ".join(d[0] for d in cursor.description)
        marks = ", ".join("?" * len(cursor.description))
        sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"  # noqa: S608 (constants)
        tables.append((sql, cursor.fetchall()))
    people = [row[0] for row in source.execute("SELECT id FROM person ORDER BY id")]
    source.close()
    by_table: dict[str, float] = {}
    with copy.writer(cache_mb=CACHE_MB) as conn:
        start, cpu = time.perf_counter(), time.process_time()
        for name, (sql, rows) in zip(FLOOR_TABLES, tables, strict=True):
            began = time.perf_counter()
            for at in range(0, len(rows), BATCH_SIZE):
                with conn.begin():
                    conn.exec_driver_sql(sql, rows[at : at + BATCH_SIZE])
            by_table[name] = time.perf_counter() - began
        began = time.perf_counter()
        for at in range(0, len(people), BATCH_SIZE):
            with conn.begin():
                search.index_new_people(conn, people[at : at + BATCH_SIZE])
        by_table["person_fts (search index)"] = time.perf_counter() - began
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    copy.dispose()
    return {"count": messages, "seconds": seconds, "cpu": cpu, "by_table": by_table}


def _hwm(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for kid in children.get(todo.pop(), []):
            out.append(kid)
            todo.append(kid)
    return out


def measure_import(db: Path, path: Path, workers: int | None) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", str(db), str(path), str(workers)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    main_peak = worker_peak = 0.0
    while process.poll() is None:
        main_peak = max(main_peak, _hwm(process.pid))
        for pid in _descendants(process.pid):
            worker_peak = max(worker_peak, _hwm(pid))
        time.sleep(0.05)
    out, _ = process.communicate()
    if process.returncode:
        sys.exit(f"the import failed ({process.returncode})")
    result: dict[str, Any] = json.loads(out)
    result["rss_mb"], result["worker_mb"] = main_peak, worker_peak
    return result


def measure_floor(db: Path, floor: Path) -> dict[str, Any]:
    return in_child("--floor", db, floor)


def kithkin_rows(
    label: str, path: Path, folder: Path, repeat: int, workers: int | None
) -> list[tuple[str, str, dict[str, Any]]]:
    best: dict[str, Any] = {}
    again: dict[str, Any] = {}
    floor: dict[str, Any] = {}
    for n in range(repeat):
        db = folder / f"{label.split()[0]}-{n}.db"
        first = measure_import(db, path, workers)
        if not best or first["seconds"] < best["seconds"]:
            best = first
        second = measure_import(db, path, workers)
        if not again or second["seconds"] < again["seconds"]:
            again = second
        copy = folder / f"{label.split()[0]}-{n}-floor.db"
        alone = measure_floor(db, copy)
        if not floor or alone["seconds"] < floor["seconds"]:
            floor = alone
        for name in (db, copy):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
    assert again["new"] == 0
    again["count"] = best["count"]  # the messages the re-import did not have to read again
    floor["count"] = best["count"]  # rates per message read, as the import's
    return [
        (label, "kithkin import (end to end)", best),
        (label, "kithkin re-import, unchanged", again),
        (label, "SQLite inserts alone (floor)", floor),
    ]


def baseline_rows(label: str, path: Path, sample: int) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (label, "email full + getaddresses", mail_parse.measure("full", path, sample=sample)),
        (label, "email BytesHeaderParser", mail_parse.measure("headers", path, sample=sample)),
        (label, "kithkin parse alone, 1 core", mail_parse.measure("kithkin", path)),
        (label, "raw read (floor)", mail_parse.measure("raw", path)),
    ]


def print_table(
    rows: list[tuple[str, str, dict[str, Any]]], stages_of: dict[str, dict[str, Any]]
) -> None:
    rates = {(label, name): r["count"] / r["seconds"] for label, name, r in rows}
    head = (
        f"{'input':<24} {'run':<30} {'messages':>9} {'seconds':>8} {'msg/s':>9} "
        f"{'x full':>7} {'x headers':>9} {'main CPU s':>10} {'peak RSS MB (main, worker)':>27}"
    )
    print(head)
    print("-" * len(head))
    for label, name, r in rows:
        rate = rates[(label, name)]
        full = rate / rates[(label, "email full + getaddresses")]
        headers = rate / rates[(label, "email BytesHeaderParser")]
        rss = f"{r['rss_mb']:.0f}, {r['worker_mb']:.0f}" if "worker_mb" in r else "-"
        cpu = f"{r['cpu']:.2f}" if "cpu" in r else "-"
        print(
            f"{label:<24} {name:<30} {r['count']:>9,} {r['seconds']:>8.2f} {rate:>9,.0f} "
            f"{full:>6.1f}x {headers:>8.1f}x {cpu:>10} {rss:>27}"
        )
    for label in dict.fromkeys(label for label, _, _ in rows):
        first = next(r for lb, n, r in rows if lb == label and n.startswith("kithkin import"))
        again = next(r for lb, n, r in rows if lb == label and "re-import" in n)
        floor = next(r for lb, n, r in rows if lb == label and "floor" in n)
        print(
            f"{label}: unchanged re-import {again['seconds']:.3f} s, "
            f"{first['seconds'] / again['seconds']:.0f}x faster than the first import"
        )
        budget = 1e6 * 2 / (2 * rates[(label, "email BytesHeaderParser")])
        parse = next(r for lb, n, r in rows if lb == label and "parse alone" in n)
        stages = stages_of[label]
        steps = {
            "parse": 1e6 * parse["cpu"] / parse["count"],
            "prepare": 1e6 * stages["prepare"] / stages["count"],
            "hand-over": 1e6 * stages["hand_over"] / stages["count"],
            "store (floor)": 1e6 * floor["cpu"] / first["count"],
        }
        needed = sum(steps.values())
        print(
            f"{label}: 2x BytesHeaderParser on 2 cores leaves {budget:.0f} µs of CPU a message; "
            + " + ".join(f"{name} {value:.0f}" for name, value in steps.items())
            + f" = {needed:.0f} µs ({needed / budget:.0%}) before threads and people are "
            "resolved"
        )
        parts = sorted(floor["by_table"].items(), key=lambda item: -item[1])
        print(
            f"{label}: the floor by table, µs a message: "
            + ", ".join(f"{name} {s * 1e6 / floor['count']:.1f}" for name, s in parts)
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--stages":
        print(json.dumps(child_stages(sys.argv[2], int(sys.argv[3]))))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--floor":
        print(json.dumps(child_floor(*sys.argv[2:4])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        db, path, workers = sys.argv[2:5]
        print(json.dumps(child_import(db, path, None if workers == "None" else int(workers))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000, help="size of the big mbox")
    parser.add_argument("--sample", type=int, default=20_000, help="mbox messages for baselines")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each import (best)")
    parser.add_argument("--workers", type=int, default=None, help="parsing processes (auto)")
    args = parser.parse_args()
    if not ENRON.exists():
        sys.exit(f"the corpora are not in {mail_parse.DATA}")
    with tempfile.TemporaryDirectory(prefix="kithkin-bench-") as name:
        folder = Path(name)
        rows = kithkin_rows("enron-inbox (files)", ENRON, folder, args.repeat, args.workers)
        rows += baseline_rows("enron-inbox (files)", ENRON, 0)
        stages_of = {"enron-inbox (files)": measure_stages(ENRON, 0)}
        mbox = folder / "big.mbox"
        started = time.perf_counter()
        count = mail_parse.build_mbox(mbox, args.messages)
        size = mbox.stat().st_size
        print(
            f"built {mbox.name}: {count:,} messages, {size / 1e6:,.0f} MB "
            f"in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        label = f"mbox ({count:,}, {size / 1e9:.1f} GB)"
        rows += kithkin_rows(label, mbox, folder, args.repeat, args.workers)
        rows += baseline_rows(label, mbox, args.sample)
        stages_of[label] = measure_stages(mbox, args.sample)
    print_table(rows, stages_of)


if __name__ == "__main__":
    main()
