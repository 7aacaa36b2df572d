"""A full JSON backup of every row, and its restore into an empty database."""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

from kithkin.model import SOLO, Actor

if TYPE_CHECKING:
    from kithkin.store import Database


def export(
    db: Database,
    *,
    out: IO[str] | None = None,
    path: Path | None = None,
    actor: Actor = SOLO,
) -> dict[str, int]:
    """Write the backup to `out`, or to the file `path` (whole or not at all: it is written
    beside it first and renamed when complete); the number of rows of each table. In team
    mode it holds what the actor may see (their own private rows and the shared ones)."""
    from kithkin.store import backup

    with db.read() as conn:
        if path is None:
            assert out is not None
            return backup.export(conn, out, actor=actor)
        partial = path.with_name(path.name + ".partial")
        with partial.open("w", encoding="utf-8") as handle:
            counts = backup.export(conn, handle, actor=actor)
        partial.replace(path)
        return counts


def restore(db: Database, *, path: Path, actor: Actor = SOLO) -> dict[str, int]:
    """Restore a backup made by `export` into an empty database; rows restored per table."""
    from kithkin.services import team
    from kithkin.store import backup

    with team.writing(db, actor, "restoring a backup") as conn:
        return backup.restore(conn, path)
