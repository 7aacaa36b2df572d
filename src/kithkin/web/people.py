"""People: the list, the add form, a person's page and its forms, and `/api/people`.

Every handler parses what was sent, calls one use case of `kithkin.services.people` and
renders its result: as a page (forms redirect back with a flash message) or as JSON.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Query, Request, status
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin.errors import InvalidInput, KithkinError, NotFound
from kithkin.model import MAX_ID
from kithkin.services import intros, people, relationships, service
from kithkin.services import search as searching
from kithkin.services.people import EDITABLE, NewContact
from kithkin.web import guard, review
from kithkin.web.page_cache import kept
from kithkin.web.photos import photo_ids
from kithkin.web.render import Form, attempt, checked_form, database, redirect, render
from kithkin.web.schemas import (
    API_RESPONSES,
    ActionOut,
    ContactIn,
    ContactOut,
    Id,
    MergeIn,
    MergeOut,
    PersonIn,
    PersonListItem,
    PersonOut,
    PersonPatch,
    TagIn,
    TagsOut,
)

PAGE_SIZE: Final = 50
pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"], responses=API_RESPONSES)
Posted = Annotated[Form, Depends(checked_form)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]


def _tags(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


# -- pages ------------------------------------------------------------------------------------


@pages.get("/people")
@kept
def people_page(
    request: Request,
    q: str = "",
    tag: str = "",
    page: int = Query(1, ge=1),
) -> HTMLResponse:
    q, tag = q.strip(), tag.strip()
    found = searching.browse(
        database(request),
        actor=guard.actor(request),
        query=q,
        tag=tag or None,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    rows = found.rows[:PAGE_SIZE]
    shown = [person.id for person, _ in rows]
    return render(
        request,
        "people.html",
        {
            "photo_ids": photo_ids(request, shown),
            "strengths": relationships.strengths(
                database(request), people=shown, actor=guard.actor(request)
            ),
            "q": q,
            "tag": tag,
            "tags": found.tags,
            "total": found.total,
            "rows": rows,
            "page": page,
            "has_next": len(found.rows) > PAGE_SIZE,
        },
    )


@pages.get("/people/new")
def new_person_page(request: Request) -> HTMLResponse:
    tags = [name for name, _ in people.known_tags(database(request))]
    return render(request, "person_new.html", {"values": {}, "error": None, "known_tags": tags})


@pages.get("/people/{person_id}")
@kept
def person_page(request: Request, person_id: Id) -> HTMLResponse:
    page = people.person_page(
        database(request), actor=guard.actor(request), person=person_id, timeline=100, threads=20
    )
    person = page.person
    return render(
        request,
        "person.html",
        {
            "photo_ids": photo_ids(request, [person.id]),
            "person": person,
            "story": person.story_by_field(),
            "completeness": person.story_completeness(),
            "gaps": person.story_gaps(),
            "timeline": page.timeline,
            "threads": page.threads,
            "known_tags": page.other_tags,
            "relationship": page.strength.report,
            **review.person_context(request, person.id),
            "open_intros": intros.intros_of(database(request), person=person.id),
            "person_service": service.person_service(
                database(request), actor=guard.actor(request), person=person.id
            ),
        },
    )


# -- forms ------------------------------------------------------------------------------------


@pages.post("/people/new", response_model=None)
def add_person_form(request: Request, form: Posted) -> RedirectResponse | HTMLResponse:
    db = database(request)
    contacts = [NewContact(kind, form.text(kind)) for kind in ("email", "phone", "url")]
    try:
        added = people.add_person(
            db,
            actor=guard.actor(request),
            display_name=form.optional("display_name"),
            given_name=form.optional("given_name"),
            family_name=form.optional("family_name"),
            organisation=form.optional("organisation"),
            title=form.optional("title"),
            contacts=[c for c in contacts if c.value],
            tags=_tags(form.text("tags")),
        )
    except KithkinError as exc:
        known = [tag for tag, _ in people.known_tags(db)]
        context = {"values": form.values(), "error": str(exc), "known_tags": known}
        return render(request, "person_new.html", context, status=exc.http_status)
    name = added.person.display_name
    return redirect(
        f"/people/{added.person.id}",
        f"Added {name}. What do you know of their story? Note it below.",
    )


@pages.post("/people/{person_id}/edit")
def edit_person_form(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        changes = {key: form.text(key) for key in EDITABLE}
        edited = people.edit_person(
            database(request), actor=guard.actor(request), person=person_id, changes=changes
        )
        changed = edited.changed
        return f"Saved {', '.join(changed).replace('_', ' ')}." if changed else "Nothing changed."

    return attempt(f"/people/{person_id}", action)


@pages.post("/people/{person_id}/contacts")
def add_contact_form(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        kind, value = form.text("kind"), form.text("value")
        contact = NewContact(kind, value, form.optional("label"))
        people.add_contact(
            database(request), actor=guard.actor(request), person=person_id, contact=contact
        )
        return f"Added {kind} {value}."

    return attempt(f"/people/{person_id}#contacts", action)


@pages.post("/people/{person_id}/contacts/{contact_id}/remove")
def remove_contact_form(
    request: Request, person_id: Id, contact_id: Id, form: Posted
) -> RedirectResponse:
    def action() -> str:
        people.remove_contact(
            database(request), actor=guard.actor(request), person=person_id, contact_id=contact_id
        )
        return "Contact point removed."

    return attempt(f"/people/{person_id}#contacts", action)


@pages.post("/people/{person_id}/tags")
def add_tag_form(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        names = _tags(form.text("tag"))
        if not names:
            raise InvalidInput("which tag?")
        added = people.add_tags(
            database(request), actor=guard.actor(request), person=person_id, tags=names
        ).changed
        return f"Tagged {', '.join(added)}." if added else "They already had that tag."

    return attempt(f"/people/{person_id}", action)


@pages.post("/people/{person_id}/tags/remove")
def remove_tag_form(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        name = form.text("tag")
        removed = people.remove_tag(
            database(request), actor=guard.actor(request), person=person_id, tag=name
        ).changed
        return f"Removed the tag {name}." if removed else f"They were not tagged {name}."

    return attempt(f"/people/{person_id}", action)


@pages.post("/people/{person_id}/delete")
def delete_person_form(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    try:
        deleted = people.delete_person(
            database(request), actor=guard.actor(request), person=person_id
        )
    except KithkinError as exc:
        return redirect(f"/people/{person_id}", str(exc), kind="error")
    message = (
        f"{deleted.display_name} is in the trash for {deleted.trash_days} days. You can undo this."
    )
    return redirect("/people", message, undo=True)


@pages.post("/people/{person_id}/merge")
def merge_form(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        merged = people.merge_people(
            database(request), actor=guard.actor(request), keep=person_id, other=form.text("other")
        )
        return (
            f"Merged {merged.other_name} (#{merged.other_id}) into this person. You can undo this."
        )

    return attempt(f"/people/{person_id}", action, undo=True)


# -- the JSON API -----------------------------------------------------------------------------


@api.get("/people", summary="List people, or search them when q is given")
def list_people(
    request: Request,
    q: str = "",
    tag: str | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[PersonListItem]:
    db = database(request)
    if not q.strip():
        found = people.list_people(db, tag=tag or None, limit=limit, offset=offset).people
        return [PersonListItem.model_validate(asdict(s)) for s in found]
    hits = searching.search(
        db, actor=guard.actor(request), query=q, limit=limit, offset=offset, tag=tag or None
    )
    return [
        PersonListItem.model_validate(
            {**asdict(hit.person), "snippet": hit.snippet, "score": hit.score}
        )
        for hit in hits
    ]


@api.post("/people", status_code=status.HTTP_201_CREATED)
def add_person(request: Request, body: PersonIn) -> PersonOut:
    added = people.add_person(
        database(request),
        actor=guard.actor(request),
        display_name=body.display_name,
        given_name=body.given_name,
        family_name=body.family_name,
        organisation=body.organisation,
        title=body.title,
        contacts=[NewContact(c.kind, c.value, c.label) for c in body.contacts],
        tags=body.tags,
    )
    return PersonOut.of(added.person)


@api.get("/people/{person_id}")
def get_person(request: Request, person_id: Id) -> PersonOut:
    return PersonOut.of(
        people.get_person(database(request), actor=guard.actor(request), person=person_id)
    )


@api.patch("/people/{person_id}")
def edit_person(request: Request, person_id: Id, body: PersonPatch) -> PersonOut:
    changes = body.model_dump(exclude_unset=True)
    return PersonOut.of(
        people.edit_person(
            database(request), actor=guard.actor(request), person=person_id, changes=changes
        ).person
    )


@api.delete("/people/{person_id}", summary="Move a person to the trash (undoable)")
def delete_person(request: Request, person_id: Id) -> ActionOut:
    deleted = people.delete_person(database(request), actor=guard.actor(request), person=person_id)
    return ActionOut(
        activity_id=deleted.activity_id,
        message=f"{deleted.display_name} is in the trash; undo restores them",
    )


@api.post("/people/{person_id}/contacts", status_code=status.HTTP_201_CREATED)
def add_contact(request: Request, person_id: Id, body: ContactIn) -> ContactOut:
    contact = NewContact(body.kind, body.value, body.label)
    added = people.add_contact(
        database(request), actor=guard.actor(request), person=person_id, contact=contact
    )
    return ContactOut.model_validate(asdict(added.contact))


@api.delete("/people/{person_id}/contacts/{contact_id}")
def remove_contact(request: Request, person_id: Id, contact_id: Id) -> PersonOut:
    return PersonOut.of(
        people.remove_contact(
            database(request), actor=guard.actor(request), person=person_id, contact_id=contact_id
        )
    )


@api.post("/people/{person_id}/tags")
def add_tag(request: Request, person_id: Id, body: TagIn) -> TagsOut:
    result = people.add_tags(
        database(request), actor=guard.actor(request), person=person_id, tags=[body.name]
    )
    return TagsOut(changed=bool(result.changed), tags=list(result.tags))


@api.delete("/people/{person_id}/tags/{name:path}")
def remove_tag(request: Request, person_id: Id, name: str) -> TagsOut:
    result = people.remove_tag(
        database(request), actor=guard.actor(request), person=person_id, tag=name
    )
    if not result.changed:
        raise NotFound(f"#{person_id} is not tagged {name!r}")
    return TagsOut(changed=True, tags=list(result.tags))


@api.post("/people/{person_id}/merge", summary="Fold another person into this one (undoable)")
def merge(request: Request, person_id: Id, body: MergeIn) -> MergeOut:
    merged = people.merge_people(
        database(request), actor=guard.actor(request), keep=person_id, other=str(body.other)
    )
    kept = merged.person
    return MergeOut(
        activity_id=merged.activity_id,
        message=f"merged #{merged.other_id} into {kept.display_name}; undo splits them again",
        person=PersonOut.of(kept),
    )
