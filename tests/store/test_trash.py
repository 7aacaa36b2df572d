from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound, NothingToUndo
from kithkin.store import Database, backup, interactions, people, story, trash
from tests.builders.people import dana_and_her_duplicate


def _rows_without_activity(db: Database) -> dict[str, list[list[object]]]:
    """Every table's rows but the activity log, with person.updated_at blanked."""
    out = io.StringIO()
    with db.read() as conn:
        backup.export(conn, out)
    tables = json.loads(out.getvalue())["tables"]
    rows = {name: t["rows"] for name, t in tables.items() if name != "activity"}
    updated = tables["person"]["columns"].index("updated_at")
    for row in rows["person"]:
        row[updated] = None
    return rows


def test_delete_then_undo_restores_the_person(db: Database) -> None:
    with db.write() as conn:
        pid = people.add_person(conn, display_name="Dana", contacts=[("email", "d@x.example")])
        story.add_fact(conn, pid, "origin", "grew up in Porto")
        trash.delete_person(conn, pid)
    with db.read() as conn:
        assert people.count_people(conn) == 0
        assert people.search_people(conn, "porto") == []
        assert [p.id for p, _ in trash.trash(conn)] == [pid]
        with pytest.raises(NotFound):
            people.get_person(conn, pid)
    with db.write() as conn:
        assert "deleted Dana" in trash.undo(conn)
    with db.read() as conn:
        assert people.get_person(conn, pid).story[0].text == "grew up in Porto"
        assert [h.person.id for h in people.search_people(conn, "porto")] == [pid]
        assert trash.trash(conn) == []
    with db.write() as conn, pytest.raises(NothingToUndo):
        trash.undo(conn)


def test_merge_moves_everything_and_undo_restores_every_row(db: Database) -> None:
    dana = dana_and_her_duplicate(db)
    keep, other = dana.keep, dana.other
    before = _rows_without_activity(db)
    with db.write() as conn:
        trash.merge_people(conn, keep, other)
    with db.read() as conn:
        merged = people.get_person(conn, keep)
        assert {c.value for c in merged.contact_points} == {"dana@acme.example", "dw@home.example"}
        assert merged.organisation == "Acme"
        assert merged.tags == ("board", "circle")
        assert [f.text for f in merged.story] == ["studied at Delft"]
        assert len(merged.notes) == 1
        assert len(interactions.interactions_of(conn, keep)) == 2
        assert people.resolve(conn, "dw@home.example") == keep
        with pytest.raises(NotFound):
            people.get_person(conn, other)
        assert trash.trash(conn) == []  # merged people are not in the trash list
        with pytest.raises(InvalidInput):
            trash.restore_person(conn, other)
    with db.write() as conn:
        trash.undo(conn)
    after = _rows_without_activity(db)
    # Every row is back where it was (updated_at of the kept person may have moved).
    assert before == after


def test_merge_refuses_self(db: Database) -> None:
    with db.write() as conn:
        pid = people.add_person(conn, display_name="A")
        with pytest.raises(InvalidInput):
            trash.merge_people(conn, pid, pid)


def test_trash_is_emptied_after_thirty_days(db: Database) -> None:
    start = clock.now()
    clock.freeze(start)
    with db.write() as conn:
        old = people.add_person(conn, display_name="Old")
        trash.delete_person(conn, old)
    clock.freeze(start + timedelta(days=31))
    with db.write() as conn:
        recent = people.add_person(conn, display_name="Recent")
        trash.delete_person(conn, recent)  # a delete purges what expired
    with db.read() as conn:
        assert [p.display_name for p, _ in trash.trash(conn)] == ["Recent"]
    with db.write() as conn:
        assert "Recent" in trash.undo(conn)
    with db.write() as conn, pytest.raises(NothingToUndo):
        trash.undo(conn)  # the purged delete can no longer be undone


def test_restore_from_trash(db: Database) -> None:
    with db.write() as conn:
        pid = people.add_person(conn, display_name="A")
        trash.delete_person(conn, pid)
        trash.restore_person(conn, pid)
        assert people.get_person(conn, pid).display_name == "A"
        with pytest.raises(NotFound):
            trash.restore_person(conn, pid)


def test_restoring_from_the_trash_takes_the_delete_off_the_undo_list(db: Database) -> None:
    with db.write() as conn:
        a = people.add_person(conn, display_name="A")
        b = people.add_person(conn, display_name="B")
        trash.delete_person(conn, a)
        trash.delete_person(conn, b)
        trash.restore_person(conn, b)
        last = trash.last_undoable(conn)
        assert last is not None and last.summary.startswith("deleted A")
        assert trash.undo(conn).startswith("deleted A")
        assert trash.last_undoable(conn) is None
