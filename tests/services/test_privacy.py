"""Team privacy: notes, story facts, needs and ledger entries are private to the member who
wrote them unless shared; a viewer reads only; the activity log names its author. Every rule
with two members (ada, an owner; ben, an editor) and a viewer (vic)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

import pytest

from kithkin import clock
from kithkin.errors import Forbidden, NotFound
from kithkin.model import SOLO, Actor
from kithkin.services import backup, brief, people, search, service, story, team, trash
from kithkin.store import Database
from kithkin.store import team as team_store


@dataclass
class Team:
    ada: Actor
    ben: Actor
    vic: Actor
    pid: int


@pytest.fixture
def crew(db: Database) -> Iterator[Team]:
    with db.write() as conn:
        ada = team.as_actor(team_store.add(conn, "ada", role="owner"))
        ben = team.as_actor(team_store.add(conn, "ben", role="editor"))
        vic = team.as_actor(team_store.add(conn, "vic", role="viewer"))
    pid = people.add_person(db, display_name="Grace Hopper", actor=ada).person.id
    yield Team(ada, ben, vic, pid)


def test_a_note_is_private_by_default_and_shared_when_asked(db: Database, crew: Team) -> None:
    secret = story.add_note(db, person=crew.pid, text="quietly job hunting", actor=crew.ada)
    open_ = story.add_note(db, person=crew.pid, text="loves COBOL", shared=True, actor=crew.ada)
    assert not secret.note.shared and secret.note.member_id == crew.ada.member_id
    mine = people.get_person(db, person=crew.pid, actor=crew.ada).notes
    theirs = people.get_person(db, person=crew.pid, actor=crew.ben).notes
    assert {n.text for n in mine} == {"quietly job hunting", "loves COBOL"}
    assert [n.text for n in theirs] == ["loves COBOL"]
    assert [n.text for n in people.get_person(db, person=crew.pid, actor=crew.vic).notes] == [
        "loves COBOL"
    ]
    assert open_.note.shared
    assert (search.stats(db, actor=crew.ben).notes, search.stats(db, actor=crew.ada).notes) == (
        1,
        2,
    )


def test_the_footer_counts_what_stats_counts_of_what_each_member_sees(
    db: Database, crew: Team
) -> None:
    story.add_note(db, person=crew.pid, text="quietly job hunting", actor=crew.ada)
    story.add_fact(db, person=crew.pid, field="work", text="Navy", shared=True, actor=crew.ada)
    gone = people.add_person(db, display_name="Gone Soon", actor=crew.ada).person.id
    people.add_person(db, display_name="Kept", actor=crew.ada)
    people.delete_person(db, person=gone, actor=crew.ada)
    for who in (crew.ada, crew.ben, crew.vic, SOLO):
        full = search.stats(db, actor=who)
        foot = search.footer_stats(db, actor=who)
        assert foot is not None
        assert (
            foot.people,
            foot.story_facts,
            foot.notes,
            foot.interactions,
            foot.contact_points,
            foot.in_trash,
        ) == (
            full.people,
            full.story_facts,
            full.notes,
            full.interactions,
            full.contact_points,
            full.in_trash,
        )
    ada, ben = search.footer_stats(db, actor=crew.ada), search.footer_stats(db, actor=crew.ben)
    assert ada is not None and ben is not None
    assert (ada.people, ada.in_trash, ada.notes, ben.notes, ben.story_facts) == (2, 1, 1, 0, 1)


def test_story_facts_needs_and_the_ledger_follow_the_same_rule(db: Database, crew: Team) -> None:
    story.add_fact(db, person=crew.pid, field="drivers", text="wants a board seat", actor=crew.ada)
    story.add_fact(db, person=crew.pid, field="work", text="Navy", shared=True, actor=crew.ada)
    service.add_need(db, person=crew.pid, text="a new CISO", actor=crew.ada)
    service.add_need(db, person=crew.pid, text="a venue", shared=True, actor=crew.ada)
    service.gave(db, person=crew.pid, text="an intro to a VC", actor=crew.ada)
    service.asked(db, person=crew.pid, text="a reference", shared=True, actor=crew.ada)
    seen = people.get_person(db, person=crew.pid, actor=crew.ben)
    assert [f.text for f in seen.story] == ["Navy"]
    assert [n.text for n in service.list_needs(db, actor=crew.ben)] == ["a venue"]
    assert {n.text for n in service.list_needs(db, actor=crew.ada)} == {"a new CISO", "a venue"}
    books = service.ledger(db, actor=crew.ben)
    assert [e.text for e in books.entries] == ["a reference"]
    assert (books.gave, books.asked) == (0, 1)  # the balance counts what they see
    assert (service.ledger(db, actor=crew.ada).gave, service.ledger(db).gave) == (1, 1)
    page = service.person_service(db, person=crew.pid, actor=crew.ben)
    assert [n.text for n in page.needs] == ["a venue"] and len(page.entries) == 1


def test_someone_elses_private_row_does_not_exist_for_them(db: Database, crew: Team) -> None:
    fact = story.add_fact(db, person=crew.pid, field="origin", text="NYC", actor=crew.ada)
    need = service.add_need(db, person=crew.pid, text="a CTO", actor=crew.ada)
    with pytest.raises(NotFound):
        story.remove_fact(db, person=crew.pid, fact_id=fact.fact.id, actor=crew.ben)
    with pytest.raises(NotFound):
        service.remove_need(db, need_id=need.id, actor=crew.ben)
    with pytest.raises(NotFound):
        story.share(db, kind="fact", row_id=fact.fact.id, actor=crew.ben)
    with pytest.raises(NotFound):
        service.review_need(db, need_id=need.id, accept=True, actor=crew.ben)
    assert [f.text for f in people.get_person(db, person=crew.pid, actor=crew.ada).story] == [
        "NYC"
    ]  # nothing happened to it


def test_a_viewer_reads_only(db: Database, crew: Team) -> None:
    shared = story.add_note(db, person=crew.pid, text="shared", shared=True, actor=crew.ada)
    writes = [
        lambda: story.add_note(db, person=crew.pid, text="x", actor=crew.vic),
        lambda: story.add_fact(db, person=crew.pid, field="work", text="x", actor=crew.vic),
        lambda: story.remove_note(db, person=crew.pid, note_id=shared.note.id, actor=crew.vic),
        lambda: service.add_need(db, person=crew.pid, text="x", actor=crew.vic),
        lambda: service.gave(db, person=crew.pid, text="x", actor=crew.vic),
        lambda: people.add_person(db, display_name="Eve", actor=crew.vic),
        lambda: people.add_tags(db, person=crew.pid, tags=["x"], actor=crew.vic),
        lambda: people.edit_person(db, person=crew.pid, changes={"title": "x"}, actor=crew.vic),
        lambda: people.delete_person(db, person=crew.pid, actor=crew.vic),
        lambda: trash.undo(db, actor=crew.vic),
        lambda: service.add_offer(db, text="x", kind="skill", actor=crew.vic),
        lambda: story.share(db, kind="note", row_id=shared.note.id, actor=crew.vic),
    ]
    for write in writes:
        with pytest.raises(Forbidden, match="vic is a viewer"):
            write()
    assert people.get_person(db, person=crew.pid, actor=crew.vic).title is None


def test_shared_rows_may_be_changed_by_editors_only_the_owner_makes_private(
    db: Database, crew: Team
) -> None:
    note = story.add_note(db, person=crew.pid, text="met at RSA", shared=True, actor=crew.ada)
    with pytest.raises(Forbidden, match="only the one who wrote"):
        story.share(db, kind="note", row_id=note.note.id, shared=False, actor=crew.ben)
    story.share(db, kind="note", row_id=note.note.id, shared=False, actor=crew.ada)
    assert people.get_person(db, person=crew.pid, actor=crew.ben).notes == ()
    story.share(db, kind="note", row_id=note.note.id, actor=crew.ada)
    after = story.remove_note(db, person=crew.pid, note_id=note.note.id, actor=crew.ben)
    assert after.notes == ()


def test_search_finds_private_words_for_their_owner_only(db: Database, crew: Team) -> None:
    story.add_note(db, person=crew.pid, text="zanzibar retreat", actor=crew.ada)
    story.add_fact(
        db, person=crew.pid, field="passions", text="sailing", shared=True, actor=crew.ben
    )
    assert [h.person.id for h in search.search(db, query="zanzibar", actor=crew.ada)] == [crew.pid]
    assert search.search(db, query="zanzibar", actor=crew.ben) == []
    assert [h.person.id for h in search.search(db, query="sailing", actor=crew.vic)] == [crew.pid]
    assert search.browse(db, query="zanzibar", actor=crew.vic).rows == []


def test_the_activity_log_names_its_author_and_hides_private_doings(
    db: Database, crew: Team
) -> None:
    story.add_note(db, person=crew.pid, text="secret plans", actor=crew.ada)
    people.add_tags(db, person=crew.pid, tags=["navy"], actor=crew.ben)
    for_ben = trash.activity(db, actor=crew.ben)
    assert not any("secret plans" in a.summary for a in for_ben)
    tagged = next(a for a in for_ben if a.action == "person.tag" or "navy" in a.summary)
    assert tagged.author == "ben" and tagged.member_id == crew.ben.member_id
    for_ada = trash.activity(db, actor=crew.ada)
    noted = next(a for a in for_ada if "secret plans" in a.summary)
    assert noted.author == "ada" and noted.private
    timeline = people.person_page(db, person=crew.pid, actor=crew.ben).timeline
    assert not any("secret plans" in e.summary for e in timeline)


def test_briefs_and_needs_matching_respect_the_actor(db: Database, crew: Team) -> None:
    story.add_note(db, person=crew.pid, text="hiring a CISO soon", actor=crew.ada)
    service.add_need(db, person=crew.pid, text="a new CISO", actor=crew.ada)
    made = brief.brief(db, person=crew.pid, actor=crew.ben)
    assert not any("CISO" in loop.text for loop in made.loops)
    assert any(
        "CISO" in loop.text for loop in brief.brief(db, person=crew.pid, actor=crew.ada).loops
    )
    assert service.matches(db, method="bm25", actor=crew.ben).matches == []
    assert service.suggest_needs(db, actor=crew.ben) == []
    assert service.best_opportunity(db, now=clock.now(), actor=crew.ben) is None


def test_an_export_holds_what_the_member_may_see(db: Database, crew: Team) -> None:
    story.add_note(db, person=crew.pid, text="private words", actor=crew.ada)
    story.add_note(db, person=crew.pid, text="team words", shared=True, actor=crew.ada)
    out = StringIO()
    counts = backup.export(db, out=out, actor=crew.ben)
    assert "team words" in out.getvalue() and "private words" not in out.getvalue()
    assert counts["note"] == 1
    whole = StringIO()
    assert backup.export(db, out=whole, actor=crew.ada)["note"] == 2


def test_merging_keeps_private_rows_private(db: Database, crew: Team) -> None:
    other = people.add_person(db, display_name="G. Hopper", actor=crew.ada).person.id
    story.add_note(db, person=other, text="ada's secret", actor=crew.ada)
    preview = people.merge_preview(db, keep=crew.pid, other=other, actor=crew.ben)
    assert not any("note" in line for line in preview.lines())
    people.merge_people(db, keep=crew.pid, other=other, actor=crew.ben)
    assert people.get_person(db, person=crew.pid, actor=crew.ben).notes == ()
    assert [n.text for n in people.get_person(db, person=crew.pid, actor=crew.ada).notes] == [
        "ada's secret"
    ]


def test_the_first_member_adopts_the_personal_rows(db: Database) -> None:
    pid = people.add_person(db, display_name="Alan Kay").person.id
    story.add_note(db, person=pid, text="before the team")
    service.gave(db, person=pid, text="a book")
    assert people.get_person(db, person=pid).notes[0].member_id is None
    with db.write() as conn:
        ada = team.as_actor(team_store.add(conn, "ada", role="owner"))  # adopts them
        ben = team.as_actor(team_store.add(conn, "ben", role="editor"))
    assert people.get_person(db, person=pid, actor=ben).notes == ()
    assert [n.text for n in people.get_person(db, person=pid, actor=ada).notes] == [
        "before the team"
    ]
    assert service.ledger(db, actor=ben).gave == 0 and service.ledger(db, actor=ada).gave == 1
    assert search.search(db, query="before", actor=ben) == []
    assert [h.person.id for h in search.search(db, query="before", actor=ada)] == [pid]
    assert not any("before the team" in a.summary for a in trash.activity(db, actor=ben))
    assert any("before the team" in a.summary for a in trash.activity(db, actor=ada))


def test_adopting_counts_what_it_took(db: Database) -> None:
    pid = people.add_person(db, display_name="Alan Kay").person.id
    story.add_note(db, person=pid, text="unowned note")
    with db.write() as conn:
        ada = team_store.add(conn, "ada", role="owner")
    story.add_note(db, person=pid, text="an import's note, for no member")  # SOLO: unowned
    adopted = team.adopt_personal_rows(db, ada.id)
    assert adopted["note"] == 1 and adopted["fact"] == 0 and adopted["activity"] >= 1


def test_a_personal_database_sees_everything_as_before(db: Database) -> None:
    pid = people.add_person(db, display_name="Solo Person").person.id
    story.add_note(db, person=pid, text="my own note")
    found = people.get_person(db, person=pid, actor=SOLO)
    assert [n.text for n in found.notes] == ["my own note"] and not found.notes[0].shared
    assert [h.person.id for h in search.search(db, query="own note")] == [pid]
    assert all(a.author is None for a in trash.activity(db))


def test_reflections_are_their_writers_and_about_their_own_meetings(
    db: Database, crew: Team
) -> None:
    from datetime import UTC, datetime, timedelta

    from kithkin.errors import InvalidInput
    from kithkin.services import interactions, review, today

    now = datetime(2026, 3, 19, 17, 0, tzinfo=UTC)
    clock.freeze(now)
    met = interactions.log(
        db,
        kind="coffee",
        people=[crew.pid],
        at=now - timedelta(days=1),
        subject="Coffee with Grace on the board seat",
        actor=crew.ada,
    ).id
    assert [p.key for p in review.pending(db, actor=crew.ada)] == [f"meeting:{met}"]
    assert review.pending(db, actor=crew.ben) == []  # not ben's meeting: not even its title
    assert not any(
        "board seat" in i.reason for i in today.agenda(db, now=now, actor=crew.ben).items
    )
    assert any("board seat" in i.reason for i in today.agenda(db, now=now, actor=crew.ada).items)
    with pytest.raises(InvalidInput):
        review.reflect(db, text="went well", meeting=met, actor=crew.ben)
    review.reflect(db, text="she wants the audit chair", meeting=met, actor=crew.ada)
    assert review.pending(db, actor=crew.ada) == []
    week = now.date()
    mine = review.review(db, week=week, now=now, actor=crew.ada).reflections
    assert [text for _, _, text in mine] == ["she wants the audit chair"]
    assert review.review(db, week=week, now=now, actor=crew.ben).reflections == []
    seen = [a.summary for a in trash.activity(db, actor=crew.ben)]
    assert not any("audit chair" in line for line in seen), seen  # the log keeps it private
    assert any("audit chair" in a.summary for a in trash.activity(db, actor=crew.ada))
    with pytest.raises(Forbidden):
        review.reflect(db, text="noted", meeting=met, actor=crew.vic)
