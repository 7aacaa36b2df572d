"""A person's story (facts per field, each with when and where it was learned) and notes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, delete, insert, select

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound
from kithkin.model import STORY_FIELDS
from kithkin.store import activity, search
from kithkin.store.rows import clean, live_row
from kithkin.store.schema import note, story_fact


def add_fact(
    conn: Connection,
    person_id: int,
    field: str,
    text: str,
    *,
    learned_on: date | None = None,
    learned_where: str | None = None,
    source: str = "manual",
    member_id: int | None = None,
    shared: bool = False,
) -> int:
    """Add one fact to a field of the person's story; returns the fact's id. `member_id` is
    its owner in team mode; private unless `shared`."""
    if field not in STORY_FIELDS:
        raise InvalidInput(f"unknown story field {field!r}; use one of {', '.join(STORY_FIELDS)}")
    body = clean(text)
    if not body:
        raise InvalidInput(f"empty {field} fact")
    row = live_row(conn, person_id)
    key = conn.execute(
        insert(story_fact).values(
            person_id=person_id,
            field=field,
            text=body,
            learned_on=learned_on,
            learned_where=clean(learned_where),
            source=source,
            created_at=clock.now(),
            member_id=member_id,
            shared=shared,
        )
    ).inserted_primary_key
    assert key is not None
    search.reindex_person(conn, person_id)
    where = f" (learned at {learned_where})" if learned_where else ""
    activity.record(
        conn,
        "story.add",
        f"{row.display_name}'s {field}: {body}{where}",
        person_id=person_id,
        private=not shared,
    )
    return int(key[0])


def remove_fact(conn: Connection, person_id: int, fact_id: int) -> None:
    row = live_row(conn, person_id)
    fact = conn.execute(
        select(story_fact).where(story_fact.c.id == fact_id, story_fact.c.person_id == person_id)
    ).first()
    if fact is None:
        raise NotFound(f"{row.display_name} has no story fact #{fact_id}")
    conn.execute(delete(story_fact).where(story_fact.c.id == fact_id))
    search.reindex_person(conn, person_id)
    activity.record(
        conn,
        "story.remove",
        f"removed from {row.display_name}'s {fact.field}: {fact.text}",
        person_id=person_id,
        private=not fact.shared,
    )


def add_note(
    conn: Connection,
    person_id: int,
    text: str,
    *,
    member_id: int | None = None,
    shared: bool = False,
) -> int:
    body = text.strip()
    if not body:
        raise InvalidInput("empty note")
    row = live_row(conn, person_id)
    key = conn.execute(
        insert(note).values(
            person_id=person_id,
            text=body,
            created_at=clock.now(),
            member_id=member_id,
            shared=shared,
        )
    ).inserted_primary_key
    assert key is not None
    search.reindex_person(conn, person_id)
    first_line = body.splitlines()[0][:80]
    activity.record(
        conn,
        "note.add",
        f"note on {row.display_name}: {first_line}",
        person_id=person_id,
        private=not shared,
    )
    return int(key[0])


def remove_note(conn: Connection, person_id: int, note_id: int) -> None:
    row = live_row(conn, person_id)
    found = conn.execute(
        select(note).where(note.c.id == note_id, note.c.person_id == person_id)
    ).first()
    if found is None:
        raise NotFound(f"{row.display_name} has no note #{note_id}")
    conn.execute(delete(note).where(note.c.id == note_id))
    search.reindex_person(conn, person_id)
    activity.record(
        conn,
        "note.remove",
        f"removed a note on {row.display_name}: {found.text.splitlines()[0][:80]}",
        person_id=person_id,
        private=not found.shared,
    )


def share(conn: Connection, kind: str, row_id: int, shared: bool) -> None:
    """Share a private row with the team (or make it private again), and keep the search index
    in step (only what everyone may see is indexed for all)."""
    from kithkin.store.privacy import owned, set_shared

    table = owned()[kind]
    found = conn.execute(select(table).where(table.c.id == row_id)).first()
    if found is None:
        raise NotFound(f"no {kind} #{row_id}")
    set_shared(conn, kind, row_id, shared)
    if kind in ("note", "fact"):
        search.reindex_person(conn, found.person_id)
    said = "shared with the team" if shared else "made private"
    name = live_row(conn, found.person_id).display_name
    activity.record(
        conn, f"{kind}.share", f"{kind} #{row_id} on {name} {said}", person_id=found.person_id
    )
