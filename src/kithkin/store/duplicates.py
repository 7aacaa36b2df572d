"""What duplicate detection reads (every live person's names, organisation and email domains)
and the user's "not the same person" decisions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import Connection, insert, select

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.model import Record, record
from kithkin.store import activity
from kithkin.store.rows import live_row
from kithkin.store.schema import contact_point, duplicate_decision, person

DISTINCT = "distinct"


@record
class Candidate(Record):
    """A person as identity resolution sees them."""

    id: int
    display_name: str
    given_name: str | None = None
    family_name: str | None = None
    organisation: str | None = None
    email_domains: tuple[str, ...] = ()


def candidates(conn: Connection) -> Iterator[Candidate]:
    """Every live person, as identity resolution compares them."""
    live = person.c.deleted_at.is_(None)
    domains: dict[int, set[str]] = defaultdict(set)
    for person_id, key in conn.execute(
        select(contact_point.c.person_id, contact_point.c.normalized)
        .join(person, person.c.id == contact_point.c.person_id)
        .where(contact_point.c.kind == "email", live)
    ):
        domains[int(person_id)].add(str(key).rsplit("@", 1)[-1])
    for row in conn.execute(
        select(
            person.c.id,
            person.c.display_name,
            person.c.given_name,
            person.c.family_name,
            person.c.organisation,
        )
        .where(live)
        .order_by(person.c.id)
    ):
        yield Candidate(
            id=row.id,
            display_name=row.display_name,
            given_name=row.given_name,
            family_name=row.family_name,
            organisation=row.organisation,
            email_domains=tuple(sorted(domains.get(row.id, ()))),
        )


def dismissed(conn: Connection) -> set[tuple[int, int]]:
    """Pairs (lower id, higher id) the user said are not the same person."""
    rows = conn.execute(
        select(duplicate_decision.c.person_a, duplicate_decision.c.person_b).where(
            duplicate_decision.c.decision == DISTINCT
        )
    )
    return {(int(a), int(b)) for a, b in rows}


def dismiss(conn: Connection, first: int, second: int) -> bool:
    """Record that two people are not the same person; False when it was already recorded."""
    if first == second:
        raise InvalidInput("a person is always the same person as themselves")
    a, b = min(first, second), max(first, second)
    one, other = live_row(conn, a), live_row(conn, b)
    held = conn.scalar(
        select(duplicate_decision.c.decision).where(
            duplicate_decision.c.person_a == a, duplicate_decision.c.person_b == b
        )
    )
    if held is not None:
        return False
    conn.execute(
        insert(duplicate_decision).values(
            person_a=a, person_b=b, decision=DISTINCT, decided_at=clock.now()
        )
    )
    activity.record(
        conn,
        "duplicate.dismiss",
        f"{one.display_name} (#{a}) and {other.display_name} (#{b}) are not the same person",
        person_id=a,
        payload={"person_a": a, "person_b": b},
    )
    return True
