from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kithkin import clock
from kithkin.errors import BadBackup
from kithkin.model import STORY_FIELDS, without_controls
from kithkin.store import (
    Database,
    backup,
    duplicates,
    interactions,
    people,
    sources,
    story,
    trash,
)
from kithkin.store import settings as store_settings
from tests.conftest import NewDb


def _export(db: Database) -> str:
    out = io.StringIO()
    with db.read() as conn:
        backup.export(conn, out)
    return out.getvalue()


def _tables(text: str) -> dict[str, object]:
    return json.loads(text)["tables"]


def _fill(db: Database) -> None:
    with db.write() as conn:
        store_settings.set_me(conn, name="Alex", addresses=["alex@corp.example"])
        a = people.add_person(
            conn,
            display_name="Dana Ødegård",
            organisation="Acme",
            contacts=[("email", "dana@acme.example"), ("phone", "+1 555 0100")],
            tags=["circle"],
        )
        b = people.add_person(conn, display_name="Sam <b>", title="CTO")
        story.add_fact(
            conn,
            a,
            "origin",
            "grew up in Bergen",
            learned_on=date(2025, 3, 1),
            learned_where="dinner",
        )
        story.add_note(conn, a, "multi\nline ✓")
        interactions.log_interaction(
            conn,
            kind="meeting",
            direction="both",
            occurred_at=clock.now(),
            participants=[(a, "attendee"), (b, "attendee")],
            subject="Q3",
            thread_key="t1",
        )
        # provenance of an imported record, a photo (bytes) and a "not the same" decision
        record = sources.save_record(
            conn,
            record_id=None,
            source="vcard",
            source_id="urn:uuid:1",
            source_file="a.vcf",
            place="card 1 (line 1)",
            raw="BEGIN:VCARD\r\nFN:Dana Ødegård\r\nEND:VCARD\r\n",
            content_hash="0" * 64,
            fields={"display_name": "Dana Ødegård", "notes": ["✓"]},
            person_id=a,
        )
        sources.add_note(conn, a, "from the card", record_id=record)
        sources.add_photo(
            conn, a, "image/jpeg", bytes(range(256)), source="vcard", record_id=record
        )
        duplicates.dismiss(conn, a, b)
        c = people.add_person(conn, display_name="Gone")
        trash.delete_person(conn, c)
        d = people.add_person(conn, display_name="Dup", contacts=[("email", "dup@x.example")])
        trash.merge_people(conn, a, d)


def test_export_then_import_into_an_empty_database_round_trips_every_row(
    db: Database, tmp_path: Path, new_db: NewDb
) -> None:
    _fill(db)
    first = _export(db)
    path = tmp_path / "backup.json"
    path.write_text(first, encoding="utf-8")
    target = new_db()
    with target.write() as conn:
        counts = backup.restore(conn, path)
    assert counts["person"] == 4 and counts["interaction_participant"] == 2
    assert (counts["source_record"], counts["person_photo"], counts["duplicate_decision"]) == (
        1,
        1,
        1,
    )
    assert _tables(_export(target)) == _tables(first)
    with target.read() as conn:  # the search index is rebuilt, undo still works
        assert [h.person.display_name for h in people.search_people(conn, "bergen")] == [
            "Dana Ødegård"
        ]
    with target.write() as conn:
        assert "merged Dup" in trash.undo(conn)
    with target.read() as conn:
        assert sources.photo(conn, 1) == ("image/jpeg", bytes(range(256)))
        assert duplicates.dismissed(conn) == {(1, 2)}


person_rows = st.lists(
    st.tuples(
        # text that is only control characters is no name (they are never stored)
        st.text(min_size=1, max_size=40).filter(lambda s: without_controls(s).strip()),
        st.one_of(st.none(), st.text(max_size=30)),
        st.sampled_from(STORY_FIELDS),
        st.text(min_size=1, max_size=200).filter(lambda s: without_controls(s).strip()),
        st.one_of(st.none(), st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 1, 1))),
        st.integers(min_value=-10_000, max_value=10_000),
    ),
    max_size=8,
)


@pytest.mark.sqlite_only(
    reason="a property test of the backup format on fresh SQLite files (PostgreSQL would make "
    "50 databases a run); restoring onto PostgreSQL is tested by the tests above"
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=person_rows)
def test_round_trip_holds_for_arbitrary_text_and_dates(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[Any, ...]]
) -> None:
    folder = tmp_path_factory.mktemp("rt")
    source = Database(f"sqlite:///{folder / 'a.db'}")
    with source.write() as conn:
        for name, org, field, text, learned, minutes in rows:
            pid = people.add_person(conn, display_name=name, organisation=org)
            story.add_fact(conn, pid, field, text, learned_on=learned)
            interactions.log_interaction(
                conn,
                kind="call",
                direction="both",
                occurred_at=clock.now() + timedelta(minutes=minutes),
                participants=[pid],
            )
    text = _export(source)
    (folder / "b.json").write_text(text, encoding="utf-8")
    target = Database(f"sqlite:///{folder / 'b.db'}")
    with target.write() as conn:
        backup.restore(conn, folder / "b.json")
    assert _tables(_export(target)) == _tables(text)
    source.dispose()
    target.dispose()


def test_restore_refuses_a_database_that_holds_people(db: Database, tmp_path: Path) -> None:
    _fill(db)
    path = tmp_path / "b.json"
    path.write_text(_export(db), encoding="utf-8")
    with (
        pytest.raises(BadBackup, match=r"not empty \(it holds .*person.* rows\)"),
        db.write() as conn,
    ):
        backup.restore(conn, path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"format": "kithkin-backup", "version": 1, "tables": {',
            r"b\.json:1:\d+: not valid JSON",
        ),
        ('{"format": "other"}', "not a kithkin backup"),
        ('{"format": "kithkin-backup", "version": 9, "tables": {}}', "version 9"),
        (
            '{"format": "kithkin-backup", "version": 1, "schema": "0001", "tables": {"person": '
            '{"columns": ["id", "display_name"], "rows": [[1]]}}}',
            "table person row 1: expected 2 values",
        ),
        (
            '{"format": "kithkin-backup", "version": 1, "schema": "0001", "tables": {"person": '
            '{"columns": ["id", "nope"], "rows": []}}}',
            r"unknown columns \['nope'\]",
        ),
    ],
)
def test_a_bad_backup_names_the_file_and_place_and_writes_nothing(
    db: Database, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "b.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadBackup, match=message), db.write() as conn:
        backup.restore(conn, path)
    with db.read() as conn:
        assert people.count_people(conn) == 0


def test_a_person_merged_into_a_later_one_restores(
    db: Database, tmp_path: Path, new_db: NewDb
) -> None:
    with db.write() as conn:
        first = people.add_person(conn, display_name="First")
        later = people.add_person(conn, display_name="Later")
        trash.merge_people(conn, later, first)  # the older row points at the newer one
    text = _export(db)
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    target = new_db()
    with target.write() as conn:
        backup.restore(conn, path)
    assert _tables(_export(target)) == _tables(text)


def _backup(db: Database, tmp_path: Path, change: Any = None) -> Path:
    """The backup of `db` as a file, after `change(data)` edited its JSON."""
    data = json.loads(_export(db))
    if change is not None:
        change(data)
    path = tmp_path / "b.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _restore_refused(new_db: NewDb, path: Path, message: str) -> None:
    target = new_db()
    with pytest.raises(BadBackup, match=message), target.write() as conn:
        backup.restore(conn, path)
    with target.read() as conn:  # nothing half-restored
        assert people.count_people(conn) == 0
        assert all(n == 0 for t, n in _counts(conn).items() if t != "setting")
    target.dispose()


def _counts(conn: Any) -> dict[str, int]:
    from sqlalchemy import func, select

    from kithkin.store.backup import backup_tables

    return {t.name: conn.scalar(select(func.count()).select_from(t)) for t in backup_tables()}


def test_a_backup_of_a_newer_schema_is_refused_with_the_reason(
    db: Database, tmp_path: Path, new_db: NewDb
) -> None:
    _fill(db)
    path = _backup(db, tmp_path, lambda data: data.update(schema="9999"))
    _restore_refused(new_db, path, r"schema '9999' is newer than this kithkin's \(\d{4}\)")
    path = _backup(db, tmp_path, lambda data: data.pop("schema"))
    _restore_refused(new_db, path, 'no "schema"')


def test_a_backup_with_a_table_kithkin_does_not_know_is_refused(
    db: Database, tmp_path: Path, new_db: NewDb
) -> None:
    _fill(db)
    extra = {"columns": ["id"], "rows": [[1]]}
    path = _backup(db, tmp_path, lambda data: data["tables"].update(secrets=extra))
    _restore_refused(new_db, path, "unknown tables 'secrets'")


def test_a_reference_to_a_missing_row_names_the_table_and_the_row(
    db: Database, tmp_path: Path, new_db: NewDb
) -> None:
    _fill(db)

    def orphan(data: dict[str, Any]) -> None:
        notes = data["tables"]["note"]
        column = notes["columns"].index("person_id")
        notes["rows"][0][column] = 999

    path = _backup(db, tmp_path, orphan)
    note_id = json.loads(path.read_text())["tables"]["note"]["rows"][0][0]
    _restore_refused(
        new_db, path, rf"table note row id {note_id}: person_id 999 names no person row"
    )


def test_a_row_the_database_refuses_names_the_table_and_the_row(
    db: Database, tmp_path: Path, new_db: NewDb
) -> None:
    _fill(db)

    def twice(data: dict[str, Any]) -> None:
        rows = data["tables"]["person"]["rows"]
        rows.append(list(rows[0]))  # the same id again

    path = _backup(db, tmp_path, twice)
    rows = len(json.loads(path.read_text())["tables"]["person"]["rows"])
    _restore_refused(
        new_db,
        path,
        rf"table person row {rows} \(id 1\): refused by the database: "
        r"(UNIQUE constraint failed|duplicate key value violates unique constraint)",
    )


@pytest.mark.sqlite_only(
    reason="a property test of the backup format on fresh SQLite files (PostgreSQL would make "
    "50 databases a run); restoring onto PostgreSQL is tested by the tests above"
)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_mutated_backup_is_restored_whole_or_refused_cleanly(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    source = Database(f"sqlite:///{folder / 's.db'}")
    _fill(source)
    text = _export(source)
    source.dispose()
    raw = bytearray(text.encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        how = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if how == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif how == "cut":
            del raw[at : at + data.draw(st.integers(1, 64))]
        else:
            raw[at:at] = data.draw(st.binary(max_size=16))
    path = folder / "b.json"
    path.write_bytes(bytes(raw))
    target = Database(f"sqlite:///{folder / 't.db'}")
    try:
        with target.write() as conn:
            backup.restore(conn, path)
    except BadBackup as exc:
        assert str(exc).startswith(str(path))
        with target.read() as conn:
            assert people.count_people(conn) == 0
    finally:
        target.dispose()


@pytest.mark.sqlite_only(
    reason="a property test of the backup format on fresh SQLite files (PostgreSQL would make "
    "50 databases a run); restoring onto PostgreSQL is tested by the tests above"
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=512))
def test_random_bytes_are_refused_cleanly(
    tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    folder = tmp_path_factory.mktemp("bytes")
    path = folder / "b.json"
    path.write_bytes(content)
    target = Database(f"sqlite:///{folder / 't.db'}")
    try:
        with pytest.raises(BadBackup), target.write() as conn:
            backup.restore(conn, path)
    finally:
        target.dispose()


def test_a_backup_holds_every_table_whatever_was_imported_before() -> None:
    """The tables of mail, calendar, circle and hygiene are made when their store modules are
    imported (a read builds only those it queries); a backup still lists them all, and all the
    tables the migrations make."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from kithkin.store.backup import backup_tables\n"
        "print(' '.join(t.name for t in backup_tables()))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    listed = done.stdout.split()
    assert {"person", "mail_message", "calendar_event", "relationship", "outbox"} <= set(listed)
    assert len(listed) == len(set(listed))

    from kithkin.store.backup import backup_tables

    assert listed == [t.name for t in backup_tables()]
