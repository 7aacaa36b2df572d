"""Today: the home page (`/`) and `GET /api/today`, one view rendered as HTML or as JSON; its
snooze and dismiss (forms and API), logging a touch from it, and `GET /api/fading`.

Every form carries the CSRF token and redirects back with a flash message (POST-redirect-GET),
like the other pages. The circle (`web.circle`) and the briefs (`web.brief`) are built the
same way, and share this module's API error responses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kithkin.errors import KithkinError
from kithkin.model import count_of
from kithkin.services import today as service
from kithkin.web import guard
from kithkin.web.first_run import welcome
from kithkin.web.page_cache import kept, kept_json
from kithkin.web.photos import photo_ids
from kithkin.web.render import Form, checked_form, database, redirect, render, safe_next
from kithkin.web.schemas import Out, api_errors

SNOOZE_CHOICES: Final = (1, 3, 7, 14, 30)
TOP: Final = 3  # the items of a section shown at first, ranked; the rest behind "Show all"
API_RESPONSES: Final = api_errors(conflict=None)

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["today"], responses=API_RESPONSES)
Posted = Annotated[Form, Depends(checked_form)]


class In(BaseModel):
    """A JSON body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class PersonRef(BaseModel):
    """One of an item's people: the JSON of an `(id, name)` pair, which is no record."""

    id: int
    display_name: str


class ItemOut(Out, record=service.Item, exclude={"fingerprint", "score"}):
    """An agenda item (`services.today.item_json`): the record's fields but its fingerprint
    and score, its people as objects, and the commands that act on it, which no record has."""

    key: str = Field(description='"circle:12", "waiting:40", "fading:7", "meeting:i123"')
    people: list[PersonRef]
    actions: dict[str, Any]


class SectionOut(BaseModel):
    """A section of the agenda (`services.today.to_json`): a name and title of
    `services.today.SECTIONS` and its items, which no record holds together."""

    name: str
    title: str
    items: list[ItemOut]


class TodayOut(BaseModel):
    """The agenda (`services.today.to_json`): not the fields of `Agenda`, whose items are
    grouped here into sections and whose muted items are left out, so written by hand."""

    now: datetime
    sections: list[SectionOut]
    hidden: int
    warnings: list[str]


class MuteIn(In):
    key: str
    days: int = Field(service.SNOOZE_DAYS, ge=1, le=365)


class DismissIn(In):
    key: str


class MuteOut(BaseModel):
    """What a snooze or dismiss answers: the item's key and a message, no record's fields."""

    key: str
    action: Literal["snooze", "dismiss"]
    message: str


def act(request: Request, back: str, action: Callable[[], str]) -> RedirectResponse:
    """Run a form's use case; back to `back` with its message, or with the error."""
    try:
        message = action()
    except KithkinError as exc:
        return redirect(back, str(exc), kind="error")
    return redirect(back, message)


# -- the agenda: one view, a page and its JSON ---------------------------------------------------


def today_view(request: Request) -> service.Agenda:
    return service.current(database(request), actor=guard.actor(request))


@pages.get("/")
@kept
def today_page(request: Request) -> HTMLResponse:
    agenda = today_view(request)
    if not agenda.items and (first := welcome(request)) is not None:
        return first  # nothing kept yet: the first-run page
    shown = {pid for item in agenda.items for pid, _ in item.people}
    shown |= {int(b["person_id"]) for item in agenda.items for b in item.briefs}
    return render(
        request,
        "today.html",
        {
            "agenda": agenda,
            "photo_ids": photo_ids(request, shown),
            "sections": agenda.sections,
            "touch_kinds": service.TOUCH_KINDS,
            "snooze_choices": SNOOZE_CHOICES,
            "snooze_default": service.SNOOZE_DAYS,
            "top": TOP,
        },
    )


@api.get(
    "/today",
    summary="Today's agenda: meetings, waiting, circle due, fading",
    response_model=TodayOut,
)
def get_today(request: Request) -> Response:
    return kept_json(request, lambda: TodayOut.model_validate(service.to_json(today_view(request))))


# -- snooze, dismiss, log a touch ------------------------------------------------------------------


@pages.post("/today/mute")
def mute(request: Request, form: Posted) -> RedirectResponse:
    db, key = database(request), form.text("key")
    try:
        if form.text("do") == "dismiss":
            item = service.dismiss(db, key=key, actor=guard.actor(request))
        else:
            days = form.text("days") or str(service.SNOOZE_DAYS)
            item = service.snooze(db, key=key, days=days, actor=guard.actor(request))
    except KithkinError as exc:
        return redirect("/", str(exc), kind="error")
    who = ", ".join(name for _, name in item.people)
    if form.text("do") == "dismiss":
        return redirect("/", f"Dismissed: {who}. It comes back if its reason changes.")
    return redirect(
        "/", f"Snoozed for {count_of(int(days), 'day')}: {who}. Sooner if its reason changes."
    )


@api.post("/today/snooze", summary="Put an agenda item away for some days")
def snooze(request: Request, body: MuteIn) -> MuteOut:
    item = service.snooze(
        database(request), key=body.key, days=body.days, actor=guard.actor(request)
    )
    message = f"snoozed for {count_of(body.days, 'day')}, or until its reason changes"
    return MuteOut(key=item.key, action="snooze", message=message)


@api.post("/today/dismiss", summary="Dismiss an agenda item until its reason changes")
def dismiss(request: Request, body: DismissIn) -> MuteOut:
    item = service.dismiss(database(request), key=body.key, actor=guard.actor(request))
    return MuteOut(key=item.key, action="dismiss", message="dismissed until its reason changes")


@pages.post("/today/log")
def log_touch(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        done = service.log_touch(
            database(request),
            person=form.text("person_id"),
            kind=form.text("kind"),
            subject=form.optional("subject"),
            actor=guard.actor(request),
        )
        return f"Logged a {done.kind} with {done.display_name}: their cadence starts again."

    return act(request, safe_next(form.text("next"), "/"), action)


@api.get("/fading", summary="Conversations that are fading, and why")
def get_fading(request: Request) -> list[ItemOut]:
    items = service.fading(database(request), actor=guard.actor(request))
    return [ItemOut.model_validate(service.item_json(i)) for i in items]
