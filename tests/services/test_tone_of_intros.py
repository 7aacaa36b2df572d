"""Every introduction mail kithkin drafts passes its own tone check, for the people of the demo
network: the two consent requests, the one follow-up and the introduction itself (no flag of
the sales or pressure kinds, a score under the shipped threshold), to each reader with their
ledger in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kithkin.errors import Conflict
from kithkin.practices import intros as practice
from kithkin.services import demo, intros
from kithkin.services.intro_mail import my_name, someone_of
from kithkin.services.tone import check_tone, rules_in_use
from kithkin.store import Database
from kithkin.store.schema import contact_point, person

WHYS = (
    "both of you are rebuilding a data team this year",
    "Dana ran the ERP migration Sam is about to start, and enjoys talking about it",
    "you sail, and both of you asked me about boards for mid-size companies",
)
SALES_OR_PRESSURE = {"sales", "pressure"}


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    built = demo.build(path=Path(tmp_path_factory.mktemp("tone")) / "demo.db")
    yield Database(built.url)


def _passes(db: Database, text: str, to: int) -> None:
    found = check_tone(db, text, to=to)
    tone = found.tone
    assert tone.score < rules_in_use().threshold and not tone.salesy, (text, tone.flags)
    assert not {f.kind for f in tone.flags} & SALES_OR_PRESSURE, (text, tone.flags)


def test_requests_follow_ups_and_introductions_read_as_notes(network: Database) -> None:
    with network.read() as conn:
        ids = list(
            conn.scalars(
                select(person.c.id)
                .join(contact_point, contact_point.c.person_id == person.c.id)
                .where(contact_point.c.kind == "email", person.c.deleted_at.is_(None))
                .distinct()
                .order_by(person.c.id)
                .limit(24)
            )
        )
    assert len(ids) >= 12
    checked = 0
    for n, (a, b) in enumerate(zip(ids[::2], ids[1::2], strict=False)):
        why = WHYS[n % len(WHYS)]
        try:
            proposal = intros.propose(network, a=a, b=b, why=why)
        except Conflict:  # the demo has an intro of these two under way already
            continue
        for draft in proposal.requests:
            _passes(network, draft.body, draft.person_id)
        with network.read() as conn:
            x, y, me = someone_of(conn, a), someone_of(conn, b), my_name(conn)
        subject = proposal.requests[0].subject
        _passes(network, practice.follow_up(x, y, subject, me).body, a)
        _passes(network, practice.follow_up(y, x, subject, me).body, b)
        introduction = practice.introduction(x, y, why, me).body
        _passes(network, introduction, a)
        _passes(network, introduction, b)
        checked += 1
    assert checked >= 6


def test_a_fact_that_reads_as_a_pitch_is_not_told(network: Database) -> None:
    """ "Writes a newsletter" is a fine thing to know of someone, but quoted in a request it
    reads as a pitch: the drafts leave such a fact out and tell the others."""
    from kithkin.practices import tone
    from kithkin.services import story
    from tests.builders.people import person

    rules = rules_in_use()
    assert tone.trips("Writes a newsletter about the history of computing.", rules)
    assert not tone.trips("Sails a 22-foot boat on weekends.", rules)
    a = person(network, "Rae Quist", emails=["rae@q.example"])
    b = person(network, "Ola Berg", emails=["ola@b.example"])
    story.add_fact(network, person=b, field="passions", text="Writes a newsletter on old maps")
    story.add_fact(network, person=b, field="passions", text="Sails a 22-foot boat")
    proposal = intros.propose(network, a=a, b=b, why="you both collect old maps")
    to_rae = proposal.requests[0]
    assert "Sails a 22-foot boat" in to_rae.body and "newsletter" not in to_rae.body
    # the dry run shows each draft's tone beside it
    assert to_rae.tone is not None and to_rae.tone < rules.threshold and not to_rae.salesy
    assert all(not f.startswith(("sales", "pressure")) for f in to_rae.tone_flags)
