"""Every message kithkin drafts passes its own tone check: the exit lines of briefs, the
conversation starters, the wrap-up advice, the unsubscribe mail, the Today advice."""

from __future__ import annotations

import pytest

from kithkin.outbound import smtp
from kithkin.practices import fading
from kithkin.practices.service import opportunity_item
from kithkin.services import brief, people, story
from kithkin.services import service as svc
from kithkin.services.tone import check_tone
from kithkin.store import Database

NOT_SALESY = {"sales", "pressure", "favour", "cliche", "self"}


def _passes(text: str) -> None:
    tone = check_tone(None, text).tone
    assert not tone.salesy, (text, tone.flags)
    assert not {f.kind for f in tone.flags} & NOT_SALESY, (text, tone.flags)


@pytest.fixture
def net(db: Database) -> Database:
    people.add_person(db, display_name="Dana Whitfield", organisation="Acme", title="CIO")
    people.add_person(db, display_name="Lee Chen")
    people.add_person(db, display_name="Sam Okafor")
    story.add_fact(db, person="Dana", field="passions", text="sails a 22-foot boat")
    story.add_note(db, person="Lee", text="I promised to send our hiring plan.")
    return db


def test_briefs_exit_lines_and_starters(net: Database) -> None:
    for name in ("Dana", "Lee", "Sam"):
        made = brief.brief(net, person=name)
        _passes(made.exit_line)
        for starter in made.starters:
            _passes(starter)


def test_advice_and_outgoing_mail() -> None:
    for text in (fading.WRAP_UP, fading.PAUSE):
        _passes(text)
    # the unsubscribe mail goes to a list's robot, not a person: its one word is the
    # opt-out vocabulary the check names, yet it is no sales mail
    assert not check_tone(None, smtp.DEFAULT_BODY).tone.salesy


def test_todays_service_line(net: Database) -> None:
    svc.add_offer(net, text="20 years running ERP migrations", kind="skill")
    svc.add_need(net, person="Dana", text="replacing the ERP")
    best = svc.best_opportunity(net)
    assert best is not None
    item = opportunity_item(best)
    _passes(item.reason)
    _passes(item.advice)
