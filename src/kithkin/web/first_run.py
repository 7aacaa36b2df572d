"""The first run: on a database with nothing in it yet, Today (`/`) is a welcome: who are you
(a name and addresses), bring contacts, mail or a calendar in, or open the demo network here.
`GET /api/first-run` says whether the database is empty; `POST /api/demo` fills it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kithkin.errors import KithkinError
from kithkin.services import first_run as service
from kithkin.services import me as myself
from kithkin.web.guard import actor
from kithkin.web.render import Form, checked_form, database, redirect, render
from kithkin.web.schemas import API_RESPONSES, MeOut

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"], responses=API_RESPONSES)
Posted = Annotated[Form, Depends(checked_form)]


class FirstRunOut(BaseModel):
    empty: bool = Field(description="No person (not even in the trash) and no interaction yet")
    me: MeOut


class DemoIn(BaseModel):
    seed: int = Field(7, ge=0, le=2**31, description="The seed of the generated network")


class DemoOut(BaseModel):
    people: int
    interactions: int
    story_facts: int
    me: str


def welcome(
    request: Request, *, error: str | None = None, typed: dict[str, str] | None = None
) -> HTMLResponse | None:
    """The first-run page when the database is empty, else None."""
    found = service.first_run(database(request), actor=actor(request))
    if found is None:
        return None
    context: dict[str, Any] = {"me": found.me, "error": error, "typed": typed or {}}
    return render(request, "first_run.html", context, status=400 if error else 200)


@pages.post("/first-run/me")
def who_i_am(request: Request, form: Posted) -> Response:
    """My name and addresses, given on the welcome (added to those known)."""
    addresses = form.text("addresses").replace(",", " ").split()
    try:
        me = myself.init(
            database(request),
            name=form.optional("name"),
            addresses=addresses,
            actor=actor(request),
        )
    except KithkinError as exc:
        page = welcome(request, error=str(exc), typed=form.values())
        return page or redirect("/", str(exc), kind="error")
    hello = f"Welcome, {me.name}." if me.name else "Saved."
    count = len(me.addresses)
    known = f" kithkin has {count} address{'es' if count != 1 else ''} of yours."
    return redirect("/", hello + known + " Now bring your network in.")


@pages.post("/demo")
def demo_form(request: Request, form: Posted) -> RedirectResponse:
    try:
        made = service.open_demo(database(request))
    except KithkinError as exc:
        return redirect("/", str(exc), kind="error")
    return redirect(
        "/",
        f"The demo network is open: {made.people} people and {made.interactions} "
        f"interactions of {made.me}, a fictional CIO.",
    )


@api.get("/first-run", summary="Whether the database is empty, and who I am so far")
def get_first_run(request: Request) -> FirstRunOut:
    db = database(request)
    found = service.first_run(db, actor=actor(request))
    me = found.me if found is not None else myself.get_me(db, actor=actor(request))
    return FirstRunOut(empty=found is not None, me=MeOut.model_validate(vars(me)))


@api.post("/demo", status_code=201, summary="Fill an empty database with the demo network")
def post_demo(request: Request, body: DemoIn | None = None) -> DemoOut:
    made = service.open_demo(database(request), seed=body.seed if body else 7)
    return DemoOut(
        people=made.people, interactions=made.interactions, story_facts=made.story_facts, me=made.me
    )
