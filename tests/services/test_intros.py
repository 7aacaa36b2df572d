"""Introductions with double opt-in, end to end: drafts, a real SMTP server on 127.0.0.1
(aiosmtpd) counting what it receives, replies delivered as a real mbox imported by the mail
import, consent by hand, follow-ups, outcomes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from kithkin import clock
from kithkin.errors import Conflict, InvalidInput
from kithkin.outbound.smtp import SmtpSettings
from kithkin.services import intros, mail, story
from kithkin.services.intros import Options
from kithkin.store import Database
from kithkin.store import intros as store
from tests.builders.mail import as_me
from tests.builders.people import person
from tests.ingest.mailbox import write_mbox
from tests.outbound.local import Handler, smtp_server

ME = "jo@me.example"
ANA = "ana@acme.example"
BO = "bo@bee.example"
WHY = "Bo is hiring a first CTO and Ana has made that move twice"


@pytest.fixture
def handler() -> Handler:
    return Handler()


@pytest.fixture
def port(handler: Handler) -> Iterator[int]:
    yield from smtp_server(handler)


@pytest.fixture
def options(port: int) -> Options:
    return Options(
        smtp=SmtpSettings(
            host="127.0.0.1", port=port, security="none", from_address=f"Jo Doe <{ME}>"
        )
    )


@pytest.fixture
def people(db: Database) -> tuple[int, int]:
    from kithkin.services import me

    as_me(db, ME)
    me.set_name(db, name="Jo Doe")
    ana = person(db, "Ana Lima", given_name="Ana", organisation="Acme", title="CTO", emails=[ANA])
    bo = person(db, "Bo Chen", given_name="Bo", emails=[BO])
    story.add_fact(db, person=ana, field="work", text="Built the payments team at Acme")
    story.add_fact(db, person=bo, field="passions", text="Runs a fintech meetup")
    return ana, bo


def reply(mid: str, sender: str, parent: str, body: str, *, day: int = 1) -> bytes:
    parent = parent.strip("<>")
    return (
        f"From: {sender}\nTo: {ME}\nSubject: Re: intro\nMessage-ID: <{mid}>\n"
        f"Date: {clock.now() + timedelta(days=day):%a, %d %b %Y %H:%M:%S +0000}\n"
        f"In-Reply-To: <{parent}>\nReferences: <{parent}>\n\n{body}\n\n"
        f"On Mon, Jo Doe <{ME}> wrote:\n> Would you like me to make the introduction?\n"
        "> A quick yes or no is all I need\n"
    ).encode()


def request_ids(db: Database, intro_id: int) -> dict[str, str]:
    with db.read() as conn:
        found = store.get(conn, intro_id)
    return {p.address: p.request_message_id or "" for p in found.parties}


def test_propose_is_a_dry_run_with_one_draft_for_each(
    db: Database, people: tuple[int, int]
) -> None:
    found = intros.propose(db, a="Ana Lima", b="Bo Chen", why=WHY)
    assert found.intro_id is None
    assert intros.list_intros(db) == []
    to_ana, to_bo = found.requests
    assert (to_ana.address, to_bo.address) == (ANA, BO)
    assert "Bo Chen" in to_ana.body and "fintech meetup" in to_ana.body
    assert "Ana Lima, CTO at Acme" in to_bo.body and "payments team" in to_bo.body
    assert WHY in to_ana.body and WHY in to_bo.body
    assert "I won't mention it to Bo" in to_ana.body  # easy to decline
    assert to_ana.body.rstrip().endswith("Jo Doe")  # in my voice


def test_send_asks_each_party_separately_with_its_own_message_id(
    db: Database, people: tuple[int, int], handler: Handler, options: Options
) -> None:
    found = intros.propose(db, a="Ana Lima", b="Bo Chen", why=WHY, send=True, options=options)
    assert [s.status for s in found.sent] == ["done", "done"]
    assert len(handler.received) == 2
    ids = {r.message["Message-ID"] for r in handler.received}
    assert len(ids) == 2
    for received in handler.received:
        assert len(received.recipients) == 1  # never both on one request
        other = BO if received.recipients == [ANA] else ANA
        assert other not in received.message.as_string()
    assert intros.list_intros(db)[0].stage == "asked"
    # nothing is ready any more: sending again sends nothing
    assert intros.send_ready(db, options=options) == []
    assert len(handler.received) == 2


def test_both_yes_by_mail_then_the_introduction_goes_once(
    db: Database, people: tuple[int, int], handler: Handler, options: Options, tmp_path: Path
) -> None:
    made = intros.propose(db, a="Ana Lima", b="Bo Chen", why=WHY, send=True, options=options)
    assert made.intro_id is not None
    ids = request_ids(db, made.intro_id)
    box = write_mbox(
        tmp_path / "in.mbox",
        [
            reply("r1@acme", f"Ana Lima <{ANA}>", ids[ANA], "Yes, happy to meet Bo!"),
            reply("r2@bee", f"Bo <{BO}>", ids[BO], "Sure, sounds great. Thanks!"),
        ],
    )
    imported = mail.import_mail(db, locations=[str(box)])
    assert sorted(a.answer for a in imported.intro_answers) == ["yes", "yes"]
    assert imported.as_json()["intro_answers"]
    view = intros.get_intro(db, intro_id=made.intro_id)
    assert view.stage == "consented"
    assert view.parties[0].answer_text == "Yes, happy to meet Bo!"  # the quote stripped
    steps = intros.send_ready(db, intro_id=made.intro_id, options=options)
    assert [(s.kind, s.status) for s in steps] == [("introduction", "done")]
    introduction = handler.received[-1]
    assert sorted(introduction.recipients) == [ANA, BO]
    text = introduction.message.get_content()
    assert "Ana, meet Bo Chen" in text and "Bo, meet Ana Lima, CTO at Acme" in text
    # never twice: again, and after another import of the same replies
    assert intros.send_ready(db, options=options) == []
    mail.import_mail(db, locations=[str(box)])
    assert intros.send_ready(db, options=options) == []
    assert len(handler.received) == 3
    assert intros.get_intro(db, intro_id=made.intro_id).stage == "introduced"


def test_a_decline_is_final_and_the_other_never_hears_of_it(
    db: Database, people: tuple[int, int], handler: Handler, options: Options, tmp_path: Path
) -> None:
    made = intros.propose(db, a="Ana Lima", b="Bo Chen", why=WHY, send=True, options=options)
    assert made.intro_id is not None
    ids = request_ids(db, made.intro_id)
    box = write_mbox(
        tmp_path / "in.mbox",
        [
            reply("r1@acme", f"Ana <{ANA}>", ids[ANA], "No thanks, I'll pass for now."),
            reply("r2@bee", f"Bo <{BO}>", ids[BO], "Yes please!", day=2),
        ],
    )
    mail.import_mail(db, locations=[str(box)])
    view = intros.get_intro(db, intro_id=made.intro_id)
    assert view.stage == "declined"
    assert intros.send_ready(db, options=options) == []
    assert len(handler.received) == 2  # only the two requests, ever
    with pytest.raises(Conflict):
        intros.record_consent(db, intro_id=made.intro_id, person="Ana Lima", answer="yes")
    with pytest.raises(Conflict, match="final"):
        intros.propose(db, a="Bo Chen", b="Ana Lima", why="again", send=True, options=options)
    with pytest.raises(Conflict):
        intros.follow_up(db, intro_id=made.intro_id, person="Bo Chen", options=options)
    assert len(handler.received) == 2


def test_an_unclear_answer_asks_me_and_my_answer_settles_it(
    db: Database, people: tuple[int, int], handler: Handler, options: Options, tmp_path: Path
) -> None:
    made = intros.propose(db, a="Ana Lima", b="Bo Chen", why=WHY, send=True, options=options)
    assert made.intro_id is not None
    ids = request_ids(db, made.intro_id)
    box = write_mbox(
        tmp_path / "in.mbox",
        [reply("r1@acme", f"Ana <{ANA}>", ids[ANA], "Who is he exactly, and what does he need?")],
    )
    mail.import_mail(db, locations=[str(box)])
    view = intros.get_intro(db, intro_id=made.intro_id)
    assert view.parties[0].answer == "unclear"
    assert "unclearly" in view.waiting_for
    intros.record_consent(db, intro_id=made.intro_id, person="Ana Lima", answer="yes")
    view = intros.record_consent(db, intro_id=made.intro_id, person=BO, answer="yes")
    assert view.stage == "consented"
    assert [s.kind for s in intros.send_ready(db, options=options)] == ["introduction"]


def test_a_reply_from_someone_else_is_not_an_answer(
    db: Database, people: tuple[int, int], options: Options, tmp_path: Path
) -> None:
    made = intros.propose(db, a="Ana Lima", b="Bo Chen", why=WHY, send=True, options=options)
    assert made.intro_id is not None
    ids = request_ids(db, made.intro_id)
    box = write_mbox(
        tmp_path / "in.mbox", [reply("x@evil", "Eve <eve@evil.example>", ids[ANA], "Yes!")]
    )
    assert mail.import_mail(db, locations=[str(box)]).intro_answers == ()
    assert intros.get_intro(db, intro_id=made.intro_id).parties[0].answer is None


def test_one_follow_up_after_five_days_never_a_second(
    db: Database, people: tuple[int, int], handler: Handler, options: Options
) -> None:
    made = intros.propose(db, a="Ana Lima", b="Bo Chen", why=WHY, send=True, options=options)
    assert made.intro_id is not None
    assert not intros.get_intro(db, intro_id=made.intro_id).parties[0].follow_up_due
    clock.freeze(clock.now() + timedelta(days=6))
    assert intros.get_intro(db, intro_id=made.intro_id).parties[0].follow_up_due
    steps = intros.follow_up(db, intro_id=made.intro_id, person="Ana Lima", options=options)
    assert [(s.kind, s.status) for s in steps] == [("follow-up", "done")]
    nudge = handler.received[-1].message
    assert nudge["In-Reply-To"] == request_ids(db, made.intro_id)[ANA]
    assert nudge["Subject"].startswith("Re: ")
    assert intros.follow_up(db, intro_id=made.intro_id, person="Ana Lima", options=options) == []
    assert len(handler.received) == 3
    assert not intros.get_intro(db, intro_id=made.intro_id).parties[0].follow_up_due


def test_outcome_after_the_check_and_an_introducers_reliability(
    db: Database, people: tuple[int, int], options: Options
) -> None:
    ana, bo = people
    made = intros.propose(db, a=ana, b=bo, why=WHY, send=True, options=options)
    assert made.intro_id is not None
    with pytest.raises(Conflict):
        intros.record_outcome(db, intro_id=made.intro_id, outcome="met")
    intros.record_consent(db, intro_id=made.intro_id, person=ana, answer="yes")
    intros.record_consent(db, intro_id=made.intro_id, person=bo, answer="yes")
    intros.send_ready(db, options=options)
    assert not intros.get_intro(db, intro_id=made.intro_id).check_due
    clock.freeze(clock.now() + timedelta(days=15))
    assert intros.get_intro(db, intro_id=made.intro_id).check_due
    view = intros.record_outcome(db, intro_id=made.intro_id, outcome="not-yet")
    assert view.stage == "outcome: not yet" and not view.check_due
    with pytest.raises(InvalidInput):
        intros.record_outcome(db, intro_id=made.intro_id, outcome="maybe")
    # introductions Bo made for me: two met, one did not
    carla = person(db, "Carla", emails=["carla@x.example"])
    dev = person(db, "Dev", emails=["dev@x.example"])
    with db.write() as conn:
        for other, outcome in ((carla, "met"), (dev, "met"), (ana, "no")):
            made_by = store.create(
                conn, a_id=other, b_id=ana if other != ana else carla, why="via Bo",
                parties=[], introducer_id=bo,
            )  # fmt: skip
            store.set_status(conn, made_by.id, "introduced", introduced_at=clock.now())
            store.set_outcome(conn, made_by.id, outcome)
    found = intros.introducer_reliability(db, bo)
    assert (found.introduced, found.met, found.no) == (3, 2, 1)
    assert found.score == pytest.approx(3 / 5)
    assert intros.introducer_reliability(db, ana).introduced == 0


def test_propose_refuses_what_cannot_be_asked(db: Database, people: tuple[int, int]) -> None:
    nomail = person(db, "No Mail")
    with pytest.raises(InvalidInput, match="no email address"):
        intros.propose(db, a="Ana Lima", b=nomail, why=WHY)
    with pytest.raises(InvalidInput, match="two different"):
        intros.propose(db, a="Ana Lima", b="Ana Lima", why=WHY)
    with pytest.raises(InvalidInput, match="why"):
        intros.propose(db, a="Ana Lima", b="Bo Chen", why="  ")
    with pytest.raises(InvalidInput, match="SMTP"):
        intros.propose(db, a="Ana Lima", b="Bo Chen", why=WHY, send=True)
    assert intros.list_intros(db) == []


def test_the_style_setting(db: Database) -> None:
    assert intros.get_style(db) == "both"
    assert intros.set_style(db, style="Connector") == "connector"
    assert intros.get_style(db) == "connector"
    with pytest.raises(InvalidInput):
        intros.set_style(db, style="lurker")


def test_a_server_that_does_not_answer_is_not_sent_to_again_unasked(
    db: Database, people: tuple[int, int]
) -> None:
    import asyncio
    import threading

    from tests.outbound.local import Handler as Base

    release = threading.Event()

    class Silent(Base):
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            while not release.is_set():
                await asyncio.sleep(0.05)
            return await super().handle_DATA(server, session, envelope)

    handler = Silent()
    for port in smtp_server(handler):
        slow = Options(
            smtp=SmtpSettings(
                host="127.0.0.1", port=port, security="none", from_address=ME, timeout=0.5
            )
        )
        made = intros.propose(db, a="Ana Lima", b="Bo Chen", why=WHY, send=True, options=slow)
        assert [s.status for s in made.sent] == ["failed", "failed"]
        assert all("no answer within" in s.outcome for s in made.sent)
        again = intros.send_ready(db, options=slow)
        assert {s.status for s in again} == {"skipped"}
        assert "may have taken the mail" in again[0].outcome
        release.set()
        retried = intros.send_ready(db, retry=True, options=slow)
        assert [s.status for s in retried] == ["done", "done"]
        assert sorted(r.recipients[0] for r in handler.received) == [ANA, BO]
