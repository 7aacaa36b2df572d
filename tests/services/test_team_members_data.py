"""Team mode: each member's own "me", mail, interactions, strength, circle and Today, while
people are shared; a personal database keeps working as before (SOLO)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kithkin import clock
from kithkin.errors import NotFound
from kithkin.model import SOLO, Actor
from kithkin.services import circle, interactions, mail, people, relationships, today
from kithkin.services import me as myself
from kithkin.services.team import as_actor
from kithkin.store import Database, team
from kithkin.store.schema import interaction
from kithkin.store.schema_mail import mail_source
from tests.ingest.mailbox import BASE, message, write_mbox

ADA = "ada@team.example"
SAM = "sam@team.example"
PAT = "pat@elsewhere.example"


def two_members(db: Database) -> tuple[Actor, Actor]:
    with db.write() as conn:
        ada = team.add(conn, "ada", role="owner", name="Ada Lovelace")
        sam = team.add(conn, "sam", role="editor", name="Sam Carter")
    return as_actor(ada), as_actor(sam)


def test_each_member_has_their_own_me(db: Database) -> None:
    myself.set_me(db, name="Solo", addresses=["solo@home.example"])
    ada, sam = two_members(db)
    assert myself.get_me(db, actor=ada).name == "Ada Lovelace"  # the member's, until set
    assert myself.get_me(db, actor=ada).addresses == ()
    myself.add_address(db, address=ADA, actor=ada)
    myself.set_name(db, name="Ada L.", actor=ada)
    myself.init(db, addresses=[SAM], actor=sam)
    assert myself.get_me(db, actor=ada).name == "Ada L."
    assert myself.get_me(db, actor=ada).addresses == (ADA,)
    assert myself.get_me(db, actor=sam).addresses == (SAM,)
    assert myself.get_me(db, actor=sam).name == "Sam Carter"
    assert myself.get_me(db).addresses == ("solo@home.example",)  # the personal one, untouched
    myself.remove_address(db, address=ADA, actor=ada)
    assert myself.get_me(db, actor=ada).addresses == ()


def test_mail_imported_by_a_member_is_theirs_and_told_by_their_addresses(
    db: Database, tmp_path: Path
) -> None:
    ada, sam = two_members(db)
    myself.set_me(db, name="Ada", addresses=[ADA], actor=ada)
    myself.set_me(db, name="Sam", addresses=[SAM], actor=sam)
    box = write_mbox(
        tmp_path / "ada.mbox",
        [
            message("a1@x", ADA, PAT, "Budget", day=0),
            message("a2@x", PAT, ADA, "Re: Budget", day=1, reply_to="a1@x"),
        ],
    )
    other = write_mbox(tmp_path / "sam.mbox", [message("s1@x", SAM, PAT, "Hi Pat", day=2)])
    mail.import_mail(db, locations=[str(box)], workers=0, actor=ada)
    mail.import_mail(db, locations=[str(other)], workers=0, actor=sam)
    with db.read() as conn:
        rows = conn.execute(
            select(interaction.c.source_id, interaction.c.direction, interaction.c.member_id)
        ).all()
        owners = dict(conn.execute(select(mail_source.c.location, mail_source.c.member_id)).all())
    assert sorted(rows) == [
        ("a1@x", "from_me", ada.member_id),
        ("a2@x", "to_me", ada.member_id),
        ("s1@x", "from_me", sam.member_id),
    ]
    assert owners == {str(box): ada.member_id, str(other): sam.member_id}


def test_strength_circle_and_today_are_each_members_own(db: Database) -> None:
    clock.freeze(BASE + timedelta(days=30))
    ada, sam = two_members(db)
    pat = people.add_person(db, display_name="Pat Doe").person.id
    lee = people.add_person(db, display_name="Lee Roe").person.id
    for days in (3, 10, 20):
        when = clock.now() - timedelta(days=days)
        interactions.log(db, kind="meeting", people=[pat], at=when, actor=ada)
    interactions.log(db, kind="email", people=[pat], at=clock.now() - timedelta(days=5), actor=sam)
    interactions.log(db, kind="coffee", people=[lee], at=clock.now() - timedelta(days=2), actor=sam)

    by_ada = relationships.strengths(db, people=[pat, lee], actor=ada)
    by_sam = relationships.strengths(db, people=[pat, lee], actor=sam)
    assert set(by_ada) == {pat}  # Ada never met Lee
    assert set(by_sam) == {pat, lee}
    assert by_ada[pat][0] > by_sam[pat][0]  # three meetings beat one email
    assert relationships.strength(db, person=pat, actor=ada).report["score"] == by_ada[pat][0]
    # the personal user (SOLO) of the same file sees every interaction, as before team mode
    assert set(relationships.strengths(db, people=[pat, lee])) == {pat, lee}

    circle.add_members(db, people=[pat], cadence_days=1, actor=ada)
    assert [s.member.person_id for s in circle.circle(db, actor=ada).members] == [pat]
    assert circle.circle(db, actor=sam).members == []
    assert circle.circle(db, actor=SOLO).members == []
    circle.remove_members(db, people=[pat], actor=sam)  # not in Sam's circle: nothing
    assert len(circle.circle(db, actor=ada).members) == 1

    ada_today = today.agenda(db, actor=ada)
    sam_today = today.agenda(db, actor=sam)
    assert [i.person_id for i in ada_today.section("circle")] == [pat]
    assert sam_today.section("circle") == []
    item = ada_today.section("circle")[0]
    today.dismiss(db, key=item.key, actor=ada)
    assert today.agenda(db, actor=ada).section("circle") == []
    circle.add_members(db, people=[pat], cadence_days=1, actor=sam)
    # Ada's dismissal is hers: Sam's item for Pat stays
    assert [i.key for i in today.agenda(db, actor=sam).section("circle")] == [item.key]


def test_a_touch_logged_from_today_is_the_members(db: Database) -> None:
    ada, sam = two_members(db)
    pat = people.add_person(db, display_name="Pat Doe").person.id
    today.log_touch(db, person=pat, kind="call", actor=sam)
    with db.read() as conn:
        owner = conn.scalar(select(interaction.c.member_id))
    assert owner == sam.member_id
    assert set(relationships.strengths(db, people=[pat], actor=sam)) == {pat}
    assert relationships.strengths(db, people=[pat], actor=ada) == {}


def test_each_mailbox_chooses_what_the_team_sees(db: Database, tmp_path: Path) -> None:
    ada, sam = two_members(db)
    myself.set_me(db, name="Ada", addresses=[ADA], actor=ada)
    box = write_mbox(tmp_path / "ada.mbox", [message("a1@x", ADA, PAT, "Secret merger", day=0)])
    mail.import_mail(db, locations=[str(box)], workers=0, actor=ada)
    pat = people.get_person(db, person=PAT).id
    logged = interactions.log(
        db, kind="call", people=[pat], subject="Board seat", summary="She may join", actor=ada
    )

    def subjects(actor: Actor) -> list[str]:
        return [e.summary for e in interactions.timeline(db, person=pat, actor=actor)]

    # Ada sees hers in full; Sam sees that Ada mailed and called Pat, and when: metadata
    assert any("Secret merger" in s for s in subjects(ada))
    assert any("Board seat" in s for s in subjects(ada))
    assert not any("Secret merger" in s or "Board seat" in s for s in subjects(sam))
    assert len(subjects(sam)) == len(subjects(ada)) == 2
    assert mail.team_sees(db, actor=ada) == {str(box): "metadata"}

    # Ada lets the team see the subjects of that mailbox (a call logged by hand stays hidden)
    assert mail.set_team_sees(db, locations=[str(box)], level="subjects", actor=ada) == [str(box)]
    assert any("Secret merger" in s for s in subjects(sam))
    assert not any("Board seat" in s for s in subjects(sam))
    # Sam cannot change what the team sees of Ada's mailbox
    assert mail.set_team_sees(db, locations=[str(box)], level="everything", actor=sam) == []
    # the same with the import's option
    mail.import_mail(db, locations=[str(box)], workers=0, actor=ada, team_sees="metadata")
    assert not any("Secret merger" in s for s in subjects(sam))
    assert logged.created


def test_the_cli_imports_mail_as_the_user_with_what_the_team_sees(
    db: Database, tmp_path: Path, run: Callable[..., Any]
) -> None:
    ada, _ = two_members(db)
    assert run("--user", "ada", "init", "--email", ADA).code == 0
    box = write_mbox(tmp_path / "ada.mbox", [message("a1@x", ADA, PAT, "Hello", day=0)])
    result = run("--user", "ada", "import", "mail", str(box), "--team-sees", "subjects")
    assert result.code == 0, result.err
    assert mail.team_sees(db, actor=ada) == {str(box): "subjects"}
    with db.read() as conn:
        assert conn.execute(select(interaction.c.direction, interaction.c.member_id)).all() == [
            ("from_me", ada.member_id)
        ]
    me = json.loads(run("--user", "ada", "me", "--json").out)
    assert me["addresses"] == [ADA]
    assert run("me", "--json").code == 1  # a team database: say which user you are


def test_each_members_outbox_is_theirs(db: Database) -> None:
    from kithkin.services import inbox
    from kithkin.store import hygiene

    ada, sam = two_members(db)
    same = {
        "action": inbox.ACTION,
        "subscription_key": "list:news.example",
        "method": "web",
        "target": "https://news.example/leave",
    }
    with db.write() as conn:
        mine = hygiene.record_action(conn, **same, member_id=ada.member_id)
        again = hygiene.record_action(conn, **same, member_id=ada.member_id)
        theirs = hygiene.record_action(conn, **same, member_id=sam.member_id)
    assert again.id == mine.id  # the same action of the same member is recorded once
    assert theirs.id != mine.id and theirs.member_id == sam.member_id
    assert [e.id for e in inbox.outbox(db, actor=ada)] == [mine.id]
    assert [e.id for e in inbox.outbox(db, actor=sam)] == [theirs.id]
    assert len(inbox.outbox(db)) == 2  # the personal user (SOLO) of the file sees every entry


def test_the_weekly_review_counts_the_members_own_touches(db: Database) -> None:
    from kithkin.services import review

    clock.freeze(BASE + timedelta(days=30))
    ada, sam = two_members(db)
    pat = people.add_person(db, display_name="Pat Doe").person.id
    for days in (1, 2):
        interactions.log(
            db, kind="call", people=[pat], at=clock.now() - timedelta(days=days), actor=sam
        )
    by_sam = review.review(db, actor=sam)
    by_ada = review.review(db, actor=ada)
    assert sum(w.mine + w.theirs for w in by_sam.touches) == 2
    assert sum(w.mine + w.theirs for w in by_ada.touches) == 0


def test_each_member_cleans_their_own_inbox(db: Database, tmp_path: Path) -> None:
    from kithkin.services import inbox

    clock.freeze(BASE + timedelta(days=40))
    ada, sam = two_members(db)
    myself.set_me(db, name="Ada", addresses=[ADA], actor=ada)
    myself.set_me(db, name="Sam", addresses=[SAM], actor=sam)
    news = "Cloud Weekly <news@cloudweekly.example>"
    box = write_mbox(
        tmp_path / "ada.mbox",
        [
            *(
                message(f"cw{n}@x", news, ADA, f"Issue {n}", day=n, List_Id="<cw.cloudweekly>")
                for n in range(6)
            ),
            message("pat1@x", PAT, ADA, "A question for you", day=3),
        ],
    )
    golf = "Golf Club <club@golf.example>"
    other = write_mbox(
        tmp_path / "sam.mbox",
        [
            message(f"g{n}@x", golf, SAM, f"Tee times {n}", day=n, Precedence="bulk")
            for n in range(4)
        ],
    )
    mail.import_mail(db, locations=[str(box)], workers=0, actor=ada)
    mail.import_mail(db, locations=[str(other)], workers=0, actor=sam)

    def labels(actor: Actor) -> set[str]:
        return {s.key for s in inbox.subscriptions(db, actor=actor).subscriptions}

    assert labels(ada) == {"list:cw.cloudweekly"}
    assert labels(sam) == {"from:club@golf.example"}
    assert labels(SOLO) == labels(ada) | labels(sam)  # the file's one user: all of it
    with db.read() as conn:
        waiting = {u.from_address for u in inbox.read(conn, member_id=ada.member_id).unanswered}
        theirs = inbox.read(conn, member_id=sam.member_id).unanswered
    assert waiting == {PAT} and theirs == []
    done = inbox.set_rule(db, subscriptions=["cloudweekly"], rule="keep", actor=ada)
    assert [s.key for s in done.subscriptions] == ["list:cw.cloudweekly"]
    with pytest.raises(NotFound):  # not in sam's mail: not his to find
        inbox.set_rule(db, subscriptions=["cloudweekly"], rule="keep", actor=sam)


def test_each_member_keeps_or_digests_a_newsletter_for_themselves(
    db: Database, tmp_path: Path
) -> None:
    from kithkin.services import inbox

    clock.freeze(BASE + timedelta(days=40))
    ada, sam = two_members(db)
    myself.set_me(db, name="Ada", addresses=[ADA], actor=ada)
    myself.set_me(db, name="Sam", addresses=[SAM], actor=sam)
    news = "Cloud Weekly <news@cloudweekly.example>"
    for actor, to, tag in ((ada, ADA, "a"), (sam, SAM, "s")):
        box = write_mbox(
            tmp_path / f"{tag}.mbox",
            [
                message(f"cw{tag}{n}@x", news, to, f"Issue {n}", day=n, List_Id="<cw.weekly>")
                for n in range(6)
            ],
        )
        mail.import_mail(db, locations=[str(box)], workers=0, actor=actor)

    def rules(actor: Actor) -> dict[str, str | None]:
        return {s.key: s.rule for s in inbox.subscriptions(db, actor=actor).subscriptions}

    assert rules(ada) == rules(sam) == {"list:cw.weekly": None}
    inbox.set_rule(db, subscriptions=["cw.weekly"], rule="keep", actor=ada)
    assert rules(ada) == {"list:cw.weekly": "keep"}
    assert rules(sam) == {"list:cw.weekly": None}  # Ada's choice is not Sam's
    inbox.set_rule(db, subscriptions=["cw.weekly"], rule="digest", actor=sam)
    assert rules(ada) == {"list:cw.weekly": "keep"}
    assert rules(sam) == {"list:cw.weekly": "digest"}
    inbox.set_rule(db, subscriptions=["cw.weekly"], rule=None, actor=ada)  # clears Ada's only
    assert rules(ada) == {"list:cw.weekly": None}
    assert rules(sam) == {"list:cw.weekly": "digest"}


def test_each_members_offers_are_theirs(db: Database) -> None:
    from kithkin.services import service

    ada, sam = two_members(db)
    mine = service.add_offer(db, text="board-level security reviews", kind="skill", actor=ada)
    theirs = service.add_offer(db, text="warm intro to Nordic VCs", kind="relationship", actor=sam)
    assert [o.id for o in service.list_offers(db, actor=ada)] == [mine.id]
    assert [o.id for o in service.list_offers(db, actor=sam)] == [theirs.id]
    with pytest.raises(NotFound):  # not Sam's to remove, nor to learn it exists
        service.remove_offer(db, offer_id=mine.id, actor=sam)
    assert [o.id for o in service.list_offers(db, actor=ada)] == [mine.id]
    assert service.remove_offer(db, offer_id=mine.id, actor=ada).id == mine.id
    assert service.list_offers(db, actor=ada) == []


def test_each_member_sees_their_own_calendars_meetings(db: Database, tmp_path: Path) -> None:
    from kithkin.services import brief
    from kithkin.services import calendar as calendars
    from tests.builders.mail import event, ics

    now = datetime(2025, 3, 20, 8, 0, tzinfo=UTC)
    clock.freeze(now)
    ada, sam = two_members(db)
    myself.set_me(db, name="Ada", addresses=[ADA], actor=ada)
    myself.set_me(db, name="Sam", addresses=[SAM], actor=sam)
    pat = f"ATTENDEE;CN=Pat Jones;PARTSTAT=ACCEPTED:mailto:{PAT}"
    both = event("board", "20250320T150000Z", "Board prep", pat, f"ATTENDEE:mailto:{ADA}",
                 f"ATTENDEE:mailto:{SAM}")  # fmt: skip
    mine = ics(tmp_path, event("ada1", "20250320T100000Z", "Coffee with Pat", pat), both,
               name="ada.ics")  # fmt: skip
    theirs = ics(tmp_path, event("sam1", "20250320T130000Z", "Golf with Pat", pat), both,
                 name="sam.ics")  # fmt: skip
    first = calendars.import_calendar(db, paths=[mine], actor=ada)
    second = calendars.import_calendar(db, paths=[theirs], actor=sam)
    assert (first.meetings, first.teammates) == (2, 0)
    assert (second.meetings, second.teammates) == (1, 1)  # "Board prep" stays Ada's

    def titles(actor: Actor) -> list[str | None]:
        agenda = today.agenda(db, now=now, actor=actor)
        return [i.reason for i in agenda.items if i.kind == "meeting"]

    ada_sees = " ".join(str(t) for t in titles(ada))
    sam_sees = " ".join(str(t) for t in titles(sam))
    assert "Coffee with Pat" in ada_sees and "Board prep" in ada_sees
    assert "Golf with Pat" not in ada_sees
    assert "Golf with Pat" in sam_sees and "Coffee with Pat" not in sam_sees
    end = now + timedelta(days=1)
    assert [m.summary for m in calendars.meetings(db, start=now, end=end, actor=sam)] == [
        "Golf with Pat"
    ]
    assert len(calendars.meetings(db, start=now, end=end)) == 3  # the file's one user: all
    pat_brief = brief.brief(db, person=PAT, now=now, actor=sam)  # what Sam meets Pat for
    assert [what for _, what in pat_brief.upcoming] == ["Golf with Pat"]


def test_each_members_shares_ratio_and_nudges_are_their_own(db: Database) -> None:
    from kithkin.services import amplify, review

    now = BASE + timedelta(days=40)
    clock.freeze(now)
    ada, sam = two_members(db)
    pat = people.add_person(db, display_name="Pat Jones", actor=ada).person.id
    day = (now - timedelta(days=2)).isoformat()
    amplify.log_share(db, kind="own", at=day, actor=ada)
    amplify.log_share(db, kind="amplify", of=pat, at=day, actor=ada)
    amplify.log_share(db, kind="own", at=day, actor=sam)
    amplify.log_share(db, kind="own", at=day, actor=sam)

    def tally(actor: Actor) -> tuple[int, int]:
        found = amplify.report(db, now=now, actor=actor).overall
        return found.own, found.amplify

    assert tally(ada) == (1, 1) and tally(sam) == (2, 0)
    assert tally(SOLO) == (3, 1)  # the file's one user: every share
    assert [s.kind for s in amplify.shares(db, actor=sam)] == ["own", "own"]
    ada_nudges = {i.key for i in amplify.today_items(db, now=now, actor=ada)}
    sam_nudges = {i.key for i in amplify.today_items(db, now=now, actor=sam)}
    assert not any("ratio" in k for k in ada_nudges)  # half amplified: on target
    assert any("ratio" in k for k in sam_nudges)  # none amplified: below it
    week = (now - timedelta(days=2)).date()  # the week of the shares
    shared = {
        actor: {g.name: g.actual for g in review.review(db, week=week, actor=actor).goals}
        for actor in (ada, sam)
    }
    assert shared[ada]["shares"] == 2 and shared[sam]["shares"] == 2
    amplify.log_share(db, kind="own", at=day, actor=sam)
    assert {g.name: g.actual for g in review.review(db, week=week, actor=ada).goals}[
        "shares"
    ] == 2  # Sam's third share is not Ada's


def test_the_personal_user_becoming_the_first_owner_keeps_their_network(db: Database) -> None:
    from kithkin.services import service

    clock.freeze(BASE + timedelta(days=40))
    pat = people.add_person(db, display_name="Pat Jones").person.id
    interactions.log(db, kind="coffee", people=[pat], at=BASE + timedelta(days=38))
    circle.add_members(db, people=[pat])
    service.add_offer(db, text="board-level security reviews", kind="skill")
    before = relationships.strength(db, person=pat).report["score"]
    ada, sam = two_members(db)  # ada, the first, was the personal user
    assert relationships.strength(db, person=pat, actor=ada).report["score"] == before > 0
    assert relationships.strength(db, person=pat, actor=sam).report["score"] == 0
    assert [m.member.person_id for m in circle.circle(db, actor=ada).members] == [pat]
    assert circle.circle(db, actor=sam).members == []
    assert [o.text for o in service.list_offers(db, actor=ada)] == ["board-level security reviews"]
    assert service.list_offers(db, actor=sam) == []
