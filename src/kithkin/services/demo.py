"""`kithkin demo`: a fictional network built afresh in a database file of its own."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kithkin.model import Record, record

if TYPE_CHECKING:
    from kithkin.demo import DemoSummary


@record
class DemoBuilt(Record):
    path: Path
    url: str  # the database URL to serve
    summary: DemoSummary
    warnings: tuple[str, ...] = ()


def build(*, path: Path, seed: int = 7) -> DemoBuilt:
    """Replace the SQLite file `path` (and its -wal, -shm) with the demo network of `seed`."""
    from kithkin.config import to_url
    from kithkin.demo import build_demo
    from kithkin.store import Database

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = to_url(str(path))
    db = Database(url)
    try:
        summary = build_demo(db, seed=seed)
    finally:
        db.dispose()
    return DemoBuilt(path=path, url=url, summary=summary)


def build_at(url: str, *, seed: int = 7) -> DemoBuilt:
    """The demo network of `seed` in the database at `url` (PostgreSQL), which must hold no
    one yet: a server's database is never replaced, only filled when empty."""
    from kithkin.demo import build_demo
    from kithkin.errors import Conflict
    from kithkin.model import count_of
    from kithkin.store import Database, people

    db = Database(url)
    try:
        with db.read() as conn:
            held = people.count_people(conn)
        if held:
            raise Conflict(
                f"the database at --db holds {count_of(held, 'person', 'people')} already: the "
                "demo builds only into "
                "an empty database (create one, e.g. createdb kithkin_demo)"
            )
        summary = build_demo(db, seed=seed)
    finally:
        db.dispose()
    return DemoBuilt(path=Path(db.engine.url.database or "demo"), url=url, summary=summary)
