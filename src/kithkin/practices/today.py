"""Today: the daily entry point. Every line is actionable and says why it is there.

Five sections, in this order:

- meetings today and tomorrow, each attendee with a digest of their brief;
- people waiting for my reply (a person I answer, whose message is recent and personal);
- circle members who are due or overdue (or who silently dropped out);
- fading conversations to wrap up or pause;
- while the circle is below its cap, the strongest two-way relationships not in it (so a
  busy person with an empty circle is never told that nothing needs them).

A person appears once outside meetings (waiting wins over due, due over fading). Every item
has a key ("waiting:12") and a fingerprint of what its reason rests on (the message waited
on, the last touch and cadence...). Snoozing or dismissing stores both: the item stays away
until its reason changes — a new fingerprint — or, when snoozed, until the snooze ends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from kithkin.clock import days
from kithkin.model import Record, record
from kithkin.practices import circle, fading, strength

if TYPE_CHECKING:
    from kithkin.model import Mute, Planned, Relationship, WroteToMe
    from kithkin.practices.brief import Brief

WAITING_DAYS: Final = 14  # older unanswered messages leave Today (the person page keeps them)
WAITING_SHOWN: Final = 20
# A year of mail in which I sent fewer than this share of what people sent me: the import
# lacks my Sent folder, so who waits is guessed from who writes to me directly.
BLIND_SHARE: Final = 0.05
BLIND_MIN_RECEIVED: Final = 20
FADING_SHOWN: Final = 5
FADING_ACTIVE_DAYS: Final = 90  # a conversation whose last message is older is over already
SNOOZE_DAYS: Final = 7
MEETINGS_SHOWN: Final = 20
BRIEFS_PER_MEETING: Final = 4  # a big meeting gets the digests of its first four attendees
DIGESTS_SHOWN: Final = 8  # the next eight people I meet get a digest; every one has a brief
SECTIONS: Final = (
    ("meetings", "Meetings today and tomorrow"),
    ("waiting", "Waiting for your reply"),
    ("intros", "Introductions waiting for you"),
    ("circle", "Your circle: due and overdue"),
    ("fading", "Fading: wrap up or pause"),
    ("share", "Sharing: let others shine, and share your own"),
    ("room", "Room in your circle: your strongest two-way relationships"),
    ("reflect", "How did it go?"),  # after a meeting or gathering (services.review.pending)
    ("service", "Be of service: the best fresh opportunity"),
)
REFLECT_SHOWN: Final = 5  # "how did it go?": the latest meetings and gatherings not reflected on
ROOM_SHOWN: Final = 3  # suggestions for the circle's free places, while it is below its cap


@record
class Item(Record):
    key: str  # "circle:12", "waiting:40", "fading:7", "meeting:i123"
    section: str
    kind: str  # due, overdue, waiting, fading, meeting
    reason: str  # one line
    fingerprint: str
    people: tuple[tuple[int, str], ...]  # (person id, name); one, except for meetings
    at: datetime | None = None
    advice: str = ""
    score: float = 0.0  # how strongly it applies (fading: the fading score)
    briefs: tuple[dict[str, Any], ...] = ()  # meetings: a digest of each attendee's brief

    @property
    def person_id(self) -> int | None:
        return self.people[0][0] if self.people else None


@record
class Agenda(Record):
    now: datetime
    items: list[Item]
    hidden: int  # items snoozed or dismissed, whose reason has not changed
    warnings: list[str] = field(default_factory=list)
    muted: list[Item] = field(default_factory=list)
    order: tuple[str, ...] = ()  # the sections' order for my style (empty: SECTIONS' own)

    def section(self, name: str) -> list[Item]:
        return [i for i in self.items if i.section == name]

    @property
    def sections(self) -> list[tuple[str, str]]:
        """(name, title) of every section, in the order my networking style puts them."""
        titles = dict(SECTIONS)
        return [(name, titles[name]) for name in self.order or titles]


def ordered(style: str) -> tuple[str, ...]:
    """The sections for a style (P4): a connector sees intros first, a gatherer their
    gatherings first (the day's meetings section, gatherings at its top) and intros last;
    both, the usual order."""
    names = [name for name, _ in SECTIONS]
    rest = [name for name in names if name != "intros"]
    if style == "connector":
        return ("intros", *rest)
    if style == "gatherer":
        return (*rest, "intros")
    return tuple(names)


def fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]


def is_muted(item: Item, mute: Mute | None, now: datetime) -> bool:
    if mute is None or mute.fingerprint != item.fingerprint:
        return False  # never muted, or its reason changed since
    return mute.action == "dismiss" or (mute.until is not None and now < mute.until)


def circle_items(statuses: Sequence[circle.Status]) -> list[Item]:
    return [
        Item(
            key=f"circle:{s.member.person_id}",
            section="circle",
            kind=s.state,
            reason=s.reason,
            fingerprint=fingerprint("circle", s.member.last_touch_at, s.cadence),
            people=((s.member.person_id, s.member.display_name),),
            at=s.due_at,
            advice="Reach out: a call, a coffee, or a note about something of theirs.",
        )
        for s in statuses
        if s.state in ("due", "overdue")
    ]


def room_items(suggestions: Sequence[circle.Suggestion]) -> list[Item]:
    """The circle's suggestions to add someone, as Today's last section."""
    return [
        Item(
            key=f"room:{s.person_id}",
            section="room",
            kind="suggest",
            reason=s.reason,
            fingerprint=fingerprint("room", s.person_id),
            people=((s.person_id, s.display_name),),
            advice="Add them to your circle, to keep in touch on a cadence.",
            score=s.score,
        )
        for s in suggestions
        if s.action == "add"
    ]


def waiting_item(
    person_id: int, name: str, row: Relationship, subject: str | None, now: datetime
) -> Item:
    about = f" “{subject}”" if subject else ""
    since = row.waiting_since
    assert since is not None  # a waiting relationship
    if row.waiting_kind == "followup":
        count = int(row.waiting_count)
        times = "twice" if count == 2 else f"{count} times"
        reason = f"wrote {times}, first {days(now - since)} ago:{about}"
    elif row.waiting_kind == "new":
        reason = f"wrote to you {days(now - since)} ago:{about}"
    else:
        reason = f"answered you {days(now - since)} ago:{about} — the ball is in your court"
    return Item(
        key=f"waiting:{person_id}",
        section="waiting",
        kind="waiting",
        reason=reason.replace(": —", " —").rstrip(":"),
        fingerprint=fingerprint("waiting", row.waiting_interaction_id),
        people=((person_id, name),),
        at=since,
        advice="Answer, even briefly; or say when you will.",
    )


def likely_waiting(w: WroteToMe, colleagues: frozenset[str]) -> bool:
    """Without my sent mail: someone who answered me before (a reply of theirs), or a colleague
    — not a sender of newsletters and invoices that happen to be addressed to me alone."""
    return w.replies > 0 or w.address.rsplit("@", 1)[-1] in colleagues


def direct_item(w: WroteToMe, name: str, subject: str | None, now: datetime) -> Item:
    """Someone who keeps writing to me directly, when my sent mail is not there to tell
    whether I answered (`agenda.written_to_me`)."""
    about = f": “{subject}”" if subject else ""
    return Item(
        key=f"waiting:{w.person_id}",
        section="waiting",
        kind="waiting",
        reason=(
            f"wrote to you directly {w.count} times this year, the last {days(now - w.last_at)} "
            f"ago{about} (your sent mail is not imported: answered?)"
        ),
        fingerprint=fingerprint("waiting", w.interaction_id),
        people=((w.person_id, name),),
        at=w.first_at,
        advice="Answer, even briefly; or say when you will.",
    )


def fading_item(
    person_id: int,
    name: str,
    row: Relationship,
    inputs: dict[str, Any],
    subject: str | None,
    now: datetime,
) -> Item | None:
    signals = strength.signals_from_json(inputs["fading"])
    if signals.last_at is None or now - signals.last_at > timedelta(days=FADING_ACTIVE_DAYS):
        return None  # over long ago: nothing left to wrap up
    since = signals.unanswered_since
    if since is not None and row.last_mutual_at is not None and row.last_mutual_at > since:
        return None  # we met or talked since my unanswered messages: alive elsewhere
    found = fading.assess(signals, now)
    if not found.fading:
        return None
    about = f"“{subject}”: " if subject else ""
    return Item(
        key=f"fading:{person_id}",
        section="fading",
        kind="fading",
        reason=about + found.reason,
        fingerprint=fingerprint(
            "fading", signals.unanswered, signals.unanswered_since, signals.replies
        ),
        people=((person_id, name),),
        at=signals.last_at,
        advice=found.advice,
        score=found.score,
    )


def awaits(m: Planned, now: datetime) -> bool:
    """Whether a meeting of today or tomorrow belongs on Today: not one I logged by hand
    once it had happened (the coffee I just logged), nor one whose summary says how it went."""
    return not (m.logged and m.at <= now)


def meeting_items(
    meetings: Sequence[Planned], digests: Mapping[int, dict[str, Any]], now: datetime
) -> list[Item]:
    out = []
    for m in meetings:
        if not awaits(m, now):
            continue
        local = m.at.astimezone()
        day = "today" if local.date() == now.astimezone().date() else "tomorrow"
        what = m.subject or m.kind.capitalize()
        reason = f"{day} {local:%H:%M}: {what}"
        if not all(n.split()[0] in what for _, n in m.people):
            reason += " with " + ", ".join(n for _, n in m.people)
        if m.at < now:
            reason += " (earlier today: log how it went)"
        out.append(
            Item(
                key=f"meeting:{m.key}",
                section="meetings",
                kind="meeting",
                reason=reason,
                fingerprint=fingerprint("meeting", m.at, tuple(p for p, _ in m.people)),
                people=m.people,
                at=m.at,
                briefs=tuple(digests[p] for p, _ in m.people if p in digests),
            )
        )
    return out


def assemble(
    now: datetime,
    meetings: Sequence[Item],
    waiting: Sequence[Item],
    due: Sequence[Item],
    fadings: Sequence[Item],
    mutes: Mapping[str, Mute],
    warnings: Sequence[str] = (),
    room: Sequence[Item] = (),
    intros: Sequence[Item] = (),
    style: str = "both",
) -> Agenda:
    """The agenda: sections in order, each person once outside meetings and intros, muted
    items out."""
    items: list[Item] = []
    muted: list[Item] = []
    seen: set[int] = set()
    for group in (meetings, intros, waiting, due, fadings, room):
        for item in group:
            if is_muted(item, mutes.get(item.key), now):
                muted.append(item)
                continue
            if item.section not in ("meetings", "intros"):
                pid = item.person_id
                if pid in seen:
                    continue
                if pid is not None:
                    seen.add(pid)
            items.append(item)
    return Agenda(now, items, len(muted), list(warnings), muted, ordered(style))


def digest(b: Brief, now: datetime) -> dict[str, Any]:
    """What Today shows of a brief: enough to walk in prepared; the brief has the rest."""
    last = "never met"
    if b.recent:
        first = b.recent[0]
        last = f"{first.kind} {days(now - first.at)} ago" + (
            f": {first.about}" if first.about else ""
        )
    return {
        "person_id": b.person_id,
        "display_name": b.display_name,
        "headline": b.headline,
        "strength": b.strength,
        "gaps": b.gaps,
        "starters": b.starters[:2],
        "loops": [loop.text for loop in b.loops if loop.kind != "meeting"][:3],
        "last": last,
    }


def find(agenda: Agenda, key: str) -> Item | None:
    return next((i for i in [*agenda.items, *agenda.muted] if i.key == key), None)
