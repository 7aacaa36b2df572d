"""Service (practice P9): my offers, people's needs, the ledger of help given and asked, and
the matches between them — one function per thing the user does, for the CLI, the web pages
and the API alike.

Needs are also proposed from what I wrote in notes and story facts: `suggest_needs` stores
them as `suggested` (shown for review on the Service page and by `kithkin need list
--suggested`), never as open needs until I accept one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.model import OFFER_KINDS, SOLO, Actor, LedgerEntry, Need, Offer, Record, record
from kithkin.practices import service as practice
from kithkin.practices.service import Balance as Balance
from kithkin.practices.service import Candidate, Match
from kithkin.services import team
from kithkin.services.common import PersonRef, parse_date, person_id

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.store import Database

METHODS = ("auto", "embedding", "bm25")


@record
class Logged(Record):
    entry: LedgerEntry
    balance: Balance
    warnings: list[str] = field(default_factory=list)


@record
class Ledger(Record):
    entries: list[LedgerEntry]
    balances: list[Balance]  # per person, those I asked more of first
    gave: int
    asked: int


@record
class Matches(Record):
    method: str  # embedding, bm25, none
    matches: list[Match]
    note: str | None = None  # why the method is not the embedding one


# -- offers ---------------------------------------------------------------------------------------


def add_offer(db: Database, *, text: str, kind: str, actor: Actor = SOLO) -> Offer:
    from kithkin.store import service as store

    kind = kind.strip().lower()
    if kind not in OFFER_KINDS:
        raise InvalidInput(f"kind {kind!r}: one of {', '.join(OFFER_KINDS)}")
    with team.writing(db, actor, "adding an offer") as conn:
        new = store.add_offer(conn, kind, text, member_id=actor.member_id)
        return next(o for o in store.offers(conn, actor.member_id) if o.id == new)


def list_offers(db: Database, *, actor: Actor = SOLO) -> list[Offer]:
    """My offers (in team mode, the acting member's own)."""
    from kithkin.store import service as store

    with db.read() as conn:
        return store.offers(conn, actor.member_id)


def remove_offer(db: Database, *, offer_id: int | str, actor: Actor = SOLO) -> Offer:
    from kithkin.store import service as store

    with team.writing(db, actor, "removing an offer") as conn:
        return store.remove_offer(conn, _id(offer_id, "offer"), member_id=actor.member_id)


# -- needs ----------------------------------------------------------------------------------------


def add_need(
    db: Database,
    *,
    person: PersonRef,
    text: str,
    until: str | date | None = None,
    shared: bool = False,
    actor: Actor = SOLO,
) -> Need:
    """A need of a person; in team mode the actor's, private unless `shared`."""
    from kithkin.store import service as store

    day = parse_date(until, "--until")
    if day is not None and day < clock.now().astimezone().date():
        raise InvalidInput(f"--until {day.isoformat()} has passed")
    with team.writing(db, actor, "adding a need") as conn:
        new = store.add_need(
            conn,
            person_id(conn, person),
            text,
            until=day,
            member_id=actor.member_id,
            shared=shared,
        )
        return store.get_need(conn, new, actor=actor)


def list_needs(
    db: Database,
    *,
    person: PersonRef | None = None,
    status: str = "open",
    actor: Actor = SOLO,
) -> list[Need]:
    """Open needs (those whose day has not passed), or the suggestions to review."""
    from kithkin.store import service as store

    if status not in store.NEED_STATUSES:
        raise InvalidInput(f"status {status!r}: one of {', '.join(store.NEED_STATUSES)}")
    with db.read() as conn:
        pid = person_id(conn, person) if person is not None else None
        today = clock.now().astimezone().date() if status == "open" else None
        return store.needs(conn, person_id=pid, statuses=(status,), today=today, actor=actor)


def remove_need(db: Database, *, need_id: int | str, actor: Actor = SOLO) -> Need:
    from kithkin.store import service as store

    with team.writing(db, actor, "removing a need") as conn:
        found = store.get_need(conn, _id(need_id, "need"), actor=actor)  # NotFound if unseen
        return store.remove_need(conn, found.id)


def review_need(db: Database, *, need_id: int | str, accept: bool, actor: Actor = SOLO) -> Need:
    """A suggested need accepted (it becomes open) or dismissed (it is not proposed again)."""
    from kithkin.store import service as store

    with team.writing(db, actor, "reviewing a need") as conn:
        found = store.get_need(conn, _id(need_id, "need"), actor=actor)
        if found.status != "suggested":
            raise InvalidInput(f"need #{found.id} is {found.status}, not a suggestion")
        store.set_need_status(conn, found.id, "open" if accept else "dismissed")
        return store.get_need(conn, found.id, actor=actor)


def suggest_needs(db: Database, *, actor: Actor = SOLO) -> list[Need]:
    """Needs proposed from the notes and story facts the actor sees, not read before; stored
    as suggestions (in team mode, private to the actor)."""
    from kithkin.store import service as store

    with team.writing(db, actor, "suggesting needs") as conn:
        seen = store.need_sources(conn, actor=actor)
        made = []
        for source, pid, _, text in store.texts_to_read(conn, actor=actor):
            if source in seen:
                continue
            for phrase in practice.proposed_needs(text)[:2]:
                made.append(
                    store.add_need(
                        conn,
                        pid,
                        phrase,
                        status="suggested",
                        source=source,
                        member_id=actor.member_id,
                    )
                )
        return [store.get_need(conn, i, actor=actor) for i in made]


# -- the ledger -----------------------------------------------------------------------------------


def gave(
    db: Database, *, person: PersonRef, text: str, shared: bool = False, actor: Actor = SOLO
) -> Logged:
    """Help I gave someone (in team mode: the actor's entry, private unless `shared`)."""
    return _log(db, person, "gave", text, shared, actor)


def asked(
    db: Database, *, person: PersonRef, text: str, shared: bool = False, actor: Actor = SOLO
) -> Logged:
    """Help I asked of someone; a nudge when I had never helped them."""
    return _log(db, person, "asked", text, shared, actor)


def ask_nudge(db: Database, *, person: PersonRef, actor: Actor = SOLO) -> str | None:
    """What to know before asking someone for help (None: go ahead)."""
    from kithkin.store import people
    from kithkin.store import service as store

    with db.read() as conn:
        pid = person_id(conn, person)
        name = people.get_person(conn, pid).display_name
        given, taken = store.balances(conn, person_id=pid, actor=actor).get(pid, (0, 0))
    return practice.ask_nudge(name, given, taken)


def ledger(
    db: Database, *, person: PersonRef | None = None, limit: int = 200, actor: Actor = SOLO
) -> Ledger:
    from kithkin.store import service as store

    with db.read() as conn:
        pid = person_id(conn, person) if person is not None else None
        entries = store.entries(conn, person_id=pid, limit=limit, actor=actor)
        counts = store.balances(conn, person_id=pid, actor=actor)
        names = _names(conn, list(counts))
    balances = [
        Balance(p, names.get(p, f"#{p}"), g, a) for p, (g, a) in counts.items() if p in names
    ]
    balances.sort(key=lambda b: (b.net, b.display_name))
    return Ledger(
        entries=entries,
        balances=balances,
        gave=sum(b.gave for b in balances),
        asked=sum(b.asked for b in balances),
    )


def _log(
    db: Database, person: PersonRef, direction: str, text: str, shared: bool, actor: Actor
) -> Logged:
    from kithkin.store import service as store

    with team.writing(db, actor, "logging help given or asked") as conn:
        pid = person_id(conn, person)
        before = store.balances(conn, person_id=pid, actor=actor).get(pid, (0, 0))
        new = store.add_entry(conn, pid, direction, text, member_id=actor.member_id, shared=shared)
        entry = store.entries(conn, person_id=pid, limit=1, actor=actor)[0]
        assert entry.id == new
        given, taken = store.balances(conn, person_id=pid, actor=actor)[pid]
    warnings = []
    if direction == "asked":
        nudge = practice.ask_nudge(entry.display_name, *before)
        if nudge:
            warnings.append(nudge)
    return Logged(entry, Balance(pid, entry.display_name, given, taken), warnings)


def _names(conn: Connection, ids: list[int]) -> dict[int, str]:
    from kithkin.store import people

    return {p: s.display_name for p, s in people.summaries_by_id(conn, ids).items()}


# -- matching -------------------------------------------------------------------------------------


def matches(
    db: Database,
    *,
    method: str = "auto",
    per_need: int = 2,
    remember: bool = True,
    since: datetime | None = None,
    actor: Actor = SOLO,
) -> Matches:
    """My offers × people's open needs, and those needs × the people I know who could help,
    ranked by meaning (the embedding model) or, without it, by bm25; `since`: only the needs
    opened since then."""
    from kithkin.practices import meaning
    from kithkin.store import service as store

    if method not in METHODS:
        raise InvalidInput(f"method {method!r}: one of {', '.join(METHODS)}")
    today = clock.now().astimezone().date()
    with db.read() as conn:
        state = store.match_state(conn, actor=actor)
        needs = store.needs(conn, statuses=("open",), today=today, actor=actor)
        if since is not None:
            needs = [n for n in needs if n.created_at >= since]
            if not needs:
                return Matches("none", [], None)
        offers = store.offers(conn, actor.member_id)
        people = [Candidate(p, n, t) for p, n, t in store.candidates(conn)]
        note = None
        use = method
        if method in ("auto", "embedding") and not meaning.available():
            if method == "embedding":
                raise InvalidInput("the embedding model (wordllama) is not installed")
            note = "the embedding model (wordllama) is not installed: matched by shared words"
            use = "bm25"
        elif method == "auto":
            use = "embedding"
        if use == "bm25" and db.dialect not in ("sqlite", "postgresql"):
            return Matches("none", [], "no matching without the embedding model off SQLite")
        scorer = meaning.similarities if use == "embedding" else _bm25(conn)
        found = practice.match_offers(needs, offers, scorer) + practice.match_people(
            needs, people, scorer, per_need=per_need
        )
    found.sort(key=lambda m: -m.score)
    if remember and use == "embedding" and since is None:
        _remember(db, state, found, actor)
    return Matches(use, found, note)


BEST_KEY = "service.best"  # the best match by meaning, cached with the state it was made of
WORDS_KEY = "service.best.bm25"  # Today's ranking by words, cached with all it was made of
FRESH_DAYS = 30  # a need opened in the last month is fresh news


def best_opportunity(
    db: Database, *, now: datetime | None = None, actor: Actor = SOLO
) -> Match | None:
    """The best match of a need opened in the last 30 days, for Today. The embedding ranking
    is remembered when the Service page or `service matches` computes it; while the needs and
    offers have not changed since, Today reads it, else it ranks by bm25 (no model to load:
    Today stays quick), and remembers that ranking too while nothing it was made of changes."""
    from kithkin.store import service as store
    from kithkin.store import settings

    now = now or clock.now()
    with db.read() as conn:
        state = store.match_state(conn, actor=actor)
        if state.startswith("needs:|"):  # no open need
            return None
        cached = settings.get(conn, _best_key(actor))
    if cached and cached.get("state") == state:
        found = [m for m in cached.get("fresh", []) if m]
        best = found[0] if found else None
        return _from_cache(db, best, actor) if best else None
    return _by_words(db, now, actor)


def _best_key(actor: Actor) -> str:
    """Each member's needs differ (their private ones): so does their cached best match."""
    return BEST_KEY if actor.member_id is None else f"{BEST_KEY}.{actor.member_id}"


def _by_words(db: Database, now: datetime, actor: Actor) -> Match | None:
    """The best fresh match by bm25: read from its cache while the fresh needs, the offers and
    what I know of people (`store.service.candidates_mark`) are the same as when it was
    ranked, else ranked (`matches`) and remembered — the same answer either way. Each member
    has their own (their private needs and facts differ)."""
    from hashlib import blake2b

    from kithkin.store import service as store
    from kithkin.store import settings

    since = now - timedelta(days=FRESH_DAYS + 1)  # only fresh needs are ranked for Today
    today = clock.now().astimezone().date()
    with db.read() as conn:
        needs = [
            n
            for n in store.needs(conn, statuses=("open",), today=today, actor=actor)
            if n.created_at >= since
        ]
        if not needs:
            return None
        offers = store.offers(conn, actor.member_id)
        made_of = blake2b(repr((needs, offers)).encode(), digest_size=16).hexdigest()
        key = f"1:{made_of}:{store.candidates_mark(conn)}"
        words_key = WORDS_KEY if actor.member_id is None else f"{WORDS_KEY}.{actor.member_id}"
        cached = settings.get(conn, words_key)
    if cached and cached.get("key") == key:
        by_id = {n.id: n for n in needs}
        ranked = [m for e in cached["ranked"] if (m := _match_of(e, by_id, offers)) is not None]
        return _fresh(ranked, now)
    ranked = matches(db, method="bm25", remember=False, since=since, actor=actor).matches
    firsts: dict[int, Match] = {}  # each need's best match, in the ranking's order
    for m in ranked:
        firsts.setdefault(m.need.id, m)
    with db.write() as conn:
        settings.put(conn, words_key, {"key": key, "ranked": [_entry(m) for m in firsts.values()]})
    return _fresh(ranked, now)


def _entry(match: Match) -> dict[str, Any]:
    """A match as its cache keeps it (`_match_of` makes it again)."""
    return {
        "need": match.need.id,
        "kind": match.kind,
        "score": match.score,
        "reason": match.reason,
        "offer": match.offer.id if match.offer else None,
        "helper": [match.helper.person_id, match.helper.display_name, match.helper.text]
        if match.helper
        else None,
    }


def _match_of(entry: dict[str, Any], needs: dict[int, Need], offers: list[Offer]) -> Match | None:
    need = needs.get(entry["need"])
    if need is None:
        return None
    offer = next((o for o in offers if o.id == entry.get("offer")), None)
    helper = Candidate(*entry["helper"]) if entry.get("helper") else None
    return Match(entry["kind"], need, float(entry["score"]), entry["reason"], offer, helper)


def _fresh(found: Sequence[Match], now: datetime) -> Match | None:
    fresh = [m for m in found if (now - m.need.created_at).days <= FRESH_DAYS]
    return fresh[0] if fresh else None


def _remember(db: Database, state: str, found: Sequence[Match], actor: Actor) -> None:
    from kithkin.store import settings

    best = _fresh(found, clock.now())
    entry = _entry(best) if best is not None else None
    with db.write() as conn:
        settings.put(conn, _best_key(actor), {"state": state, "fresh": [entry]})


def _from_cache(db: Database, entry: dict[str, Any], actor: Actor) -> Match | None:
    from kithkin.errors import NotFound
    from kithkin.store import service as store

    with db.read() as conn:
        try:
            need = store.get_need(conn, int(entry["need"]), actor=actor)
        except NotFound:
            return None
        mine = store.offers(conn, actor.member_id)
        offer = next((o for o in mine if o.id == entry.get("offer")), None)
    if (clock.now() - need.created_at).days > FRESH_DAYS:
        return None
    helper = Candidate(*entry["helper"]) if entry.get("helper") else None
    return Match(entry["kind"], need, float(entry["score"]), entry["reason"], offer, helper)


def _bm25(conn: Connection) -> practice.Scorer:
    from kithkin.store import service as store

    def score(queries: Sequence[str], candidates: Sequence[str]) -> list[list[float]]:
        return store.bm25_scores(conn, queries, candidates)

    return score


def _id(value: int | str, what: str) -> int:
    text = str(value).strip().lstrip("#")
    if not text.isdigit():
        raise InvalidInput(f"{what} {value!r}: give its number (as listed)")
    return int(text)


@record
class PersonService(Record):
    """What the person page and the brief show of service: their open needs, the ledger with
    them, and the nudge before asking them anything."""

    needs: list[Need]
    balance: Balance
    entries: list[LedgerEntry]
    nudge: str | None


def person_service(db: Database, *, person: PersonRef, actor: Actor = SOLO) -> PersonService:
    from kithkin.store import people
    from kithkin.store import service as store

    today = clock.now().astimezone().date()
    with db.read() as conn:
        pid = person_id(conn, person)
        name = people.get_person(conn, pid).display_name
        needs = store.needs(conn, person_id=pid, statuses=("open",), today=today, actor=actor)
        given, taken = store.balances(conn, person_id=pid, actor=actor).get(pid, (0, 0))
        entries = store.entries(conn, person_id=pid, limit=10, actor=actor)
    return PersonService(
        needs=needs,
        balance=Balance(pid, name, given, taken),
        entries=entries,
        nudge=practice.ask_nudge(name, given, taken),
    )
