"""Introductions as I see them: where each stands and what it waits for (the Intros page,
`kithkin intro list`), my open intros as open loops of a brief and a person's page, what Today
asks of me about them, and my networking style, which orders Today."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound
from kithkin.model import Record, record
from kithkin.practices import intros as practice
from kithkin.services.common import PersonRef, person_id

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Connection

    from kithkin.model import OutboxEntry
    from kithkin.practices.brief import Loop
    from kithkin.practices.today import Item
    from kithkin.store import Database
    from kithkin.store.intros import Intro, Party

STYLE_KEY: Final = "style"
STYLES: Final = ("connector", "gatherer", "both")


@record
class PartyView(Record):
    side: str
    person_id: int
    name: str
    address: str
    request_status: str  # drafted, queued, trying, sent, failed, refused
    asked_at: str | None
    answer: str | None
    answer_source: str | None
    answer_text: str | None  # shown to me only; never to the other party
    followed_up: bool
    follow_up_due: bool


@record
class IntroView(Record):
    id: int
    a: str
    b: str
    why: str
    stage: str
    status: str
    created_at: str
    introduced_at: str | None
    outcome: str | None
    parties: tuple[PartyView, ...]
    waiting_for: str  # one line: what happens next
    ready_to_send: int = 0  # outbox entries ready (pending or failed)
    check_due: bool = False
    introduction_status: str | None = None  # drafted, queued, trying, sent, failed


# -- reading -----------------------------------------------------------------------------------


def list_intros(db: Database, *, person: PersonRef | None = None) -> list[IntroView]:
    """Every intro, newest first (of one person), where it stands and what it waits for."""
    from kithkin.store import intros

    with db.read() as conn:
        pid = person_id(conn, person) if person is not None else None
        return [view_of(conn, i) for i in intros.list_intros(conn, person_id=pid)]


def get_intro(db: Database, *, intro_id: int) -> IntroView:
    from kithkin.store import intros

    with db.read() as conn:
        return view_of(conn, intros.get(conn, intro_id))


def open_intros(conn: Connection, pid: int) -> list[IntroView]:
    """The intros of a person still open (an open loop on their page and brief)."""
    return [view for _, view in _open_intros(conn, [pid])]


def _open_intros(conn: Connection, pids: Sequence[int]) -> list[tuple[set[int], IntroView]]:
    """The open intros of any of `pids`, each with the people it concerns (its two parties and
    its introducer)."""
    from kithkin.store import intros

    found = intros.list_intros(
        conn, among=pids, status=("proposed", "asked", "consented", "introduced")
    )
    views = [({i.a_id, i.b_id, i.introducer_id or 0}, view_of(conn, i)) for i in found]
    return [(who, v) for who, v in views if v.status != "introduced" or v.outcome is None]


def view_of(conn: Connection, found: Intro) -> IntroView:
    from kithkin.store import hygiene

    now = clock.now()
    ids = _entry_ids(found)
    stored = hygiene.entries_of(conn, ids)
    if missing := [i for i in ids if i not in stored]:
        raise NotFound(f"no outbox entry #{missing[0]}")
    entries = {i: stored[i] for i in ids}
    parties = []
    for party in found.parties:
        state = party_state(party)
        status = _entry_status(entries.get(party.request_outbox_id or -1))
        parties.append(
            PartyView(
                side=party.side,
                person_id=party.person_id,
                name=party.display_name,
                address=party.address,
                request_status=status,
                asked_at=party.asked_at.isoformat() if party.asked_at else None,
                answer=party.answer,
                answer_source=party.answer_source,
                answer_text=party.answer_text,
                followed_up=party.followup_outbox_id is not None,
                follow_up_due=practice.follow_up_due(state, found.status, now),
            )
        )
    ready = sum(1 for e in entries.values() if e.status in ("pending", "failed"))
    intro_status = (
        _entry_status(entries.get(found.intro_outbox_id))
        if found.intro_outbox_id is not None
        else None
    )
    from kithkin.store import people

    names = people.summaries_by_id(conn, [found.a_id, found.b_id])
    a, b = (names[i].display_name if i in names else f"#{i}" for i in (found.a_id, found.b_id))
    return IntroView(
        id=found.id,
        a=a,
        b=b,
        why=found.why,
        stage=practice.stage(found.status, found.outcome),
        status=found.status,
        created_at=found.created_at.isoformat(),
        introduced_at=found.introduced_at.isoformat() if found.introduced_at else None,
        outcome=found.outcome,
        parties=tuple(parties),
        waiting_for=_waiting_for(found, parties, entries),
        ready_to_send=ready if found.status != "declined" else 0,
        check_due=practice.check_due(found.status, found.introduced_at, found.outcome, now),
        introduction_status=intro_status,
    )


def _entry_ids(found: Intro) -> list[int]:
    ids = [found.intro_outbox_id]
    for party in found.parties:
        ids += [party.request_outbox_id, party.followup_outbox_id]
    return [i for i in ids if i is not None]


def _entry_status(entry: OutboxEntry | None) -> str:
    if entry is None:
        return "drafted"
    return {"pending": "queued", "done": "sent"}.get(entry.status, entry.status)


def _waiting_for(found: Intro, parties: list[PartyView], entries: dict[int, OutboxEntry]) -> str:
    if found.status == "declined":
        return "declined: final for this pair; the other party is never told"
    if found.status == "introduced":
        if found.outcome:
            return f"introduced; outcome: {found.outcome.replace('_', ' ')}"
        if practice.check_due(found.status, found.introduced_at, None, clock.now()):
            return "introduced over two weeks ago: are they connected?"
        return "introduced: in two weeks, ask whether they connected"
    if found.status == "consented":
        return "both said yes: the introduction is ready to send"
    unclear = [p.name for p in parties if p.answer == "unclear"]
    if unclear:
        return f"{', '.join(unclear)} answered unclearly: yes or no?"
    unsent = [p.name for p in parties if p.request_status in ("queued", "failed", "drafted")]
    if unsent:
        return f"the request to {', '.join(unsent)} is ready to send"
    stuck = [p.name for p in parties if p.request_status == "trying"]
    if stuck:
        return f"the request to {', '.join(stuck)} may not have gone: check, then send --retry"
    waiting = [p.name for p in parties if p.answer is None]
    return f"waiting for {' and '.join(waiting)} to answer" if waiting else "settling"


def intro_loops(conn: Connection, pid: int) -> list[Loop]:
    """A person's open intros as open loops of their brief: who with, and what it waits for."""
    return intro_loops_of(conn, [pid]).get(pid, [])


def intro_loops_of(conn: Connection, pids: Sequence[int]) -> dict[int, list[Loop]]:
    """`intro_loops` of several people, read at once."""
    from kithkin.practices.brief import Loop

    out: dict[int, list[Loop]] = {}
    wanted = set(pids)
    for who, view in _open_intros(conn, list(wanted)) if wanted else []:
        for pid in sorted(who & wanted):
            party = next((p for p in view.parties if p.person_id == pid), None)
            other = (view.b if party.side == "a" else view.a) if party else f"{view.a} and {view.b}"
            loop = Loop("intro", f"introduction to {other}: {view.waiting_for}")
            out.setdefault(pid, []).append(loop)
    return out


def intros_of(db: Database, *, person: PersonRef) -> list[IntroView]:
    """A person's open intros (their page shows them)."""
    with db.read() as conn:
        return open_intros(conn, person_id(conn, person))


# -- Today -------------------------------------------------------------------------------------


def today_items(conn: Connection, now: datetime) -> tuple[list[Item], str]:
    """What Today asks of me about intros (an unclear answer to settle, the one follow-up due,
    an introduction ready to send, "are they connected?"), and my style, which orders Today."""
    from kithkin.practices.today import Item, fingerprint
    from kithkin.store import intros

    items = []
    for found in intros.list_intros(conn, status=("asked", "consented", "introduced")):
        if found.status == "introduced" and found.outcome is not None:
            continue
        view = view_of(conn, found)
        pair = ((found.a_id, view.a), (found.b_id, view.b))
        for p in view.parties:
            other = view.b if p.side == "a" else view.a
            if p.answer == "unclear":
                said = " ".join((p.answer_text or "").split())[:120]
                items.append(
                    Item(
                        f"intro:{found.id}:{p.person_id}",
                        "intros",
                        "unclear",
                        f"{p.name} answered unclearly about meeting {other}"
                        + (f": “{said}”" if said else "")
                        + " — yes or no?",
                        fingerprint(p.answer, p.answer_text),
                        pair,
                        at=now,
                    )
                )
            elif p.follow_up_due:
                items.append(
                    Item(
                        f"intro:{found.id}:{p.person_id}",
                        "intros",
                        "follow-up",
                        f"{p.name} has not answered about meeting {other} in 5 days: send one "
                        "gentle follow-up?",
                        fingerprint(p.asked_at),
                        pair,
                        at=now,
                    )
                )
        if view.status == "consented" and view.ready_to_send:
            items.append(
                Item(
                    f"intro:{found.id}",
                    "intros",
                    "ready",
                    "both said yes: the introduction is ready to send",
                    fingerprint("ready", found.consented_at),
                    pair,
                    at=now,
                )
            )
        if view.check_due:
            items.append(
                Item(
                    f"intro:{found.id}",
                    "intros",
                    "check",
                    f"introduced {found.introduced_at:%d %b}: are they connected?",
                    fingerprint("check", found.introduced_at),
                    pair,
                    at=now,
                )
            )
    return items, _style(conn)


# -- style -------------------------------------------------------------------------------------


def get_style(db: Database) -> str:
    """connector, gatherer or both (the default): what Today shows first."""
    with db.read() as conn:
        return _style(conn)


def _style(conn: Connection) -> str:
    from kithkin.store import settings

    value = settings.get(conn, STYLE_KEY, "both")
    return value if value in STYLES else "both"


def set_style(db: Database, *, style: str) -> str:
    from kithkin.store import activity, settings

    style = style.strip().lower()
    if style not in STYLES:
        raise InvalidInput(f"the style is connector, gatherer or both, not {style!r}")
    with db.write() as conn:
        settings.put(conn, STYLE_KEY, style)
        activity.record(conn, "setting.style", f"networking style: {style}")
    return style


def party_state(party: Party) -> practice.PartyState:
    return practice.PartyState(
        side=party.side,
        person_id=party.person_id,
        display_name=party.display_name,
        asked_at=party.asked_at,
        answer=party.answer,
        followed_up=party.followup_outbox_id is not None,
    )
