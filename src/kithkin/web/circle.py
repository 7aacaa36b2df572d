"""The circle: the Circle page (`/circle`) and `GET /api/circle`, one view rendered as HTML or
as JSON; adding and removing members, the cadences and the cap (forms and API), and the
suggestions. Every write goes through `services.circle`, which says the cap warning."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin.model import Member, count_of, to_jsonable
from kithkin.services import circle as service
from kithkin.web.guard import actor
from kithkin.web.photos import photo_ids
from kithkin.web.render import database, render, safe_next
from kithkin.web.schemas import Id, Out, Text, api_errors
from kithkin.web.today import In, Posted, act

pages = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api", tags=["today"], responses=api_errors(conflict="A name that fits several people")
)


class MemberOut(
    Out,
    record=(Member, service.Status),
    exclude={
        "title", "cadence_days", "source", "added_at", "weight", "reciprocity", "computed_at",
        "member",
    },
):  # fmt: skip
    """A member's status (`services.circle.to_json`): the member's fields flattened into it."""

    state: Literal["ok", "due", "overdue"]


class CircleOut(Out, record=service.Circle, exclude={"now"}):
    members: list[MemberOut]
    warnings: list[str] = Field(
        default_factory=list, description="What the last change warns of (past the cap)"
    )


class MemberIn(In):
    person: Text = Field(description="A name, an email address or #id")
    cadence_days: int | None = Field(None, ge=1, le=3660)


class CadenceIn(In):
    days: int | None = Field(
        ge=1, le=3660, description="null: back to the tag's or the default cadence"
    )


class SettingsIn(In):
    cap: int | None = Field(None, ge=1, le=1000)
    default_cadence: int | None = Field(None, ge=1, le=3660)


class SuggestionOut(Out, record=service.Suggestion):
    action: Literal["add", "remove"]


# -- the circle: one view, a page and its JSON -----------------------------------------------------


def circle_view(request: Request, warnings: list[str] | None = None) -> CircleOut:
    found = service.to_json(service.circle(database(request), actor=actor(request)))
    return CircleOut.model_validate({**found, "warnings": warnings or []})


@pages.get("/circle")
def circle_page(request: Request) -> HTMLResponse:
    db = database(request)
    found = service.circle(db, actor=actor(request))
    suggestions = service.suggestions(db, current=found, actor=actor(request))
    shown = [s.member.person_id for s in found.members] + [s.person_id for s in suggestions]
    context = {"circle": found, "suggestions": suggestions, "photo_ids": photo_ids(request, shown)}
    return render(request, "circle.html", context)


@api.get("/circle", summary="The circle: members, cadences, due and overdue, the cap")
def get_circle(request: Request) -> CircleOut:
    return circle_view(request)


@api.get("/circle/suggestions", summary="Who deserves a place; who dropped out")
def suggestions(
    request: Request, limit: Annotated[int | None, Query(ge=1, le=50)] = None
) -> list[SuggestionOut]:
    """As many as the circle has free places (at most `limit`), strongest first."""
    found = service.suggestions(database(request), limit=limit, actor=actor(request))
    return [SuggestionOut.model_validate(to_jsonable(s)) for s in found]


# -- members ---------------------------------------------------------------------------------------


@pages.post("/circle/add")
def circle_add(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        done = service.add_members(
            database(request),
            people=[form.text("person")],
            cadence_days=form.text("cadence"),
            actor=actor(request),
        )
        [(_, name, added)] = done.people
        said = f"Added {name} to your circle." if added else f"{name} is in your circle already."
        return said + "".join(f" Note: {w}." for w in done.warnings)

    return act(request, safe_next(form.text("next"), "/circle"), action)


@api.post("/circle", summary="Put a person in the circle")
def add_member(request: Request, body: MemberIn) -> CircleOut:
    done = service.add_members(
        database(request),
        people=[body.person],
        cadence_days=body.cadence_days,
        actor=actor(request),
    )
    return circle_view(request, done.warnings)


@pages.post("/circle/{person_id}/remove")
def circle_remove(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        [(_, name, removed)] = service.remove_members(
            database(request), people=[person_id], actor=actor(request)
        ).people
        return f"Took {name} out of your circle." if removed else f"{name} was not in it."

    return act(request, "/circle", action)


@api.delete("/circle/{person_id:int}", summary="Take a person out of the circle")
def remove_member(request: Request, person_id: Id) -> CircleOut:
    service.remove_members(database(request), people=[person_id], actor=actor(request))
    return circle_view(request)


# -- cadences and the cap --------------------------------------------------------------------------


@pages.post("/circle/{person_id}/cadence")
def circle_cadence(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        done = service.set_cadence(
            database(request), person=person_id, days=form.text("days") or "0", actor=actor(request)
        )
        name = done.display_name
        return (
            f"{name}: every {count_of(done.days, 'day')}."
            if done.days
            else f"{name}: the usual cadence."
        )

    return act(request, "/circle", action)


@api.put("/circle/{person_id:int}/cadence", summary="A member's own cadence")
def member_cadence(request: Request, person_id: Id, body: CadenceIn) -> CircleOut:
    service.set_cadence(database(request), person=person_id, days=body.days, actor=actor(request))
    return circle_view(request)


def save_settings(request: Request, form: Posted) -> str:
    """The cap-and-cadences form (on this page and on Settings) saved; what it did, in words."""
    done = service.settings(
        database(request),
        cap=form.text("cap"),
        default_cadence=form.text("cadence"),
        tag=form.text("tag"),
        tag_days=form.text("tag_days"),
    ).done
    return ("Saved: " + "; ".join(done) + ".") if done else "Nothing changed."


@pages.post("/circle/settings")
def circle_settings(request: Request, form: Posted) -> RedirectResponse:
    return act(request, "/circle", lambda: save_settings(request, form))


@api.put("/circle/settings", summary="The circle's cap and default cadence")
def settings(request: Request, body: SettingsIn) -> CircleOut:
    service.settings(database(request), cap=body.cap, default_cadence=body.default_cadence)
    return circle_view(request)


@api.put("/circle/tags/{tag}", summary="The cadence of members with this tag")
def tag_cadence(request: Request, tag: str, body: CadenceIn) -> CircleOut:
    service.set_tag_cadence(database(request), tag=tag, days=body.days)
    return circle_view(request)
