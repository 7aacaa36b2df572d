"""The HTML pages (GET): people, add person, a person, the trash."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin import clock
from kithkin.model import PersonSummary
from kithkin.practices import strength
from kithkin.services import relationships as refresh
from kithkin.store import interactions, mail_threads, people, trash
from kithkin.web.render import database, render

PAGE_SIZE: Final = 50
router = APIRouter(include_in_schema=False)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/people", status_code=303)


@router.get("/people")
def people_page(
    request: Request,
    q: str = "",
    tag: str = "",
    page: int = Query(1, ge=1),
) -> HTMLResponse:
    q, tag = q.strip(), tag.strip()
    start = (page - 1) * PAGE_SIZE
    rows: list[tuple[PersonSummary, str | None]]
    with database(request).read() as conn:
        tags = people.all_tags(conn)
        total = people.count_people(conn)
        if q:
            hits = people.search_people(
                conn, q, limit=PAGE_SIZE + 1, offset=start, tag_name=tag or None
            )
            rows = [(hit.person, hit.snippet) for hit in hits]
        else:
            found = people.list_people(
                conn, tag_name=tag or None, limit=PAGE_SIZE + 1, offset=start
            )
            rows = [(summary, None) for summary in found]
    return render(
        request,
        "people.html",
        {
            "q": q,
            "tag": tag,
            "tags": tags,
            "total": total,
            "rows": rows[:PAGE_SIZE],
            "page": page,
            "has_next": len(rows) > PAGE_SIZE,
        },
    )


@router.get("/people/new")
def new_person_page(request: Request) -> HTMLResponse:
    with database(request).read() as conn:
        tags = [name for name, _ in people.all_tags(conn)]
    return render(request, "person_new.html", {"values": {}, "error": None, "known_tags": tags})


@router.get("/people/{person_id}")
def person_page(request: Request, person_id: int) -> HTMLResponse:
    with database(request).read() as conn:
        person = people.get_person(conn, person_id)
        entries = interactions.timeline(conn, person_id, limit=100)
        threads = mail_threads.threads_of(conn, person_id, limit=20)
        tags = [name for name, _ in people.all_tags(conn) if name not in person.tags]
        now = clock.now()
        relationship = strength.report(person_id, refresh.of_person(conn, person_id, now), now)
    return render(
        request,
        "person.html",
        {
            "person": person,
            "story": person.story_by_field(),
            "completeness": person.story_completeness(),
            "gaps": person.story_gaps(),
            "timeline": entries,
            "threads": threads,
            "known_tags": tags,
            "relationship": relationship,
        },
    )


@router.get("/trash")
def trash_page(request: Request) -> HTMLResponse:
    with database(request).read() as conn:
        deleted = trash.trash(conn)
        last = trash.last_undoable(conn)
    return render(request, "trash.html", {"deleted": deleted, "last_undoable": last})
