"""Identity resolution: name keys, the likely-match score and its evidence, and blocking."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.ingest import identity
from kithkin.ingest.identity import Candidate, block_keys, features, propose, score
from kithkin.ingest.names import close_spelling, fold, org_key, split_name
from kithkin.ingest.nicknames import canonical, same_person_names
from kithkin.store import Database, duplicates, people


def c(pid: int, name: str, org: str | None = None, *domains: str, **names: str) -> Candidate:
    return Candidate(
        id=pid,
        display_name=name,
        organisation=org,
        email_domains=domains,
        given_name=names.get("given"),
        family_name=names.get("family"),
    )


def pair(a: Candidate, b: Candidate) -> identity.Proposal | None:
    return score(features(a), features(b))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Zoë Ødegård", "zoe odegard"),
        ("  José-María  GARCÍA ", "jose maria garcia"),
        ("Łukasz Straße", "lukasz strasse"),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("display", "given_name", "family_name", "expected"),
    [
        ("Bob Smith", None, None, ("bob", "smith")),
        ("Smith, Bob", None, None, ("bob", "smith")),
        ("Dr. Robert J. Smith Jr.", None, None, ("robert", "smith")),
        ("Dana", None, None, ("dana", "")),
        ("whatever", "Mary Ann", "van der Berg", ("mary", "vanderberg")),
    ],
)
def test_split_name(
    display: str, given_name: str | None, family_name: str | None, expected: tuple[str, str]
) -> None:
    assert split_name(display, given_name, family_name) == expected


def test_organisation_keys_drop_legal_suffixes() -> None:
    assert org_key("Acme, Inc.") == org_key("ACME") == "acme"
    assert org_key("The Company") == "the company"  # nothing but suffixes: keep the words


def test_nicknames() -> None:
    assert same_person_names("bob", "robert") and same_person_names("bob", "rob")
    assert same_person_names("liz", "elizabeth") and same_person_names("bill", "will")
    assert not same_person_names("bob", "bob") and not same_person_names("bob", "william")
    assert canonical("chris") >= {"christopher", "christine"}
    assert canonical("zebulon") == {"zebulon"}


def test_close_spelling() -> None:
    assert close_spelling("smith", "smyth") and close_spelling("jonathan", "jonahtan")
    assert not close_spelling("smith", "jones") and not close_spelling("ann", "anne")
    assert not close_spelling("smith", "tmith")  # the first letter must agree


def test_a_nickname_at_the_same_organisation_is_a_strong_match_with_its_evidence() -> None:
    found = pair(c(1, "Bob Smith", "Acme"), c(2, "Robert Smith", "ACME Inc."))
    assert found is not None and found.score == 0.9
    assert found.reason == "same organisation Acme; names Bob Smith ~ Robert Smith (nickname)"


@pytest.mark.parametrize(
    ("a", "b", "kind", "at_least"),
    [
        (c(1, "Zoë Ødegård"), c(2, "Zoe Odegard"), "same name but for accents or case", 0.75),
        (c(1, "Smith Bob", given="Smith", family="Bob"), c(2, "Bob Smith"), "transposed", 0.7),
        (c(1, "R. Smith", "Acme"), c(2, "Robert Smith", "Acme"), "initial", 0.75),
        (c(1, "Dianna Smith", "Acme"), c(2, "Diana Smith", "Acme"), "spelling", 0.75),
        (c(1, "Dana Whitfield"), c(2, "Dana Whitfeld"), "spelling", 0.55),
        (c(1, "Dana", "Acme"), c(2, "Dana Whitfield", "Acme"), "first name only", 0.65),
        (c(1, "Robert J. Smith"), c(2, "Robert Smith"), "same given and family name", 0.72),
        (c(1, "Sam Lee", None, "lee.example"), c(2, "Sam Lee", None, "lee.example"), "same", 0.85),
    ],
)
def test_likely_matches(a: Candidate, b: Candidate, kind: str, at_least: float) -> None:
    found = pair(a, b)
    assert found is not None and found.score >= at_least
    assert kind in found.reason


def test_different_organisations_lower_the_score_and_unrelated_names_do_not_match() -> None:
    same = pair(c(1, "Dana Whitfield", "Acme"), c(2, "Dana Whitfield", "Globex"))
    assert same is not None and same.score == 0.5
    assert "different organisations Acme / Globex" in same.reason
    assert pair(c(1, "Dana Whitfield"), c(2, "Sam Whitfield")) is None
    assert pair(c(1, "Dana", "Acme"), c(2, "Dana Whitfield", "Globex")) is None
    free = pair(c(1, "Sam Lee", None, "gmail.com"), c(2, "Sam Lee", None, "gmail.com"))
    assert free is not None and "domain" not in free.reason


def test_propose_lists_pairs_best_first_and_leaves_dismissed_ones_out() -> None:
    people_ = [
        c(1, "Bob Smith", "Acme"),
        c(2, "Robert Smith", "Acme"),
        c(3, "Dana Whitfield"),
        c(4, "Dana Whitfield"),
        c(5, "Someone Else"),
    ]
    report = propose(people_)
    assert [(p.a, p.b) for p in report.proposals] == [(1, 2), (3, 4)]
    assert report.all_pairs == 10 and report.compared < report.all_pairs
    assert [(p.a, p.b) for p in propose(people_, dismissed=[(4, 3)]).proposals] == [(1, 2)]
    assert propose(people_, min_score=0.8).proposals[0].score == 0.9


def test_oversized_blocks_are_skipped_and_reported() -> None:
    crowd = [c(n, f"Person{n} Smith") for n in range(1, 30)]
    report = propose(crowd, max_block=10)
    assert ("fg:smith|p", 29) in report.skipped_blocks
    assert report.compared == 0


def test_blocking_is_near_linear() -> None:
    rng = random.Random(5)
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "go", "hu", "ji"]

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()

    given_names, family_names = [word() for _ in range(300)], [word() for _ in range(2000)]
    crowd = [
        c(n, f"{rng.choice(given_names)} {rng.choice(family_names)}", f"Org {n % 97}")
        for n in range(5000)
    ]
    report = propose(crowd)
    assert report.compared < report.all_pairs / 200


# -- blocking never misses what the scorer would propose -------------------------------------

GIVEN = ["Robert", "Bob", "Rob", "Elizabeth", "Liz", "Beth", "William", "Bill", "Zoë", "Zoe"]
FAMILY = ["Smith", "Smyth", "Ødegård", "Odegard", "Whitfield", "Whitfeld", "Lee", "García"]
ORGS = [None, "Acme", "ACME Inc.", "Globex", "Acme Health"]


@st.composite
def variant_people(draw: st.DrawFn) -> list[Candidate]:
    out: list[Candidate] = []
    for pid in range(1, draw(st.integers(2, 12)) + 1):
        first, last = draw(st.sampled_from(GIVEN)), draw(st.sampled_from(FAMILY))
        style = draw(st.sampled_from(["plain", "comma", "transposed", "initial", "fields", "one"]))
        display = {
            "plain": f"{first} {last}",
            "comma": f"{last}, {first}",
            "transposed": f"{last} {first}",
            "initial": f"{first[0]}. {last}",
            "fields": f"{first} {last}",
            "one": first,
        }[style]
        names = {"given": first, "family": last} if style == "fields" else {}
        org = draw(st.sampled_from(ORGS))
        domain = draw(st.sampled_from(["", "acme.example", "gmail.com"]))
        out.append(c(pid, display, org, *([domain] if domain else []), **names))
    return out


@settings(max_examples=300, deadline=None)
@given(variant_people())
def test_blocking_never_misses_a_pair_the_scorer_would_propose(crowd: list[Candidate]) -> None:
    found = {(p.a, p.b) for p in propose(crowd, max_block=10_000).proposals}
    for a, b in itertools.combinations(crowd, 2):
        fa, fb = features(a), features(b)
        scored = score(fa, fb)
        if scored is not None:
            assert block_keys(fa) & block_keys(fb), (a, b, scored)
        if scored is not None and scored.score >= identity.DEFAULT_MIN_SCORE:
            assert (min(a.id, b.id), max(a.id, b.id)) in found


# -- against the store ------------------------------------------------------------------------


def test_candidates_and_dismissals_from_the_store(db: Database) -> None:
    with db.write() as conn:
        a = people.add_person(
            conn, display_name="Bob Smith", contacts=[("email", "bob@acme.example")]
        )
        b = people.add_person(conn, display_name="Robert Smith", organisation="Acme")
        assert duplicates.dismiss(conn, b, a) is True
        assert duplicates.dismiss(conn, a, b) is False
    with db.read() as conn:
        found = list(duplicates.candidates(conn))
        assert found[0].email_domains == ("acme.example",)
        assert duplicates.dismissed(conn) == {(a, b)}
        report = propose(found, dismissed=duplicates.dismissed(conn))
    assert report.proposals == []


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance, the plain dynamic programme."""
    d = [[i + j if not (i and j) else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(
                d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@given(st.text("abc", max_size=7), st.text("abc", max_size=7), st.integers(0, 2))
def test_the_bounded_edit_check_agrees_with_the_full_distance(a: str, b: str, edits: int) -> None:
    from kithkin.ingest.names import _within

    assert _within(a, b, edits) == (_edit_distance(a, b) <= edits)
