"""The demo tells no contradictory stories (one home town, one employer, children of one age,
no fact said twice), and holds a few likely duplicates that the detector proposes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from kithkin.demo import build_demo
from kithkin.demo import words as w
from kithkin.model import Person
from kithkin.services import contacts
from kithkin.store import Database, people

SINGLE = ("work", "origin", "education", "drivers", "other")  # one fact each, or they clash
CITIES = {c for origin in w.ORIGINS for c in origin.cities.split(";")}
ORGS = sorted((o.name for o in w.ORGS), key=len, reverse=True)  # longest first: no prefix hits
STAGES = {"young": ("under-12", "just started school"), "grown": ("at university;", "grandparent")}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    build_demo(db, seed=7, today=date(2026, 3, 14))
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def everyone(demo: Database) -> list[Person]:
    with demo.read() as conn:
        return [people.get_person(conn, p.id) for p in people.list_people(conn, limit=10_000)]


def contradictions(p: Person) -> list[str]:
    """Each way the person's story and notes say two different things about one key."""
    found = []
    by_field = p.story_by_field()
    for fld in SINGLE:
        if len(by_field.get(fld, [])) > 1:
            found.append(f"{fld}: " + " / ".join(f.text for f in by_field[fld]))
    texts = [f.text for f in p.story]
    if len(set(texts)) < len(texts) or len({n.text for n in p.notes}) < len(p.notes):
        found.append("a fact or note said twice")
    said = [  # where they come from, not where they went (nor the Camino de Santiago)
        re.split(r"\b(?:moved|came) to\b", f.text)[0]
        for f in p.story
        if f.field in ("origin", "education")
    ]
    towns = {c for t in said for c in CITIES if re.search(rf"\b{re.escape(c)}\b", t)}
    if len(towns) > 1:
        found.append(f"home towns: {sorted(towns)}")
    stages = {s for s, marks in STAGES.items() for t in texts for m in marks if m in t}
    if len(stages) > 1:
        found.append(f"children: {texts}")
    for fact in by_field.get("work", []):
        named = re.sub(r"years at .*", "", fact.text)  # "after 6 years at <a former employer>"
        employer = next((o for o in ORGS if o in named), None)
        if employer is not None and employer != p.organisation:
            found.append(f"works at {employer}, not {p.organisation}: {fact.text}")
        role = re.match(r"^(.+) at .+; runs a team", fact.text)
        if role and role[1] != p.title:
            found.append(f"title {p.title!r}, not {role[1]!r}")
    return found


def test_no_person_has_contradictory_facts(everyone: list[Person]) -> None:
    clashes = {p.display_name: c for p in everyone if (c := contradictions(p))}
    assert clashes == {}
    rich = [p for p in everyone if len(p.story) >= 5]
    assert len(rich) >= 20  # still full stories to check, not an empty demo


def test_the_check_finds_a_planted_contradiction(everyone: list[Person]) -> None:
    someone = next(p for p in everyone if len(p.story_by_field()["origin"]) == 1)
    [origin] = someone.story_by_field()["origin"]
    elsewhere = next(c for c in sorted(CITIES) if c not in origin.text)
    moved = replace(origin, id=-1, text=f"Born and raised in {elsewhere}.")
    assert contradictions(replace(someone, story=(*someone.story, moved)))
    wrong_job = replace(origin, id=-2, field="work", text="Joined Nowhere Ltd in 2020.")
    assert not contradictions(replace(someone, story=(*someone.story, wrong_job)))[1:]


def test_the_planted_duplicates_are_proposed(demo: Database) -> None:
    found = contacts.duplicates(demo)
    pairs = {frozenset((p.a.display_name, p.b.display_name)): p.proposal for p in found.pairs}
    reasons = " | ".join(p.reason for p in pairs.values())
    assert len(pairs) >= 3, reasons
    for kind in ("(initial)", "(nickname)", "(same name but for accents or case)"):
        assert kind in reasons, kind
    initial = next(n for pair in pairs for n in pair if re.match(r"^[A-Z]\. ", n))
    assert initial  # "A. Dvořáková" beside "Agnieszka Dvořáková"
    with demo.read() as conn:
        twins = [p for p in people.list_people(conn, limit=10_000) if p.id > 0]
    assert len({p.display_name for p in twins}) == len(twins)  # the names still differ
