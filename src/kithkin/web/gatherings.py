"""Gatherings: the Gatherings page (`/gatherings`) and `/api/gatherings`, one view as HTML or
JSON; adding (by rule, or picked from an imported calendar), removing, "I was there", people
met; the .ics download and the subscribed feed (`/feed/TOKEN.ics`, public: calendar apps do
not log in, the secret token is the key). Every write goes through `services.gatherings`."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from pydantic import Field
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kithkin import clock
from kithkin.model import Gathering, count_of
from kithkin.services import gathering_feed
from kithkin.services import gatherings as service
from kithkin.services.gatherings import Habit, Mark
from kithkin.web.render import database, render
from kithkin.web.schemas import Id, Out, Text, api_errors
from kithkin.web.today import In, Posted, act

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["gatherings"], responses=api_errors(conflict="A name taken"))
ICS_TYPE = "text/calendar; charset=utf-8"


class GatheringOut(Out, record=Gathering):
    pass


class MarkOut(Out, record=Mark):
    state: str = Field(description="attended, forgiven (within the skip budget) or missed")


class HabitOut(Out, record=Habit):
    score: float = Field(description="The exponential habit score, 0-100")
    marks: list[MarkOut]


class MetOut(Out):
    person_id: int
    display_name: str
    day: date


class StatusOut(Out, record=service.Status):
    gathering: GatheringOut
    habit: HabitOut
    met: list[MetOut]


class GatheringsOut(Out):
    gatherings: list[StatusOut]


class GatheringIn(In):
    name: Text
    rrule: Text = Field(description="RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=TH")
    at: Text = Field(description="Local start time, HH:MM")
    tz: str | None = Field(None, description="IANA zone; default: the server's")
    minutes: int | None = Field(None, ge=1, le=1440)
    first_day: date | None = None
    platform: str | None = None
    link: str | None = None
    hashtag: str | None = None
    channel: str | None = None
    group: str | None = None
    skip_budget: int | None = Field(None, ge=0, le=7)


class DayIn(In):
    day: date | None = Field(None, description="Default: its last occurrence")


class MetIn(In):
    person: Text = Field(description="A name, an email address or #id")
    day: date | None = None


def gatherings_view(request: Request) -> GatheringsOut:
    return GatheringsOut.model_validate(service.to_json(service.gatherings(database(request))))


@pages.get("/gatherings")
def gatherings_page(request: Request) -> HTMLResponse:
    db = database(request)
    context = {
        "found": service.gatherings(db),
        "series": service.calendar_series(db),
        "feed_token": gathering_feed.existing_token(db),
        "zone": service.local_zone_name(),
        "request_base": str(request.base_url).rstrip("/"),
        "today": clock.now().astimezone().date(),
    }
    return render(request, "gatherings.html", context)


@api.get("/gatherings", summary="The gatherings: schedule, next occurrence, habit, people met")
def get_gatherings(request: Request) -> GatheringsOut:
    return gatherings_view(request)


@pages.post("/gatherings/add")
def gathering_add(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        db = database(request)
        uid = form.optional("calendar_uid")
        extra = {
            "platform": form.optional("platform"),
            "link": form.optional("link"),
            "hashtag": form.optional("hashtag"),
            "channel": form.optional("channel"),
            "group": form.optional("group"),
        }
        if uid:
            done = service.add_from_calendar(db, uid=uid, name=form.optional("name"), **extra)
        else:
            done = service.add_gathering(
                db,
                name=form.text("name"),
                rrule=form.text("rrule"),
                at=form.text("at"),
                tz=form.optional("tz"),
                minutes=form.optional("minutes"),
                first_day=form.optional("first_day"),
                skip_budget=form.optional("skip_budget"),
                **extra,
            )
        found = service.gathering(db, gathering=done.id)
        return f"Added {done.name}: {found.schedule}."

    return act(request, "/gatherings", action)


@api.post("/gatherings", summary="Add a gathering", status_code=201)
def add_gathering(request: Request, body: GatheringIn) -> StatusOut:
    db = database(request)
    done = service.add_gathering(
        db,
        name=body.name,
        rrule=body.rrule,
        at=body.at,
        tz=body.tz,
        minutes=body.minutes,
        first_day=body.first_day,
        platform=body.platform,
        link=body.link,
        hashtag=body.hashtag,
        channel=body.channel,
        group=body.group,
        skip_budget=body.skip_budget,
    )
    return StatusOut.model_validate(service.to_json(service.gathering(db, gathering=done.id)))


@pages.post("/gatherings/{gathering_id}/remove")
def gathering_remove(request: Request, gathering_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        done = service.remove_gathering(database(request), gathering=gathering_id)
        return f"Removed {done.name}."

    return act(request, "/gatherings", action)


@api.delete("/gatherings/{gathering_id:int}", summary="Remove a gathering", status_code=204)
def remove_gathering(request: Request, gathering_id: Id) -> Response:
    service.remove_gathering(database(request), gathering=gathering_id)
    return Response(status_code=204)


@pages.post("/gatherings/{gathering_id}/attended")
def gathering_attended(request: Request, gathering_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        done = service.attended(database(request), gathering=gathering_id, day=form.optional("day"))
        said = "Noted" if done.new else "Already noted"
        return f"{said}: you were at {done.gathering.name} on {done.day.isoformat()}." + "".join(
            f" Note: {w}." for w in done.warnings
        )

    return act(request, "/gatherings", action)


@api.post("/gatherings/{gathering_id:int}/attended", summary="I was there")
def attended(request: Request, gathering_id: Id, body: DayIn) -> StatusOut:
    db = database(request)
    service.attended(db, gathering=gathering_id, day=body.day)
    return StatusOut.model_validate(service.to_json(service.gathering(db, gathering=gathering_id)))


@pages.post("/gatherings/{gathering_id}/met")
def gathering_met(request: Request, gathering_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        done = service.met_at(
            database(request),
            gathering=gathering_id,
            person=form.text("person"),
            day=form.optional("day"),
        )
        return f"Met {done.display_name} at {done.gathering.name} ({done.day.isoformat()})."

    return act(request, "/gatherings", action)


@api.post("/gatherings/{gathering_id:int}/met", summary="I met a person there")
def met(request: Request, gathering_id: Id, body: MetIn) -> StatusOut:
    db = database(request)
    service.met_at(db, gathering=gathering_id, person=body.person, day=body.day)
    return StatusOut.model_validate(service.to_json(service.gathering(db, gathering=gathering_id)))


@pages.post("/gatherings/feed")
def new_feed(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        db = database(request)
        had = gathering_feed.existing_token(db)
        gathering_feed.feed_token(db, new=True)
        if had:
            return "Made a new calendar address: the old one no longer works."
        return "Made your calendar address: add it to your calendar app."

    return act(request, "/gatherings#subscribe", action)


@pages.get("/gatherings/kithkin.ics")
def download(request: Request) -> Response:
    data, n, due = gathering_feed.calendar_bytes(database(request))
    return Response(
        data,
        media_type=ICS_TYPE,
        headers={
            "Content-Disposition": 'attachment; filename="kithkin.ics"',
            "X-Kithkin-Contents": f"{count_of(n, 'gathering')}, {count_of(due, 'reminder')}",
        },
    )


@pages.get("/feed/{token}.ics")
def feed(request: Request, token: str) -> Response:
    """The subscribed calendar: no login (calendar apps cannot), the token is the key."""
    return Response(gathering_feed.feed(database(request), token=token), media_type=ICS_TYPE)
