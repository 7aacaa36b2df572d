"""Sources for the move-to tests: the demo network (built once per test process, copied for
each test) and small personal databases made through the use cases."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from kithkin.demo import build_demo
from kithkin.services import me, people
from kithkin.store import Database, backup
from tests.builders.people import dana_and_her_duplicate, person

DAY = date(2026, 3, 14)


@functools.cache
def _demo_file() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kithkin-move-demo-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "demo.db"
    db = Database(f"sqlite:///{path}")
    try:
        build_demo(db, seed=7, today=DAY)
    finally:
        db.dispose()
    return path


def demo_copy(folder: Path, name: str = "demo.db") -> str:
    """A fresh copy of the demo network's database in `folder`; its URL."""
    path = folder / name
    shutil.copyfile(_demo_file(), path)
    return f"sqlite:///{path}"


def personal(path: Path, *, name: str = "Robin Vale", shared: str | None = None) -> str:
    """A small personal database: me, a person who may share an address with the demo's
    (`shared`), a person of their own, notes and a tag, a merge (undoable); its URL."""
    url = f"sqlite:///{path}"
    db = Database(url)
    try:
        me.set_me(db, name=name, addresses=["robin@vale.example"])
        person(db, "Robin Vale", emails=["robin@vale.example"])
        if shared is not None:
            known = person(db, "Known Already", emails=[shared, "second@vale.example"])
            people.add_tags(db, person=known, tags=["investor"])
            from kithkin.services import story

            story.add_note(db, person=known, text="Robin's own note")
        dana = dana_and_her_duplicate(db)
        people.merge_people(db, keep=dana.keep, other=dana.other)
    finally:
        db.dispose()
    return url


def rows(
    url: str, *, leave: tuple[str, ...] = ("member",), owner: int | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in id order (the tables in `leave` left out); with `owner`,
    a `member_id` that is that member reads as the personal database's own (None, or 0 in
    the tables keyed by member), so a moved-in copy compares with its source."""
    db = Database(url, migrate=False)
    try:
        with db.read() as conn:
            return {
                t.name: [
                    _as_personal(t, r, owner)
                    for r in conn.execute(select(t).order_by(*t.primary_key))
                ]
                for t in backup.backup_tables()
                if t.name not in leave
            }
    finally:
        db.dispose()


def _as_personal(table: Any, row: Any, owner: int | None) -> tuple[Any, ...]:
    if owner is None or "member_id" not in table.c:
        return tuple(row)
    solo = 0 if table.c.member_id.primary_key else None
    return tuple(
        solo if (c.name == "member_id" and value == owner) else value
        for c, value in zip(table.c, row, strict=True)
    )
