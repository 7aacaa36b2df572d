"""Opening the database: engine, connection settings, migrations, read and write transactions.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so the CLI and the web UI can
use one file at once; every write transaction starts with BEGIN IMMEDIATE, so writers queue
instead of failing half-way through.

PostgreSQL keeps the same rule: a write transaction first takes one transaction-level advisory
lock (`WRITE_LOCK`), so writers queue one after another, each seeing what the one before it
committed (what it read stays true until it commits, as under BEGIN IMMEDIATE), and readers
never wait.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool, QueuePool

from kithkin import clock
from kithkin.errors import DatabaseError
from kithkin.store.migrations import HEAD

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

BUSY_TIMEOUT_MS = 15_000
MEMO_SIZE = 256  # values `Database.memo` keeps, the least recently used dropped first
T = TypeVar("T")
# PostgreSQL: the advisory lock every write transaction holds until it ends (a constant of
# kithkin's own: "kithkin" in ASCII, read as an integer)
WRITE_LOCK = 0x6B6974686B696E
_MINUTE = timedelta(minutes=1)
_log = logging.getLogger(__name__)


class _Refreshing(threading.local):
    active = False  # True in a thread `Database.minutely` started


_REFRESHING = _Refreshing()


class Database:
    """One kithkin database, SQLite (default) or PostgreSQL."""

    def __init__(
        self,
        url: str,
        *,
        migrate: bool = True,
        keep_connection: bool = False,
        keep_connections: int = 0,
    ) -> None:
        """`keep_connection`: on SQLite, one connection kept and used by every transaction in
        turn (until `dispose`), not one opened for each — for a short command, whose reads
        would each open the file and read its schema again (about 1 ms each). A transaction
        opened while another is open still gets a connection of its own, closed after it.
        `keep_connections`: on SQLite, so many kept open for the threads of a server to share
        (opening one reads the schema again: several milliseconds, on each page's each read)."""
        self.url = url
        kept = max(int(keep_connection), keep_connections)
        self.engine = _engine(url, keep=kept)
        self._memo: OrderedDict[str, tuple[object, Any]] = OrderedDict()
        self._watch: sqlite3.Connection | None = None
        self._watch_lock = threading.Lock()
        self._computing: dict[str, threading.Lock] = {}
        self._refreshing: set[str] = set()  # keys `minutely` is computing in a thread
        if migrate:
            self.migrate()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that commits when the block ends and rolls back on any error."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(kithkin_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def writer(self, *, cache_mb: int = 0) -> Iterator[Connection]:
        """One connection for a run of write transactions, each opened with `conn.begin()`:
        an import's batches keep its page cache warm (`cache_mb` of it on SQLite) instead of
        each opening a cold connection. Between transactions other writers may write."""
        with self.engine.connect() as conn:
            if cache_mb and self.dialect == "sqlite":
                conn.exec_driver_sql(f"PRAGMA cache_size = {-1024 * int(cache_mb)}")
                # fewer, larger checkpoints: hot index pages are copied back once, not often
                conn.exec_driver_sql("PRAGMA wal_autocheckpoint = 8192")
                conn.commit()
            yield conn.execution_options(kithkin_write=True)

    def analyze(self) -> None:
        """After a bulk write: PostgreSQL gathers the planner's statistics now (`ANALYZE`),
        not when its autovacuum gets to it — until then it plans reads of tables that grew a
        hundredfold as if they were still small (Today three times slower, measured). SQLite
        plans from its indexes alone: nothing to do."""
        if self.dialect != "postgresql":
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()

    def version(self) -> object:
        """A value that changes whenever a change to this database is committed, by any
        connection of any process (it may also change when nothing did). SQLite: `PRAGMA
        data_version` on a connection of its own that never writes (a few microseconds);
        PostgreSQL: the current snapshot (which transactions it sees as committed: every
        commit of a write changes it, and reads never do — unlike the write-ahead log's
        position, which the server moves on its own, pruning pages as they are read)."""
        if self.dialect != "sqlite":
            with self.engine.connect() as conn:
                return conn.exec_driver_sql("SELECT pg_current_snapshot()::text").scalar()
        with self._watch_lock:
            if self._watch is None:
                database = self.engine.url.database or ""
                if not database or database == ":memory:":
                    return object()  # nothing to watch: never the same twice
                self._watch = sqlite3.connect(
                    database, isolation_level=None, check_same_thread=False
                )
            return self._watch.execute("PRAGMA data_version").fetchone()[0]

    def memo(
        self, key: str, compute: Callable[[], T], *, keep: Callable[[T], bool] | None = None
    ) -> T:
        """What `compute` returns, computed again only when the database changed since it
        was last computed (see `version`), or when `keep` says the value kept will not do:
        for reads many requests repeat, such as the counts every page shows. What it returns
        must not be changed by its callers."""

        def kept(version: object) -> tuple[bool, Any]:  # under _watch_lock
            found = self._memo.get(key)
            if found is not None and found[0] == version and (keep is None or keep(found[1])):
                self._memo.move_to_end(key)
                return True, found[1]
            return False, None

        version = self.version()
        with self._watch_lock:
            hit, value = kept(version)
            if hit:
                return value  # type: ignore[no-any-return]
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:  # one thread computes it; the others asking meanwhile wait for it
            version = self.version()
            with self._watch_lock:
                hit, value = kept(version)
                if hit:
                    return value  # type: ignore[no-any-return]
            try:
                value = compute()
            except BaseException:
                with self._watch_lock:
                    self._computing.pop(key, None)
                raise
            with self._watch_lock:
                self._memo[key] = (version, value)
                self._memo.move_to_end(key)
                while len(self._memo) > MEMO_SIZE:
                    gone, _ = self._memo.popitem(last=False)
                    self._computing.pop(gone, None)
        return value

    def minutely(self, key: str, compute: Callable[[datetime], T]) -> T:
        """What `compute(now)` returns, kept (`memo`) until the database changes or the
        minute turns: for what says something of "now" (due, overdue, "3 days ago"). In the
        minute after the turn, while nothing was written, the previous minute's value is
        answered at once and one thread of this process computes the new one — so a page
        asked for by many is never computed while they all wait. In that thread, what it
        asks of `minutely` is computed afresh, not answered from the minute before."""
        now = clock.now()
        minute = now.replace(second=0, microsecond=0)
        late = _REFRESHING.active

        def stamped() -> tuple[datetime, T]:
            return minute, compute(now)

        def recent(value: tuple[datetime, T]) -> bool:
            return value[0] == minute or (not late and value[0] == minute - _MINUTE)

        at, value = self.memo(key, stamped, keep=recent)
        if at != minute:
            self._refresh_soon(key, stamped, minute)
        return value

    def _refresh_soon(
        self, key: str, stamped: Callable[[], tuple[datetime, T]], minute: datetime
    ) -> None:
        with self._watch_lock:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def run() -> None:
            _REFRESHING.active = True
            try:
                self.memo(key, stamped, keep=lambda value: value[0] == minute)
            except Exception:  # the next asker computes it, and sees why
                _log.debug("refreshing %s failed", key, exc_info=True)
            finally:
                with self._watch_lock:
                    self._refreshing.discard(key)

        threading.Thread(target=run, name=f"kithkin-refresh-{key}", daemon=True).start()

    def revision(self) -> str | None:
        """The schema's revision as stored (None: a database without one, new or foreign).
        One read of `alembic_version`; the table is looked for only when that read fails."""
        with self.engine.connect() as conn:
            try:
                value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except (OperationalError, ProgrammingError):
                conn.rollback()
                if inspect(conn).has_table("alembic_version"):
                    raise  # there, yet unreadable: the database itself is at fault
                return None
            return str(value) if value is not None else None

    def migrate(self) -> None:
        """Bring the schema to the newest revision (a no-op, without Alembic, when it is)."""
        try:
            if self.revision() == HEAD:
                return
        except OperationalError as exc:
            raise DatabaseError(f"cannot open {self.url}: {exc.orig}") from exc
        with self.engine.connect() as conn:
            upgrade(conn)
            conn.commit()

    def dispose(self) -> None:
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
            self._memo.clear()
        self.engine.dispose()


def alembic_config(conn: Connection) -> AlembicConfig:
    """Alembic's configuration of kithkin's migrations, running on `conn`. Alembic is
    imported only when a migration runs."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "kithkin.store:migrations")
    config.attributes["connection"] = conn
    return config


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Bring the schema on `conn` up to `revision` (the newest by default); the caller
    commits."""
    from alembic import command

    command.upgrade(alembic_config(conn), revision)


def _engine(url: str, *, keep: int = 0) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database path or URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kept: dict[str, Any] = (
            {"poolclass": QueuePool, "pool_size": keep, "max_overflow": -1}
            if keep
            else {"poolclass": NullPool}
        )
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kept)
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":  # the driver kithkin's 'postgres' extra installs
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            engine = create_engine(parsed, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise DatabaseError(
                f"{url}: PostgreSQL needs its driver: install kithkin with the 'postgres' extra"
            ) from exc
        _configure_postgresql(engine)
        return engine
    raise DatabaseError(f"unsupported database {parsed.get_backend_name()!r} in {url!r}")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, so writes can ask for IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("kithkin_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _no_nul(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool
    ) -> tuple[str, Any]:
        # PostgreSQL's text cannot hold NUL (U+0000), which SQLite's can: it is stored as
        # U+FFFD, as the importers store other control characters, never refused with a 500
        if many and isinstance(parameters, (list, tuple)):
            return statement, [_without_nul(p) for p in parameters]
        return statement, _without_nul(parameters)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("kithkin_write", False):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")


def _without_nul(parameters: Any) -> Any:
    """Bound parameters with NUL in none of their strings (the same object when none had)."""
    if isinstance(parameters, dict):
        if not any(isinstance(v, str) and "\x00" in v for v in parameters.values()):
            return parameters
        return {k: _nul_free(v) for k, v in parameters.items()}
    if isinstance(parameters, (list, tuple)):
        if not any(isinstance(v, str) and "\x00" in v for v in parameters):
            return parameters
        return type(parameters)(_nul_free(v) for v in parameters)
    return parameters


def _nul_free(value: Any) -> Any:
    return value.replace("\x00", "\ufffd") if isinstance(value, str) else value
