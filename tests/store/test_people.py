from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.errors import Ambiguous, Conflict, InvalidInput, NotFound
from kithkin.store import Database, interactions, people, story
from kithkin.store.contacts import normalize


def test_add_and_read_a_person_with_contacts_and_tags(db: Database) -> None:
    with db.write() as conn:
        pid = people.add_person(
            conn,
            given_name="  Dana ",
            family_name="Whitfield",
            organisation="Acme  Corp",
            title="CIO",
            contacts=[
                ("email", "Dana@Acme.example"),
                ("phone", "+1 555 0101"),
                ("url", "https://www.dana.example/"),
            ],
            tags=["circle", "cio-forum"],
        )
    with db.read() as conn:
        person = people.get_person(conn, pid)
    assert person.display_name == "Dana Whitfield"
    assert person.organisation == "Acme Corp"
    assert [(c.kind, c.value) for c in person.contact_points] == [
        ("email", "Dana@Acme.example"),
        ("phone", "+1 555 0101"),
        ("url", "https://www.dana.example/"),
    ]
    assert person.tags == ("cio-forum", "circle")  # sorted by name
    assert person.story_completeness() == 0.0
    assert person.story_gaps() == ["work", "origin", "education", "passions", "drivers"]


def test_an_address_belongs_to_one_person(db: Database) -> None:
    with db.write() as conn:
        people.add_person(conn, display_name="Dana", contacts=[("email", "dana@acme.example")])
    with pytest.raises(Conflict, match="already belongs to Dana"), db.write() as conn:
        people.add_person(conn, display_name="Other", contacts=[("email", "DANA@acme.example")])
    with db.read() as conn:
        assert people.count_people(conn) == 1  # the failed add left nothing behind


def test_edit_records_old_values_and_rejects_unknown_fields(db: Database) -> None:
    with db.write() as conn:
        pid = people.add_person(conn, display_name="Dana", organisation="Acme")
        old = people.edit_person(conn, pid, organisation="Globex", title="CTO")
        assert old == {"organisation": "Acme", "title": None}
        assert people.edit_person(conn, pid, organisation="Globex") == {}
        with pytest.raises(InvalidInput):
            people.edit_person(conn, pid, uid="x")
        with pytest.raises(InvalidInput):
            people.edit_person(conn, pid, display_name="  ")
    with db.read() as conn:
        assert people.get_person(conn, pid).organisation == "Globex"


def test_resolve_by_id_email_exact_and_partial_name(db: Database) -> None:
    with db.write() as conn:
        a = people.add_person(
            conn, display_name="Dana Whitfield", contacts=[("email", "d@a.example")]
        )
        b = people.add_person(conn, display_name="Dana Okafor")
        c = people.add_person(conn, display_name="Dan")
    with db.read() as conn:
        assert people.resolve(conn, f"#{a}") == a
        assert people.resolve(conn, str(b)) == b
        assert people.resolve(conn, "D@A.example") == a
        assert people.resolve(conn, "okafor") == b
        assert people.resolve(conn, "dan") == c  # an exact name beats partial matches
        with pytest.raises(Ambiguous) as info:
            people.resolve(conn, "dana")
        assert {pid for pid, _ in info.value.candidates} == {a, b}
        with pytest.raises(NotFound, match="nobody called 'zed'"):
            people.resolve(conn, "zed")
        with pytest.raises(NotFound):
            people.resolve(conn, "#999")


def test_search_matches_words_and_ranks_names_first(db: Database) -> None:
    with db.write() as conn:
        sailor = people.add_person(conn, display_name="Dana Whitfield", organisation="Acme")
        story.add_fact(conn, sailor, "passions", "weekends on the water in a sailboat")
        named = people.add_person(conn, display_name="Sailboat Sam")
        noted = people.add_person(conn, display_name="Noor Haddad")
        story.add_note(conn, noted, "Asked about sailboat racing in Oman")
    with db.read() as conn:
        hits = people.search_people(conn, "sailboat")
        assert hits[0].person.id == named
        assert {h.person.id for h in hits} == {sailor, named, noted}
        # words must match, not meanings: no story or note about sailboats is found by
        # "sailing", only (matching no word at all) a name alike, by its trigrams
        alike = people.search_people(conn, "sailing")
        assert [(h.person.id, h.snippet) for h in alike] == [(named, "Sailboat Sam")]
        both = people.search_people(conn, "sailboat weekends")
        assert [h.person.id for h in both] == [sailor]
        assert "[sailboat]" in both[0].snippet
        assert people.search_people(conn, "acme")[0].person.id == sailor
        assert people.search_people(conn, '"; DROP TABLE person; --') == []


def test_tags_list_and_filter(db: Database) -> None:
    with db.write() as conn:
        a = people.add_person(conn, display_name="A", tags=["circle"])
        people.add_person(conn, display_name="B")
        assert people.add_tag(conn, a, "board") is True
        assert people.add_tag(conn, a, "board") is False
        with pytest.raises(InvalidInput):
            people.add_tag(conn, a, "<bad>")
    with db.read() as conn:
        assert [p.display_name for p in people.list_people(conn, tag_name="circle")] == ["A"]
        assert people.all_tags(conn) == [("board", 1), ("circle", 1)]
    with db.write() as conn:
        assert people.remove_tag(conn, a, "board") is True
        assert people.remove_tag(conn, a, "board") is False


def test_interactions_are_idempotent_per_source_id(db: Database) -> None:
    from kithkin import clock

    with db.write() as conn:
        a = people.add_person(conn, display_name="A")
        first = interactions.log_interaction(
            conn,
            kind="email",
            direction="to_me",
            occurred_at=clock.now(),
            participants=[a],
            source="mbox",
            source_id="<m1@x>",
        )
        again = interactions.log_interaction(
            conn,
            kind="email",
            direction="to_me",
            occurred_at=clock.now(),
            participants=[a],
            source="mbox",
            source_id="<m1@x>",
        )
        assert first == (first[0], True) and again == (first[0], False)
        with pytest.raises(InvalidInput):
            interactions.log_interaction(
                conn, kind="telepathy", direction="both", occurred_at=clock.now(), participants=[a]
            )
    with db.read() as conn:
        assert len(interactions.interactions_of(conn, a)) == 1


@given(st.emails())
def test_email_normalisation_is_idempotent_and_case_blind(address: str) -> None:
    key = normalize("email", address)
    assert normalize("email", key) == key
    assert normalize("email", address.upper()) == key


@given(st.text())
def test_normalise_never_fails_unexpectedly(value: str) -> None:
    for kind in ("email", "phone", "url", "handle"):
        try:
            key = normalize(kind, value)
        except InvalidInput:
            continue
        assert key == normalize(kind, key) or kind in ("phone", "url")


def test_a_handle_of_only_at_signs_is_refused_and_keys_are_stable() -> None:
    # found by the property above: "@" had the key "" (which then failed as "empty handle")
    with pytest.raises(InvalidInput, match="not a handle"):
        normalize("handle", "@")
    assert normalize("handle", "@ dana") == "dana" == normalize("handle", "dana")


def test_search_pages_and_filters_by_tag(db: Database) -> None:
    with db.write() as conn:
        ids = [
            people.add_person(
                conn, display_name=f"Chess Player {n}", tags=["club"] if n % 2 else []
            )
            for n in range(6)
        ]
    with db.read() as conn:
        everyone = [h.person.id for h in people.search_people(conn, "chess", limit=10)]
        assert sorted(everyone) == ids
        assert [h.person.id for h in people.search_people(conn, "chess", limit=2, offset=2)] == (
            everyone[2:4]
        )
        tagged = {h.person.id for h in people.search_people(conn, "chess", tag_name="club")}
        assert tagged == {ids[1], ids[3], ids[5]}
