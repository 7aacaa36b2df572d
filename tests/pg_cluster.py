"""A throwaway PostgreSQL cluster for the PostgreSQL test tier.

Debian's `initdb`/`pg_ctl` refuse to run as root, so as root they run as the `postgres` user.
The cluster listens on a Unix socket only (no TCP port at all), in a fresh directory under
/tmp, with durability off (fsync, full page writes): it is thrown away at the end of the
session. KITHKIN_TEST_PG_URL (a server URL, e.g. postgresql+psycopg://user@/postgres?host=...)
uses a server already running instead of starting one.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from kithkin.store import Database

TEMPLATE = "kithkin_template"
_PORT = 5433  # only names the socket file: the cluster listens on no TCP port


class Unavailable(Exception):
    """PostgreSQL cannot be run here (not installed, or no user to run it as)."""


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise Unavailable("PostgreSQL's initdb was not found (Debian package 'postgresql')")


def _version(path: str) -> int:
    part = Path(path).parents[1].name
    return int(part) if part.isdigit() else 0


class Cluster:
    """A PostgreSQL server for the tests, and a migrated template to copy databases from."""

    def __init__(self) -> None:
        self._dir: Path | None = None
        self._counter = itertools.count(1)
        given = os.environ.get("KITHKIN_TEST_PG_URL")
        if given:
            self.server = make_url(given)
        else:
            self.server = self._start()
        self._admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        self._make_template()

    def _as_postgres(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        command = args
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                raise Unavailable("running as root without runuser: cannot start PostgreSQL")
            command = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def _start(self) -> URL:
        bindir = _bindir()
        self._dir = Path(tempfile.mkdtemp(prefix="kithkin-pg-"))
        data = self._dir / "data"
        user = "postgres" if os.geteuid() == 0 else None
        if user:  # the postgres user writes its data and socket here
            shutil.chown(self._dir, user)
        init = [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "--no-sync"]
        init += ["-E", "UTF8", "--locale=C.UTF-8"]
        if user:
            init += ["-U", user]
        done = self._as_postgres(init)
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        options = (
            f"-k {self._dir} -p {_PORT} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        start = [str(bindir / "pg_ctl"), "-D", str(data), "-o", options]
        start += ["-l", str(self._dir / "log"), "-w", "-t", "60", "start"]
        done = self._as_postgres(start)
        if done.returncode:
            log = (self._dir / "log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()}\n{log}")
        return URL.create(
            "postgresql+psycopg",
            username=user or _me(),
            database="postgres",
            query={"host": str(self._dir), "port": str(_PORT)},
        )

    def _make_template(self) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE}"))
            conn.execute(text(f"CREATE DATABASE {TEMPLATE}"))
        migrated = Database(self.url(TEMPLATE))
        migrated.dispose()

    def url(self, database: str) -> str:
        return self.server.set(database=database).render_as_string(hide_password=False)

    def new_database(self) -> str:
        """A fresh database, at the newest schema, copied from the template; its URL."""
        name = f"kithkin_test_{os.getpid()}_{next(self._counter)}"
        with self._admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))
        return self.url(name)

    def empty_database(self) -> str:
        """A fresh database with no schema at all (for the migration tests); its URL."""
        name = f"kithkin_empty_{os.getpid()}_{next(self._counter)}"
        with self._admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        return self.url(name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self._admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def stop(self) -> None:
        self._admin.dispose()
        if self._dir is None:
            return
        self._as_postgres(
            [str(_bindir() / "pg_ctl"), "-D", str(self._dir / "data"), "-m", "immediate", "stop"]
        )
        shutil.rmtree(self._dir, ignore_errors=True)


def _me() -> str:
    import pwd

    return pwd.getpwuid(os.geteuid()).pw_name
