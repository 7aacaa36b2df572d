"""Briefs (practice P3): a one-screen recall card before meeting someone again.

"Remember their story when you meet them again." A brief holds who they are, their story with
its gaps named, our last interactions and what they were about, the loops still open (their
messages I have not answered, what I promised or they offered in my notes, our next
meetings), two or three conversation starters for what I don't know yet (P2: what they do,
where they come from, where they went to school, their passions, what drives them — asked as
natural questions), and a graceful line to end the conversation on (P12).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from kithkin.clock import days
from kithkin.model import STORY_QUESTIONS, Interaction, Person, Record, record
from kithkin.practices import strength

if TYPE_CHECKING:
    from kithkin.model import Planned

LOOP_DAYS: Final = 180  # notes older than this hold no open loop any more
STARTERS: Final[dict[str, tuple[str, ...]]] = {
    "work": (
        "What are you most focused on{at_org} these days?",
        "What's keeping you busy{at_org} at the moment?",
        "What does a good week look like in your role{at_org}?",
    ),
    "origin": (
        "Where's home for you originally?",
        "Did you grow up around here, or somewhere else?",
        "Where did you grow up — do you still get back there?",
    ),
    "education": (
        "Where did you go to school — did you always see yourself in this line of work?",
        "What did you study, and how did it lead you here?",
        "Where did you study? I'm curious how people find their way into this work.",
    ),
    "passions": (
        "What do you enjoy most when you're away from work?",
        "What's been keeping you busy outside work lately?",
        "Is there something you'd happily talk about for hours that isn't work?",
    ),
    "drivers": (
        "What got you into this work in the first place?",
        "What keeps the job exciting for you?",
        "What would you most like to have changed by the time you move on?",
    ),
}
FOLLOW_UPS: Final = {
    "passions": "ask whether they are still at it, and what's new.",
    "work": "ask how it is going.",
    "drivers": "ask what progress they have made.",
    "origin": "ask whether they have been back lately.",
    "other": "ask after them.",
}
_PROMISE: Final = re.compile(
    r"\b(I|we)\s+(promised|owe|said I would|said we would|will|'ll|offered|agreed)\b"
    r"|\b(promised|agreed) to\b|\bowes? me\b|\boffered to\b|\basked (me )?(for|if)\b"
    r"|\bfollow(ed)? up\b|\bremind(er)?\b|\bhiring\b|\blooking for\b|\bintroduc",
    re.IGNORECASE,
)
_MINE: Final = re.compile(
    r"^(I|we|remind(er)?)\b|\bI (promised|owe|said|will|offered|agreed)\b|\bI'll\b",
    re.IGNORECASE,
)


@record
class Loop(Record):
    kind: str  # waiting, mine (I promised), theirs (they offered or asked), meeting
    text: str
    at: datetime | None = None


@record
class Recent(Record):
    at: datetime
    kind: str
    direction: str
    about: str  # subject, else summary, else ""


@record
class Brief(Record):
    person_id: int
    display_name: str
    headline: str  # "CIO · Acme"
    tags: tuple[str, ...]
    strength: str  # "strong (82/100): last two-way contact 3 days ago"
    story: dict[str, list[str]]
    gaps: list[str]  # "where they went to school", ...
    completeness: float
    recent: list[Recent]
    threads: list[str]  # subjects of our recent conversations
    loops: list[Loop]
    upcoming: list[tuple[datetime, str]]
    starters: list[str]
    exit_line: str
    contacts: list[str] = field(default_factory=list)


def starters(person: Person, recent: Sequence[Recent], *, limit: int = 3) -> list[str]:
    """Natural questions for the gaps of their story, in the seed's order (what they do, where
    they come from, where they studied, passions, drivers); follow-ups on what I know when
    there are no gaps left."""
    at_org = f" at {person.organisation}" if person.organisation else ""
    pick = zlib.crc32(person.uid.encode())
    out = [
        STARTERS[gap][(pick + i) % len(STARTERS[gap])].format(at_org=at_org)
        for i, gap in enumerate(person.story_gaps())
    ][:limit]
    if len(out) < limit:
        grouped = person.story_by_field()
        for name in ("passions", "work", "drivers", "origin", "other"):
            if grouped.get(name) and len(out) < limit:
                fact = grouped[name][-1].text.rstrip(".")
                out.append(f"“{fact}” — {FOLLOW_UPS[name]}")
    if len(out) < limit:
        topic = next((r.about for r in recent if r.about), None)
        if topic:
            out.append(f"Ask how “{_plain(topic)}” turned out.")
    return out[:limit]


def exit_line(person: Person, loops: Sequence[Loop]) -> str:
    """A graceful way to end the conversation: thanks, a next step, no excuses."""
    name = person.given_name or person.display_name.split()[0]
    mine = next((loop for loop in loops if loop.kind == "mine"), None)
    if mine is not None:
        return (
            f"“{name}, this was great — I'll get back to you on what I promised. "
            "Let me not keep you from the others.”"
        )
    passions = person.story_by_field().get("passions")
    if passions:
        return (
            f"“I've loved hearing about that, {name}. I won't keep you — "
            "let's pick this up over coffee soon.”"
        )
    return f"“Really good to catch up, {name}. I'll let you go — shall we continue this soon?”"


def open_loops(
    person: Person,
    recent: Sequence[Interaction],
    waiting: tuple[datetime, str | None] | None,
    upcoming: Sequence[Planned],
    now: datetime,
) -> list[Loop]:
    """What is still open between us: their message waiting for me, promises and offers in my
    notes and interaction summaries of the last `LOOP_DAYS`, our next meetings."""
    loops: list[Loop] = []
    if waiting is not None:
        since, subject = waiting
        about = f": “{subject}”" if subject else ""
        loops.append(
            Loop("waiting", f"they wrote {days(now - since)} ago, unanswered{about}", since)
        )
    horizon = now - timedelta(days=LOOP_DAYS)
    texts = [(n.created_at, n.text) for n in person.notes if n.created_at >= horizon]
    texts += [
        (i.occurred_at, i.summary) for i in recent if i.summary and horizon <= i.occurred_at <= now
    ]
    seen: set[str] = set()
    for at, text in sorted(texts, key=lambda t: t[0], reverse=True):
        for sentence in re.split(r"(?<=[.;!?])\s+", text.strip()):
            clean = sentence.strip().rstrip(";")
            if clean and _PROMISE.search(clean) and clean.lower() not in seen:
                seen.add(clean.lower())
                loops.append(Loop("mine" if _MINE.search(clean) else "theirs", clean, at))
    for p in upcoming:
        loops.append(
            Loop("meeting", f"{p.subject or p.kind} on {p.at.astimezone():%a %d %b %H:%M}", p.at)
        )
    return loops[:8]


def compose(
    person: Person,
    summary: strength.Summary | None,
    recent: Sequence[Interaction],
    threads: Sequence[str],
    upcoming: Sequence[Planned],
    now: datetime,
    waiting_subject: str | None = None,
) -> Brief:
    """The brief, from what the store holds about the person (pure)."""
    shown = [
        Recent(i.occurred_at, i.kind, i.direction, i.subject or _plain(i.summary or ""))
        for i in recent
        if i.occurred_at <= now
    ][:5]
    waiting = None
    if summary is not None and summary.waiting_since is not None:
        waiting = (summary.waiting_since, waiting_subject)
    loops = open_loops(person, recent, waiting, upcoming, now)
    grouped = person.story_by_field()
    return Brief(
        person_id=person.id,
        display_name=person.display_name,
        headline=" · ".join(p for p in (person.title, person.organisation) if p),
        tags=person.tags,
        strength=strength_line(summary, now),
        story={k: [f.text for f in v] for k, v in grouped.items() if v},
        gaps=[STORY_QUESTIONS[g] for g in person.story_gaps()],
        completeness=person.story_completeness(),
        recent=shown,
        threads=list(threads)[:5],
        loops=loops,
        upcoming=[(p.at, p.subject or p.kind) for p in upcoming],
        starters=starters(person, shown),
        exit_line=exit_line(person, loops),
        contacts=[f"{c.kind} {c.value}" for c in person.contact_points],
    )


def strength_line(s: strength.Summary | None, now: datetime) -> str:
    if s is None or s.n_all == 0:
        return "none: no interactions yet"
    score = strength.score_at(s.weight, s.reciprocity, s.last_mutual_at, s.computed_at, now)
    line = f"{strength.tier_of(score)} ({score:.0f}/100)"
    if s.last_mutual_at is not None:
        line += f": last two-way contact {days(now - s.last_mutual_at)} ago"
    return line


def _plain(text: str) -> str:
    first = text.strip().split("\n")[0]
    return first if len(first) <= 80 else first[:77] + "…"


def conversations(recent: Sequence[Interaction], now: datetime) -> list[str]:
    """What our recent mail was about: the subjects of its threads, newest first."""
    subjects = [
        re.sub(r"^((re|fwd?|aw|sv)\s*:\s*)+", "", i.subject, flags=re.IGNORECASE)
        for i in recent
        if i.subject and i.kind in strength.WRITTEN and i.occurred_at <= now
    ]
    return list(dict.fromkeys(s for s in subjects if s))
