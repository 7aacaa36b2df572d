"""Search on PostgreSQL (migration 0014): the same text per person as FTS5 indexes, weighted
names first, kept up to date by every write, rebuilt by a restore, and filled by the migration
for the people already there."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from kithkin.store import Database, backup, people, story, trash
from kithkin.store.db import upgrade
from tests.pg_cluster import Cluster


def _ids(db: Database, query: str, **options: str) -> list[int]:
    with db.read() as conn:
        return [h.person.id for h in people.search_people(conn, query, **options)]  # type: ignore[arg-type]


def test_words_of_every_field_are_found_names_first(db: Database) -> None:
    with db.write() as conn:
        sailor = people.add_person(
            conn,
            display_name="Dana Whitfield",
            organisation="Acme",
            title="Chief Information Officer",
            contacts=[("email", "dana.w@harbour.example")],
            tags=["board"],
        )
        story.add_fact(conn, sailor, "passions", "weekends on the water in a sailboat")
        named = people.add_person(conn, display_name="Sailboat Sam")
        who = people.add_person(conn, display_name="A. Who")
    assert _ids(db, "sailboat") == [named, sailor]
    assert _ids(db, "harbour") == [sailor]  # a part of an address is a word
    assert _ids(db, "officers") == [sailor]  # stemmed, as FTS5's porter does
    assert _ids(db, "who") == [who]  # no stop words: a name may be one
    assert _ids(db, "sailboat", tag_name="board") == [sailor]
    assert _ids(db, "sailboat weekends") == [sailor]  # every word must match
    assert _ids(db, '"; DROP TABLE person; -- OR') == []
    with db.read() as conn:
        hit = people.search_people(conn, "weekends")[0]
    assert "[weekends]" in hit.snippet
    with db.write() as conn:
        story.add_note(conn, named, "met at the harbour regatta")
        trash.delete_person(conn, sailor)
    assert _ids(db, "harbour") == [named]


def test_a_restore_rebuilds_the_index_and_new_rows_follow_it(
    db: Database, pg_cluster: Cluster, tmp_path: Path
) -> None:
    with db.write() as conn:
        first = people.add_person(conn, display_name="Noor Haddad", organisation="Oman Air")
    dump = tmp_path / "backup.json"
    with db.read() as conn, dump.open("w") as out:
        backup.export(conn, out)
    url = pg_cluster.new_database()
    restored = Database(url)
    try:
        with restored.write() as conn:
            backup.restore(conn, dump)
        assert _ids(restored, "oman") == [first]
        with restored.write() as conn:  # the ids a restore wrote are not handed out again
            second = people.add_person(conn, display_name="Omar Oman")
        assert second != first
        assert sorted(_ids(restored, "oman")) == sorted([first, second])
    finally:
        restored.dispose()
        pg_cluster.drop(url)


def test_the_migration_indexes_the_people_already_there(pg_cluster: Cluster) -> None:
    url = pg_cluster.empty_database()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            upgrade(conn, "0013")
            conn.execute(
                text(
                    "INSERT INTO person (uid, display_name, organisation, created_at, updated_at)"
                    " VALUES ('u1', 'Ines Duarte', 'Lisbon Port', now(), now())"
                )
            )
            conn.commit()
        db = Database(url)
        try:
            assert len(_ids(db, "lisbon")) == 1
        finally:
            db.dispose()
    finally:
        engine.dispose()
        pg_cluster.drop(url)
