"""Parsing workers die with the import that started them, even one killed with SIGKILL (which
runs no cleanup): a real `kithkin import mail` in a subprocess, its parent killed alone."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ingest.mailbox import synthetic_mbox

ME = "ana@kithkin.example"
PROC = Path("/proc")
pytestmark = pytest.mark.skipif(
    not (PROC / "self" / "stat").exists(), reason="needs /proc to find a process's children"
)


def children(pid: int) -> set[int]:
    """The live processes whose parent is `pid`."""
    found = set()
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            if int(ppid) == pid and state != "Z":
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie has ended: only its exit status waits to be collected)."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def gone_within(pids: set[int], seconds: float) -> set[int]:
    """The processes among `pids` still running after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(alive(pid) for pid in pids):
            return set()
        time.sleep(0.05)
    return {pid for pid in pids if alive(pid)}


IN_A_SERVER = """
import sys, threading, time
from kithkin.services.mail import import_mail
from kithkin.store import Database

if __name__ == "__main__":  # a second thread, as in the web server: workers via a fork server
    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
    import_mail(Database(f"sqlite:///{sys.argv[2]}"), locations=[sys.argv[1]], workers=2)
"""


def descendants(pid: int) -> set[int]:
    found = children(pid)
    for child in list(found):
        found |= descendants(child)
    return found


@pytest.mark.parametrize("how", ["cli", "server"])
def test_workers_die_when_the_import_is_killed(tmp_path: Path, how: str) -> None:
    """From the CLI the workers are forked; from a process with threads (the web server)
    they come from a fork server, which outlives its parent as long as they live."""
    box = synthetic_mbox(tmp_path / "big.mbox", 60_000, me=ME)
    db = tmp_path / "k.db"
    script = tmp_path / "serve.py"
    script.write_text(IN_A_SERVER)
    command = {
        "cli": ["-m", "kithkin", "import", "mail", str(box), "--workers", "2"],
        "server": [str(script), str(box), str(db)],
    }[how]
    env = {**os.environ, "KITHKIN_DB": str(db)}
    env.pop("KITHKIN_DEBUG", None)
    importing = subprocess.Popen(
        [sys.executable, *command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    seen: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(seen) < 2 and importing.poll() is None and time.monotonic() < deadline:
            if _stored(db):  # the workers are past their start: they parsed a batch
                seen = {pid for pid in descendants(importing.pid) if _worker(pid)}
            time.sleep(0.02)
        assert len(seen) >= 2, "the import ended before its workers were seen"
        importing.send_signal(signal.SIGKILL)  # the parent alone, not its process group
        importing.wait(timeout=10)
        assert gone_within(seen, 5) == set()
    finally:
        if importing.poll() is None:
            importing.kill()
            importing.wait()
        for pid in seen:  # tidy up after a failure
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def _worker(pid: int) -> bool:
    """A pool worker: not the resource tracker, nor the fork server itself."""
    try:
        command = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return False
    return b"resource_tracker" not in command and (
        b"forkserver" not in command or _parent_is_forkserver(pid)
    )


def _stored(db: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return bool(conn.execute("SELECT count(*) FROM mail_message").fetchone()[0])
    except sqlite3.Error:
        return False  # not made yet


def _parent_is_forkserver(pid: int) -> bool:
    try:
        ppid = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1]
        return b"forkserver" in (PROC / ppid / "cmdline").read_bytes()
    except OSError:
        return False


WATCHED = """
import os, sys, time
from kithkin.sources.mail import parallel
parallel._parent_death_signal = lambda: None  # the thread alone, as where there is no prctl
parallel.WATCH_SECONDS = 0.05
parent = os.getpid()
child = os.fork()
if child == 0:
    parallel.die_with(parent)
    time.sleep(60)
    os._exit(0)
print(child, flush=True)
time.sleep(60)
"""


def test_without_the_parent_death_signal_the_watching_thread_ends_a_worker() -> None:
    with subprocess.Popen([sys.executable, "-c", WATCHED], stdout=subprocess.PIPE) as parent:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        try:
            assert alive(worker)
            parent.send_signal(signal.SIGKILL)
            parent.wait(timeout=10)
            assert gone_within({worker}, 5) == set()
        finally:
            if alive(worker):
                os.kill(worker, signal.SIGKILL)
