"""The mail store: migration 0003 matches the tables the code describes, bulk writes store
what Core would, mail and calendar rows survive a backup and restore."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Table, insert, select, text
from sqlalchemy.dialects import sqlite

from kithkin.ingest.mail import import_mail
from kithkin.store import Database, backup, settings
from kithkin.store.bulk import Bulk, _sqlite_utc, ids_by
from kithkin.store.schema import UTCDateTime, tag
from kithkin.store.schema_mail import mail_source
from tests.ingest.mailbox import message, write_mbox
from tests.store.migrations import database_at


def test_0003_creates_what_the_schema_describes(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kithkin.store import schema_calendar, schema_mail

    mine = {
        t.name
        for m in (schema_mail, schema_calendar)
        for t in vars(m).values()
        if isinstance(t, Table)
    }
    assert {"mail_message", "calendar_attendee"} <= mine
    with db.read() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema_mail.metadata)
    touching = [d for d in diff if any(name in repr(d) for name in mine)]
    assert touching == []


def test_0003_upgrades_a_0002_database(tmp_path: Path) -> None:
    url, _ = database_at(tmp_path / "old.db", "0002")
    db = Database(url)
    try:
        with db.read() as conn:
            names = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
    finally:
        db.dispose()
    assert {"mail_message", "mail_thread", "mail_source", "calendar_event"} <= names


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2001, 5, 14, 19, 36, tzinfo=UTC),
        datetime(2001, 5, 14, 19, 36, 0, 123, tzinfo=timezone(timedelta(hours=-7))),
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        None,
    ],
)
def test_the_fast_date_path_stores_what_core_stores(moment: datetime | None) -> None:
    dialect = sqlite.dialect()
    core = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert core is not None
    assert _sqlite_utc(moment) == core(moment)
    with pytest.raises(ValueError, match="naive"):
        _sqlite_utc(datetime(2001, 1, 1))


def test_bulk_inserts_return_ids_in_order(db: Database) -> None:
    with db.write() as conn:
        conn.execute(insert(tag).values(name="first"))
        ids = Bulk.insert(tag, ("name",)).insert_ids(conn, [("b",), ("a",), ("c",)], "name")
        found = ids_by(conn, tag.c.name, ["a", "b", "c", "zzz"])
        at = datetime(2024, 1, 1, tzinfo=UTC)
        Bulk.insert(
            mail_source,
            (
                "location",
                "kind",
                "end_offset",
                "messages",
                "done",
                "first_imported_at",
                "last_imported_at",
            ),
        ).execute(conn, [("/x", "mbox", 0, 0, False, at, at)])
        stored = conn.execute(select(mail_source.c.first_imported_at, mail_source.c.done)).one()
    assert found == {"b": ids[0], "a": ids[1], "c": ids[2]}
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert stored == (at, False)


def test_mail_rows_survive_a_backup(db: Database, tmp_path: Path) -> None:
    with db.write() as conn:
        settings.set_me(conn, name="Ana", addresses=["ana@kithkin.example"])
    box = write_mbox(
        tmp_path / "b.mbox",
        [message("1@a", "Dana <dana@acme.example>", ["ana@kithkin.example"], "Hi")],
    )
    import_mail(db, [str(box)], workers=0)
    out = io.StringIO()
    with db.read() as conn:
        counts = backup.export(conn, out)
    assert counts["mail_message"] == counts["mail_thread"] == counts["mail_source"] == 1
    path = tmp_path / "backup.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    other = Database(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        with other.write() as conn:
            restored = backup.restore(conn, path)
        again = io.StringIO()
        with other.read() as conn:
            backup.export(conn, again)
    finally:
        other.dispose()
    assert restored["mail_message"] == 1
    first, second = json.loads(out.getvalue()), json.loads(again.getvalue())
    assert first["tables"]["mail_message"] == second["tables"]["mail_message"]
    assert first["tables"]["mail_thread"] == second["tables"]["mail_thread"]
