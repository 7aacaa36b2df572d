"""Today: the daily agenda (`kithkin today`, the home page, `GET /api/today`), snoozing and
dismissing its items, logging a touch from it, and the fading conversations.

`agenda` refreshes relationships once, then reads everything the practices need in one
transaction: the circle, the meetings and their attendees' briefs, who waits, what fades.
The commands an item offers (`kithkin today dismiss KEY`...) are written here, once, for the
CLI's --json and the API.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound
from kithkin.model import SOLO, Actor, Record, record
from kithkin.practices.today import SECTIONS as SECTIONS
from kithkin.practices.today import SNOOZE_DAYS as SNOOZE_DAYS
from kithkin.practices.today import Agenda as Agenda
from kithkin.practices.today import Item as Item
from kithkin.services.common import PersonRef
from kithkin.services.relationships import refresh

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.store import Database

TOUCH_KINDS: Final = ("call", "email", "message", "meeting", "coffee", "meal", "note")
_DIRECTION: Final = {"email": "from_me", "message": "from_me", "note": "neither"}


@record
class Touched(Record):
    person_id: int
    display_name: str
    kind: str


def current(db: Database, *, actor: Actor = SOLO) -> Agenda:
    """Today's agenda as of now, as `agenda` makes it, kept (`Database.minutely`) until the
    database changes or the minute turns: a page and its API asked again and again (by a
    team, by several tabs) cost one agenda a minute while nothing is written, computed
    while the previous minute's is answered. Each member has their own."""
    key = f"today:{actor.member_id}"
    return db.minutely(key, lambda now: agenda(db, now=now, actor=actor))


def agenda(db: Database, *, now: datetime | None = None, actor: Actor = SOLO) -> Agenda:
    """Today's agenda as of `now` (relationships refreshed first, once, where they changed);
    in team mode the acting member's own (their circle, interactions and relationships), the
    briefs' notes, story and needs those the actor may see."""
    from kithkin.practices import strength
    from kithkin.practices.today import (
        BLIND_MIN_RECEIVED,
        BLIND_SHARE,
        BRIEFS_PER_MEETING,
        DIGESTS_SHOWN,
        FADING_ACTIVE_DAYS,
        FADING_SHOWN,
        MEETINGS_SHOWN,
        ROOM_SHOWN,
        WAITING_DAYS,
        WAITING_SHOWN,
        assemble,
        awaits,
        circle_items,
        digest,
        direct_item,
        fading_item,
        likely_waiting,
        meeting_items,
        room_items,
        waiting_item,
    )
    from kithkin.services.amplify import today_items as share_items
    from kithkin.services.brief import read_briefs
    from kithkin.services.circle import read_circle, suggestions
    from kithkin.services.intro_views import today_items
    from kithkin.store import agenda, people, relationships

    now = now or clock.now()
    member = actor.member_id
    refresh(db, now, actor=actor)
    state = read_circle(db, now, actor=actor)
    start, end = clock.day_window(now)
    with db.read() as conn:
        meetings = [m for m in agenda.planned(conn, start, end, member) if awaits(m, now)]
        waiting_rows = relationships.waiting(
            conn, now - timedelta(days=WAITING_DAYS), now, member_id=member
        )

        sent, received = agenda.mail_counts(conn, now - timedelta(days=365), now, member_id=member)
        blind = received >= BLIND_MIN_RECEIVED and sent < BLIND_SHARE * received
        direct = (
            agenda.written_to_me(conn, now - timedelta(days=WAITING_DAYS), now, member_id=member)
            if blind
            else []
        )
        shown = {r.person_id for r in waiting_rows}
        colleagues = _my_domains(conn, member) if direct else frozenset()
        direct = [w for w in direct if w.person_id not in shown and likely_waiting(w, colleagues)]
        ids_waited = [i for r in waiting_rows if (i := r.waiting_interaction_id) is not None]
        answered = agenda.answered_elsewhere(
            conn, [*ids_waited, *(w.interaction_id for w in direct)]
        )
        waiting_rows = [r for r in waiting_rows if r.waiting_interaction_id not in answered]
        direct = [w for w in direct if w.interaction_id not in answered]
        active = now - timedelta(days=FADING_ACTIVE_DAYS)
        fading_rows = relationships.fading(conn, now, active, member_id=member)
        subjects = agenda.subjects_of(
            conn,
            [
                *(i for r in waiting_rows if (i := r.waiting_interaction_id) is not None),
                *(w.interaction_id for w in direct),
            ],
        )
        thread_keys = [r.inputs.get("fading_thread") for r in fading_rows]
        threads = agenda.thread_subjects(conn, [k for k in thread_keys if k])
        ids = [r.person_id for r in waiting_rows + fading_rows] + [w.person_id for w in direct]
        names = {pid: s.display_name for pid, s in people.summaries_by_id(conn, ids).items()}
        mutes = agenda.mutes(conn, member)
        meetings = meetings[:MEETINGS_SHOWN]
        upcoming = [m for m in meetings if m.at >= now] + [m for m in meetings if m.at < now]
        briefed = list(
            dict.fromkeys(pid for m in upcoming for pid, _ in m.people[:BRIEFS_PER_MEETING])
        )[:DIGESTS_SHOWN]
        found = read_briefs(
            conn, briefed, now, recent=10, upcoming=False, actor=actor, member_id=member
        )
        intro_items, style = today_items(conn, now)
    digests = {pid: digest(b, now) for pid, b in found.items()}
    waiting_rows.sort(key=lambda r: (r.waiting_kind == "reply", -strength.current(r, now)))
    waits = [
        waiting_item(
            r.person_id, names[r.person_id], r, subjects.get(r.waiting_interaction_id or 0), now
        )
        for r in waiting_rows[:WAITING_SHOWN]
    ]
    waits += [
        direct_item(w, names[w.person_id], subjects.get(w.interaction_id), now)
        for w in direct[: max(0, WAITING_SHOWN - len(waits))]
    ]
    fades: list[Item] = []
    strengths = {f"fading:{r.person_id}": strength.current(r, now) for r in fading_rows}
    for r, key in zip(fading_rows, thread_keys, strict=True):
        subject = threads.get(key) if key else None
        made = fading_item(r.person_id, names[r.person_id], r, r.inputs, subject, now)
        if made is not None:
            fades.append(made)
    fades = sorted(fades, key=lambda i: (-i.score, -strengths[i.key]))[:FADING_SHOWN]
    warnings = [state.warning] if state.warning else []
    if blind:
        warnings.append(
            f"The latest mail imported holds {sent} message{'s' * (sent != 1)} you sent and "
            f"{received} you received: import your Sent folder too (kithkin import mail PATH), "
            "so kithkin can tell whom you answered. Until then, people who write to you "
            "directly are listed as waiting."
        )
    room = room_items(suggestions(db, limit=ROOM_SHOWN, now=now, current=state, actor=actor))
    room = [*room, *share_items(db, now=now, actor=actor)]  # the sharing nudges (P7, P8)
    gatherer = style == "gatherer"  # a gatherer sees the day's gatherings first (P4)
    planned = sorted(
        [*meeting_items(meetings, digests, now), *_gathering_items(db, now)],
        key=lambda i: (not (gatherer and i.kind == "gathering"), i.at or now),
    )
    reflect = _reflect_items(db, now, actor)  # their own section; passed after the room's items
    room += _service_items(db, now, actor)
    return assemble(
        now, planned, waits, circle_items(state.members), fades, mutes, warnings,
        [*room, *reflect], intros=intro_items, style=style,
    )  # fmt: skip


def _gathering_items(db: Database, now: datetime) -> list[Item]:
    """Today's gatherings, "next up" (issue 16)."""
    from kithkin.practices.today import fingerprint
    from kithkin.services import gatherings

    items = []
    for g, at in gatherings.today(db, now=now):
        where = ", ".join(
            x for x in (g.platform, g.link, f"#{g.hashtag}" if g.hashtag else None) if x
        )
        local = at.astimezone().strftime("%H:%M")
        items.append(
            Item(
                key=f"gathering:{g.id}:{at.date().isoformat()}",
                section="meetings",
                kind="gathering",
                reason=f"next up: {g.name} at {local}" + (f" ({where})" if where else ""),
                fingerprint=fingerprint("gathering", g.id, at.isoformat()),
                people=(),
                at=at,
            )
        )
    return items


def _reflect_items(db: Database, now: datetime, actor: Actor = SOLO) -> list[Item]:
    """Meetings and gatherings of the last days with no reflection yet: "how did it go?"."""
    from kithkin.practices.today import REFLECT_SHOWN, fingerprint
    from kithkin.services.reflecting import pending

    return [
        Item(
            key=f"reflect:{p.key}",
            section="reflect",
            kind="reflect",
            reason=f"How did {p.title} go on {p.day.isoformat()}? What did you learn about them?",
            fingerprint=fingerprint("reflect", p.key),
            people=(),
        )
        for p in pending(db, now=now, actor=actor, limit=REFLECT_SHOWN)
    ]


def _service_items(db: Database, now: datetime, actor: Actor = SOLO) -> list[Item]:
    """The best fresh opportunity to be of service (practice P9), if any."""
    from kithkin.practices.service import opportunity_item
    from kithkin.services.service import best_opportunity

    best = best_opportunity(db, now=now, actor=actor)
    return [opportunity_item(best)] if best is not None else []


def _my_domains(conn: Connection, member_id: int | None = None) -> frozenset[str]:
    """The domains of my addresses: people there are colleagues."""
    from kithkin.store import settings

    mine = settings.get_me(conn, member_id).addresses
    return frozenset(a.rsplit("@", 1)[-1] for a in mine if "@" in a)


def snooze(
    db: Database,
    *,
    key: str,
    days: int | str = SNOOZE_DAYS,
    now: datetime | None = None,
    actor: Actor = SOLO,
) -> Item:
    """Put the item `key` of today's agenda away for `days` (1 to 365), or until its reason
    changes; returns it."""
    return _mute(db, key, "snooze", _snooze_days(days), now, actor)


def dismiss(db: Database, *, key: str, now: datetime | None = None, actor: Actor = SOLO) -> Item:
    """Dismiss the item `key` of today's agenda until its reason changes; returns it."""
    return _mute(db, key, "dismiss", SNOOZE_DAYS, now, actor)


def _snooze_days(value: int | str) -> int:
    if isinstance(value, str):
        text = value or str(SNOOZE_DAYS)
        if not text.strip().isdigit():
            raise InvalidInput(f"days: {text!r} is not a whole number of days")
        value = int(text)
    return value


def _mute(
    db: Database, key: str, action: str, days: int, now: datetime | None, actor: Actor = SOLO
) -> Item:
    from kithkin.practices.today import find
    from kithkin.store import agenda as store

    now = now or clock.now()
    if action == "snooze" and not 1 <= days <= 365:
        raise InvalidInput(f"snooze for {days} days? give 1 to 365")
    item = find(agenda(db, now=now, actor=actor), key.strip())
    if item is None:
        raise NotFound(f"no item {key!r} on today's agenda (kithkin today lists them)")
    until = now + timedelta(days=days) if action == "snooze" else None
    with db.write() as conn:
        store.mute(
            conn, item.key, item.fingerprint, action, until=until,
            about=f"{item.reason}", person_id=item.person_id, member_id=actor.member_id,
        )  # fmt: skip
    return item


def log_touch(
    db: Database,
    *,
    person: PersonRef,
    kind: str = "call",
    subject: str | None = None,
    actor: Actor = SOLO,
) -> Touched:
    """Log a touch (a call, a coffee, a note...) with a person now, from Today or a brief:
    their cadence starts again. The one way to log is `services.interactions.log`; this says
    which kinds a touch may be and which way each went."""
    from kithkin.services import interactions, people

    kind = kind or "call"
    if kind not in TOUCH_KINDS:
        raise InvalidInput(f"unknown kind {kind!r}")
    if isinstance(person, str) and person.strip().isdigit():
        person = int(person)  # a form posts the person's id
    logged = interactions.log(
        db,
        kind=kind,
        people=[person],
        direction=_DIRECTION.get(kind, "both"),
        subject=subject,
        actor=actor,
    )
    pid = logged.participants[0]
    return Touched(pid, people.get_person(db, person=pid).display_name, kind)


def fading(db: Database, *, now: datetime | None = None, actor: Actor = SOLO) -> list[Item]:
    """The conversations that are fading, muted ones included (`kithkin fading`)."""
    found = agenda(db, now=now, actor=actor)
    return [i for i in [*found.items, *found.muted] if i.section == "fading"]


def item_json(item: Item) -> dict[str, Any]:
    """One agenda item as JSON, with the commands that act on it."""
    from kithkin.model import to_jsonable

    first = item.person_id
    return {
        "key": item.key,
        "section": item.section,
        "kind": item.kind,
        "reason": item.reason,
        "advice": item.advice,
        "at": to_jsonable(item.at),
        "people": [{"id": pid, "display_name": name} for pid, name in item.people],
        "briefs": to_jsonable(list(item.briefs)),
        "actions": {
            "brief": [f"kithkin brief '#{pid}'" for pid, _ in item.people],
            "log": f"kithkin log call '#{first}'" if first is not None else None,
            "snooze": f"kithkin today snooze {item.key} --days {SNOOZE_DAYS}",
            "dismiss": f"kithkin today dismiss {item.key}",
            **({"add": f"kithkin circle add '#{first}'"} if item.kind == "suggest" else {}),
        },
    }


def to_json(found: Agenda) -> dict[str, Any]:
    """The agenda as the CLI's --json and the API give it: sections of items, each with its
    reason and the commands that act on it."""
    return {
        "now": found.now.isoformat(),
        "sections": [
            {"name": name, "title": title, "items": [item_json(i) for i in found.section(name)]}
            for name, title in found.sections
        ],
        "hidden": found.hidden,
        "warnings": found.warnings,
    }
