"""The circle (practice P1): who is in it, adding and removing members, the cap, the cadences
(per person, per tag, by default), and who deserves a place.

Adding is written once, here, with its cap warning: `kithkin circle add`, the Circle page and
`POST /api/circle` all say it.

In team mode each member has their own circle, scored by their own relationships (`actor`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.model import SOLO, Actor, Record, record
from kithkin.practices.circle import Circle as Circle
from kithkin.practices.circle import Status as Status
from kithkin.practices.circle import Suggestion as Suggestion
from kithkin.services.common import PersonRef, person_id
from kithkin.services.relationships import refresh

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.model import Relationship
    from kithkin.store import Database


@record
class Changed(Record):
    """Members added or removed: (id, name, whether it changed anything) each."""

    people: list[tuple[int, str, bool]]
    size: int  # members now
    cap: int
    warnings: list[str] = field(default_factory=list)


@record
class Cap(Record):
    cap: int
    size: int
    warnings: list[str] = field(default_factory=list)


@record
class Saved(Record):
    """Settings saved from the Circle page's form, each said in a few words."""

    done: list[str]


def cap_warning(size: int, cap: int) -> str | None:
    """Past the cap: the practice is a few people seen regularly."""
    if size <= cap:
        return None
    return (
        f"your circle has {size} people, past its cap of {cap}: the practice is a few people "
        f"seen regularly — remove {size - cap} or raise the cap (kithkin circle cap N)"
    )


def whole_days(value: str | int, what: str) -> int:
    """A whole number of days (0 included: no cadence of its own) typed in a form."""
    if isinstance(value, int):
        return value
    if not value.strip().isdigit():
        raise InvalidInput(f"{what}: {value!r} is not a whole number of days")
    return int(value)


def cadence_of(days: int | str | None) -> int | None:
    """A cadence given as text in a form ("" or "0": none of its own) or as a number (checked
    by the store: 0 is no cadence there)."""
    if isinstance(days, str):
        return whole_days(days or "0", "cadence") or None
    return days


def circle(db: Database, *, now: datetime | None = None, actor: Actor = SOLO) -> Circle:
    """The circle as of `now`, after bringing relationships up to date."""
    now = now or clock.now()
    refresh(db, now, actor=actor)
    return read_circle(db, now, actor=actor)


def read_circle(db: Database, now: datetime, *, actor: Actor = SOLO) -> Circle:
    """The circle as of `now`, relationships refreshed already (seeded from the `circle` tag
    on first use)."""
    from kithkin.practices.circle import scored, statuses
    from kithkin.store import circle as store

    if actor.member_id is None:
        with db.read() as conn:
            seeded = store.is_seeded(conn)
        if not seeded:
            with db.write() as conn:
                store.seed_from_tag(conn)
    with db.read() as conn:
        found = store.members(conn, actor.member_id)
        tags = store.tag_cadences(conn)
        default = store.default_cadence(conn)
        cap = store.cap(conn)
    members = [scored(m, now) for m in found]
    return Circle(
        now=now,
        cap=cap,
        default_cadence=default,
        tag_cadences=tags,
        members=statuses(members, tags, default, now),
        warning=cap_warning(len(members), cap),
    )


def add_members(
    db: Database,
    *,
    people: Sequence[PersonRef],
    cadence_days: int | str | None = None,
    actor: Actor = SOLO,
) -> Changed:
    """Put people in the circle (and tag them `circle`), each with `cadence_days` of their own
    if given; warns past the cap."""
    from kithkin.store import circle as store
    from kithkin.store import people as store_people

    cadence = None if cadence_days in (None, "") else whole_days(cadence_days, "cadence")
    done = []
    with db.write() as conn:
        for ref in people:
            pid = person_id(conn, ref)
            name = store_people.get_person(conn, pid).display_name
            added = store.add_member(conn, pid, cadence_days=cadence, member_id=actor.member_id)
            done.append((pid, name, added))
        size, cap = _size(conn, actor)
    warning = cap_warning(size, cap)
    return Changed(done, size, cap, [warning] if warning else [])


def remove_members(db: Database, *, people: Sequence[PersonRef], actor: Actor = SOLO) -> Changed:
    """Take people out of the circle (and off the `circle` tag)."""
    from kithkin.store import circle as store
    from kithkin.store import people as store_people

    done = []
    with db.write() as conn:
        for ref in people:
            pid = person_id(conn, ref)
            name = store_people.get_person(conn, pid).display_name
            done.append((pid, name, store.remove_member(conn, pid, member_id=actor.member_id)))
        size, cap = _size(conn, actor)
    return Changed(done, size, cap)


def cap(db: Database, *, cap: int | str | None = None, actor: Actor = SOLO) -> Cap:
    """The circle's cap, set to `cap` people first when given."""
    from kithkin.store import circle as store

    with db.write() as conn:
        if cap is not None:
            store.set_cap(conn, whole_days(cap, "cap"))
        size, now_cap = _size(conn, actor)
    warning = cap_warning(size, now_cap)
    return Cap(now_cap, size, [warning] if warning else [])


@record
class Cadence(Record):
    person_id: int
    display_name: str
    days: int | None  # None: their tags' or the default


def set_cadence(
    db: Database, *, person: PersonRef, days: int | str | None, actor: Actor = SOLO
) -> Cadence:
    """A member's own cadence (None, or "0" typed in a form: back to their tags' or the
    default)."""
    from kithkin.store import circle as store
    from kithkin.store import people as store_people

    every = cadence_of(days)
    with db.write() as conn:
        pid = person_id(conn, person)
        store.set_cadence(conn, pid, every, member_id=actor.member_id)
        name = store_people.get_person(conn, pid).display_name
    return Cadence(pid, name, every)


def set_tag_cadence(db: Database, *, tag: str, days: int | str | None) -> None:
    """The cadence of members tagged `tag` (None, or "0" typed in a form: none of its own)."""
    from kithkin.store import circle as store

    every = cadence_of(days)
    with db.write() as conn:
        store.set_tag_cadence(conn, tag, every)


def set_default_cadence(db: Database, *, days: int | str) -> None:
    from kithkin.store import circle as store

    with db.write() as conn:
        store.set_default_cadence(conn, whole_days(days, "cadence"))


def settings(
    db: Database,
    *,
    cap: int | str | None = None,
    default_cadence: int | str | None = None,
    tag: str | None = None,
    tag_days: int | str | None = None,
) -> Saved:
    """The cap, the default cadence and a tag's cadence at once (those given), in one
    transaction: the Circle page's settings form and `PUT /api/circle/settings`."""
    from kithkin.store import circle as store

    done = []
    with db.write() as conn:
        if cap not in (None, ""):
            assert cap is not None
            store.set_cap(conn, whole_days(cap, "cap"))
            done.append(f"cap {cap}")
        if default_cadence not in (None, ""):
            assert default_cadence is not None
            store.set_default_cadence(conn, whole_days(default_cadence, "cadence"))
            done.append(f"every {default_cadence} days by default")
        if tag:
            days = whole_days(tag_days or "0", "cadence")
            store.set_tag_cadence(conn, tag, days or None)
            done.append(f"tag {tag}: " + (f"every {days} days" if days else "none"))
    return Saved(done)


def suggestions(
    db: Database,
    *,
    limit: int | None = None,
    now: datetime | None = None,
    current: Circle | None = None,
    actor: Actor = SOLO,
) -> list[Suggestion]:
    """The strongest two-way relationships as of `now`, as many as the circle has free places
    (at most `limit`), and members who silently dropped out; `current`: the circle just read
    (else it is read, relationships refreshed first)."""
    from kithkin.practices.circle import suggest
    from kithkin.store import people

    now = now or (current.now if current is not None else clock.now())
    if current is None:
        current = circle(db, now=now, actor=actor)
    free = max(0, current.cap - len(current.members))
    want = free if limit is None else max(0, min(int(limit), free))
    inside = {s.member.person_id for s in current.members}
    with db.read() as conn:
        rows = strongest_now(conn, now, want, inside, actor.member_id) if want else []
        found = people.summaries_by_id(conn, [r.person_id for r in rows])
    names = {pid: s.display_name for pid, s in found.items()}
    return suggest(rows, names, current.members, now, limit=want)


def strongest_now(
    conn: Connection,
    now: datetime,
    want: int,
    leave_out: set[int],
    member_id: int | None = None,
) -> list[Relationship]:
    """The `want` strongest two-way relationships as of `now` (scores computed now, not the
    stored ones), `leave_out` left out. A stored score is the score at its `computed_at`, and
    a score only falls with time: rows are read strongest-stored first, page by page, until
    the next stored score is below the `want`-th best score now."""
    from kithkin.practices import strength
    from kithkin.practices.circle import suggestible
    from kithkin.store import relationships

    page = max(50, 4 * want)
    kept: list[tuple[float, Relationship]] = []
    offset = 0
    while True:
        rows, more = relationships.by_stored_score(
            conn, 0.01, limit=page, offset=offset, member_id=member_id
        )
        offset += page
        for r in rows:
            if r.person_id not in leave_out and suggestible(r):
                kept.append((strength.current(r, now), r))
        kept.sort(key=lambda pair: (-pair[0], pair[1].person_id))
        kept = kept[:want]
        lowest = rows[-1].score if rows else None
        if not more or (len(kept) == want and lowest is not None and lowest < kept[-1][0]):
            return [r for _, r in kept]


def to_json(found: Circle) -> dict[str, Any]:
    """The circle as the CLI's --json and the API give it."""
    from kithkin.model import to_jsonable

    return {
        "cap": found.cap,
        "default_cadence": found.default_cadence,
        "tag_cadences": found.tag_cadences,
        "warning": found.warning,
        "members": [
            {
                "person_id": s.member.person_id,
                "display_name": s.member.display_name,
                "organisation": s.member.organisation,
                "tags": list(s.member.tags),
                "cadence": s.cadence,
                "cadence_from": s.cadence_from,
                "state": s.state,
                "due_at": to_jsonable(s.due_at),
                "dropped": s.dropped,
                "last_touch_at": to_jsonable(s.member.last_touch_at),
                "last_mutual_at": to_jsonable(s.member.last_mutual_at),
                "waiting_since": to_jsonable(s.member.waiting_since),
                "score": round(s.member.score, 1),
                "tier": s.member.tier,
                "reason": s.reason,
            }
            for s in found.members
        ],
    }


def _size(conn: Connection, actor: Actor = SOLO) -> tuple[int, int]:
    from kithkin.store import circle as store

    return len(store.member_ids(conn, actor.member_id)), store.cap(conn)
