"""People: add, edit, read, list, resolve a reference, tags and contact points.

Every write takes an open write connection (`Database.write()`), keeps the search index in
step and appends to the activity log in the same transaction.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, Final

from sqlalchemy import Connection, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from kithkin import clock
from kithkin.errors import Ambiguous, Conflict, InvalidInput, NotFound
from kithkin.model import (
    MAX_ID,
    SOLO,
    Actor,
    ContactPoint,
    Note,
    Person,
    PersonSummary,
    SearchHit,
    StoryFact,
)
from kithkin.store import activity, search, settings
from kithkin.store.bulk import chunks
from kithkin.store.contacts import DEFAULT_REGION, normalize
from kithkin.store.privacy import visible
from kithkin.store.rows import attach_tag, clean, live_row
from kithkin.store.schema import contact_point, note, person, person_tag, story_fact, tag

EDITABLE: Final = ("display_name", "given_name", "family_name", "organisation", "title")


def add_person(
    conn: Connection,
    *,
    display_name: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
    organisation: str | None = None,
    title: str | None = None,
    contacts: Iterable[tuple[str, str]] = (),
    tags: Iterable[str] = (),
    source: str = "manual",
    uid: str | None = None,
) -> int:
    """Store a new person; `contacts` are (kind, value) pairs. Returns the person's id.

    `uid` is the person's stable identity across exports (random unless given, e.g. by the
    demo, which must be reproducible).
    """
    name = clean(display_name) or " ".join(
        part for part in (clean(given_name), clean(family_name)) if part
    )
    if not name:
        raise InvalidInput("a person needs a name")
    at = clock.now()
    result = conn.execute(
        insert(person).values(
            uid=uid or uuid.uuid4().hex,
            display_name=name,
            given_name=clean(given_name),
            family_name=clean(family_name),
            organisation=clean(organisation),
            title=clean(title),
            created_at=at,
            updated_at=at,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    person_id = int(key[0])
    for kind, value in contacts:
        _insert_contact(conn, person_id, kind, value, label=None, source=source)
    for name_of_tag in tags:
        attach_tag(conn, person_id, name_of_tag)
    search.reindex_person(conn, person_id)
    activity.record(conn, "person.add", f"added {name}", person_id=person_id)
    return person_id


def edit_person(conn: Connection, person_id: int, **changes: str | None) -> dict[str, Any]:
    """Change name fields, organisation or title; returns the old values of what changed."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"cannot edit {', '.join(sorted(unknown))}; editable: {EDITABLE}")
    row = live_row(conn, person_id)
    values = {key: clean(value) for key, value in changes.items()}
    if "display_name" in values and not values["display_name"]:
        raise InvalidInput("a person needs a name")
    old = {key: getattr(row, key) for key in values if getattr(row, key) != values[key]}
    if not old:
        return {}
    conn.execute(
        update(person)
        .where(person.c.id == person_id)
        .values({**{key: values[key] for key in old}, "updated_at": clock.now()})
    )
    search.reindex_person(conn, person_id)
    described = ", ".join(f"{key} → {values[key] or '∅'}" for key in old)
    activity.record(
        conn,
        "person.edit",
        f"edited {row.display_name}: {described}",
        person_id=person_id,
        payload={"old": old},
    )
    return old


def add_contact(
    conn: Connection,
    person_id: int,
    kind: str,
    value: str,
    *,
    label: str | None = None,
    source: str = "manual",
) -> int:
    row = live_row(conn, person_id)
    contact_id = _insert_contact(conn, person_id, kind, value, label=label, source=source)
    search.reindex_person(conn, person_id)
    activity.record(
        conn,
        "contact.add",
        f"added {kind} {value.strip()} to {row.display_name}",
        person_id=person_id,
    )
    return contact_id


def remove_contact(conn: Connection, person_id: int, contact_id: int) -> None:
    row = live_row(conn, person_id)
    found = conn.execute(
        select(contact_point).where(
            contact_point.c.id == contact_id, contact_point.c.person_id == person_id
        )
    ).first()
    if found is None:
        raise NotFound(f"{row.display_name} has no contact point #{contact_id}")
    conn.execute(delete(contact_point).where(contact_point.c.id == contact_id))
    search.reindex_person(conn, person_id)
    activity.record(
        conn,
        "contact.remove",
        f"removed {found.kind} {found.value} from {row.display_name}",
        person_id=person_id,
    )


def add_tag(conn: Connection, person_id: int, name: str) -> bool:
    """Tag a person; False when they already had the tag."""
    row = live_row(conn, person_id)
    if not attach_tag(conn, person_id, name):
        return False
    search.reindex_person(conn, person_id)
    activity.record(
        conn, "tag.add", f"tagged {row.display_name} {name.strip()}", person_id=person_id
    )
    return True


def remove_tag(conn: Connection, person_id: int, name: str) -> bool:
    row = live_row(conn, person_id)
    tag_id = conn.scalar(select(tag.c.id).where(tag.c.name == name.strip()))
    if tag_id is None:
        return False
    result = conn.execute(
        delete(person_tag).where(person_tag.c.person_id == person_id, person_tag.c.tag_id == tag_id)
    )
    if not result.rowcount:
        return False
    search.reindex_person(conn, person_id)
    activity.record(
        conn, "tag.remove", f"untagged {row.display_name} {name.strip()}", person_id=person_id
    )
    return True


def get_person(
    conn: Connection, person_id: int, *, include_deleted: bool = False, actor: Actor = SOLO
) -> Person:
    """A person with their contact points, tags, and the story facts and notes the actor may
    see (team mode: shared ones and their own)."""
    found = get_people(conn, [person_id], include_deleted=include_deleted, actor=actor)
    if person_id not in found:
        raise NotFound(f"no person #{person_id}")
    return found[person_id]


def get_people(
    conn: Connection,
    person_ids: Sequence[int],
    *,
    include_deleted: bool = False,
    actor: Actor = SOLO,
) -> dict[int, Person]:
    """`get_person` of several people at once (five statements, whatever their number); those
    not found (or in the trash) are absent."""
    wanted = sorted(set(person_ids))
    rows: list[Any] = []
    for part in chunks(wanted):
        query = select(person).where(person.c.id.in_(part))
        if not include_deleted:
            query = query.where(person.c.deleted_at.is_(None))
        rows += conn.execute(query).all()
    ids = [int(r.id) for r in rows]
    contacts: dict[int, list[ContactPoint]] = {}
    facts: dict[int, list[StoryFact]] = {}
    notes: dict[int, list[Note]] = {}
    tags: dict[int, list[str]] = {}
    for part in chunks(ids):
        for r in conn.execute(
            select(contact_point)
            .where(contact_point.c.person_id.in_(part))
            .order_by(contact_point.c.kind, contact_point.c.id)
        ):
            contacts.setdefault(r.person_id, []).append(
                ContactPoint(id=r.id, kind=r.kind, value=r.value, label=r.label, source=r.source)
            )
        for r in conn.execute(
            select(story_fact)
            .where(story_fact.c.person_id.in_(part), visible(story_fact, actor))
            .order_by(story_fact.c.id)
        ):
            facts.setdefault(r.person_id, []).append(
                StoryFact(
                    id=r.id,
                    field=r.field,
                    text=r.text,
                    learned_on=r.learned_on,
                    learned_where=r.learned_where,
                    created_at=r.created_at,
                    member_id=r.member_id,
                    shared=bool(r.shared),
                )
            )
        for r in conn.execute(
            select(note)
            .where(note.c.person_id.in_(part), visible(note, actor))
            .order_by(note.c.id.desc())
        ):
            notes.setdefault(r.person_id, []).append(
                Note(
                    id=r.id,
                    text=r.text,
                    created_at=r.created_at,
                    member_id=r.member_id,
                    shared=bool(r.shared),
                )
            )
        tags.update(_tags_of(conn, part))
    return {
        int(row.id): Person(
            id=row.id,
            uid=row.uid,
            display_name=row.display_name,
            given_name=row.given_name,
            family_name=row.family_name,
            organisation=row.organisation,
            title=row.title,
            created_at=row.created_at,
            updated_at=row.updated_at,
            contact_points=tuple(contacts.get(row.id, ())),
            tags=tuple(tags.get(row.id, ())),
            story=tuple(facts.get(row.id, ())),
            notes=tuple(notes.get(row.id, ())),
        )
        for row in rows
    }


def list_people(
    conn: Connection,
    *,
    query: str | None = None,
    tag_name: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[PersonSummary]:
    """People by name (all of them, or those whose names, organisation or email match)."""
    stmt = select(person.c.id, person.c.display_name, person.c.organisation, person.c.title).where(
        person.c.deleted_at.is_(None)
    )
    if query:
        for word in search.words(query):
            pattern = f"%{word}%"
            stmt = stmt.where(
                person.c.display_name.ilike(pattern)
                | person.c.organisation.ilike(pattern)
                | person.c.id.in_(
                    select(contact_point.c.person_id).where(contact_point.c.value.ilike(pattern))
                )
            )
    if tag_name:
        stmt = stmt.where(
            person.c.id.in_(
                select(person_tag.c.person_id)
                .join(tag, tag.c.id == person_tag.c.tag_id)
                .where(tag.c.name == tag_name)
            )
        )
    rows = list(
        conn.execute(
            stmt.order_by(func.lower(person.c.display_name), person.c.id)
            .limit(limit)
            .offset(offset)
        )
    )
    return summaries(conn, rows)


def summaries(conn: Connection, rows: Sequence[Any]) -> list[PersonSummary]:
    tags = _tags_of(conn, [r.id for r in rows])
    return [
        PersonSummary(
            id=r.id,
            display_name=r.display_name,
            organisation=r.organisation,
            title=r.title,
            tags=tuple(tags.get(r.id, ())),
        )
        for r in rows
    ]


def summaries_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, PersonSummary]:
    rows = list(
        conn.execute(
            select(person.c.id, person.c.display_name, person.c.organisation, person.c.title).where(
                person.c.id.in_(ids)
            )
        )
    )
    return {summary.id: summary for summary in summaries(conn, rows)}


def count_people(conn: Connection) -> int:
    return int(conn.scalar(select(func.count()).where(person.c.deleted_at.is_(None))) or 0)


def all_tags(conn: Connection) -> list[tuple[str, int]]:
    """Every tag in use with how many live people carry it."""
    rows = conn.execute(
        select(tag.c.name, func.count(person.c.id))
        .join(person_tag, person_tag.c.tag_id == tag.c.id)
        .join(person, and_(person.c.id == person_tag.c.person_id, person.c.deleted_at.is_(None)))
        .group_by(tag.c.name)
        .order_by(tag.c.name)
    )
    return [(str(name), int(n)) for name, n in rows]


def resolve(conn: Connection, ref: str) -> int:
    """A person's id from `#12`/`12`, an email address or (part of) a name.

    An exact name wins over a partial one, a partial one over a name merely alike (trigram
    similarity: "Jon Smtih" is John Smith); several candidates raise Ambiguous with them all.
    """
    ref = ref.strip()
    if not ref:
        raise InvalidInput("which person? give a name, an email address or #id")
    if re.fullmatch(r"#?\d+", ref):
        person_id = int(ref.lstrip("#"))
        if person_id > MAX_ID:  # SQL would overflow on it; no row has it
            raise NotFound(f"no person #{person_id}")
        get_person(conn, person_id)
        return person_id
    live = person.c.deleted_at.is_(None)
    if "@" in ref:
        found = conn.scalar(
            select(contact_point.c.person_id)
            .join(person, person.c.id == contact_point.c.person_id)
            .where(contact_point.c.kind == "email", contact_point.c.normalized == ref.lower(), live)
        )
        if found is not None:
            return int(found)
    exact = list(
        conn.execute(
            select(person.c.id, person.c.display_name).where(
                func.lower(person.c.display_name) == ref.lower(), live
            )
        )
    )
    if len(exact) == 1:
        return int(exact[0].id)
    candidates = exact or list_people(conn, query=ref, limit=50)
    if not candidates:  # a misspelt name ("Jon Smtih"): the names most like it
        alike = search.fuzzy_names(conn, ref, limit=10)
        if len(alike) == 1:
            return alike[0][0]
        if alike:
            raise Ambiguous(ref, [(person_id, name) for person_id, _, name in alike])
        raise NotFound(f"nobody called {ref!r}")
    if len(candidates) == 1:
        return int(candidates[0].id)
    raise Ambiguous(ref, [(c.id, c.display_name) for c in candidates])


def _insert_contact(
    conn: Connection,
    person_id: int,
    kind: str,
    value: str,
    *,
    label: str | None,
    source: str,
    region: str | None = None,
    source_record_id: int | None = None,
) -> int:
    if kind == "phone" and region is None:
        region = settings.default_region(conn)
    key = normalize(kind, value, region=region or DEFAULT_REGION)
    owner = conn.execute(
        select(contact_point.c.person_id, person.c.display_name)
        .join(person, person.c.id == contact_point.c.person_id)
        .where(contact_point.c.kind == kind, contact_point.c.normalized == key)
    ).first()
    if owner is not None:
        if owner.person_id == person_id:
            existing = conn.scalar(
                select(contact_point.c.id).where(
                    contact_point.c.kind == kind, contact_point.c.normalized == key
                )
            )
            return int(existing or 0)
        raise Conflict(
            f"{kind} {value.strip()} already belongs to {owner.display_name} (#{owner.person_id})"
        )
    try:
        result = conn.execute(
            insert(contact_point).values(
                person_id=person_id,
                kind=kind,
                value=value.strip(),
                normalized=key,
                label=clean(label),
                source=source,
                created_at=clock.now(),
                source_record_id=source_record_id,
            )
        )
    except IntegrityError as exc:  # a concurrent writer won the race for this address
        raise Conflict(f"{kind} {value.strip()} already belongs to someone else") from exc
    key_row = result.inserted_primary_key
    assert key_row is not None
    return int(key_row[0])


def _tags_of(conn: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    rows = conn.execute(
        select(person_tag.c.person_id, tag.c.name)
        .join(tag, tag.c.id == person_tag.c.tag_id)
        .where(person_tag.c.person_id.in_(ids))
        .order_by(tag.c.name)
    )
    for person_id, name in rows:
        out.setdefault(int(person_id), []).append(str(name))
    return out


def search_people(
    conn: Connection,
    query: str,
    *,
    limit: int = 50,
    offset: int = 0,
    tag_name: str | None = None,
    actor: Actor = SOLO,
) -> list[SearchHit]:
    """Ranked full-text search over names, organisations, titles, story facts and notes (in
    team mode, those the actor may see)."""
    hits = search.search(conn, query, limit=limit + offset, tag_name=tag_name, actor=actor)[offset:]
    found = summaries_by_id(conn, [person_id for person_id, _, _ in hits])
    return [
        SearchHit(person=found[person_id], score=score, snippet=snippet)
        for person_id, score, snippet in hits
        if person_id in found
    ]
