"""Introductions: the intro and its two parties, their answers, and the replies that answer.

Every write appends an activity row in its transaction. The mail itself goes through the
outbox (`store.hygiene.record_action` and friends): a party's request, the follow-up and the
introduction are each one outbox entry, with an idempotency key made of the intro, the party
and the kind of mail, so recording it again returns the same entry and nothing is sent twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from kithkin import clock
from kithkin.errors import Conflict, InvalidInput, NotFound
from kithkin.model import Record, record
from kithkin.store import activity
from kithkin.store.schema import contact_point, person, story_fact
from kithkin.store.schema_intro import intro, intro_party
from kithkin.store.schema_mail import mail_message, mail_thread_ref

WHY_CHARS: Final = 1000


@record
class Party(Record):
    id: int
    intro_id: int
    side: str  # a, b
    person_id: int
    display_name: str
    address: str
    request_subject: str
    request_body: str
    request_outbox_id: int | None
    request_message_id: str | None
    asked_at: datetime | None
    answer: str | None  # yes, no, unclear
    answer_source: str | None  # reply, manual
    answer_text: str | None
    answer_message_id: str | None
    answered_at: datetime | None
    followup_outbox_id: int | None


@record
class Intro(Record):
    id: int
    a_id: int
    b_id: int
    introducer_id: int | None  # None: me
    why: str
    status: str  # proposed, asked, consented, declined, introduced
    created_at: datetime
    consented_at: datetime | None
    declined_at: datetime | None
    intro_subject: str | None
    intro_body: str | None
    intro_outbox_id: int | None
    introduced_at: datetime | None
    outcome: str | None  # met, not_yet, no
    outcome_at: datetime | None
    parties: tuple[Party, ...] = ()

    def party(self, side_or_person: str | int) -> Party:
        for p in self.parties:
            if p.side == side_or_person or p.person_id == side_or_person:
                return p
        raise NotFound(f"intro #{self.id}: no such party {side_or_person!r}")


def pair_key(a_id: int, b_id: int) -> str:
    low, high = sorted((a_id, b_id))
    return f"{low}-{high}"


# -- reads -------------------------------------------------------------------------------------


def person_facts(conn: Connection, person_id: int) -> list[tuple[str, str]]:
    """(field, text) of a person's story facts, oldest first; in team mode only those the whole
    team sees (an introduction goes out by mail: never with a member's private fact)."""
    rows = conn.execute(
        select(story_fact.c.field, story_fact.c.text)
        .where(
            story_fact.c.person_id == person_id,
            story_fact.c.member_id.is_(None) | story_fact.c.shared.is_(True),
        )
        .order_by(story_fact.c.id)
    )
    return [(str(r.field), str(r.text)) for r in rows]


def emails_of(conn: Connection, person_id: int) -> list[str]:
    """A person's email addresses (normalised), the first added first."""
    return list(
        conn.scalars(
            select(contact_point.c.normalized)
            .where(contact_point.c.person_id == person_id, contact_point.c.kind == "email")
            .order_by(contact_point.c.id)
        )
    )


def declined_before(conn: Connection, a_id: int, b_id: int) -> Intro | None:
    """The intro of this pair one of them declined, if any: a decline is final for the pair."""
    found = conn.scalar(
        select(intro.c.id)
        .where(intro.c.pair_key == pair_key(a_id, b_id), intro.c.status == "declined")
        .limit(1)
    )
    return None if found is None else get(conn, int(found))


def open_for_pair(conn: Connection, a_id: int, b_id: int) -> Intro | None:
    """The intro of this pair still under way (not declined, not introduced), if any."""
    found = conn.scalar(
        select(intro.c.id)
        .where(
            intro.c.pair_key == pair_key(a_id, b_id),
            intro.c.status.in_(("proposed", "asked", "consented")),
        )
        .limit(1)
    )
    return None if found is None else get(conn, int(found))


def get(conn: Connection, intro_id: int) -> Intro:
    row = conn.execute(select(intro).where(intro.c.id == intro_id)).first()
    if row is None:
        raise NotFound(f"no intro #{intro_id}")
    return _intro(row, _parties(conn, [intro_id]).get(intro_id, []))


def list_intros(
    conn: Connection,
    *,
    person_id: int | None = None,
    status: Sequence[str] | None = None,
    among: Sequence[int] | None = None,
) -> list[Intro]:
    """Intros, newest first; of one person (either party, or the introducer), of any of
    `among`, or statuses."""
    query = select(intro).order_by(intro.c.id.desc())
    wanted = [person_id] if person_id is not None else among
    if wanted is not None:
        query = query.where(
            or_(
                intro.c.a_id.in_(wanted),
                intro.c.b_id.in_(wanted),
                intro.c.introducer_id.in_(wanted),
            )
        )
    if status is not None:
        query = query.where(intro.c.status.in_(list(status)))
    rows = list(conn.execute(query))
    parties = _parties(conn, [int(r.id) for r in rows])
    return [_intro(r, parties.get(int(r.id), [])) for r in rows]


_RECORDS: Final = (
    select(intro.c.introducer_id, intro.c.outcome, func.count().label("n"))
    .where(intro.c.introducer_id.is_not(None), intro.c.status == "introduced")
    .group_by(intro.c.introducer_id, intro.c.outcome)
)


def outcomes_of(conn: Connection, introducer_ids: Sequence[int]) -> dict[int, list[str | None]]:
    """The outcomes of the introductions each of `introducer_ids` made (None: not known yet;
    absent: none made). One prepared query
    counting outcomes per introducer (a few rows each: introductions others made for me are
    few), so a path query pays one round trip, not one per introducer nor per id bound."""
    wanted = set(introducer_ids)
    out: dict[int, list[str | None]] = {}
    if not wanted:
        return out
    for row in conn.execute(_RECORDS):
        if row.introducer_id in wanted:
            out.setdefault(int(row.introducer_id), []).extend([row.outcome] * int(row.n))
    return out


def _parties(conn: Connection, ids: Sequence[int]) -> dict[int, list[Party]]:
    out: dict[int, list[Party]] = {}
    if not ids:
        return out
    rows = conn.execute(
        select(intro_party, person.c.display_name)
        .join(person, person.c.id == intro_party.c.person_id)
        .where(intro_party.c.intro_id.in_(list(ids)))
        .order_by(intro_party.c.intro_id, intro_party.c.side)
    )
    for row in rows:
        values = {c.name: getattr(row, c.name) for c in intro_party.columns}
        out.setdefault(int(row.intro_id), []).append(
            Party(display_name=str(row.display_name), **values)
        )
    return out


def _intro(row: Any, parties: list[Party]) -> Intro:
    values = {c.name: getattr(row, c.name) for c in intro.columns if c.name != "pair_key"}
    return Intro(parties=tuple(parties), **values)


# -- writes ------------------------------------------------------------------------------------


def create(
    conn: Connection,
    *,
    a_id: int,
    b_id: int,
    why: str,
    parties: Sequence[tuple[str, int, str, str, str]],  # side, person, address, subject, body
    introducer_id: int | None = None,
) -> Intro:
    """A new intro (proposed) with its two parties and their drafted requests."""
    if a_id == b_id:
        raise InvalidInput("an introduction needs two different people")
    why = " ".join(why.split())
    if not why:
        raise InvalidInput("say why they should meet (--why)")
    if len(why) > WHY_CHARS:
        raise InvalidInput(f"--why: at most {WHY_CHARS} characters")
    if declined_before(conn, a_id, b_id) is not None:
        raise Conflict("one of them declined this introduction before: a decline is final")
    if open_for_pair(conn, a_id, b_id) is not None:
        raise Conflict("an introduction of these two is already under way")
    result = conn.execute(
        insert(intro).values(
            a_id=a_id,
            b_id=b_id,
            pair_key=pair_key(a_id, b_id),
            introducer_id=introducer_id,
            why=why,
            status="proposed",
            created_at=clock.now(),
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    intro_id = int(key[0])
    if parties:
        conn.execute(
            insert(intro_party),
            [
                {
                    "intro_id": intro_id,
                    "side": side,
                    "person_id": pid,
                    "address": address,
                    "request_subject": subject,
                    "request_body": body,
                }
                for side, pid, address, subject, body in parties
            ],
        )
    activity.record(
        conn, "intro.propose", f"proposed introducing #{a_id} and #{b_id}: {why[:80]}",
        payload={"intro_id": intro_id},
    )  # fmt: skip
    return get(conn, intro_id)


def queue_request(conn: Connection, party_id: int, outbox_id: int, message_id: str) -> None:
    conn.execute(
        update(intro_party)
        .where(intro_party.c.id == party_id)
        .values(request_outbox_id=outbox_id, request_message_id=message_id)
    )


def mark_asked(conn: Connection, party_id: int) -> None:
    """The request went out (its outbox entry is done)."""
    conn.execute(
        update(intro_party)
        .where(intro_party.c.id == party_id, intro_party.c.asked_at.is_(None))
        .values(asked_at=clock.now())
    )


def set_followup(conn: Connection, party_id: int, outbox_id: int) -> None:
    conn.execute(
        update(intro_party).where(intro_party.c.id == party_id).values(followup_outbox_id=outbox_id)
    )


def set_answer(
    conn: Connection,
    party_id: int,
    *,
    answer: str,
    source: str,
    text: str | None = None,
    message_id: str | None = None,
) -> None:
    """A party's answer. A no is final: it is never turned into anything else."""
    row = conn.execute(select(intro_party).where(intro_party.c.id == party_id)).first()
    if row is None:
        raise NotFound(f"no intro party #{party_id}")
    if row.answer == "no" and answer != "no":
        raise Conflict("they declined: a decline is final for this introduction")
    conn.execute(
        update(intro_party)
        .where(intro_party.c.id == party_id)
        .values(
            answer=answer,
            answer_source=source,
            answer_text=text,
            answer_message_id=message_id,
            answered_at=clock.now(),
        )
    )
    activity.record(
        conn, "intro.answer", f"intro #{row.intro_id}: #{row.person_id} answered {answer} "
        f"({source})", person_id=int(row.person_id),
        payload={"intro_id": int(row.intro_id), "answer": answer},
    )  # fmt: skip


def set_status(conn: Connection, intro_id: int, status: str, **values: Any) -> None:
    conn.execute(update(intro).where(intro.c.id == intro_id).values(status=status, **values))
    activity.record(
        conn, "intro.status", f"intro #{intro_id}: {status}", payload={"intro_id": intro_id}
    )


def draft_introduction(conn: Connection, intro_id: int, subject: str, body: str) -> None:
    conn.execute(
        update(intro)
        .where(intro.c.id == intro_id, intro.c.intro_subject.is_(None))
        .values(intro_subject=subject, intro_body=body)
    )


def set_intro_outbox(conn: Connection, intro_id: int, outbox_id: int) -> None:
    conn.execute(update(intro).where(intro.c.id == intro_id).values(intro_outbox_id=outbox_id))


def set_outcome(conn: Connection, intro_id: int, outcome: str) -> None:
    found = get(conn, intro_id)
    if found.status != "introduced":
        raise Conflict(f"intro #{intro_id} is {found.status}: an outcome follows an introduction")
    conn.execute(
        update(intro).where(intro.c.id == intro_id).values(outcome=outcome, outcome_at=clock.now())
    )
    activity.record(
        conn, "intro.outcome", f"intro #{intro_id}: {outcome.replace('_', ' ')}",
        payload={"intro_id": intro_id, "outcome": outcome},
    )  # fmt: skip


# -- replies -----------------------------------------------------------------------------------


@record
class Reply(Record):
    party_id: int
    message_id: str
    source_file: str
    source_offset: int
    date: datetime | None


def awaiting_replies(conn: Connection) -> list[Party]:
    """Parties asked whose answer may still come by mail: none yet, or an unclear one."""
    rows = conn.execute(
        select(intro_party.c.intro_id)
        .join(intro, intro.c.id == intro_party.c.intro_id)
        .where(
            intro_party.c.request_message_id.is_not(None),
            or_(
                intro_party.c.answer.is_(None),
                and_(intro_party.c.answer == "unclear", intro_party.c.answer_source == "reply"),
            ),
            intro.c.status.in_(("proposed", "asked")),
        )
        .distinct()
    )
    ids = [int(r.intro_id) for r in rows]
    parties = _parties(conn, ids)
    return [
        p
        for found in parties.values()
        for p in found
        if p.request_message_id is not None
        and (p.answer is None or (p.answer == "unclear" and p.answer_source == "reply"))
    ]


def replies_to(conn: Connection, party: Party, addresses: Sequence[str]) -> list[Reply]:
    """Messages from `addresses` that answer the party's request (In-Reply-To, or its thread
    by References), oldest first, the one already read as an answer left out."""
    mid = (party.request_message_id or "").strip("<>")
    if not mid or not addresses:
        return []
    m = mail_message.c
    in_thread = select(mail_thread_ref.c.thread_id).where(mail_thread_ref.c.ref == mid)
    query = (
        select(m.message_id, m.source_file, m.source_offset, m.date)
        .where(
            or_(m.in_reply_to == mid, m.thread_id.in_(in_thread)),
            m.from_address.in_([a.lower() for a in addresses]),
            m.message_id != mid,
        )
        .order_by(m.date, m.id)
    )
    if party.answer_message_id:
        query = query.where(m.message_id != party.answer_message_id)
    return [
        Reply(party.id, str(r.message_id), str(r.source_file), int(r.source_offset), r.date)
        for r in conn.execute(query)
    ]
