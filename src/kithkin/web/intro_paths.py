"""Who can introduce me: the page (`/intros/paths?to=...`, with its search form; the person
page links to it) and `GET /api/intros/paths?to=...`, one view rendered as HTML or as JSON;
and `GET /api/knows/{id}`, the people someone knows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse

from kithkin.errors import KithkinError
from kithkin.services import knows as service
from kithkin.web.guard import actor
from kithkin.web.photos import photo_ids
from kithkin.web.render import database, render
from kithkin.web.schemas import Id, Out, api_errors

pages = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api", tags=["intros"], responses=api_errors(conflict="A name that fits several people")
)
Target = Annotated[
    str,
    Query(
        min_length=1,
        max_length=300,
        pattern=r"\S",
        description="A person (name, address or #id), a mail address, a domain or an organisation",
    ),
]


class LegOut(Out, record=service.Leg):
    """One hop: whom it leads to, how strong, and its last evidence."""


class PathOut(Out, record=service.Path):
    """A path of one hop (I know them) or two (me → introducer → target); through a teammate
    (team mode) its first leg is the teammate's (`teammate`), then theirs."""


class IntroPathsOut(Out, record=service.IntroPaths):
    paths: list[PathOut]


class TieOut(Out, record=service.TieView):
    """A tie of a person: the other end and the last evidence."""


class PersonTiesOut(Out, record=service.PersonTies):
    ties: list[TieOut]


def paths_view(request: Request, to: str) -> IntroPathsOut:
    found = service.intro_paths(database(request), to=to, actor=actor(request))
    return IntroPathsOut.model_validate(service.to_json(found))


@pages.get("/intros/paths")
def paths_page(
    request: Request, to: Annotated[str | None, Query(max_length=300)] = None
) -> HTMLResponse:
    query = " ".join((to or "").split())
    found, error, status = None, None, 200
    if query:
        try:
            found = service.intro_paths(database(request), to=query, actor=actor(request))
        except KithkinError as exc:
            error, status = str(exc), exc.http_status
    shown = [leg.person_id for p in (found.paths if found else []) for leg in p.legs]
    context = {
        "query": query,
        "found": found,
        "error": error,
        "photo_ids": photo_ids(request, [pid for pid in shown if pid is not None]),
    }
    return render(request, "intro_paths.html", context, status=status)


@api.get("/intros/paths", summary="Who can introduce me to a person, an address, a domain")
def get_paths(request: Request, to: Target) -> IntroPathsOut:
    """Paths of one or two hops, ranked by their weaker leg, each leg with its tier and last
    evidence, and a hint when my own leg needs warming up."""
    return paths_view(request, to)


@api.get("/knows/{person_id}", summary="The people someone knows, strongest first")
def get_ties(request: Request, person_id: Id) -> PersonTiesOut:
    found = service.ties(database(request), person=person_id)
    return PersonTiesOut.model_validate(service.to_json_ties(found))
