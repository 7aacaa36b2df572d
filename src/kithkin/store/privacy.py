"""Team privacy of rows: notes, story facts, needs and ledger entries are private to the member
who wrote them (`member_id`) unless `shared`.

Who sees a row: the personal user (`SOLO`, a database with no member) sees every row; a member
sees the shared rows, the rows no member owns (`member_id` NULL: written before team mode and
not adopted, or by an import acting for nobody) and their own private rows. A private row of
someone else does not exist for them: reads leave it out, and a change to it is NotFound.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import ColumnElement, Connection, Table, or_, select, text, true, update

from kithkin.errors import NotFound
from kithkin.model import SOLO, Actor
from kithkin.store.schema import activity

KINDS: Final = ("note", "fact", "need", "ledger")
NAMES: Final = {"note": "note", "fact": "story fact", "need": "need", "ledger": "ledger entry"}
_PRIVATE_ACTIONS: Final = ("note.", "story.", "need.", "ledger.", "reflection.")


def has_members(conn: Connection) -> bool:
    """Whether the database is a team's (has members), without building the member table's
    metadata: a personal database's reads stay as light as before."""
    return conn.execute(text("SELECT 1 FROM member LIMIT 1")).first() is not None


def visible(table: Table, actor: Actor = SOLO) -> ColumnElement[bool]:
    """The rows of an owned table the actor may see (all of them for the personal user)."""
    if actor.member_id is None:
        return true()
    return or_(
        table.c.shared.is_(True),
        table.c.member_id.is_(None),
        table.c.member_id == actor.member_id,
    )


def activity_visible(actor: Actor = SOLO) -> ColumnElement[bool]:
    """The activity rows the actor may see: all but those telling of someone else's private
    rows."""
    if actor.member_id is None:
        return true()
    return or_(
        activity.c.private.is_(False),
        activity.c.member_id.is_(None),
        activity.c.member_id == actor.member_id,
    )


def owned() -> dict[str, Table]:
    """The tables whose rows are private or shared, by the name the user calls their rows
    (the service tables are built on first use: a read of people needs none of them)."""
    from kithkin.store.schema import note, story_fact
    from kithkin.store.schema_service import ledger_entry, need

    return {"note": note, "fact": story_fact, "need": need, "ledger": ledger_entry}


def owned_row(conn: Connection, kind: str, row_id: int, actor: Actor = SOLO) -> Any:
    """One row of an owned table the actor may see; NotFound for none (or someone else's
    private one: the same answer, so its existence does not leak)."""
    table = owned()[kind]
    row = conn.execute(select(table).where(table.c.id == row_id, visible(table, actor))).first()
    if row is None:
        raise NotFound(f"no {NAMES[kind]} #{row_id}")
    return row


def may_change(row: Any, actor: Actor) -> bool:
    """Whether the actor may change or remove a row they see: their own, or a shared (or
    unowned) one. The role (editor) is the use case's to check."""
    return actor.member_id is None or row.member_id in (None, actor.member_id) or bool(row.shared)


def set_shared(conn: Connection, kind: str, row_id: int, shared: bool) -> None:
    table = owned()[kind]
    conn.execute(update(table).where(table.c.id == row_id).values(shared=shared))


def _personal_tables() -> list[Any]:
    """The tables whose rows are a member's, NULL being the personal user's."""
    from kithkin.store.schema import interaction
    from kithkin.store.schema_amplify import share
    from kithkin.store.schema_calendar import calendar_event
    from kithkin.store.schema_hygiene import outbox
    from kithkin.store.schema_mail import mail_source
    from kithkin.store.schema_service import offer

    return [interaction, mail_source, outbox, calendar_event, offer, share]


def _personal_keyed() -> list[Any]:
    """The tables keyed by member, 0 being the personal user (`schema_circle.member_key`)."""
    from kithkin.store.schema_circle import (
        agenda_mute,
        circle_member,
        relationship,
        relationship_inputs,
    )
    from kithkin.store.schema_hygiene import subscription_rule

    return [relationship, relationship_inputs, circle_member, agenda_mute, subscription_rule]


def adopt_personal_rows(conn: Connection, member_id: int) -> dict[str, int]:
    """Make the personal user's rows (owned by no member: from before team mode) the rows of
    `member_id`, the first owner — the personal user becoming a team keeps their network as
    theirs: their notes, story facts, needs and ledger entries (private), reflections,
    interactions, mailboxes, outbox, calendar meetings, offers, shares, and their strength,
    circle, muted Today items and subscription rules; and their activity rows theirs (those
    telling of notes, facts, needs and the ledger private too). Returns how many rows of each
    kind."""
    from kithkin.store import search

    out: dict[str, int] = {}
    people: set[int] = set()
    for kind, table in owned().items():
        people.update(
            conn.scalars(select(table.c.person_id).where(table.c.member_id.is_(None))).all()
        )
        result = conn.execute(
            update(table)
            .where(table.c.member_id.is_(None))
            .values(member_id=member_id, shared=False)
        )
        out[kind] = result.rowcount
    from kithkin.store.schema_gathering import reflection

    out["reflection"] = conn.execute(
        update(reflection).where(reflection.c.member_id.is_(None)).values(member_id=member_id)
    ).rowcount
    for table in _personal_tables():  # NULL: the personal user's
        out[table.name] = conn.execute(
            update(table).where(table.c.member_id.is_(None)).values(member_id=member_id)
        ).rowcount
    for table in _personal_keyed():  # 0 in a per-member key: the personal user's
        out[table.name] = conn.execute(
            update(table).where(table.c.member_id == 0).values(member_id=member_id)
        ).rowcount
    out["activity"] = conn.execute(
        update(activity).where(activity.c.member_id.is_(None)).values(member_id=member_id)
    ).rowcount
    conn.execute(
        update(activity)
        .where(
            activity.c.member_id == member_id,
            or_(*(activity.c.action.startswith(prefix) for prefix in _PRIVATE_ACTIONS)),
        )
        .values(private=True)
    )
    for person_id in sorted(people):  # their texts leave the shared search index
        search.reindex_person(conn, person_id)
    return out
