"""The demo's introductions: a few at every stage of the double opt-in pipeline, so the Intros
page and Today show a real picture (asked and waiting, a follow-up due, an unclear answer to
settle, an introduction ready to send, one to check on, one that led to a meeting, one
declined). Nothing is sent: the demo's outbox entries are finished as "demo: not sent"."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Connection, select

from kithkin import clock
from kithkin.practices import intros as practice
from kithkin.store import hygiene, intros, people, settings
from kithkin.store.schema import contact_point, person

# (days ago proposed, answers of a and b as (answer, days after), reply text of an unclear
#  answer, days ago introduced, outcome)
_Answer = tuple[str, int] | None
_STAGES: Final[list[tuple[int, _Answer, _Answer, str | None, int | None, str | None]]] = [
    (2, None, None, None, None, None),
    (8, ("yes", 1), None, None, None, None),
    (4, ("unclear", 1), ("yes", 2), "Maybe! What is she working on these days?", None, None),
    (6, ("yes", 1), ("yes", 3), None, None, None),
    (24, ("yes", 2), ("yes", 3), None, 18, None),
    (70, ("yes", 1), ("yes", 2), None, 60, "met"),
    (30, ("yes", 2), ("no", 3), None, None, None),
]
_WHY: Final = (
    "you are both moving your teams to the cloud this year",
    "you both care about mentoring first-time managers",
    "she is hiring a data lead and you know the field",
    "you both sit on hospital boards and face the same audits",
    "you are both building a security practice from scratch",
    "you each run a CIO roundtable and could share speakers",
    "you both asked me about supply-chain analytics vendors",
)
_DEMO_OUTCOME: Final = "demo: not sent"


def write_intros(conn: Connection, end: datetime, me_name: str, me_address: str) -> int:
    """The demo's intros, as of `end`; how many."""
    pool = _people_with_mail(conn)
    if len(pool) < 2 * len(_STAGES):
        return 0
    domain = me_address.rpartition("@")[2]
    for n, (ago, a_said, b_said, words, introduced, outcome) in enumerate(_STAGES):
        a_id, b_id = pool[2 * n + 1], pool[2 * n + 4 if 2 * n + 4 < len(pool) else 0]
        if a_id == b_id:
            continue
        at = end - timedelta(days=ago)
        clock.freeze(at)
        made = _propose(conn, a_id, b_id, _WHY[n], me_name)
        for party in made.parties:
            entry = hygiene.record_action(
                conn, action="intro-ask", subscription_key=f"intro:{made.id}:{party.side}",
                method="mailto", target=f"mailto:{party.address}", domain=domain,
                message_id=f"<demo-intro-{made.id}-{party.side}@{domain}>",
            )  # fmt: skip
            intros.queue_request(conn, party.id, entry.id, entry.message_id or "")
            hygiene.start_attempt(conn, entry.id)
            hygiene.finish_attempt(conn, entry.id, "done", _DEMO_OUTCOME)
            intros.mark_asked(conn, party.id)
        intros.set_status(conn, made.id, "asked")
        for party, said in zip(made.parties, (a_said, b_said), strict=True):
            if said is None:
                continue
            answer, after = said
            clock.freeze(at + timedelta(days=after))
            text = words if answer == "unclear" else None
            intros.set_answer(conn, party.id, answer=answer, source="reply", text=text)
        answers = [s[0] if s else None for s in (a_said, b_said)]
        if "no" in answers:
            intros.set_status(conn, made.id, "declined", declined_at=clock.now())
        elif answers == ["yes", "yes"]:
            _consent(conn, made.id, me_name, domain, introduced, end)
            if outcome is not None:
                clock.freeze(end - timedelta(days=(introduced or 0) - 14))
                intros.set_outcome(conn, made.id, outcome)
    _received(conn, end, pool)
    clock.freeze(end)
    return len(_STAGES)


def _received(conn: Connection, end: datetime, pool: list[int]) -> None:
    """Introductions two well-connected people made for me, with how they went: their record
    as introducers shows on intro paths."""
    from sqlalchemy import func, union_all

    from kithkin.store import intros_received
    from kithkin.store.schema_knows import knows_tie

    ends = union_all(
        select(knows_tie.c.a.label("address")), select(knows_tie.c.b.label("address"))
    ).subquery()
    busiest = conn.execute(
        select(contact_point.c.person_id)
        .join(ends, func.lower(contact_point.c.value) == ends.c.address)
        .where(contact_point.c.kind == "email")
        .group_by(contact_point.c.person_id)
        .order_by(func.count().desc(), contact_point.c.person_id)
        .limit(2)
    )
    introducers = [int(r.person_id) for r in busiest]
    others = [pid for pid in pool if pid not in introducers][-3:]
    if len(introducers) < 2 or len(others) < 3:
        return
    for by, to, ago, outcome in (
        (introducers[0], others[0], 200, "met"),
        (introducers[0], others[1], 90, "met"),
        (introducers[1], others[2], 60, "no"),
    ):
        clock.freeze(end - timedelta(days=ago))
        intros_received.add(
            conn, introducer_id=by, person_id=to, at=clock.now(), outcome=outcome,
            why="thought we should compare notes",
        )  # fmt: skip


def _people_with_mail(conn: Connection) -> list[int]:
    rows = conn.execute(
        select(person.c.id)
        .join(contact_point, contact_point.c.person_id == person.c.id)
        .where(contact_point.c.kind == "email", person.c.deleted_at.is_(None))
        .group_by(person.c.id)
        .order_by(person.c.id)
    )
    me = settings.get_me(conn).person_id
    return [int(r.id) for r in rows if int(r.id) != me]


def _someone(conn: Connection, pid: int) -> practice.Someone:
    found = people.get_person(conn, pid)
    return practice.Someone(
        display_name=found.display_name,
        given_name=found.given_name,
        organisation=found.organisation,
        title=found.title,
        facts=tuple(intros.person_facts(conn, pid)),
    )


def _propose(conn: Connection, a_id: int, b_id: int, why: str, me: str) -> intros.Intro:
    a, b = _someone(conn, a_id), _someone(conn, b_id)
    parties = []
    for side, pid, to, other in (("a", a_id, a, b), ("b", b_id, b, a)):
        draft = practice.request(to, other, why, me)
        address = intros.emails_of(conn, pid)[0]
        parties.append((side, pid, address, draft.subject, draft.body))
    return intros.create(conn, a_id=a_id, b_id=b_id, why=why, parties=parties)


def _consent(
    conn: Connection,
    intro_id: int,
    me: str,
    domain: str,
    introduced: int | None,
    end: datetime,
) -> None:
    found = intros.get(conn, intro_id)
    a, b = (_someone(conn, p.person_id) for p in found.parties)
    draft = practice.introduction(a, b, found.why, me)
    intros.draft_introduction(conn, intro_id, draft.subject, draft.body)
    entry = hygiene.record_action(
        conn, action="introduce", subscription_key=f"intro:{intro_id}", method="mailto",
        target="mailto:" + ",".join(p.address for p in found.parties), domain=domain,
        message_id=f"<demo-intro-{intro_id}@{domain}>",
    )  # fmt: skip
    intros.set_intro_outbox(conn, intro_id, entry.id)
    intros.set_status(conn, intro_id, "consented", consented_at=clock.now())
    if introduced is None:
        return  # ready to send: the demo leaves it for you
    clock.freeze(end - timedelta(days=introduced))
    hygiene.start_attempt(conn, entry.id)
    hygiene.finish_attempt(conn, entry.id, "done", _DEMO_OUTCOME)
    intros.set_status(conn, intro_id, "introduced", introduced_at=clock.now())
