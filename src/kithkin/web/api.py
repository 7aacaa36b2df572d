"""The JSON API under /api: one route per store function, each in its own transaction."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from kithkin import clock
from kithkin.errors import NotFound
from kithkin.model import Person
from kithkin.store import activity, interactions, people, settings, story, trash
from kithkin.store import stats as store_stats
from kithkin.web.render import database
from kithkin.web.schemas import (
    ActionOut,
    ActivityOut,
    ContactIn,
    ContactOut,
    CreatedOut,
    ErrorOut,
    FactIn,
    FactOut,
    InteractionIn,
    MeIn,
    MeOut,
    MergeIn,
    MergeOut,
    NoteIn,
    NoteOut,
    PersonIn,
    PersonListItem,
    PersonOut,
    PersonPatch,
    SearchHitOut,
    StatsOut,
    TagIn,
    TagsOut,
    TimelineEntryOut,
    TrashItemOut,
    UndoOut,
)

router = APIRouter(
    prefix="/api",
    tags=["api"],
    responses={
        400: {"model": ErrorOut, "description": "Invalid input"},
        403: {"model": ErrorOut, "description": "Cross-origin write refused"},
        404: {"model": ErrorOut, "description": "Not found"},
        409: {"model": ErrorOut, "description": "Conflict, or a name that fits several people"},
        415: {"model": ErrorOut, "description": "Writes must be sent as application/json"},
    },
)

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


def _person(request: Request, person_id: int) -> Person:
    with database(request).read() as conn:
        return people.get_person(conn, person_id)


@router.get("/people", summary="List people, or search them when q is given")
def list_people(
    request: Request,
    q: str = "",
    tag: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[PersonListItem]:
    with database(request).read() as conn:
        if not q.strip():
            found = people.list_people(conn, tag_name=tag or None, limit=limit, offset=offset)
            return [PersonListItem.model_validate(asdict(s)) for s in found]
        hits = people.search_people(conn, q, limit=limit, offset=offset, tag_name=tag or None)
    return [
        PersonListItem.model_validate(
            {**asdict(hit.person), "snippet": hit.snippet, "score": hit.score}
        )
        for hit in hits
    ]


@router.post("/people", status_code=status.HTTP_201_CREATED)
def add_person(request: Request, body: PersonIn) -> PersonOut:
    with database(request).write() as conn:
        person_id = people.add_person(
            conn,
            display_name=body.display_name,
            given_name=body.given_name,
            family_name=body.family_name,
            organisation=body.organisation,
            title=body.title,
            contacts=[(c.kind, c.value) for c in body.contacts if c.label is None],
            tags=body.tags,
        )
        for c in body.contacts:
            if c.label is not None:
                people.add_contact(conn, person_id, c.kind, c.value, label=c.label)
        return PersonOut.of(people.get_person(conn, person_id))


@router.get("/people/{person_id}")
def get_person(request: Request, person_id: int) -> PersonOut:
    return PersonOut.of(_person(request, person_id))


@router.patch("/people/{person_id}")
def edit_person(request: Request, person_id: int, body: PersonPatch) -> PersonOut:
    with database(request).write() as conn:
        people.edit_person(conn, person_id, **body.model_dump(exclude_unset=True))
        return PersonOut.of(people.get_person(conn, person_id))


@router.delete("/people/{person_id}", summary="Move a person to the trash (undoable)")
def delete_person(request: Request, person_id: int) -> ActionOut:
    with database(request).write() as conn:
        name = people.get_person(conn, person_id).display_name
        activity_id = trash.delete_person(conn, person_id)
    return ActionOut(activity_id=activity_id, message=f"{name} is in the trash; undo restores them")


@router.post("/people/{person_id}/story", status_code=status.HTTP_201_CREATED)
def add_fact(request: Request, person_id: int, body: FactIn) -> FactOut:
    with database(request).write() as conn:
        fact_id = story.add_fact(
            conn,
            person_id,
            body.field,
            body.text,
            learned_on=body.learned_on,
            learned_where=body.learned_where,
        )
        fact = next(f for f in people.get_person(conn, person_id).story if f.id == fact_id)
    return FactOut.model_validate(asdict(fact))


@router.delete("/people/{person_id}/story/{fact_id}")
def remove_fact(request: Request, person_id: int, fact_id: int) -> PersonOut:
    with database(request).write() as conn:
        story.remove_fact(conn, person_id, fact_id)
        return PersonOut.of(people.get_person(conn, person_id))


@router.post("/people/{person_id}/notes", status_code=status.HTTP_201_CREATED)
def add_note(request: Request, person_id: int, body: NoteIn) -> NoteOut:
    with database(request).write() as conn:
        note_id = story.add_note(conn, person_id, body.text)
        note = next(n for n in people.get_person(conn, person_id).notes if n.id == note_id)
    return NoteOut.model_validate(asdict(note))


@router.post("/people/{person_id}/contacts", status_code=status.HTTP_201_CREATED)
def add_contact(request: Request, person_id: int, body: ContactIn) -> ContactOut:
    with database(request).write() as conn:
        contact_id = people.add_contact(conn, person_id, body.kind, body.value, label=body.label)
        found = people.get_person(conn, person_id).contact_points
    return ContactOut.model_validate(asdict(next(c for c in found if c.id == contact_id)))


@router.delete("/people/{person_id}/contacts/{contact_id}")
def remove_contact(request: Request, person_id: int, contact_id: int) -> PersonOut:
    with database(request).write() as conn:
        people.remove_contact(conn, person_id, contact_id)
        return PersonOut.of(people.get_person(conn, person_id))


@router.post("/people/{person_id}/tags")
def add_tag(request: Request, person_id: int, body: TagIn) -> TagsOut:
    with database(request).write() as conn:
        changed = people.add_tag(conn, person_id, body.name)
        tags = people.get_person(conn, person_id).tags
    return TagsOut(changed=changed, tags=list(tags))


@router.delete("/people/{person_id}/tags/{name:path}")
def remove_tag(request: Request, person_id: int, name: str) -> TagsOut:
    with database(request).write() as conn:
        if not people.remove_tag(conn, person_id, name):
            raise NotFound(f"#{person_id} is not tagged {name!r}")
        tags = people.get_person(conn, person_id).tags
    return TagsOut(changed=True, tags=list(tags))


@router.post("/people/{person_id}/merge", summary="Fold another person into this one (undoable)")
def merge(request: Request, person_id: int, body: MergeIn) -> MergeOut:
    with database(request).write() as conn:
        other_id = people.resolve(conn, str(body.other))
        activity_id = trash.merge_people(conn, person_id, other_id)
        kept = people.get_person(conn, person_id)
    return MergeOut(
        activity_id=activity_id,
        message=f"merged #{other_id} into {kept.display_name}; undo splits them again",
        person=PersonOut.of(kept),
    )


@router.get("/people/{person_id}/timeline")
def timeline(request: Request, person_id: int, limit: Limit = 100) -> list[TimelineEntryOut]:
    with database(request).read() as conn:
        entries = interactions.timeline(conn, person_id, limit=limit)
    return [TimelineEntryOut.model_validate(asdict(e)) for e in entries]


@router.post("/interactions", status_code=status.HTTP_201_CREATED)
def log_interaction(request: Request, body: InteractionIn) -> CreatedOut:
    at = body.occurred_at or clock.now()
    with database(request).write() as conn:
        interaction_id, created = interactions.log_interaction(
            conn,
            kind=body.kind,
            direction=body.direction,
            occurred_at=at if at.tzinfo else at.replace(tzinfo=UTC),
            participants=body.participants,
            subject=body.subject,
            summary=body.summary,
        )
    return CreatedOut(id=interaction_id, created=created)


@router.get("/search", summary="Ranked full-text search over names, stories and notes")
def search(request: Request, q: str, limit: Limit = 50) -> list[SearchHitOut]:
    with database(request).read() as conn:
        hits = people.search_people(conn, q, limit=limit)
    return [SearchHitOut.model_validate(asdict(hit)) for hit in hits]


@router.get("/stats")
def stats(request: Request) -> StatsOut:
    with database(request).read() as conn:
        return StatsOut.model_validate(asdict(store_stats.stats(conn)))


@router.get("/trash")
def list_trash(request: Request) -> list[TrashItemOut]:
    with database(request).read() as conn:
        rows = trash.trash(conn)
    return [TrashItemOut.model_validate({"person": asdict(s), "deleted_at": at}) for s, at in rows]


@router.post("/undo", summary="Undo the newest undoable action (a delete or a merge)")
def undo(request: Request) -> UndoOut:
    with database(request).write() as conn:
        return UndoOut(undone=trash.undo(conn))


@router.post("/trash/{person_id}/restore", summary="Take a deleted person out of the trash")
def restore(request: Request, person_id: int) -> PersonOut:
    with database(request).write() as conn:
        trash.restore_person(conn, person_id)
        return PersonOut.of(people.get_person(conn, person_id))


@router.get("/activity", summary="The newest entries of the activity log")
def recent_activity(request: Request, limit: Limit = 50) -> list[ActivityOut]:
    with database(request).read() as conn:
        return [ActivityOut.model_validate(asdict(a)) for a in activity.recent(conn, limit=limit)]


@router.get("/me")
def get_me(request: Request) -> MeOut:
    with database(request).read() as conn:
        return MeOut.model_validate(asdict(settings.get_me(conn)))


@router.put("/me")
def set_me(request: Request, body: MeIn) -> MeOut:
    with database(request).write() as conn:
        return MeOut.model_validate(
            asdict(settings.set_me(conn, name=body.name, addresses=body.addresses))
        )
