"""Who the demo network's people are and what "I" know about them: the plan records.

Pure planning, no database: names and pronouns, organisations and titles, contact points,
tags and tiers, then story facts and notes tied to the interactions where they were learned.
`kithkin.demo` plans the interactions and writes everything.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final

from kithkin.demo import words as w
from kithkin.model import STORY_FIELDS

CORE = STORY_FIELDS[:5]  # the five fields story completeness counts
_PRONOUNS = {"f": ("She", "her", "her"), "m": ("He", "him", "his"), "x": ("They", "them", "their")}
_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "æ": "ae", "ß": "ss", "ı": "i", "đ": "d"})
# (share of complete stories, share of empty ones) per tier; the rest are partial
_STORY = {"circle": (0.8, 0.0), "team": (0.4, 0.1), "moderate": (0.2, 0.15), "rising": (0.4, 0)}
_STORY |= {"fading": (0.2, 0.1), "tail": (0.07, 0.33), "vendor": (0, 0.5), "recruiter": (0, 0.5)}


@dataclass
class Touch:
    """One planned interaction; `who` holds (person index, role) pairs."""

    at: datetime
    kind: str
    direction: str
    who: tuple[tuple[int, str], ...]
    subject: str | None = None
    summary: str | None = None
    thread: str | None = None
    where: str | None = None  # how a fact learned here reads: "coffee at Marlowe's"


@dataclass
class Person:
    idx: int
    given: str
    family: str
    gender: str
    origin: w.Origin
    org: w.Org | None
    title: str
    tags: list[str]
    contacts: list[tuple[str, str]] = field(default_factory=list)
    tier: str = "tail"  # circle, team, moderate, fading, rising, tail, vendor, recruiter, dormant
    status: str = ""  # overdue, dropped or waiting
    since: datetime | None = None
    until: datetime | None = None
    touches: list[Touch] = field(default_factory=list)
    facts: list[tuple[datetime, str, str, date, str]] = field(default_factory=list)
    notes: list[tuple[datetime, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"

    def active(self, at: datetime) -> bool:
        return self.since is not None and self.until is not None and self.since <= at <= self.until

    @property
    def home(self) -> str:
        cities = self.origin.cities.split(";")
        return cities[self.idx % len(cities)]

    def known_fields(self) -> set[str]:
        return {fact[1] for fact in self.facts if fact[1] in CORE}


def cast(rng: random.Random) -> list[Person]:
    """Everyone in the network, per role of `demo_words.ROLES`, with unique names."""
    people: list[Person] = []
    names: set[str] = set()
    titles_taken: dict[str, set[str]] = {}
    taken_addresses: set[str] = set()
    phones = rng.sample(range(1000), 150)
    for count, kind, titles, tags in w.ROLES:
        orgs = [o for o in w.ORGS if o.kind == kind]
        for i in range(count):
            origin, given, gender, family = _name(rng)
            while f"{given} {family}" in names:
                origin, given, gender, family = _name(rng)
            names.add(f"{given} {family}")
            org = rng.choice(orgs) if orgs else None
            if kind == "board":
                org = next(o for o in w.ORGS if o.name == w.BOARD_ORG)
            options = w.TITLES[titles].split(";")
            title = options[i] if kind == "mine" else rng.choice(options)
            taken = titles_taken.setdefault(org.name if org else "", set())
            if title in taken and kind in ("enterprise", "public"):  # one CIO per company
                title = f"{title}, {rng.choice(w.REGIONS)}"
            taken.add(title)
            p = Person(len(people), given, family, gender, origin, org, title, [*tags])
            local = f"{_slug(given)}.{_slug(family)}"
            personal = rng.choice(("post.example", "mailbox.example"))
            work = org.domain if org and kind != "board" else personal
            addresses = [f"{local}@{work}", *([f"{local}@{personal}"] * (rng.random() < 0.1))]
            for address in dict.fromkeys(addresses):
                if address not in taken_addresses:  # two names may flatten to one address
                    p.contacts.append(("email", address))
                    taken_addresses.add(address)
            if rng.random() < 0.45 and phones:
                p.contacts.append(("phone", _phone(phones.pop())))
            if rng.random() < 0.15:
                p.contacts.append(("url", f"https://{_slug(given)}-{_slug(family)}.example"))
            if rng.random() < 0.2:
                p.contacts.append(("handle", f"@{local}@social.example"))
            if kind in ("enterprise", "startup", "university") and rng.random() < 0.12:
                p.tags.append("alumni")
            people.append(p)
    return people


NICKNAMES: Final = {"Thomas": "Tom", "Daniel": "Dan", "Matthew": "Matt", "James": "Jim"}


def plant_duplicates(people: list[Person]) -> list[Person]:
    """A few people entered twice, for the Duplicates page to propose: someone under their
    initial ("D. Whitfield", same organisation), under a nickname ("Tom" for Thomas) and
    without their accents ("Elodie Lefevre"), each from an old address book: a personal
    address and a phone, no history. Chosen by rule, not at random, so the rest of the demo
    is the same with or without them."""
    taken = {value for p in people for kind, value in p.contacts if kind == "email"}
    phones = {value for p in people for kind, value in p.contacts if kind == "phone"}
    free_phones = (_phone(code) for code in range(1000) if _phone(code) not in phones)
    chosen: set[int] = set()

    def first(fits: Callable[[Person], bool]) -> Person | None:
        for p in people:
            if p.idx not in chosen and p.org and p.tier in ("moderate", "tail") and fits(p):
                chosen.add(p.idx)
                return p
        return None

    initial = first(lambda p: p.tier == "moderate" and not p.status)
    nickname = first(lambda p: p.given in NICKNAMES)
    accented = first(lambda p: p.name != _flat(p.name))
    plans: list[tuple[Person, str, str]] = []
    if initial:
        plans.append((initial, f"{initial.given[0]}.", initial.family))
    if nickname:
        plans.append((nickname, NICKNAMES[nickname.given], nickname.family))
    if accented:
        plans.append((accented, _flat(accented.given), _flat(accented.family)))
    twins: list[Person] = []
    for p, given, family in plans:
        twin = Person(len(people) + len(twins), given, family, p.gender, p.origin, p.org,
                      p.title, [], tier="dormant")  # fmt: skip
        local = f"{_slug(given)}.{_slug(family)}"
        address, n = f"{local}@post.example", 1
        while address in taken:
            n += 1
            address = f"{local}{n}@post.example"
        taken.add(address)
        twin.contacts += [("email", address), ("phone", next(free_phones))]
        twins.append(twin)
    return twins


def _flat(name: str) -> str:
    """A name without its accents: Élodie Lefèvre -> Elodie Lefevre."""
    flat = unicodedata.normalize("NFKD", name.translate(_ASCII))
    return "".join(c for c in flat if not unicodedata.combining(c))


def assign_tiers(rng: random.Random, people: list[Person]) -> None:
    """The circle of ten (tagged), then how often each other person and I are in touch."""

    def tagged(tag: str) -> list[Person]:
        return [p for p in people if tag in p.tags]

    def free(tier: str) -> list[Person]:
        return [p for p in people if p.tier == tier and not p.status]

    cio = [p for p in tagged("cio-forum") if p.org and p.org.kind == "enterprise"]
    mentors = rng.sample([p for p in people if not p.org or "board" in p.tags], 3)
    for p in mentors:
        p.tags.append("mentor")
    ciso = [p for p in people if p.title.startswith("CISO") and "team" not in p.tags]
    prof = [p for p in people if p.title.startswith("Professor")]
    circle = [*rng.sample(cio, 4), mentors[0], *rng.sample(tagged("mentee"), 1)]
    circle += [rng.choice(ciso or cio[4:]), rng.choice(tagged("founder"))]
    circle += [rng.choice(prof or tagged("community")), rng.choice(tagged("investor"))]
    for p in circle:
        p.tier = "circle"
        p.tags.insert(0, "circle")
    for p in people:
        if p.tier == "circle":
            continue
        if {"team", "vendor", "recruiter"} & set(p.tags):
            p.tier = p.tags[0]
        elif {"board", "mentor", "mentee"} & set(p.tags):
            p.tier = "moderate"
        else:
            share = 0.5 if "cio-forum" in p.tags else 0.15
            p.tier = "moderate" if rng.random() < share else "tail"
    moderate = [p for p in free("moderate") if "board" not in p.tags]
    for n, p in enumerate(rng.sample(moderate, 9)):
        p.tier = "fading" if n < 6 else "rising"  # fading: frequent, then only my unanswered mails
    for p, status in zip(circle[1:4], ("overdue", "overdue", "dropped"), strict=True):
        p.status = status
    waiting = [circle[5], *rng.sample(free("moderate"), 4), *rng.sample(free("tail"), 3)]
    for p in waiting:
        p.status = "waiting"  # a recent mail of theirs waits for my reply
    for p in rng.sample(free("tail"), 14):
        p.tier = "dormant"  # in the address book, never in touch


def plan_story(rng: random.Random, p: Person, people: Sequence[Person], end: datetime) -> None:
    """Facts of varying completeness, each learned at one of our past interactions."""
    sources = [t for t in p.touches if t.kind != "note" and t.at <= end]
    if not sources:
        return
    complete, empty = _STORY[p.tier]
    roll = rng.random()
    if complete <= roll < complete + empty:
        return
    fields: list[str] = list(CORE)
    if roll >= complete:  # partial: work is the most often known, drivers the least
        k = rng.choice((1, 1, 1, 2, 2, 3, 4))
        fields = _weighted_sample(rng, fields, [5, 3, 3, 2, 1.5], k)
    if rng.random() < (0.6 if p.tier == "circle" else 0.1):
        fields.append("other")
    rich = [t for t in sources if t.kind != "email"] or sources
    templates: dict[str, tuple[str, ...]] = {"origin": w.ORIGIN, "other": w.OTHER}
    templates["work"] = w.WORK if p.org else w.WORK_NO_ORG
    templates |= {"education": w.EDUCATION, "passions": w.PASSIONS, "drivers": w.DRIVERS}
    used: set[str] = set()
    for fld in fields:
        # One fact a field (two would say where they grew up, or where they work, twice and
        # differently); only passions may be several, each a different one.
        many = fld in REPEATABLE and p.tier == "circle" and rng.random() < 0.3
        for _ in range(2 if many else 1):
            usable = [s for s in templates[fld] if _fits(s, p, used)]
            if not usable:
                break
            t = rng.choice(rich)
            template = rng.choice(usable)
            used.add(template)
            text = fill(rng, p, template, people, end.year)
            written = min(t.at + timedelta(minutes=rng.randrange(60, 360)), end)
            p.facts.append((written, fld, text, t.at.date(), t.where or "email exchange"))


REPEATABLE: Final = frozenset({"passions"})


def _fits(template: str, p: Person, used: set[str]) -> bool:
    """Whether `template` can join the facts already chosen for `p` without contradicting
    them: not the same one twice, and children of one age (never school-age daughters and
    children at university, or a grandchild)."""
    if template in used or ("{org}" in template and not p.org):
        return False
    stage = w.FAMILY_STAGE.get(template)
    return stage is None or all(w.FAMILY_STAGE.get(u, stage) == stage for u in used)


def plan_notes(rng: random.Random, p: Person, people: Sequence[Person], end: datetime) -> None:
    past = [t for t in p.touches if t.at <= end]
    if not past or rng.random() > (0.7 if p.tier == "circle" else 0.2):
        return
    for template in rng.sample(w.NOTES, rng.choice((1, 1, 2))):  # never the same note twice
        at = min(rng.choice(past).at + timedelta(hours=1), end)
        p.notes.append((at, fill(rng, p, template, people, end.year)))


def fill(rng: random.Random, p: Person, template: str, people: Sequence[Person], year: int) -> str:
    """A story fragment or summary about `p`, its blanks filled to fit them."""
    subj, obj, pos = _PRONOUNS[p.gender]
    rng.choice(p.origin.cities.split(";"))  # drawn still, so the rest of the demo stays as it was
    city = p.home  # the one city they come from, whichever fact says it
    earlier = [o.name for o in w.ORGS if o.kind == "enterprise" and o != p.org]
    uni = w.UNIVERSITIES[0] if "alumni" in p.tags else rng.choice(w.UNIVERSITIES)
    text = template.format(
        Subj=subj, subj=subj.lower(), obj=obj, pos=pos, title=p.title,
        org=p.org.name if p.org else "", city=city, language=p.origin.language,
        hub=rng.choice([h for h in w.HUBS if h != city]), uni=uni,
        subject=rng.choice(w.SUBJECTS_STUDIED), subject2=rng.choice(w.SUBJECTS_STUDIED),
        thesis=rng.choice(w.THESES), initiative=rng.choice(w.INITIATIVES),
        n=rng.randrange(12, 400), k=rng.randint(2, 9), n2=rng.randint(3, 15),
        year=year - rng.randint(1, 8), prev=rng.choice(earlier),
        topic=rng.choice(w.TOPICS), doc=rng.choice(w.DOCS), role=rng.choice(w.ROLES_WANTED),
        other=rng.choice([q for q in people if q is not p]).name,
    )  # fmt: skip
    return text.replace("s's ", "s' ")  # Harbourline Logistics' IT


def _name(rng: random.Random) -> tuple[w.Origin, str, str, str]:
    """An origin, a given name, its pronoun set and a family name (mostly of that origin)."""
    origin = rng.choice(w.ORIGINS[:1] * 3 + w.ORIGINS)
    given, gender = rng.choice(origin.given.split()).split("/")
    source = origin if rng.random() < 0.85 else rng.choice(w.ORIGINS)
    fits = [s for s in source.family.split() if "/" not in s or s.endswith(f"/{gender}")]
    return origin, given, gender, rng.choice(fits).split("/")[0].replace("_", " ")


def _slug(name: str) -> str:
    flat = unicodedata.normalize("NFKD", name.translate(_ASCII))
    return "".join(c for c in flat.lower() if c.isascii() and c.isalnum())


def _phone(code: int) -> str:
    """A number from the ranges reserved for fiction: 555-01xx in North America, 020 7946 0xxx."""
    if code % 3 == 0:
        return f"+44 20 7946 0{code:03d}"
    area = (201, 212, 305, 312, 415, 503, 617, 646, 702, 713)[code // 100]
    return f"+1 {area} 555 01{code % 100:02d}"


def _weighted_sample(
    rng: random.Random, items: list[str], weights: list[float], k: int
) -> list[str]:
    pool, chosen = dict(zip(items, weights, strict=True)), []
    for _ in range(k):
        pick = rng.choices(list(pool), list(pool.values()))[0]
        chosen.append(pick)
        del pool[pick]
    return chosen
