"""Migration 0006 on a database made by 0005 that holds control characters (from mail
headers, before kithkin refused them): they are gone, and the search index follows."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from kithkin.store import Database, people
from tests.store.migrations import database_at

_AT = "2025-01-01 00:00:00.000000"


def test_0006_removes_control_characters_that_are_already_stored(tmp_path: Path) -> None:
    url, _ = database_at(tmp_path / "old.db", "0005")
    engine = create_engine(url)
    with engine.begin() as conn:
        for pid, name in ((1, "Bo\x00b Smith"), (2, "Dana")):
            conn.execute(
                text(
                    "INSERT INTO person (id, uid, display_name, organisation, created_at,"
                    " updated_at) VALUES (:id, :uid, :name, :org, :at, :at)"
                ),
                {"id": pid, "uid": f"u{pid}", "name": name, "org": "Ac\x1bme", "at": _AT},
            )
        for cid, pid, value in ((1, 1, "bob\x00@x.example"), (2, 1, "bob@x.example")):
            conn.execute(
                text(
                    "INSERT INTO contact_point (id, person_id, kind, value, normalized, source,"
                    " created_at) VALUES (:id, :pid, 'email', :v, :v, 'mail', :at)"
                ),
                {"id": cid, "pid": pid, "v": value, "at": _AT},
            )
        conn.execute(
            text("INSERT INTO note (person_id, text, created_at) VALUES (1, :t, :at)"),
            {"t": "line\x00 one\nline two", "at": _AT},
        )
        conn.execute(
            text("INSERT INTO person_fts(rowid, name) VALUES (1, :name)"), {"name": "Bo\x00b Smith"}
        )
    engine.dispose()

    db = Database(url)
    try:
        with db.read() as conn:
            bob = people.get_person(conn, 1)
            assert (bob.display_name, bob.organisation) == ("Bob Smith", "Acme")
            assert [c.value for c in bob.contact_points] == ["bob@x.example"]
            assert [n.text for n in bob.notes] == ["line one\nline two"]
            assert people.get_person(conn, 2).organisation == "Acme"
            assert [h.person.id for h in people.search_people(conn, "bob")] == [1]
            assert conn.scalar(text("SELECT name FROM person_fts WHERE rowid = 1")).startswith(
                "Bob Smith"
            )
            action, payload = conn.execute(text("SELECT action, payload FROM activity")).one()
        assert action == "repair.controls"
        assert json.loads(payload) == {
            "contact_points_removed": 1,
            "people": 2,
            "raw": 0,
            "texts": 1,
        }
    finally:
        db.dispose()


def test_0006_leaves_a_clean_database_as_it_is(tmp_path: Path) -> None:
    url, _ = database_at(tmp_path / "old.db", "0005")
    db = Database(url)
    try:
        with db.read() as conn:
            assert conn.scalar(text("SELECT count(*) FROM activity")) == 0
    finally:
        db.dispose()
