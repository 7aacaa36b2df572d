"""How fast the CLI answers: the read commands on the demo, next to Python itself.

    uv run python benchmarks/cli.py [--runs 7] [--keep PATH] [--before GIT_REF] [--instructions]

Builds the demo in a temporary folder (`kithkin --db X demo --no-serve`), then times each read
command as a user runs it — a new process of the venv's `kithkin` entry point — one warm-up
round, then the median of `--runs` rounds (each command once a round): wall time, and CPU time
(user + system), which other work on the machine disturbs less. In the same run it times
`python -c pass` (the interpreter's own start) and `python -c "import sqlalchemy"` (the floor
while the store speaks SQLAlchemy), so the figures of one machine compare with each other.
Bytecode is compiled once into a cache of its own (PYTHONPYCACHEPREFIX in the temporary
folder), as an installed kithkin has it. With `--before REF` the same rounds also time the
code of an earlier commit (its src/ extracted and put first on PYTHONPATH), for a fair before
and after on a machine whose load moves. With `--instructions` (valgrind needed) it also counts
the instructions of one run of each command, a figure no other work on the machine moves.

Then "where the rest goes": `python -X importtime` of `kithkin today` — the import time by
package, and the imports with the largest cumulative times.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.35
SHOWN_IMPORTS = 15
GROUPS = ("kithkin", "sqlalchemy", "click", "alembic", "fastapi", "jinja2", "pydantic")


def timed(
    commands: list[tuple[list[str], dict[str, str]]], runs: int
) -> list[tuple[float, float, float]]:
    """Each command's median wall time, median CPU time (user + system, which a busy machine
    disturbs less) and best wall time over `runs` rounds — each command once a round, so load
    slows them alike — after one warm-up round."""
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    for round_ in range(runs + 1):
        for (argv, env), wall, cpu in zip(commands, walls, cpus, strict=True):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True)
            spent = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if round_:
                wall.append(spent)
                cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return [
        (statistics.median(wall), statistics.median(cpu), min(wall))
        for wall, cpu in zip(walls, cpus, strict=True)
    ]


def checkout(ref: str, into: Path) -> str:
    """kithkin's src/ as of git commit `ref`, extracted under `into`; returns its path."""
    into.mkdir()
    tree = subprocess.run(
        ["git", "archive", ref, "src"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=tree, check=True)
    return str(into / "src")


def instructions(argv: list[str], env: dict[str, str]) -> int:
    """The instructions one run of `argv` executes (valgrind's callgrind), after a warm-up."""
    subprocess.run(argv, env=env, check=True, capture_output=True)
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"valgrind counted nothing: {done.stderr[-500:]}")
    return int(found.group(1))


def imports(argv: list[str], env: dict[str, str]) -> list[tuple[int, int, str]]:
    """`-X importtime` of one run: (self µs, cumulative µs, indented name) per import."""
    done = subprocess.run(argv, env=env, check=True, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, total, name = line.removeprefix("import time:").split("|")
        rows.append((int(own), int(total), name.rstrip()))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per command (median)")
    parser.add_argument("--keep", type=Path, help="build the demo here and keep it")
    parser.add_argument(
        "--before",
        metavar="GIT_REF",
        help="also time the code of this commit (its src/ on PYTHONPATH) in the same rounds",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count each command's instructions under valgrind (one run; load-independent)",
    )
    args = parser.parse_args()

    bindir = Path(sys.executable).parent
    python, kithkin = str(bindir / "python"), str(bindir / "kithkin")
    with tempfile.TemporaryDirectory(prefix="kithkin-cli-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        db = str(args.keep or Path(tmp) / "demo.db")
        if args.keep is None or not args.keep.exists():
            subprocess.run(
                [kithkin, "--db", db, "demo", "--no-serve"],
                env=env,
                check=True,
                capture_output=True,
            )
        people = json.loads(
            subprocess.run(
                [kithkin, "--db", db, "people", "--tag", "circle", "--json"],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        name = people[0]["display_name"]
        word = name.split()[-1]
        base = [kithkin, "--db", db]
        commands: list[tuple[str, list[str], bool]] = [
            ("python -c pass", [python, "-c", "pass"], False),
            ('python -c "import sqlalchemy"', [python, "-c", "import sqlalchemy"], False),
            ("kithkin --help", [kithkin, "--help"], False),
            ("kithkin today", [*base, "today"], True),
            (f"kithkin person show {name!r}", [*base, "person", "show", name], True),
            (f"kithkin brief {name!r}", [*base, "brief", name], True),
            ("kithkin people", [*base, "people"], True),
            (f"kithkin search {word}", [*base, "search", word], True),
        ]
        runs = [(argv, env) for _, argv, _ in commands]
        if args.before:
            old_env = {**env, "PYTHONPATH": checkout(args.before, Path(tmp) / "before")}
            runs += [(argv, old_env) for label, argv, _ in commands if label.startswith("kithkin")]
        found = timed(runs, args.runs)
        medians = {label: m for (label, _, _), m in zip(commands, found, strict=False)}
        olds = dict(
            zip(
                [label for label, _, _ in commands if label.startswith("kithkin")],
                found[len(commands) :],
                strict=False,
            )
        )
        bare = medians["python -c pass"][0]
        floor = medians['python -c "import sqlalchemy"'][0]

        print(f"CLI on the demo database, median of {args.runs} rounds after one warm-up")
        width = max(len(label) for label, _, _ in commands)
        head = (
            f"{'command':{width}}  {'median s':>8}  {'vs pass':>8}  {'vs sqla':>8}  {'cpu s':>6}"
            f"  {'best s':>6}"
        )
        if olds:
            head += f"  {'before s':>8}  {'cpu s':>6}  {'best s':>6}"
        print(f"{head}  <= {TARGET_S} s")
        for label, _, is_target in commands:
            m, cpu, best = medians[label]
            verdict = ("yes" if m <= TARGET_S else "NO") if is_target else ""
            line = (
                f"{label:{width}}  {m:8.3f}  {m - bare:+8.3f}  {m - floor:+8.3f}  {cpu:6.3f}"
                f"  {best:6.3f}"
            )
            if label in olds:
                old_m, old_cpu, old_best = olds[label]
                line += f"  {old_m:8.3f}  {old_cpu:6.3f}  {old_best:6.3f}"
            elif olds:
                line += " " * 26
            print(f"{line}  {verdict}")
        if args.before:
            print(f"(before: the code of {args.before})")
        if args.instructions:
            print("\ninstructions of one run (valgrind), which the machine's load does not move")
            counts = {label: instructions(argv, env) for label, argv, _ in commands}
            sqla = counts['python -c "import sqlalchemy"']
            for label, argv, _ in commands:
                now = counts[label]
                line = f"{label:{width}}  {now / 1e9:6.3f} G  {now / sqla:5.2f} x import sqlalchemy"
                if args.before and label.startswith("kithkin"):
                    then = instructions(argv, old_env)
                    line += f"  before {then / 1e9:6.3f} G ({(now - then) / then:+.0%})"
                print(line)

        started = time.perf_counter()
        rows = imports([python, "-X", "importtime", kithkin, *base[1:], "today"], env)
        run_s = time.perf_counter() - started
        top = [r for r in rows if not r[2].startswith("  ")]  # imported by the run itself
        total_imports = sum(r[1] for r in top) / 1e6
        print(
            f"\nwhere the time of kithkin today goes (one run under -X importtime, which slows "
            f"imports): {run_s:.3f} s, of which imports {total_imports:.3f} s, the interpreter's "
            f"start, the queries and the rest {run_s - total_imports:.3f} s; imports by package:"
        )
        own_by_package: dict[str, int] = {}
        for own, _, label in rows:
            package = label.strip().split(".")[0]
            group = package if package in GROUPS else "python's own library and the rest"
            own_by_package[group] = own_by_package.get(group, 0) + own
        for group, own in sorted(own_by_package.items(), key=lambda kv: -kv[1]):
            print(f"  {own / 1e6:.3f} s  {group}")
        print(f"\n{'cumulative s':>12}  {'self s':>7}  import (the first three levels)")
        shallow = [r for r in rows if len(r[2]) - len(r[2].lstrip()) <= 4]
        for own, total, label in sorted(shallow, key=lambda r: -r[1])[:SHOWN_IMPORTS]:
            print(f"{total / 1e6:12.3f}  {own / 1e6:7.3f}  {label}")


if __name__ == "__main__":
    main()
