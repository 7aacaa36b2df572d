"""The circle: its members, their cadences (own, per tag, default) and its cap.

The circle is seeded once from the people tagged `circle`; from then on adding or removing a
member keeps that tag in step, so the People page's tag filter shows the same circle.

In team mode each member has their own circle (`member_id`; None: the one user of a personal
database); tags are shared, so a member's circle neither comes from the tag nor changes it.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import ColumnElement, Connection, delete, insert, select, update

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.model import Member
from kithkin.store import activity, people, settings
from kithkin.store.rows import live_row
from kithkin.store.schema import person, person_tag, tag
from kithkin.store.schema_circle import circle_member, circle_tag_cadence, member_key, relationship

CIRCLE_TAG: Final = "circle"
CAP_KEY: Final = "circle.cap"
CADENCE_KEY: Final = "circle.cadence"
SEEDED_KEY: Final = "circle.seeded"
MAX_DAYS: Final = 3660
DEFAULT_CAP: Final = 10  # people: the practice is a few people seen regularly
DEFAULT_CADENCE: Final = 14  # days


# -- members ------------------------------------------------------------------------------------


def is_seeded(conn: Connection) -> bool:
    return bool(settings.get(conn, SEEDED_KEY, False))


def seed_from_tag(conn: Connection) -> int:
    """On first use: the people tagged `circle` become members. Returns how many."""
    if is_seeded(conn):
        return 0
    ids = list(
        conn.scalars(
            select(person.c.id)
            .join(person_tag, person_tag.c.person_id == person.c.id)
            .join(tag, tag.c.id == person_tag.c.tag_id)
            .where(tag.c.name == CIRCLE_TAG, person.c.deleted_at.is_(None))
            .where(person.c.id.not_in(select(circle_member.c.person_id).where(_mine(None))))
            .order_by(person.c.id)
        )
    )
    at = clock.now()
    if ids:
        conn.execute(
            insert(circle_member),
            [{"person_id": i, "source": "tag", "added_at": at} for i in ids],
        )
        activity.record(
            conn, "circle.seed", f"took the {len(ids)} people tagged circle as the circle"
        )
    settings.put(conn, SEEDED_KEY, True)
    return len(ids)


def _mine(member_id: int | None) -> ColumnElement[bool]:
    return circle_member.c.member_id == member_key(member_id)


def members(conn: Connection, member_id: int | None = None) -> list[Member]:
    rows = list(
        conn.execute(
            select(
                circle_member,
                person.c.display_name,
                person.c.organisation,
                person.c.title,
                relationship.c.last_touch_at,
                relationship.c.last_mutual_at,
                relationship.c.waiting_since,
                relationship.c.weight,
                relationship.c.reciprocity,
                relationship.c.computed_at,
                person.c.deleted_at,
            )
            .join(person, person.c.id == circle_member.c.person_id)
            .outerjoin(
                relationship,
                (relationship.c.person_id == circle_member.c.person_id)
                & (relationship.c.member_id == circle_member.c.member_id),
            )
            .where(_mine(member_id))
        )
    )
    # the trash and the order by name are dealt with here: asked to, SQLite would walk every
    # person of the network (by its index on deleted_at, or on display_name)
    rows = sorted((r for r in rows if r.deleted_at is None), key=lambda r: r.display_name)
    tags = {
        pid: s.tags for pid, s in people.summaries_by_id(conn, [r.person_id for r in rows]).items()
    }
    return [
        Member(
            person_id=r.person_id,
            display_name=r.display_name,
            organisation=r.organisation,
            title=r.title,
            tags=tags.get(r.person_id, ()),
            cadence_days=r.cadence_days,
            source=r.source,
            added_at=r.added_at,
            last_touch_at=r.last_touch_at,
            last_mutual_at=r.last_mutual_at,
            waiting_since=r.waiting_since,
            weight=r.weight,
            reciprocity=r.reciprocity,
            computed_at=r.computed_at,
        )
        for r in rows
    ]


def member_ids(conn: Connection, member_id: int | None = None) -> set[int]:
    return {int(i) for i in conn.scalars(select(circle_member.c.person_id).where(_mine(member_id)))}


def add_member(
    conn: Connection,
    person_id: int,
    *,
    cadence_days: int | None = None,
    member_id: int | None = None,
) -> bool:
    """Put a person in the circle (and tag them `circle`); False if they were in it already."""
    row = live_row(conn, person_id)
    if member_id is None:
        seed_from_tag(conn)  # the tagged people first, so adding one does not hide the others
    if cadence_days is not None:
        _check_days(cadence_days)
    if person_id in member_ids(conn, member_id):
        if cadence_days is not None:
            set_cadence(conn, person_id, cadence_days, member_id=member_id)
        return False
    conn.execute(
        insert(circle_member).values(
            member_id=member_key(member_id),
            person_id=person_id,
            cadence_days=cadence_days,
            source="manual",
            added_at=clock.now(),
        )
    )
    if member_id is None:
        people.add_tag(conn, person_id, CIRCLE_TAG)
    every = f" (every {cadence_days} days)" if cadence_days else ""
    activity.record(
        conn, "circle.add", f"added {row.display_name} to the circle{every}", person_id=person_id
    )
    return True


def remove_member(conn: Connection, person_id: int, *, member_id: int | None = None) -> bool:
    row = live_row(conn, person_id)
    if member_id is None:
        seed_from_tag(conn)
    result = conn.execute(
        delete(circle_member).where(_mine(member_id), circle_member.c.person_id == person_id)
    )
    if not result.rowcount:
        return False
    if member_id is None:
        people.remove_tag(conn, person_id, CIRCLE_TAG)
    activity.record(
        conn, "circle.remove", f"took {row.display_name} out of the circle", person_id=person_id
    )
    return True


def set_cadence(
    conn: Connection, person_id: int, days: int | None, *, member_id: int | None = None
) -> None:
    """A member's own cadence (None: back to their tags' or the default)."""
    row = live_row(conn, person_id)
    if days is not None:
        _check_days(days)
    result = conn.execute(
        update(circle_member)
        .where(_mine(member_id), circle_member.c.person_id == person_id)
        .values(cadence_days=days)
    )
    if not result.rowcount:
        raise InvalidInput(f"{row.display_name} is not in the circle (kithkin circle add first)")
    said = f"every {days} days" if days else "the default cadence"
    activity.record(conn, "circle.cadence", f"{row.display_name}: {said}", person_id=person_id)


def tag_cadences(conn: Connection) -> dict[str, int]:
    return {
        str(t): int(d)
        for t, d in conn.execute(select(circle_tag_cadence).order_by(circle_tag_cadence.c.tag))
    }


def set_tag_cadence(conn: Connection, tag_name: str, days: int | None) -> None:
    name = tag_name.strip()
    if not name:
        raise InvalidInput("which tag?")
    conn.execute(delete(circle_tag_cadence).where(circle_tag_cadence.c.tag == name))
    if days is not None:
        _check_days(days)
        conn.execute(insert(circle_tag_cadence).values(tag=name, days=days))
    said = f"every {days} days" if days else "no cadence of its own"
    activity.record(conn, "circle.cadence", f"members tagged {name}: {said}")


def default_cadence(conn: Connection) -> int:
    return int(settings.get(conn, CADENCE_KEY, DEFAULT_CADENCE))


def set_default_cadence(conn: Connection, days: int) -> None:
    _check_days(days)
    settings.put(conn, CADENCE_KEY, days)
    activity.record(conn, "circle.cadence", f"circle members: every {days} days by default")


def cap(conn: Connection) -> int:
    return int(settings.get(conn, CAP_KEY, DEFAULT_CAP))


def set_cap(conn: Connection, n: int) -> None:
    if not 1 <= n <= 1000:
        raise InvalidInput(f"a cap of {n}? give a number of people from 1 to 1000")
    settings.put(conn, CAP_KEY, n)
    activity.record(conn, "circle.cap", f"circle cap set to {n}")


def _check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"a cadence of {days} days? give a number of days from 1 to {MAX_DAYS}")
