"""The "knows" graph and intro paths: `kithkin knows`, `kithkin intro path`, the "Who can
introduce me" page and its API.

Reading the graph first makes the ties of mail and meetings imported before the graph existed
(once, when migration 0007 found such data: `store.knows.PENDING_KEY`).
"""

from __future__ import annotations

import re
import weakref
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound
from kithkin.model import SOLO, Actor, Record, record
from kithkin.practices.knows import Leg, Path
from kithkin.services.common import PersonRef, person_id

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.model import TeamMember
    from kithkin.practices.knows import Leg
    from kithkin.store import Database
    from kithkin.store.knows import Mine, Tie, Toward

__all__ = ["IntroPaths", "Leg", "Path", "PersonTies", "Rebuilt", "Stated", "TieView"]
TIERS: Final = ("strong", "moderate", "weak")
_DOMAIN: Final = re.compile(r"@?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63})\Z")


@record
class TieView(Record):
    """One tie of a person, as a list shows it."""

    tie_id: int
    other: str  # the other end: an address, or "#id"
    person_id: int | None  # whose that end is
    name: str
    score: float
    tier: str
    evidence: int  # pieces
    stated: str | None  # the tier I gave it
    last_at: datetime | None
    last: str  # the last evidence, said


@record
class PersonTies(Record):
    person_id: int
    name: str
    ties: list[TieView]


@record
class Stated(Record):
    """What `kithkin knows A B` did."""

    a: int
    b: int
    a_name: str
    b_name: str
    tier: str | None  # None: taken back
    score: float


@record
class Rebuilt(Record):
    ties: int
    evidence: int


@record
class IntroPaths(Record):
    """Who can introduce me to a target, best first."""

    query: str
    target: str  # what the query was read as: a person's name, an address, "anyone at x"
    kind: str  # person, address, domain, organisation
    person_id: int | None
    paths: list[Path]


# -- writes ---------------------------------------------------------------------------------


def state(db: Database, *, a: PersonRef, b: PersonRef, tier: str | None = "moderate") -> Stated:
    """Say that A and B know each other (`tier`: strong, moderate or weak), or take it back
    (None). A tie I stated is at least that strong, whatever the mail says; it does not fade."""
    from kithkin.practices import knows as practice
    from kithkin.store import activity, people
    from kithkin.store import knows as store

    if tier is not None and tier not in TIERS:
        raise InvalidInput(f"tier: {tier!r} is not one of {', '.join(TIERS)}")
    now = clock.now()
    with db.write() as conn:
        x, y = person_id(conn, a), person_id(conn, b)
        if x == y:
            raise InvalidInput("a tie needs two different people")
        names = {p: people.get_person(conn, p).display_name for p in (x, y)}
        tie = store.state(conn, f"#{x}", f"#{y}", tier, now, practice.decayed)
        said = (
            f"{names[x]} and {names[y]} know each other ({tier})"
            if tier
            else (f"took back that {names[x]} and {names[y]} know each other")
        )
        activity.record(conn, "knows.state", said, person_id=x)
    score = tie_score(tie, now) if tier else 0.0
    return Stated(a=x, b=y, a_name=names[x], b_name=names[y], tier=tier, score=round(score, 1))


def rebuild(db: Database) -> Rebuilt:
    """Make the graph again from the stored mail and calendar (the ties I stated stay)."""
    from kithkin.ingest import knows as ingest
    from kithkin.ingest.mail.rules import list_address
    from kithkin.store import knows as store
    from kithkin.store import mail as store_mail

    with db.write() as conn:
        lists = {a for i in store_mail.list_ids(conn) if (a := list_address(i))}
        ingest.rebuild(conn, clock.now(), lists)
        ties, pieces = store.counts(conn)
    return Rebuilt(ties=ties, evidence=pieces)


def _ready(db: Database) -> None:
    """Make the ties of data imported before the graph existed, once (a database seen ready
    is not asked again by this process)."""
    from kithkin.store import knows as store
    from kithkin.store import settings

    if db in _READY:
        return
    with db.read() as conn:
        pending = settings.get(conn, store.PENDING_KEY, False)
    if pending:
        rebuild(db)
    _READY.add(db)


_READY: weakref.WeakSet[Database] = weakref.WeakSet()


# -- reads ----------------------------------------------------------------------------------


def ties(db: Database, *, person: PersonRef, limit: int = 100) -> PersonTies:
    """The people `person` knows, strongest first."""
    from kithkin.practices import strength
    from kithkin.store import knows as store
    from kithkin.store import people

    _ready(db)
    now = clock.now()
    with db.read() as conn:
        pid = person_id(conn, person)
        name = people.get_person(conn, pid).display_name
        keys = store.keys_of(conn, [pid])[pid]
        found = store.ties_of(conn, keys, limit=max(limit * 4, 200))
        mine = set(keys)
        others = [t.b if t.a in mine else t.a for t in found]
        whose = store.people_of(conn, [o for o in others if not o.startswith("#")])
        ids = {o: whose.get(o) or _hash_id(o) for o in others}
        names = _names(conn, [i for i in ids.values() if i is not None])
    views: dict[str, TieView] = {}
    for tie, other in zip(found, others, strict=True):
        other_id = ids[other]
        if other_id == pid:
            continue
        score = tie_score(tie, now)
        view = TieView(
            tie_id=tie.id,
            other=other,
            person_id=other_id,
            name=names.get(other_id, other) if other_id is not None else other,
            score=round(score, 1),
            tier=strength.tier_of(score),
            evidence=tie.evidence,
            stated=tie.stated,
            last_at=tie.last_at,
            last=said(tie),
        )
        key = f"#{other_id}" if other_id is not None else other
        if key not in views or views[key].score < view.score:
            views[key] = view
    listed = sorted(views.values(), key=lambda v: (-v.score, v.name))[:limit]
    return PersonTies(person_id=pid, name=name, ties=listed)


def intro_paths(db: Database, *, to: str, limit: int = 20, actor: Actor = SOLO) -> IntroPaths:
    """Who can introduce me to `to`: a person (name, address, #id), an address that is
    nobody's yet, a mail domain ("acme.com", "@acme.com") or an organisation ("Acme").
    Paths of one hop (I know them) or two (someone I know knows them), ranked by their
    weaker leg, each leg with its tier and last evidence. In team mode any teammate can be
    the bridge: a path through them is as strong as their own relationship with the target
    (or with someone who knows the target), marked as a teammate's leg."""
    from kithkin.practices import knows as practice
    from kithkin.services import relationships
    from kithkin.services.team import as_actor
    from kithkin.store import knows as store
    from kithkin.store import team

    query = " ".join(to.split())
    if not query:
        raise InvalidInput("who? give a person, an address, a mail domain or an organisation")
    _ready(db)
    now = clock.now()
    with db.read() as conn:
        teammates = [
            m for m in team.members(conn) if m.id != actor.member_id and m.person_id is not None
        ]
    relationships.refresh(db, now, actor=actor)
    for mate in teammates:
        relationships.refresh(db, now, actor=as_actor(mate))
    with db.read() as conn:
        kind, label, targets, keys, domain = _target(conn, query)
        rows = store.toward(conn, keys=keys, domain=domain)
        introducers = {r.person_id for r in rows if r.person_id is not None} - set(targets)
        mine = store.mine(conn, introducers | set(targets), member_id=actor.member_id)
        if kind == "person":
            target_people = {r.target: targets[0] for r in rows}
            names = {targets[0]: label}
        elif kind == "address":  # nobody's (else it would be a person)
            target_people, names = {}, {}
        else:
            target_people = store.people_of(conn, [r.target for r in rows if "@" in r.target])
            names = _names(conn, [*targets, *target_people.values()])
        names.update((pid, m.name) for pid, m in mine.items())
        legs_to = {pid: _my_leg(m, now) for pid, m in mine.items()}
        paths: dict[tuple[int | None, str], Path] = {}
        for pid in targets:
            if pid in legs_to and legs_to[pid].score > 0:
                paths[(pid, f"#{pid}")] = practice.path([legs_to[pid]], now)
        for r in rows:
            first = legs_to.get(r.person_id) if r.person_id is not None else None
            if first is None or first.score <= 0 or r.person_id in targets:
                continue
            whom = target_people.get(r.target) or _hash_id(r.target)
            if whom == r.person_id:
                continue
            second = _tie_leg(r.tie, whom, r.target, names, now)
            if second is None:
                continue
            key = (r.person_id, f"#{whom}" if whom is not None else r.target)
            found = practice.path([first, second], now)
            if key not in paths or paths[key].score < found.score:
                paths[key] = found
        team_paths = _through_teammates(
            conn, teammates, rows, targets, target_people, names, introducers, now
        )
        for key, found in team_paths.items():
            if key not in paths or paths[key].score < found.score:
                paths[key] = found
        person = targets[0] if kind in ("person",) else None
        return IntroPaths(
            query=query,
            target=label,
            kind=kind,
            person_id=person,
            paths=_with_records(conn, practice.contenders(paths.values(), limit), limit),
        )


def _through_teammates(
    conn: Connection,
    teammates: list[TeamMember],
    rows: list[Toward],
    targets: list[int],
    target_people: dict[str, int],
    names: dict[int, str],
    introducers: set[int],
    now: datetime,
) -> dict[tuple[Any, ...], Path]:
    """The paths through each teammate (a member of the team who is someone in the network):
    their own relationship with a target (me → teammate → target), with someone who knows
    the target (me → teammate → them → target), or the graph's tie between the teammate and
    the target. Keyed by teammate and target, the strongest of each kept."""
    from kithkin.practices import knows as practice
    from kithkin.store import knows as store

    out: dict[tuple[Any, ...], Path] = {}
    if not teammates:
        return out
    mates = store.names_of(conn, [m.person_id for m in teammates if m.person_id is not None])

    def keep(key: tuple[Any, ...], legs: list[Leg]) -> None:
        found = practice.path(legs, now)
        if key not in out or out[key].score < found.score:
            out[key] = found

    for mate in teammates:
        bridge = mate.person_id
        assert bridge is not None
        name = mates.get(bridge) or mate.name or mate.username
        first = practice.team_leg(bridge, name)
        theirs = store.mine(conn, introducers | set(targets), member_id=mate.id)
        for pid in targets:
            if pid != bridge and pid in theirs:
                leg = _my_leg(theirs[pid], now)
                if leg.score > 0:
                    keep((mate.id, f"#{pid}"), [first, leg])
        for r in rows:
            whom = target_people.get(r.target) or _hash_id(r.target)
            if whom == bridge or r.person_id in targets:
                continue
            last = _tie_leg(r.tie, whom, r.target, names, now)
            if last is None:
                continue
            target_key = f"#{whom}" if whom is not None else r.target
            if r.person_id == bridge:  # the graph saw the teammate with the target
                keep((mate.id, target_key), [first, last])
            elif r.person_id is not None and r.person_id in theirs:
                middle = _my_leg(theirs[r.person_id], now)
                if middle.score > 0:
                    keep((mate.id, r.person_id, target_key), [first, middle, last])
    return out


def _with_records(conn: Connection, candidates: list[Path], limit: int) -> list[Path]:
    """Rank the paths that may be shown with their introducers' records: one query for the
    introducers of these paths only, not for every candidate row."""
    from kithkin.practices import intros as intro_practice
    from kithkin.practices import knows as practice
    from kithkin.store import intros as store_intros
    from kithkin.store import intros_received

    introducers = [p.legs[0].person_id for p in candidates if len(p.legs) == 2]
    wanted = [pid for pid in introducers if pid is not None]
    if not wanted:
        return practice.rank(candidates, limit)
    outcomes = store_intros.outcomes_of(conn, wanted)  # the intros I asked them to make
    for pid, more in intros_received.outcomes(conn, wanted).items():  # those made for me
        outcomes.setdefault(pid, []).extend(more)
    records = {pid: intro_practice.reliability(o) for pid, o in outcomes.items()}
    scored = []
    for p in candidates:
        r = records.get(p.legs[0].person_id or 0) if len(p.legs) == 2 else None
        scored.append(practice.with_record(p, r.introduced, r.met, r.score) if r else p)
    return practice.rank(scored, limit)


def _target(conn: Connection, query: str) -> tuple[str, str, list[int], list[str], str | None]:
    """(kind, label, target people, target keys, target domain) of what the user typed."""
    from kithkin.store import knows as store

    low = query.lower()
    if "@" in low and not low.startswith("@"):
        found = store.person_at(conn, low)
        if found is not None:
            pid, name, keys = found
            return "person", name, [pid], keys, None
        if not re.fullmatch(r"[^@\s]+@[^@\s]+", low):
            raise InvalidInput(f"{query!r} is not a mail address")
        return "address", low, [], [low], None
    domain = _DOMAIN.fullmatch(low)
    if domain is not None and (low.startswith("@") or " " not in low):
        name = domain.group(1)
        return "domain", f"anyone at {name}", store.people_at(conn, name), [], name
    org = store.people_of_organisation(conn, query)
    if org:
        keys = [k for ks in store.keys_of(conn, org).values() for k in ks]
        return "organisation", f"anyone at {query}", org, keys, None
    try:
        pid = person_id(conn, query)
    except NotFound:
        raise NotFound(
            f"nobody, no address and no organisation called {query!r}"
            " (try a name, an address, or a mail domain such as acme.com)"
        ) from None
    return _person_target(conn, pid)


def _person_target(conn: Connection, pid: int) -> tuple[str, str, list[int], list[str], str | None]:
    from kithkin.store import knows as store

    name = store.names_of(conn, [pid]).get(pid)
    if name is None:
        raise NotFound(f"no person #{pid}")
    return "person", name, [pid], store.keys_of(conn, [pid])[pid], None


def _my_leg(row: Mine, now: datetime) -> Leg:
    from kithkin.practices import knows as practice
    from kithkin.practices import strength

    score = strength.score_at(row.weight, row.reciprocity, row.last_mutual_at, row.computed_at, now)
    last = row.last_mutual_at
    if last is not None:
        evidence = f"last two-way contact {last.date().isoformat()}, {row.n_all} in all"
    elif row.last_touch_at is not None:
        evidence = f"last touch {row.last_touch_at.date().isoformat()}, never two-way"
    else:
        evidence = "no two-way contact yet"
    return practice.Leg(
        person_id=row.person_id,
        name=row.name,
        score=round(score, 1),
        tier=strength.tier_of(score),
        last_at=last,
        evidence=evidence,
    )


def said(tie: Tie) -> str:
    """A tie's last evidence in words."""
    when = tie.last_at.date().isoformat() if tie.last_at is not None else "?"
    subject = (tie.last_subject or "").strip()
    about = f" {subject[:80]!r}" if subject else ""
    if tie.last_kind == "mail":
        text = f"a reply on{about} ({when})" if about else f"a reply ({when})"
    elif tie.last_kind == "meeting":
        text = f"met at{about} ({when})" if about else f"met ({when})"
    elif tie.last_kind == "manual":
        text = f"you said so ({tie.stated}, {when})"
    else:
        text = "no evidence"
    if tie.stated and tie.last_kind != "manual":
        text += f"; you said so ({tie.stated})"
    more = tie.evidence - 1
    return text + (f", and {more} more" if more > 0 else "")


def _tie_leg(
    tie: Tie, whom: int | None, target: str, names: dict[int, str], now: datetime
) -> Leg | None:
    """The leg a tie of the graph makes to `whom` (the address `target` when no person is
    known), or None when the tie has faded to nothing."""
    from kithkin.practices import knows as practice

    score = tie_score(tie, now)
    if score <= 0:
        return None
    return practice.Leg(
        person_id=whom,
        name=names.get(whom, target) if whom is not None else target,
        score=round(score, 1),
        tier=_tier(score),
        last_at=tie.last_at,
        evidence=said(tie),
    )


def tie_score(tie: Tie, now: datetime) -> float:
    """A tie's strength 0-100 as of `now`."""
    from kithkin.practices import knows as practice

    return practice.tie_score(tie.weight, tie.last_at, tie.computed_at, tie.stated, now)


def _tier(score: float) -> str:
    from kithkin.practices import strength

    return strength.tier_of(score)


def _hash_id(key: str) -> int | None:
    return int(key[1:]) if key.startswith("#") and key[1:].isdigit() else None


def _names(conn: Connection, ids: list[int]) -> dict[int, str]:
    """The names of the living among these people."""
    from kithkin.store import knows as store

    return store.names_of(conn, ids)


def to_json(found: IntroPaths) -> dict[str, Any]:
    from kithkin.model import to_jsonable

    return dict(to_jsonable(found))


def to_json_ties(found: PersonTies) -> dict[str, Any]:
    from kithkin.model import to_jsonable

    return dict(to_jsonable(found))
