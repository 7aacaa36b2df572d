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
