"""The "knows" graph in the store: ties, their evidence, and the reads intro paths make.

Every write names its ties by their two ends (`practices.knows.ends`); a tie is made when
its first piece of evidence comes, and its summary (weight as of now, count, last piece) is
recomputed from its evidence whenever that changes. Paths are read from the target's side:
the ties that end at one of the target's keys (or at its domain), each with the person the
other end is, when it is someone's address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import (
    Connection,
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    union_all,
    update,
)

from kithkin.model import Record, record
from kithkin.store.bulk import among, chunks
from kithkin.store.schema import contact_point, person
from kithkin.store.schema_calendar import calendar_attendee, calendar_event
from kithkin.store.schema_circle import member_key, relationship
from kithkin.store.schema_knows import knows_evidence, knows_tie
from kithkin.store.schema_mail import mail_message

PENDING_KEY: Final = "knows.pending"  # set by migration 0007 when mail was imported before it
TOWARD_MAX: Final = 20_000  # ties read toward one target at most (a whole domain)
_NOT_THERE: Final = ("DECLINED",)
_NOT_PEOPLE: Final = ("NON-PARTICIPANT",)
# A tie's weight as of a moment from its pieces of evidence (date, weight): the decay is a
# practice's (`practices.knows.decayed`), handed in by the caller.
Weigh = Callable[[Sequence[tuple[datetime, float]], datetime], float]


def ends(x: str, y: str) -> tuple[str, str]:
    """A tie's two ends in their stored order."""
    return (x, y) if x <= y else (y, x)


def domain_of(key: str) -> str | None:
    """The mail domain of an end (None for a person's own end, `#id`)."""
    return key.rpartition("@")[2] or None if "@" in key else None


@record
class Piece(Record):
    """One piece of evidence that `x` and `y` know each other."""

    x: str
    y: str
    kind: str  # mail, meeting, manual
    ref: str  # Message-ID, calendar_event.source_id, "me"
    at: datetime
    weight: float
    subject: str | None = None


@record
class Tie(Record):
    id: int
    a: str
    b: str
    weight: float
    evidence: int
    last_at: datetime | None
    last_kind: str | None
    last_ref: str | None
    last_subject: str | None
    stated: str | None
    computed_at: datetime

    def other(self, key: str) -> str:
        return self.b if key == self.a else self.a


@record
class Toward(Record):
    """A tie that ends at the target: its other end, and whose address that is."""

    tie: Tie
    other: str  # the introducer's end
    target: str  # the target's end
    person_id: int | None  # whose the other end is (None: nobody's yet)


_TIE_COLUMNS: Final = tuple(c.name for c in knows_tie.c if c.name not in ("a_domain", "b_domain"))


def _tie(row: Row[Any]) -> Tie:
    return Tie(**{name: getattr(row, name) for name in _TIE_COLUMNS})


# -- writing ---------------------------------------------------------------------------------


def add(conn: Connection, pieces: Sequence[Piece], now: datetime, weigh: Weigh) -> int:
    """Store these pieces of evidence (those already stored are left); returns how many
    were new. The ties they touch are recomputed as of `now`."""
    if not pieces:
        return 0
    ids = _ensure(conn, {ends(p.x, p.y) for p in pieces if p.x != p.y}, now)
    wanted: dict[tuple[int, str, str], Piece] = {}
    for p in pieces:
        if p.x != p.y:
            wanted.setdefault((ids[ends(p.x, p.y)], p.kind, p.ref), p)
    have: set[tuple[int, str, str]] = set()
    tie_ids = sorted({k[0] for k in wanted})
    for part in chunks(tie_ids):
        have.update(
            (int(t), str(k), str(r))
            for t, k, r in conn.execute(
                select(knows_evidence.c.tie_id, knows_evidence.c.kind, knows_evidence.c.ref).where(
                    among(conn, knows_evidence.c.tie_id, part)
                )
            )
        )
    rows: list[dict[str, Any]] = [
        {"tie_id": t, "kind": k, "ref": r, "at": p.at, "weight": p.weight, "subject": p.subject}
        for (t, k, r), p in wanted.items()
        if (t, k, r) not in have
    ]
    if rows:
        conn.execute(insert(knows_evidence), rows)
        recompute(conn, sorted({int(r["tie_id"]) for r in rows}), now, weigh)
    return len(rows)


def _ensure(conn: Connection, pairs: Iterable[tuple[str, str]], now: datetime) -> dict[Any, int]:
    """{(a, b): tie id}, the missing ties made."""
    wanted = sorted(set(pairs))
    found: dict[tuple[str, str], int] = {}
    by_a: dict[str, set[str]] = {}
    for a, b in wanted:
        by_a.setdefault(a, set()).add(b)
    keys = sorted(by_a)
    for part in chunks(keys):
        for tie_id, a, b in conn.execute(
            select(knows_tie.c.id, knows_tie.c.a, knows_tie.c.b).where(
                among(conn, knows_tie.c.a, part)
            )
        ):
            if b in by_a[a]:
                found[(a, b)] = int(tie_id)
    missing = [pair for pair in wanted if pair not in found]
    if missing:
        conn.execute(
            insert(knows_tie),
            [
                {
                    "a": a,
                    "b": b,
                    "a_domain": domain_of(a),
                    "b_domain": domain_of(b),
                    "weight": 0.0,
                    "evidence": 0,
                    "computed_at": now,
                }
                for a, b in missing
            ],
        )
        for part in chunks(sorted({a for a, _ in missing})):
            for tie_id, a, b in conn.execute(
                select(knows_tie.c.id, knows_tie.c.a, knows_tie.c.b).where(
                    among(conn, knows_tie.c.a, part)
                )
            ):
                if b in by_a[a]:
                    found[(a, b)] = int(tie_id)
    return found


def recompute(conn: Connection, tie_ids: Sequence[int], now: datetime, weigh: Weigh) -> None:
    """Each tie's summary from its evidence as of `now`; a tie left with no evidence and
    no tier of mine is removed."""
    for part in chunks(list(tie_ids)):
        pieces: dict[int, list[Row[Any]]] = {int(t): [] for t in part}
        for row in conn.execute(
            select(knows_evidence).where(among(conn, knows_evidence.c.tie_id, part))
        ):
            pieces[int(row.tie_id)].append(row)
        empty = [t for t, rows in pieces.items() if not rows]
        if empty:
            conn.execute(
                delete(knows_tie).where(knows_tie.c.id.in_(empty), knows_tie.c.stated.is_(None))
            )
        values = []
        for tie_id, rows in pieces.items():
            seen = [r for r in rows if r.kind != "manual"]
            last = max(rows, key=lambda r: r.at) if rows else None
            values.append(
                {
                    "tie": tie_id,
                    "weight": weigh([(r.at, r.weight) for r in seen], now),
                    "evidence": len(seen),
                    "last_at": last.at if last is not None else None,
                    "last_kind": last.kind if last is not None else None,
                    "last_ref": last.ref if last is not None else None,
                    "last_subject": last.subject if last is not None else None,
                    "computed_at": now,
                }
            )
        if values:
            conn.execute(
                update(knows_tie)
                .where(knows_tie.c.id == bindparam("tie"))
                .values(
                    **{
                        k: bindparam(k)
                        for k in (
                            "weight",
                            "evidence",
                            "last_at",
                            "last_kind",
                            "last_ref",
                            "last_subject",
                            "computed_at",
                        )
                    }
                ),
                values,
            )


def state(conn: Connection, x: str, y: str, tier: str | None, now: datetime, weigh: Weigh) -> Tie:
    """Say that `x` and `y` know each other (`tier`: how well), or take it back (None)."""
    a, b = ends(x, y)
    ids = _ensure(conn, [(a, b)], now)
    tie_id = ids[(a, b)]
    conn.execute(update(knows_tie).where(knows_tie.c.id == tie_id).values(stated=tier))
    conn.execute(
        delete(knows_evidence).where(
            knows_evidence.c.tie_id == tie_id, knows_evidence.c.kind == "manual"
        )
    )
    if tier is not None:
        conn.execute(
            insert(knows_evidence).values(
                tie_id=tie_id, kind="manual", ref="me", at=now, weight=0.0, subject=None
            )
        )
    recompute(conn, [tie_id], now, weigh)
    row = conn.execute(select(knows_tie).where(knows_tie.c.id == tie_id)).first()
    return (
        _tie(row)
        if row is not None
        else Tie(
            id=tie_id,
            a=a,
            b=b,
            weight=0.0,
            evidence=0,
            last_at=None,
            last_kind=None,
            last_ref=None,
            last_subject=None,
            stated=None,
            computed_at=now,
        )
    )


def forget_kinds(conn: Connection, kinds: Sequence[str], now: datetime, weigh: Weigh) -> None:
    """Remove every piece of evidence of these kinds (a rebuild makes them again)."""
    touched = list(
        conn.scalars(
            select(knows_evidence.c.tie_id).where(knows_evidence.c.kind.in_(kinds)).distinct()
        )
    )
    conn.execute(delete(knows_evidence).where(knows_evidence.c.kind.in_(kinds)))
    recompute(conn, touched, now, weigh)


def drop_meetings_but(conn: Connection, refs: set[str], now: datetime, weigh: Weigh) -> None:
    """Remove the evidence of meetings no longer held (cancelled, declined, deleted)."""
    gone = [
        (int(t), str(r))
        for t, r in conn.execute(
            select(knows_evidence.c.tie_id, knows_evidence.c.ref).where(
                knows_evidence.c.kind == "meeting"
            )
        )
        if r not in refs
    ]
    if not gone:
        return
    for tie_id, ref in gone:
        conn.execute(
            delete(knows_evidence).where(
                knows_evidence.c.tie_id == tie_id,
                knows_evidence.c.kind == "meeting",
                knows_evidence.c.ref == ref,
            )
        )
    recompute(conn, sorted({t for t, _ in gone}), now, weigh)


# -- what the evidence is made from ------------------------------------------------------------


@record
class Reply(Record):
    """A stored message that answers another one, with who wrote each."""

    message_id: str
    sender: str
    category: str
    date: datetime | None
    subject: str | None
    parent_sender: str
    parent_category: str


def replies(conn: Connection, message_ids: Sequence[str] | None = None) -> Iterator[Reply]:
    """The replies among these messages, or answered by them (None: every stored reply);
    bulk mail answers nothing here."""
    child = mail_message.alias("child")
    parent = mail_message.alias("parent")
    base = (
        select(
            child.c.message_id,
            child.c.from_address,
            child.c.category,
            child.c.date,
            child.c.subject,
            parent.c.from_address.label("parent_sender"),
            parent.c.category.label("parent_category"),
        )
        .join(parent, parent.c.message_id == child.c.in_reply_to)
        .where(
            child.c.in_reply_to.is_not(None),
            child.c.category != "bulk",
            parent.c.category != "bulk",
            child.c.from_address.is_not(None),
            parent.c.from_address.is_not(None),
            child.c.from_address != parent.c.from_address,
        )
    )
    if message_ids is None:
        queries = [base.order_by(child.c.id)]
    else:
        queries = []
        for part in chunks(list(message_ids)):
            queries.append(base.where(among(conn, child.c.message_id, part)))
            queries.append(base.where(among(conn, parent.c.message_id, part)))
    seen: set[str] = set()
    for query in queries:
        for row in conn.execute(query):
            if row.message_id in seen:
                continue
            seen.add(row.message_id)
            yield Reply(
                message_id=row.message_id,
                sender=row.from_address,
                category=row.category,
                date=row.date,
                subject=row.subject,
                parent_sender=row.parent_sender,
                parent_category=row.parent_category,
            )


@record
class Meeting(Record):
    source_id: str
    summary: str | None
    start_at: datetime
    attendees: tuple[str, ...]  # who came, me excluded


def meetings(conn: Connection, until: datetime) -> list[Meeting]:
    """The meetings held up to `until` (counted: not cancelled, not declined by me), with
    their attendees who did not decline."""
    rows = conn.execute(
        select(
            calendar_event.c.source_id,
            calendar_event.c.summary,
            calendar_event.c.start_at,
            calendar_attendee.c.address,
            calendar_attendee.c.partstat,
            calendar_attendee.c.role,
        )
        .join(calendar_attendee, calendar_attendee.c.event_id == calendar_event.c.id)
        .where(calendar_event.c.counted.is_(True), calendar_event.c.start_at <= until)
        .order_by(calendar_event.c.id)
    )
    found: dict[str, tuple[str | None, datetime, list[str]]] = {}
    for row in rows:
        _, _, came = found.setdefault(row.source_id, (row.summary, row.start_at, []))
        if row.address and row.partstat not in _NOT_THERE and row.role not in _NOT_PEOPLE:
            came.append(row.address)
    return [
        Meeting(source_id=sid, summary=s, start_at=at, attendees=tuple(came))
        for sid, (s, at, came) in found.items()
    ]


# -- reading ---------------------------------------------------------------------------------


def ties_of(conn: Connection, keys: Sequence[str], limit: int = 200) -> list[Tie]:
    """The ties with one end among `keys`, newest evidence first."""
    if not keys:
        return []
    rows = conn.execute(
        select(knows_tie)
        .where(or_(knows_tie.c.a.in_(keys), knows_tie.c.b.in_(keys)))
        .order_by(knows_tie.c.last_at.desc(), knows_tie.c.id)
        .limit(limit)
    )
    return [_tie(r) for r in rows]


def _toward(into_b: Any, into_a: Any) -> Any:
    t = knows_tie
    cols = [t.c[name] for name in _TIE_COLUMNS]
    ends = union_all(
        select(*cols, t.c.a.label("other"), t.c.b.label("target")).where(into_b),
        select(*cols, t.c.b.label("other"), t.c.a.label("target")).where(into_a),
    ).subquery()
    return (
        select(ends, contact_point.c.person_id)
        .outerjoin(
            contact_point,
            and_(contact_point.c.kind == "email", contact_point.c.normalized == ends.c.other),
        )
        .where(or_(contact_point.c.person_id.is_not(None), ends.c.other.like("#%")))
        .limit(TOWARD_MAX)
    )


# Built once: a path query pays for its SQL, not for building the statement again.
_TOWARD_KEYS: Final = _toward(
    knows_tie.c.b.in_(bindparam("keys", expanding=True)),
    knows_tie.c.a.in_(bindparam("keys", expanding=True)),
)
_TOWARD_DOMAIN: Final = _toward(
    knows_tie.c.b_domain == bindparam("domain"), knows_tie.c.a_domain == bindparam("domain")
)


def toward(
    conn: Connection, *, keys: Sequence[str] = (), domain: str | None = None
) -> list[Toward]:
    """The ties that end at the target (one of `keys`, or an address at `domain`) and whose
    other end is someone: a person's address, or a person (`#id`). Read from the target's
    side: index lookups on `b`/`b_domain` and `a`/`a_domain`, then one on `contact_point`."""
    if domain is not None:
        rows = conn.execute(_TOWARD_DOMAIN, {"domain": domain})
    elif keys:
        rows = conn.execute(_TOWARD_KEYS, {"keys": list(keys)})
    else:
        return []
    out = []
    for row in rows:
        pid = row.person_id
        if pid is None:
            pid = _person_key(row.other)
        out.append(Toward(tie=_tie(row), other=row.other, target=row.target, person_id=pid))
    return out


def _person_key(key: str) -> int | None:
    return int(key[1:]) if key.startswith("#") and key[1:].isdigit() else None


@record
class Mine(Record):
    """My relationship with someone, as much of it as a path's first leg needs."""

    person_id: int
    name: str
    weight: float
    reciprocity: float
    last_mutual_at: datetime | None
    last_touch_at: datetime | None
    computed_at: datetime
    n_all: int


_MINE_COLUMNS: Final = ("weight", "reciprocity", "last_mutual_at", "last_touch_at", "computed_at")
_MINE: Final = (
    select(
        person.c.id,
        person.c.display_name,
        *(relationship.c[name] for name in _MINE_COLUMNS),
        relationship.c.n_all,
    )
    .join(relationship, relationship.c.person_id == person.c.id)
    .where(
        person.c.id.in_(bindparam("ids", expanding=True)),
        person.c.deleted_at.is_(None),
        relationship.c.member_id == bindparam("member"),
    )
)


def mine(
    conn: Connection, person_ids: Iterable[int], *, member_id: int | None = None
) -> dict[int, Mine]:
    """My stored relationships with the living among these people, with their names (in team
    mode a member's: `member_id`)."""
    out: dict[int, Mine] = {}
    member = member_key(member_id)
    for part in chunks(sorted(set(person_ids))):
        for row in conn.execute(_MINE, {"ids": list(part), "member": member}):
            out[int(row.id)] = Mine(
                person_id=int(row.id),
                name=str(row.display_name),
                **{name: getattr(row, name) for name in _MINE_COLUMNS},
                n_all=int(row.n_all),
            )
    return out


_OTHER_POINT: Final = contact_point.alias("other_point")
_BY_ADDRESS: Final = (
    select(person.c.id, person.c.display_name, _OTHER_POINT.c.normalized)
    .select_from(contact_point)
    .join(person, person.c.id == contact_point.c.person_id)
    .join(
        _OTHER_POINT,
        and_(_OTHER_POINT.c.person_id == person.c.id, _OTHER_POINT.c.kind == "email"),
    )
    .where(
        contact_point.c.kind == "email",
        contact_point.c.normalized == bindparam("address"),
        person.c.deleted_at.is_(None),
    )
)


def person_at(conn: Connection, address: str) -> tuple[int, str, list[str]] | None:
    """Whose `address` is: (person id, name, their ends in the graph), None: nobody's."""
    rows = list(conn.execute(_BY_ADDRESS, {"address": address}))
    if not rows:
        return None
    pid = int(rows[0].id)
    return pid, str(rows[0].display_name), [f"#{pid}", *(str(r.normalized) for r in rows)]


def keys_of(conn: Connection, person_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each person's ends in the graph: `#id` and their mail addresses."""
    out: dict[int, list[str]] = {pid: [f"#{pid}"] for pid in person_ids}
    if person_ids:
        for pid, address in conn.execute(
            select(contact_point.c.person_id, contact_point.c.normalized).where(
                contact_point.c.kind == "email", contact_point.c.person_id.in_(person_ids)
            )
        ):
            out[int(pid)].append(str(address))
    return out


def people_of(conn: Connection, addresses: Sequence[str]) -> dict[str, int]:
    """{address: person id} of the addresses that are someone's."""
    out: dict[str, int] = {}
    for part in chunks(sorted(set(addresses))):
        out.update(
            (str(a), int(p))
            for a, p in conn.execute(
                select(contact_point.c.normalized, contact_point.c.person_id).where(
                    contact_point.c.kind == "email", among(conn, contact_point.c.normalized, part)
                )
            )
        )
    return out


def people_at(conn: Connection, domain: str) -> list[int]:
    """The people with an address at `domain`."""
    return sorted(
        {
            int(p)
            for p in conn.scalars(
                select(contact_point.c.person_id)
                .join(person, person.c.id == contact_point.c.person_id)
                .where(
                    contact_point.c.kind == "email",
                    contact_point.c.normalized.like(f"%@{_escape(domain)}", escape="\\"),
                    person.c.deleted_at.is_(None),
                )
            )
        }
    )


def people_of_organisation(conn: Connection, name: str) -> list[int]:
    """The people whose organisation is `name` (any case)."""
    return [
        int(p)
        for p in conn.scalars(
            select(person.c.id).where(
                func.lower(person.c.organisation) == name.strip().lower(),
                person.c.deleted_at.is_(None),
            )
        )
    ]


def names_of(conn: Connection, person_ids: Iterable[int]) -> dict[int, str]:
    """The names of the living among these people."""
    out: dict[int, str] = {}
    for part in chunks(sorted(set(person_ids))):
        out.update(
            (int(i), str(n))
            for i, n in conn.execute(
                select(person.c.id, person.c.display_name).where(
                    among(conn, person.c.id, part), person.c.deleted_at.is_(None)
                )
            )
        )
    return out


def counts(conn: Connection) -> tuple[int, int]:
    """(ties, pieces of evidence)."""
    ties = conn.scalar(select(func.count()).select_from(knows_tie)) or 0
    pieces = conn.scalar(select(func.count()).select_from(knows_evidence)) or 0
    return int(ties), int(pieces)


def evidence_of(conn: Connection, tie_id: int, limit: int = 20) -> list[Row[Any]]:
    """A tie's evidence, newest first."""
    return list(
        conn.execute(
            select(knows_evidence)
            .where(knows_evidence.c.tie_id == tie_id)
            .order_by(knows_evidence.c.at.desc())
            .limit(limit)
        )
    )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
