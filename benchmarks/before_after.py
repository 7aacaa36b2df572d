"""Run one benchmark script of an earlier commit and of this tree, alternately, in one run.

    uv run python benchmarks/before_after.py REF SCRIPT [--rounds N] [-- ARGS...]

e.g. `benchmarks/before_after.py 2cec57c today.py -- --steps 5000000`. The earlier commit is
checked out in a temporary git worktree; each round runs its `benchmarks/SCRIPT` with its own
`src/` first on the path, then this tree's, so both see the same machine at nearly the same
moment (these machines are shared and noisy: compare the ratios, not the raw times). A
script that moved or took other options in between is named by `--before-script`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def run(tree: Path, script: str, args: list[str]) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(tree / "benchmarks" / script), *args],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    out = done.stdout + (
        f"\n[exit {done.returncode}]\n{done.stderr[-2000:]}" if done.returncode else ""
    )
    return took, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ref", help="the earlier commit (a hash, a tag, a branch)")
    parser.add_argument("script", help="the benchmark, e.g. today.py")
    parser.add_argument("--before-script", help="its name at REF, when it was another")
    parser.add_argument("--rounds", type=int, default=1, help="before/after pairs to run")
    parser.add_argument("args", nargs="*", help="the benchmark's own options, after --")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kithkin-before-") as tmp:
        before = Path(tmp) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(before), opts.ref],
            cwd=HERE,
            check=True,
        )
        (before.parent / "shared").symlink_to(HERE.parent / "shared")  # ../shared/data
        try:
            for round_ in range(1, opts.rounds + 1):
                for label, tree, script in (
                    (f"before ({opts.ref})", before, opts.before_script or opts.script),
                    ("after (this tree)", HERE, opts.script),
                ):
                    took, out = run(tree, script, opts.args)
                    print(
                        f"==== round {round_}, {label}: {script} {' '.join(opts.args)} "
                        f"({took:.1f} s)",
                        flush=True,
                    )
                    print(out, flush=True)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(before)], cwd=HERE, check=False
            )


if __name__ == "__main__":
    main()
