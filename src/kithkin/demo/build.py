"""The demo network: a fictional CIO's two years of networking, written by the project.

`build_demo` plans everything in memory from one seeded random generator (people and what I
know about them in `people`, interactions here), then writes it in one transaction in the
order it happened, with the clock fixed at each moment, so created_at and activity times tell
the same story as the interactions. The shape follows the brief: a circle of ten seen often,
a middle tier seen monthly or quarterly, a long tail, relationships that faded, people waiting
for my reply, and meetings in the coming week to brief.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from kithkin import clock
from kithkin.demo import gatherings as demo_gatherings
from kithkin.demo import intros as demo_intros
from kithkin.demo import knows as demo_knows
from kithkin.demo import mail as demo_mail
from kithkin.demo import people as dp
from kithkin.demo import service as demo_service
from kithkin.demo import shares as demo_shares
from kithkin.demo import words as w
from kithkin.demo.people import Person, Touch
from kithkin.errors import InvalidInput
from kithkin.practices import knows as knows_practice
from kithkin.store import Database, interactions, people, settings, stats, story
from kithkin.store import knows as store_knows

HISTORY_DAYS = 760  # a little over two years, so "two full years" holds at any hour
_KINDS = ("email", "meeting", "call", "coffee", "meal", "message", "note")
_MIX: dict[str, dict[str, int]] = {  # how often each kind, per tier: weights in _KINDS order
    tier: dict(zip(_KINDS, weights, strict=True))
    for tier, weights in {
        "circle": (38, 8, 12, 10, 4, 20, 4),
        "team": (50, 25, 10, 0, 0, 15, 2),
        "moderate": (55, 8, 12, 10, 3, 7, 3),
        "tail": (68, 8, 10, 8, 0, 6, 0),
        "vendor": (88, 7, 5, 0, 0, 0, 0),
        "recruiter": (80, 0, 20, 0, 0, 0, 0),
    }.items()
}
_MIX["rising"] = _MIX["fading"] = _MIX["circle"]
_RATE = {"circle": 5.0, "team": 3.5, "moderate": 1.0, "fading": 2.5, "rising": 4.5}
_RATE |= {"tail": 0.25, "vendor": 0.9, "recruiter": 0.4}  # episodes per 30 days
_REPLY = {"circle": 0.85, "team": 0.85, "rising": 0.85, "fading": 0.7, "moderate": 0.7}
_REPLY |= {"tail": 0.55, "vendor": 0.15, "recruiter": 0.4}  # chance that they answer a mail
_HOURS = {"email": (7, 20), "message": (7, 21), "meeting": (8, 16), "call": (8, 17)}
_HOURS |= {"coffee": (8, 10), "meal": (12, 19), "event": (18, 18), "note": (17, 21)}  # UTC
_WAYS = ("from_me", "to_me", "from_me", "to_me", "both")  # who called, who set the meeting up


@dataclass(frozen=True)
class DemoSummary:
    people: int
    circle: int
    interactions: int
    interactions_by_kind: dict[str, int]
    story_facts: int
    notes: int
    first_interaction: datetime
    last_interaction: datetime  # the last one up to today; the upcoming meetings follow it
    me: str
    organisations: int
    complete_stories: int
    empty_stories: int
    mail_messages: int  # the demo's inbox: lists, newsletters, spam and person mail


def build_demo(db: Database, *, seed: int = 7, today: date | None = None) -> DemoSummary:
    """Fill an empty database with the demo network.

    The same seed and day give the same rows. Raises InvalidInput when the database already
    holds people or interactions.
    """
    plan = _Planner(random.Random(seed), today or clock.now().date(), seed)
    try:
        with db.write() as conn:
            held = stats.stats(conn)
            if held.people or held.in_trash or held.interactions:
                raise InvalidInput(
                    f"the demo database is not empty: it holds {held.people} people and "
                    f"{held.interactions} interactions; build the demo into a new file"
                )
            plan.run()
            ids = _write(conn, plan)
            ties = demo_knows.pieces(
                random.Random(seed + 2), plan.people, plan.touches, ids, plan.end
            )
            store_knows.add(conn, ties, plan.end, knows_practice.decayed)
            clock.freeze(plan.end)
            mail = demo_mail.write_mail(
                conn, random.Random(seed + 1), plan.end, w.ME_ADDRESSES[0], plan.people,
                plan.touches, seed,
            )  # fmt: skip
            demo_gatherings.write_gatherings(conn, random.Random(seed + 2), plan.end)
            demo_shares.write_shares(
                conn, random.Random(seed + 2), plan.end, [(p, ids[p.idx]) for p in plan.people]
            )
            demo_intros.write_intros(conn, plan.end, w.ME_NAME, w.ME_ADDRESSES[0])
            demo_service.write_service(conn, random.Random(seed + 2))
            held = stats.stats(conn)
    finally:
        clock.freeze(None)
    past = [t.at for t in plan.touches if t.at <= plan.end]
    known = [len(p.known_fields()) for p in plan.people]
    return DemoSummary(
        people=held.people,
        circle=sum("circle" in p.tags for p in plan.people),
        interactions=held.interactions,
        interactions_by_kind=held.interactions_by_kind,
        story_facts=held.story_facts,
        notes=held.notes,
        first_interaction=min(past),
        last_interaction=max(past),
        me=w.ME_NAME,
        organisations=len({p.org.name for p in plan.people if p.org}),
        complete_stories=known.count(len(dp.CORE)),
        empty_stories=known.count(0),
        mail_messages=mail,
    )


def _write(conn: Connection, plan: _Planner) -> dict[int, int]:
    """Write the plan in the order it happened, with the clock at each moment; the id of
    each planned person."""
    ops: list[tuple[datetime, int, str, Any]] = []
    for p in plan.people:
        ops.append((plan.created[p.idx], len(ops), "person", p))
        ops += [(at, len(ops) + i, "fact", (p, *f)) for i, (at, *f) in enumerate(p.facts)]
        ops += [(at, len(ops) + i, "note", (p, text)) for i, (at, text) in enumerate(p.notes)]
    for t in plan.touches:
        logged = min(t.at + timedelta(minutes=2), plan.end)
        if t.at > plan.end:  # an upcoming meeting, put in the calendar some days ago
            logged = plan.end - timedelta(minutes=plan.rng.randrange(120, 4320))
        ops.append((logged, len(ops), "touch", t))
    ops.sort(key=lambda op: (op[0], op[1]))
    clock.freeze(plan.start - timedelta(days=1))
    settings.set_me(conn, name=w.ME_NAME, addresses=list(w.ME_ADDRESSES))
    ids: dict[int, int] = {}
    n = 0
    for at, _, op, item in ops:
        clock.freeze(at.replace(microsecond=0))
        if op == "person":
            ids[item.idx] = people.add_person(
                conn,
                given_name=item.given,
                family_name=item.family,
                organisation=item.org.name if item.org else None,
                title=item.title,
                contacts=item.contacts,
                tags=item.tags,
                source="demo",
                uid=f"demo{plan.seed:x}p{item.idx:04d}",
            )
        elif op == "fact":
            p, fld, text, learned_on, where = item
            story.add_fact(
                conn, ids[p.idx], fld, text, learned_on=learned_on, learned_where=where,
                source="demo",
            )  # fmt: skip
        elif op == "note":
            story.add_note(conn, ids[item[0].idx], item[1])
        else:
            n += 1
            interactions.log_interaction(
                conn,
                kind=item.kind,
                direction=item.direction,
                occurred_at=item.at,
                participants=[(ids[i], role) for i, role in item.who],
                subject=item.subject,
                summary=item.summary,
                source="demo",
                source_id=f"demo-{n}",
                thread_key=item.thread,
                record_activity=False,
            )
    return ids


class _Planner:
    """The whole network in memory: people, then what happened between us, then stories."""

    def __init__(self, rng: random.Random, today: date, seed: int) -> None:
        self.rng = rng
        self.seed = seed
        self.today = today
        self.end = datetime.combine(today, time(6, 0), tzinfo=UTC)  # "now" for the history
        self.start = self.end - timedelta(days=HISTORY_DAYS)
        self.people: list[Person] = []
        self.touches: list[Touch] = []
        self.created: dict[int, datetime] = {}
        self.threads = 0
        self.waited = False

    def run(self) -> None:
        rng = self.rng
        self.people = dp.cast(rng)
        dp.assign_tiers(rng, self.people)
        for p in self.people:
            self._history(p)
        self._gatherings()
        for p in self.people:
            dp.plan_story(rng, p, self.people, self.end)
            dp.plan_notes(rng, p, self.people, self.end)
        self._upcoming()
        twins = dp.plant_duplicates(self.people)  # likely duplicates to review
        self.people += twins
        for p in self.people:  # added to kithkin an hour before we first met
            times = [t.at for t in p.touches] + [f[0] for f in p.facts] + [n[0] for n in p.notes]
            first = min(times) if times else self._when(self.start, self.end)
            self.created[p.idx] = min(first - timedelta(hours=1), self.end - timedelta(days=7))
        for n, twin in enumerate(twins):  # from an old phone's address book, a month ago
            self.created[twin.idx] = self.end - timedelta(days=30, minutes=-n)

    def _history(self, p: Person) -> None:
        """One person's interactions with me, by tier: a random stream of episodes."""
        rng, start, end = self.rng, self.start, self.end

        def days(lo: float, hi: float) -> timedelta:
            return timedelta(days=rng.uniform(lo, hi))

        if p.tier == "dormant":
            return
        since, until = start, end
        if p.tier in ("moderate", "vendor", "recruiter"):
            since = start + days(0, 300)
        elif p.tier == "fading":
            since, until = start + days(0, 100), end - days(120, 300)
        elif p.tier == "rising":
            since = end - days(150, 220)
        elif p.tier == "tail":
            since = start + days(0, HISTORY_DAYS - 20)
            until = min(end, since + days(20, 600))
        if p.status in ("overdue", "dropped"):
            until = end - (days(40, 75) if p.status == "overdue" else days(120, 150))
        p.since, p.until = since, until
        rate = _RATE[p.tier] * (rng.uniform(0.4, 2.0) if p.tier == "tail" else 1.0) / 30
        mix = _MIX[p.tier]
        touches: list[Touch] = []
        at = since + days(0, 2)
        while at < until:
            touches += self._episode(p, rng.choices(list(mix), list(mix.values()))[0], at)
            at += timedelta(days=rng.expovariate(rate))
        touches = _clip(touches, lambda t: since <= t.at <= until)
        if p.tier == "fading":  # since then, only my mails, unanswered
            at = until + days(20, 40)
            while at < end - timedelta(days=10):
                subject = self._subject(w.SUBJECTS[2:])
                touches.append(self._email(p, self._place(at, "email"), "from_me", subject))
                at += days(25, 60)
        if p.status == "waiting":  # their mail, not answered yet; the first arrived at dawn
            at = end - timedelta(minutes=40)
            if self.waited:
                at = self._place(end - days(0.5, 12), "email")
            self.waited = True
            touches = _clip(touches, lambda t: t.at < at or t.direction != "from_me")
            touches.append(self._email(p, at, "to_me", self._subject(w.SUBJECTS)))
            p.until = end
        self._add(touches)

    def _episode(self, p: Person, kind: str, at: datetime) -> list[Touch]:
        rng = self.rng
        if kind == "email":
            pitch = {"vendor": w.VENDOR_SUBJECTS, "recruiter": w.RECRUITER_SUBJECTS}.get(p.tier)
            first = "from_me" if rng.random() < (0.1 if pitch else 0.5) else "to_me"
            subject = self._subject(pitch if pitch and first == "to_me" else w.SUBJECTS)
            return self._thread(p, self._place(at, "email"), first, subject)
        if kind == "message":
            out, first = [], rng.choice(_WAYS[:2])
            texts = rng.sample(w.MESSAGES, rng.choice((1, 1, 2, 3)))
            sent = self._place(at, "message")
            for i, text in enumerate(texts):
                d = first if i % 2 == 0 else _flip(first)
                out.append(
                    self._touch(p, sent + timedelta(minutes=7 * i), "message", d, None, text)
                )
            return out
        at = self._place(at, kind)
        if kind == "note":
            text = self._fill(p, rng.choice(w.NOTE_TOUCHES))
            return [self._touch(p, at, kind, "neither", None, text)]
        topic, place = rng.choice(w.TOPICS), rng.choice(w.PLACES)
        summary = f"{rng.choice(w.OPENERS)} {topic}."
        if rng.random() < 0.4:
            summary += " " + self._fill(p, rng.choice(w.LOOPS))
        meal = "Lunch" if at.hour < 15 else "Dinner"
        direction, subject, where = {
            "coffee": ("both", f"Coffee at {place}", f"coffee at {place}"),
            "meal": ("both", f"{meal} at {place}", f"{meal.lower()} at {place}"),
            "call": (rng.choice(_WAYS[:2]), f"Call: {topic}", rng.choice(w.CALLS)),
            "meeting": (rng.choice(_WAYS), f"Catch-up: {topic}", "meeting at their office"),
        }[kind]  # fmt: skip
        if kind == "meeting" and direction == "from_me":
            where = "meeting at our office"
        return [self._touch(p, at, kind, direction, subject, summary, where)]

    def _thread(self, p: Person, at: datetime, first: str, subject: str) -> list[Touch]:
        """A mail thread: each message answers the one before, until nobody answers."""
        key = self._thread_key()
        pitch = p.tier in ("vendor", "recruiter") and first == "to_me"
        reply = 0.2 if pitch else _REPLY[p.tier]
        slow = 1.0
        if p.tier == "fading" and p.since and p.until:  # their replies slow down as it fades
            slow += 5 * max(0.0, (at - p.since) / (p.until - p.since))
        out = [self._email(p, at, first, subject, key)]
        while len(out) < 7 and self.rng.random() < reply:
            direction = _flip(out[-1].direction)
            hours = self.rng.uniform(0.3, 30) * (slow if direction == "to_me" else 1)
            at += timedelta(seconds=round(hours * 3600))
            out.append(self._email(p, at, direction, f"Re: {subject}", key))
            reply *= 0.85
        return out

    def _thread_key(self) -> str:
        self.threads += 1
        return f"demo-thread-{self.threads}"

    def _email(
        self, p: Person, at: datetime, direction: str, subject: str, key: str | None = None
    ) -> Touch:
        who = ((p.idx, "to" if direction == "from_me" else "from"),)
        return Touch(at, "email", direction, who, subject, None, key or self._thread_key())

    def _touch(
        self, p: Person, at: datetime, kind: str, direction: str, subject: str | None,
        summary: str | None, where: str | None = None,
    ) -> Touch:  # fmt: skip
        return Touch(at, kind, direction, ((p.idx, "with"),), subject, summary, None, where)

    def _add(self, touches: list[Touch]) -> None:
        for t in touches:
            self.touches.append(t)
            for idx, _ in t.who:
                self.people[idx].touches.append(t)

    def _gatherings(self) -> None:
        """Forum dinners, conferences, board meetings, my weekly team meeting, introductions."""
        rng = self.rng
        at, n = self.start + timedelta(days=3), 0
        forum = [p for p in self.people if "cio-forum" in p.tags]
        while at < self.end:
            season = w.EVENTS[at.month % 12 // 3]
            name = season if n % 2 == 0 else "CIO Forum virtual roundtable"
            self._group(at, "event", forum, (3, 9), name, name)
            at += timedelta(days=rng.uniform(24, 36))
            n += 1
        others = [p for p in self.people if p.tier not in ("vendor", "recruiter", "dormant")]
        for i in range(7):
            name = w.CONFERENCES[i % 4]
            at = self.start + timedelta(days=40 + i * 105 + rng.uniform(0, 20))
            self._group(at, "event", others, (2, 6), name, name)
        board = [p for p in self.people if "board" in p.tags]
        name = f"{w.BOARD_ORG} board meeting"
        for q in range(HISTORY_DAYS // 91):
            self._group(self.start + timedelta(days=20 + 91 * q), "meeting", board, (6, 6), name)
        team = [p for p in self.people if "team" in p.tags]
        monday = datetime.combine(self.start.date(), time(8, 30), tzinfo=UTC)
        monday += timedelta(days=7 - self.start.weekday())
        for week in range(HISTORY_DAYS // 7 - 1):
            if rng.random() < 0.85:  # not in holidays
                at = monday + timedelta(weeks=week)
                self._group(
                    at, None, team, (9, 9), "IT leadership team", "the team meeting", "from_me"
                )
        for _ in range(16):
            at = self._when(self.start, self.end)
            a, b = rng.sample([p for p in others if p.active(at)], 2)
            self._intro(at, a, b)

    def _group(
        self, at: datetime, kind: str | None, pool: list[Person], size: tuple[int, int],
        subject: str, where: str | None = None, direction: str = "both",
    ) -> None:  # fmt: skip
        """A gathering of several people; kind None: a weekly meeting, at its fixed time."""
        at = self._place(at, kind) if kind else at
        here = [p for p in pool if p.active(at)]
        if here:
            chosen = self.rng.sample(here, min(len(here), self.rng.randint(*size)))
            who = tuple((p.idx, "with") for p in sorted(chosen, key=lambda p: p.idx))
            where = where or f"the {subject}"
            self._add([Touch(at, kind or "meeting", direction, who, subject, None, None, where)])

    def _intro(self, at: datetime, a: Person, b: Person) -> None:
        """A double introduction by mail (both had said yes), and their thanks."""
        at = self._place(at, "email")
        key, subject = self._thread_key(), f"Intro: {a.given} <> {b.given}"
        out = [Touch(at, "email", "from_me", ((a.idx, "to"), (b.idx, "to")), subject, None, key)]
        for x, y in ((a, b), (b, a)):
            if self.rng.random() < 0.8:
                at += timedelta(minutes=self.rng.randrange(60, 2400))
                who = ((x.idx, "from"), (y.idx, "cc"))
                out.append(Touch(at, "email", "to_me", who, f"Re: {subject}", None, key))
        self._add([t for t in out if t.at <= self.end])

    def _upcoming(self) -> None:
        """Meetings in the coming week, so briefs have something to brief: someone whose story
        I know well, someone I barely know, a new acquaintance, a pair, a recruiter."""
        known = [p for p in self.people if p.touches and p.tier != "fading" and not p.status]

        def pick(tier: str, low: int, high: int) -> list[Person]:
            fits = [p for p in known if p.tier == tier and low <= len(p.known_fields()) <= high]
            return [fits[0] if fits else known[0]]

        picks = [
            pick("circle", 5, 5), pick("rising", 0, 5), pick("tail", 1, 4), pick("tail", 0, 0),
            self.rng.sample([p for p in known if p.tier == "moderate"], 2),
            pick("recruiter", 0, 5),
        ]  # fmt: skip
        slots = ((0, 15, 0), (1, 9, 30), (1, 14, 0), (2, 11, 0), (4, 8, 30), (6, 16, 0))
        for (day, hour, minute), group, subject in zip(slots, picks, w.UPCOMING, strict=True):
            at = datetime.combine(self.today + timedelta(days=day), time(hour, minute), tzinfo=UTC)
            who = tuple((p.idx, "with") for p in group)
            self._add([Touch(at, "meeting", "both", who, subject.format(group[0].given))])

    def _fill(self, p: Person, template: str) -> str:
        return dp.fill(self.rng, p, template, self.people, self.today.year)

    def _subject(self, templates: tuple[str, ...]) -> str:
        rng = self.rng
        return rng.choice(templates).format(
            topic=rng.choice(w.TOPICS), city=rng.choice(w.HUBS), role=rng.choice(w.ROLES_WANTED),
            sector=rng.choice([o.sector for o in w.ORGS if o.kind == "enterprise"]),
        )  # fmt: skip

    def _when(self, lo: datetime, hi: datetime) -> datetime:
        return (lo + (hi - lo) * self.rng.random()).replace(microsecond=0)

    def _place(self, at: datetime, kind: str) -> datetime:
        """The same day (next Monday for a work meeting at a weekend), at a likely hour."""
        day = at.date()
        if kind not in ("email", "message", "note") and day.weekday() >= 5:
            day += timedelta(days=7 - day.weekday())
        lo, hi = _HOURS[kind]
        if kind in ("email", "message", "note"):
            minute = self.rng.randrange(60)
        else:
            minute = self.rng.choice((0, 15, 30, 45))
        hour = self.rng.choice((12, 19)) if kind == "meal" else self.rng.randint(lo, hi)
        return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _clip(touches: list[Touch], keep: Callable[[Touch], bool]) -> list[Touch]:
    """The touches to keep, and no reply whose thread lost an earlier message."""
    cut: set[str] = set()
    kept = []
    for t in touches:
        if t.thread in cut or not keep(t):
            if t.thread:
                cut.add(t.thread)
            continue
        kept.append(t)
    return kept


def _flip(direction: str) -> str:
    return "to_me" if direction == "from_me" else "from_me"
