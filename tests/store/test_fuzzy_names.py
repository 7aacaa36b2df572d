"""Fuzzy names: a misspelt name finds the person, ranked by pg_trgm's trigram similarity on
both engines (PostgreSQL's pg_trgm with its GIN index, SQLite's computed in Python)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from kithkin.errors import Ambiguous, NotFound
from kithkin.store import Database, people, search


def _fill(db: Database) -> dict[str, int]:
    with db.write() as conn:
        return {
            name: people.add_person(conn, display_name=name)
            for name in ("John Smith", "Joan Smithers", "Dana Ødegård", "Priya Raman")
        }


def test_a_misspelt_name_resolves_to_the_person(db: Database) -> None:
    ids = _fill(db)
    with db.read() as conn:
        assert people.resolve(conn, "Priya Rman") == ids["Priya Raman"]
        assert people.resolve(conn, "dana odegard") == ids["Dana Ødegård"]
        with pytest.raises(NotFound):
            people.resolve(conn, "Xavier Quentin")


def test_a_misspelling_near_two_names_lists_them_most_alike_first(db: Database) -> None:
    ids = _fill(db)
    with db.read() as conn, pytest.raises(Ambiguous) as raised:
        people.resolve(conn, "Jon Smtih")
    candidates = raised.value.candidates
    assert [pid for pid, _ in candidates] == [ids["John Smith"], ids["Joan Smithers"]]


def test_search_falls_back_to_names_alike_ranked_as_on_sqlite(db: Database) -> None:
    ids = _fill(db)
    with db.read() as conn:
        hits = people.search_people(conn, "Jon Smtih")
        assert [hit.person.id for hit in hits] == [ids["John Smith"], ids["Joan Smithers"]]
        assert hits[0].score == pytest.approx(search.similarity("john smith", "jon smtih"))
        assert [hit.person.id for hit in people.search_people(conn, "Smith")] == [
            ids["John Smith"]
        ]  # a word that matches: no fuzzy hits added


def test_a_person_in_the_trash_is_not_found_by_a_name_alike(db: Database) -> None:
    from kithkin.store import trash

    ids = _fill(db)
    with db.write() as conn:
        trash.delete_person(conn, ids["Priya Raman"])
    with db.read() as conn:
        assert people.search_people(conn, "Priya Rman") == []


names = st.text(st.characters(categories=("L", "N", "Zs", "P")), max_size=30)


@pytest.mark.pg_only(reason="holds SQLite's trigram similarity to pg_trgm's own")
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=names, second=names)
def test_the_similarity_is_pg_trgms(db: Database, first: str, second: str) -> None:
    with db.read() as conn:
        theirs = conn.execute(text("SELECT similarity(:a, :b)"), {"a": first, "b": second})
        theirs = theirs.scalar_one()
    assert search.similarity(first, second) == pytest.approx(float(theirs), abs=1e-6)
