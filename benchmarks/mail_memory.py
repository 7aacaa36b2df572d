"""Mail import memory against the size of a Maildir: peak RSS at 50k, 200k and 500k files.

    uv run python benchmarks/mail_memory.py [--sizes 50000,200000,500000] [--folders 10]

For each size, a Maildir++ of that many small message files (about 600 bytes each: 2,000
correspondents, one message in four a reply, a tenth of the files in each of `--folders`
folders, the first of which is the inbox itself) is written into a temporary directory (bytes
written directly, no `mailbox` module), imported into a fresh SQLite database in a child
process (`ingest.mail.import_mail`, parsing workers as an import picks them), imported again
unchanged, then touched (one file added: the folder is listed again, every file compared with
what is stored) and imported a third time; then everything is deleted before the next size.

Peak RSS is each child's own high-water mark (`ru_maxrss` of the importing process, and
the largest of its parsing workers, from `RUSAGE_CHILDREN`), so one size's run does not
inherit another's. Below the table: the per-file slope of the importing process's peak
between the smallest and the largest size (what a million more files would cost).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SENDERS = 2_000
ME = "me@example.org"


def child_import(db: str, path: str) -> dict[str, Any]:
    from kithkin.ingest.mail import import_mail
    from kithkin.store import Database, settings

    database = Database(f"sqlite:///{db}")
    with database.write() as conn:
        settings.set_me(conn, name="Me", addresses=[ME])
    start = time.perf_counter()
    summary = import_mail(database, [path])
    seconds = time.perf_counter() - start
    database.dispose()
    return {
        "read": summary.read,
        "new": summary.new,
        "skipped": summary.files_skipped,
        "unchanged": len(summary.unchanged_sources),
        "problems": len(summary.problems),
        "seconds": seconds,
        "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def in_child(db: Path, path: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(db), str(path)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def message(n: int) -> bytes:
    sender = n % SENDERS
    day = 1 + n % 28
    reply = f"In-Reply-To: <m{n - 3}@bench.example>\n" if n % 4 == 3 else ""
    return (
        f"From: Person {sender} <p{sender}@corp{sender % 50}.example>\n"
        f"To: Me <{ME}>\n"
        f"Subject: {'Re: ' if reply else ''}Topic {n // 4 % 5000}\n"
        f"Date: Mon, {day:02d} Mar 2025 10:{n % 60:02d}:00 +0000\n"
        f"Message-ID: <m{n}@bench.example>\n"
        f"{reply}"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "\n"
        f"Message {n} of the memory benchmark: a few lines of body text so that the file\n"
        "is about the size of a short real message, with nothing in it that matters.\n"
    ).encode()


def build(root: Path, count: int, folders: int) -> None:
    """A Maildir++: the inbox (root) and `folders - 1` folders `.F1`... each with cur/ new/
    tmp/, the files shared out evenly, named as Maildir names them."""
    dirs = []
    for index in range(folders):
        base = root if index == 0 else root / f".F{index}"
        for part in ("cur", "new", "tmp"):
            (base / part).mkdir(parents=True, exist_ok=True)
        dirs.append(str(base / "cur"))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    for n in range(count):
        name = f"{1_700_000_000 + n}.M{n}P4242Q{n % 7}.bench.example:2,S"
        fd = os.open(os.path.join(dirs[n % folders], name), flags, 0o644)
        try:
            os.write(fd, message(n))
        finally:
            os.close(fd)


def measure(size: int, folders: int, work: Path) -> list[dict[str, Any]]:
    box, db = work / f"Maildir-{size}", work / f"mail-{size}.db"
    started = time.perf_counter()
    build(box, size, folders)
    built = time.perf_counter() - started
    time.sleep(2.1)  # a directory changed in the last 2 s is listed again anyway
    rows = [{"run": "first import", **in_child(db, box), "built": built}]
    rows.append({"run": "unchanged", **in_child(db, box)})
    (box / "new" / f"{1_800_000_000}.M0P1Q1.bench.example").write_bytes(message(size))
    time.sleep(2.1)  # a directory changed in the last 2 s is listed again anyway
    rows.append({"run": "one file added", **in_child(db, box)})
    shutil.rmtree(box)
    db.unlink()
    for row in rows:
        row["size"] = size
    return rows


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child_import(sys.argv[2], sys.argv[3])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50000,200000,500000", help="message files, commas")
    parser.add_argument("--folders", type=int, default=10, help="Maildir++ folders")
    parser.add_argument("--dir", default=None, help="where to build (default: a temp dir)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    rows: list[dict[str, Any]] = []
    print(
        f"{'files':>9} {'run':<15} {'read':>8} {'skipped':>8} {'main MB':>8} "
        f"{'worker MB':>9} {'seconds':>8} {'files/s':>8}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="kithkin-mail-memory-") as work:
        for size in sizes:
            measured = measure(size, args.folders, Path(work))
            for row in measured:  # as they come: the largest size takes a while
                rate = row["size"] / row["seconds"] if row["seconds"] else 0.0
                print(
                    f"{row['size']:>9,} {row['run']:<15} {row['read']:>8,} "
                    f"{row['skipped']:>8,} {row['main_mb']:>8.1f} {row['worker_mb']:>9.1f} "
                    f"{row['seconds']:>8.2f} {rate:>8,.0f}",
                    flush=True,
                )
            rows += measured
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        for run in ("first import", "unchanged", "one file added"):
            peak = {r["size"]: r["main_mb"] for r in rows if r["run"] == run}
            slope = (peak[large] - peak[small]) * 1024 * 1024 / (large - small)
            print(f"slope, {run}: {slope:,.0f} bytes of peak RSS per file ({small:,}->{large:,})")


if __name__ == "__main__":
    main()
