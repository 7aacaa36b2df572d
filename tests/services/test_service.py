"""Service (P9): offers, needs (and their suggestions), the ledger and its nudge, matches, and
the tone check's use of the ledger."""

from __future__ import annotations

import pytest

from kithkin.errors import InvalidInput, NotFound
from kithkin.services import people, story
from kithkin.services import service as svc
from kithkin.services.tone import check_tone
from kithkin.store import Database


@pytest.fixture
def net(db: Database) -> Database:
    people.add_person(db, display_name="Dana Whitfield", organisation="Acme Bank", title="CIO")
    people.add_person(
        db,
        display_name="Lee Chen",
        organisation="Northbank",
        title="Chief Information Security Officer",
    )
    people.add_person(
        db, display_name="Quang Le", organisation="Harbour Food Bank", title="Treasurer"
    )
    return db


def test_offers_are_added_listed_and_removed(net: Database) -> None:
    new = svc.add_offer(net, text="  20 years running   ERP migrations ", kind="skill")
    assert new.text == "20 years running ERP migrations"
    assert [o.id for o in svc.list_offers(net)] == [new.id]
    with pytest.raises(InvalidInput, match="one of skill"):
        svc.add_offer(net, text="x", kind="money")
    with pytest.raises(InvalidInput):
        svc.add_offer(net, text="   ", kind="skill")
    assert svc.remove_offer(net, offer_id=f"#{new.id}").id == new.id
    with pytest.raises(NotFound):
        svc.remove_offer(net, offer_id=new.id)
    assert svc.list_offers(net) == []


def test_needs_hold_until_their_day(net: Database) -> None:
    need = svc.add_need(net, person="Dana", text="hiring a CISO", until="2999-01-01")
    assert need.display_name == "Dana Whitfield" and need.until is not None
    assert [n.text for n in svc.list_needs(net, person="Dana")] == ["hiring a CISO"]
    with pytest.raises(InvalidInput, match="has passed"):
        svc.add_need(net, person="Dana", text="old", until="2001-01-01")
    svc.remove_need(net, need_id=need.id)
    assert svc.list_needs(net) == []


def test_needs_are_proposed_from_notes_for_review_never_silently(net: Database) -> None:
    story.add_note(net, person="Quang", text="Raising funds for the winter drive. Loves jazz.")
    story.add_note(net, person="Lee", text="Had coffee; nothing new.")
    made = svc.suggest_needs(net)
    assert [(n.display_name, n.text, n.status) for n in made] == [
        ("Quang Le", "Raising funds for the winter drive", "suggested")
    ]
    assert svc.list_needs(net) == []  # not open until accepted
    assert svc.suggest_needs(net) == []  # a note is read once
    accepted = svc.review_need(net, need_id=made[0].id, accept=True)
    assert accepted.status == "open"
    assert [n.id for n in svc.list_needs(net)] == [accepted.id]
    with pytest.raises(InvalidInput, match="not a suggestion"):
        svc.review_need(net, need_id=accepted.id, accept=False)


def test_the_ledger_balances_and_nudges_before_asking_a_stranger(net: Database) -> None:
    first = svc.asked(net, person="Dana", text="a reference")
    assert first.warnings and "never helped Dana Whitfield" in first.warnings[0]
    svc.gave(net, person="Dana", text="introduced her to Lee")
    assert svc.ask_nudge(net, person="Dana") is None
    second = svc.asked(net, person="Dana", text="another favour")
    assert second.warnings == [] and (second.balance.gave, second.balance.asked) == (1, 2)
    svc.gave(net, person="Lee", text="a book")
    whole = svc.ledger(net)
    assert (whole.gave, whole.asked) == (2, 2)
    assert [b.display_name for b in whole.balances] == ["Dana Whitfield", "Lee Chen"]
    assert len(svc.ledger(net, person="Lee").entries) == 1


def test_the_tone_check_knows_whom_i_never_helped(net: Database) -> None:
    ask = "Could you introduce me to your board?"
    assert "favour" in {f.rule for f in check_tone(net, ask, "Dana").tone.flags}
    svc.gave(net, person="Dana", text="a warm intro")
    found = check_tone(net, ask, "Dana")
    assert found.helped == 1 and "favour" not in {f.rule for f in found.tone.flags}
    assert check_tone(None, ask).to is None


@pytest.mark.parametrize("method", ["bm25", "embedding"])
def test_matches_pair_offers_and_helpers_with_needs(net: Database, method: str) -> None:
    svc.add_offer(
        net, text="I can introduce you to security leaders in banking", kind="relationship"
    )
    svc.add_offer(net, text="20 years running ERP migrations", kind="skill")
    svc.add_need(net, person="Dana", text="hiring a chief information security officer")
    found = svc.matches(net, method=method)
    assert found.method == method
    helpers = [m for m in found.matches if m.kind == "person"]
    assert helpers and helpers[0].helper is not None
    assert helpers[0].helper.display_name == "Lee Chen"
    assert all(m.helper.person_id != m.need.person_id for m in helpers if m.helper)
    offers = [m for m in found.matches if m.kind == "offer"]
    assert offers and offers[0].offer is not None and "security" in offers[0].offer.text
    assert "Dana Whitfield" in offers[0].reason
    assert svc.best_opportunity(net) is not None


def test_today_shows_the_best_fresh_opportunity(net: Database) -> None:
    from kithkin.services import today

    assert svc.best_opportunity(net) is None  # no needs, nothing to show
    svc.add_offer(net, text="20 years running ERP migrations", kind="skill")
    need = svc.add_need(net, person="Dana", text="replacing the ERP system")
    by_words = svc.best_opportunity(net)  # nothing remembered yet: bm25
    assert by_words is not None and by_words.need.id == need.id
    svc.matches(net, method="embedding")  # remembered with the state it was made of
    cached = svc.best_opportunity(net)
    assert cached is not None and cached.need.id == need.id
    items = today.agenda(net).section("service")
    assert [i.key for i in items] == [f"service:{need.id}"]
    assert items[0].reason.startswith("is replacing the ERP system")
    assert items[0].people[0] == (need.person_id, "Dana Whitfield")
    svc.remove_need(net, need_id=need.id)
    assert svc.best_opportunity(net) is None
    assert today.agenda(net).section("service") == []


def _ranked_by_words(db: Database) -> svc.Match | None:
    """The best fresh match by bm25, ranked anew (what Today's cache must agree with)."""
    from datetime import timedelta

    from kithkin import clock

    since = clock.now() - timedelta(days=svc.FRESH_DAYS + 1)
    found = svc.matches(db, method="bm25", remember=False, since=since).matches
    fresh = [m for m in found if (clock.now() - m.need.created_at).days <= svc.FRESH_DAYS]
    return fresh[0] if fresh else None


def _cached_by_words(db: Database) -> dict[str, object] | None:
    from kithkin.store import settings

    with db.read() as conn:
        found: dict[str, object] | None = settings.get(conn, svc.WORDS_KEY)
    return found


def test_today_keeps_its_ranking_by_words_while_nothing_it_is_made_of_changes(
    net: Database,
) -> None:
    from datetime import timedelta

    from kithkin import clock
    from kithkin.store import settings

    need = svc.add_need(net, person="Dana", text="hiring a chief information security officer")
    first = svc.best_opportunity(net)  # ranked by words, and remembered
    assert first is not None and first.helper is not None
    assert first.helper.display_name == "Lee Chen" and first.need.id == need.id
    assert first == _ranked_by_words(net)
    cached = _cached_by_words(net)
    assert cached is not None
    assert svc.best_opportunity(net) == first  # read back: the same match
    with net.write() as conn:  # mark the remembered entry, to see whether Today reads it
        entry = dict(cached["ranked"][0])  # type: ignore[index]
        entry["reason"] = "read from the cache"
        settings.put(conn, svc.WORDS_KEY, {**cached, "ranked": [entry]})
    again = svc.best_opportunity(net)
    assert again is not None and again.reason == "read from the cache"
    # what I know of people changes: ranked anew, the same as `matches` says
    story.add_fact(
        net, person="Quang", field="work", text="was the chief information security officer"
    )
    anew = svc.best_opportunity(net)
    assert anew is not None and anew.reason != "read from the cache"
    assert anew == _ranked_by_words(net)
    people.edit_person(net, person="Lee", changes={"title": "Gardener"})
    moved = svc.best_opportunity(net)
    assert moved == _ranked_by_words(net)
    assert moved is not None and moved.helper is not None
    assert moved.helper.display_name == "Quang Le"
    # a new need, and one that grew old: each changes the answer as ranking anew would
    svc.add_need(net, person="Quang", text="hiring a treasurer for the food bank")
    assert svc.best_opportunity(net) == _ranked_by_words(net)
    clock.freeze(clock.now() + timedelta(days=svc.FRESH_DAYS + 2))
    assert svc.best_opportunity(net) is None
    assert _ranked_by_words(net) is None


def test_the_people_mark_moves_with_what_matching_reads_of_people(net: Database) -> None:
    from kithkin.services import interactions
    from kithkin.store import service as store

    def mark() -> str:
        with net.read() as conn:
            return store.candidates_mark(conn)

    before = mark()
    assert mark() == before  # the same data, the same mark
    interactions.log(net, kind="call", people=["Dana"], direction="both", subject="hello")
    assert mark() == before  # an interaction is not what matching reads
    people.edit_person(net, person="Dana", changes={"organisation": "Acme Bank plc"})
    changed = mark()
    assert changed != before
    story.add_fact(net, person="Dana", field="passions", text="sails on weekends")
    with_fact = mark()
    assert with_fact != changed
    people.delete_person(net, person="Lee")
    assert mark() != with_fact


def test_briefs_and_the_person_page_carry_needs_and_the_ledger(net: Database) -> None:
    from kithkin.services import brief

    svc.add_need(net, person="Dana", text="hiring a CISO")
    loops = brief.brief(net, person="Dana").loops
    assert [(loop.kind, loop.text) for loop in loops] == [("need", "needs: hiring a CISO")]
    page = svc.person_service(net, person="Dana")
    assert [n.text for n in page.needs] == ["hiring a CISO"]
    assert page.nudge is not None and "never helped" in page.nudge
    svc.gave(net, person="Dana", text="an intro")
    assert svc.person_service(net, person="Dana").nudge is None


def test_tone_rules_of_your_own(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    mine = tmp_path / "rules.toml"
    mine.write_text(
        'threshold = 0.2\n[[rule]]\nid = "mine.widgets"\nkind = "sales"\nweight = 1.0\n'
        'patterns = ["widgets"]\nwhy = "Widgets again."\ninstead = "Talk about them."\n'
    )
    monkeypatch.setenv("KITHKIN_TONE_RULES", str(mine))
    found = check_tone(None, "Our widgets are here")
    assert found.tone.salesy and [f.rule for f in found.tone.flags] == ["mine.widgets"]
    mine.write_text("threshold = [")
    with pytest.raises(InvalidInput, match=r"rules\.toml"):
        check_tone(None, "hello")
    monkeypatch.setenv("KITHKIN_TONE_RULES", str(tmp_path / "missing.toml"))
    with pytest.raises(InvalidInput, match=r"missing\.toml"):
        check_tone(None, "hello")


def test_a_merge_moves_needs_and_the_ledger_and_undo_moves_them_back(net: Database) -> None:
    from kithkin.services import trash

    other = people.add_person(net, display_name="D. Whitfield").person
    svc.add_need(net, person=f"#{other.id}", text="hiring a CISO")
    svc.gave(net, person=f"#{other.id}", text="an intro")
    people.merge_people(net, keep="Dana Whitfield", other=f"#{other.id}")
    assert [n.display_name for n in svc.list_needs(net)] == ["Dana Whitfield"]
    assert svc.ledger(net).balances[0].display_name == "Dana Whitfield"
    trash.undo(net)
    assert [n.person_id for n in svc.list_needs(net)] == [other.id]
