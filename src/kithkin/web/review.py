"""The weekly review: the Review page (`/review`) with its SVG charts and `GET /api/review`, one
view as HTML or JSON; the weekly goals and time budget, and the reflections written after
meetings and gatherings (forms and API). Every number comes from `services.review`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin.model import STORY_FIELDS, Reflection, to_jsonable
from kithkin.services import review as service
from kithkin.web import charts, guard
from kithkin.web.render import database, render
from kithkin.web.schemas import Id, Out, Text, api_errors
from kithkin.web.today import In, Posted, act

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["review"], responses=api_errors(conflict=None))


class WeekOut(Out, record=service.WeekCount):
    pass


class GoalOut(Out, record=service.Goal):
    actual: int | None = Field(description="null: kithkin has no data for this goal yet")


class DueOut(Out, record=service.Due):
    state: Literal["missed", "upcoming"]


class MemberLineOut(Out, record=service.MemberLine):
    due: list[DueOut]


class PointOut(Out, record=service.Point):
    pass


class ChangeOut(Out, record=service.Change):
    pass


class ReviewOut(Out, record=service.Review):
    goals: list[GoalOut]
    touches: list[WeekOut]
    circle: list[MemberLineOut]
    circle_strength: list[PointOut]
    heatmap: list[PointOut]
    grew: list[ChangeOut]
    faded: list[ChangeOut]
    kept: list[tuple[int, str]]
    missed: list[tuple[int, str]]
    new_people: list[tuple[int, str]]
    learned: list[tuple[int, str, list[str]]]
    gatherings: list[tuple[str, date]]
    reflections: list[tuple[date, str, str]]


class GoalsOut(Out):
    minutes: int | None = Field(description="Weekly time budget, minutes")
    conversations: int | None
    gatherings: int | None
    intros: int | None
    shares: int | None
    favours: int | None


class GoalsIn(In):
    minutes: int | None = Field(None, ge=0, le=10_000)
    conversations: int | None = Field(None, ge=0, le=10_000)
    gatherings: int | None = Field(None, ge=0, le=10_000)
    intros: int | None = Field(None, ge=0, le=10_000)
    shares: int | None = Field(None, ge=0, le=10_000)
    favours: int | None = Field(None, ge=0, le=10_000)


class PendingOut(Out, record=service.Pending):
    people: list[tuple[int, str]]


class ReflectionIn(In):
    text: Text
    meeting: Id | None = Field(None, description="The meeting, call or coffee: its id")
    gathering: str | Id | None = Field(None, description="The gathering: its name or id")
    day: date | None = None
    person: str | int | None = None
    story_field: Literal["work", "origin", "education", "passions", "drivers", "other"] | None = (
        None
    )


class ReflectionOut(Out, record=Reflection):
    pass


Week = Annotated[date | None, Query(description="A day of the week to review")]


def chart_context(found: service.Review) -> dict[str, Any]:
    """The geometry of the page's charts, from the review's numbers."""
    labels = [w.week.strftime("%d %b") for w in found.touches]
    first = found.touches[0].week if found.touches else found.week
    rows = [
        (
            line.display_name,
            f"/people/{line.person_id}",
            line.touches,
            [(d.day, d.state) for d in line.due],
        )
        for line in found.circle
    ]
    timeline, ticks, height = charts.timeline(rows, first, found.last_day)
    return {
        "touches_chart": charts.bars(
            labels,
            [
                ("mine", [w.mine for w in found.touches]),
                ("theirs", [w.theirs for w in found.touches]),
            ],
        ),
        "strength_chart": charts.line(
            [p.day.strftime("%d %b") for p in found.circle_strength],
            [p.value for p in found.circle_strength],
        ),
        "heat_chart": charts.heatmap([(p.day, p.value) for p in found.heatmap]),
        "timeline_rows": timeline,
        "timeline_ticks": ticks,
        "timeline_height": height,
    }


@pages.get("/review")
def review_page(request: Request, week: Week = None) -> HTMLResponse:
    db = database(request)
    found = service.review(db, week=week, actor=guard.actor(request))
    context = {
        "review": found,
        "goals": service.goals(db),
        "pending": service.pending(db, actor=guard.actor(request)),
        "story_fields": STORY_FIELDS,
        "previous": found.week - timedelta(weeks=1),
        "following": found.week + timedelta(weeks=1),
        **chart_context(found),
    }
    return render(request, "review.html", context)


@api.get("/review", summary="The weekly review, with the numbers of its charts")
def get_review(request: Request, week: Week = None) -> ReviewOut:
    return ReviewOut.model_validate(
        service.to_json(service.review(database(request), week=week, actor=guard.actor(request)))
    )


@api.get("/review/goals", summary="The weekly goals and time budget")
def get_goals(request: Request) -> GoalsOut:
    return GoalsOut.model_validate(service.goals(database(request)))


@api.put("/review/goals", summary="Set weekly goals (0 clears one; those left out are kept)")
def put_goals(request: Request, body: GoalsIn) -> GoalsOut:
    given = {k: v for k, v in body.model_dump().items() if v is not None}
    return GoalsOut.model_validate(service.set_goals(database(request), **given))


@pages.post("/review/goals")
def goals_form(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        names = ("minutes", "conversations", "gatherings", "intros", "shares", "favours")
        service.set_goals(database(request), **{n: form.text(n) for n in names})
        return "Saved your weekly goals."

    return act(request, "/review#goals", action)


@api.get("/review/pending", summary="Meetings and gatherings of the last 3 days to reflect on")
def get_pending(request: Request) -> list[PendingOut]:
    found = service.pending(database(request), actor=guard.actor(request))
    return [PendingOut.model_validate(to_jsonable(p)) for p in found]


@api.post(
    "/review/reflections", summary="A line on how a meeting or gathering went", status_code=201
)
def post_reflection(request: Request, body: ReflectionIn) -> ReflectionOut:
    done = service.reflect(
        database(request),
        text=body.text,
        meeting=body.meeting,
        gathering=body.gathering,
        day=body.day,
        person=body.person,
        story_field=body.story_field,
        actor=guard.actor(request),
    )
    return ReflectionOut.model_validate(to_jsonable(done))


@pages.post("/review/reflect")
def reflect_form(request: Request, form: Posted) -> RedirectResponse:
    """A reflection from Today or the Review page: `key` is "meeting:ID" or
    "gathering:ID:DAY", as `services.review.pending` names them."""

    def action() -> str:
        kind, _, rest = form.text("key").partition(":")
        meeting = int(rest) if kind == "meeting" and rest.isdigit() else None
        gathering, _, day = rest.partition(":") if kind == "gathering" else ("", "", "")
        person = form.optional("person")
        done = service.reflect(
            database(request),
            text=form.text("text"),
            meeting=meeting,
            gathering=int(gathering) if gathering.isdigit() else None,
            day=day or None,
            person=int(person) if person and person.isdigit() else person,
            story_field=form.optional("story_field"),
            actor=guard.actor(request),
        )
        kept = " It is in their story too." if done.story_fact_id else ""
        return f"Kept your reflection on {done.title}.{kept}"

    back = form.text("next") if form.text("next") in ("/", "/review") else "/review"
    return act(request, back, action)


# -- the person page's practice card: interactions per month, where we met ---------------------


class MonthOut(Out, record=service.MonthCount):
    pass


def person_context(request: Request, person_id: int) -> dict[str, Any]:
    """What the person page shows of the practice: the two-year chart and where we met."""
    from kithkin.services import gatherings

    db = database(request)
    months = service.person_months(db, person=person_id)
    chart = charts.bars(
        [m.month.strftime("%b %y") for m in months],
        [("mine", [m.mine for m in months]), ("theirs", [m.theirs for m in months])],
        height=150,
    )
    return {
        "months": months,
        "months_chart": chart,
        "met_at": gatherings.where_met(db, person=person_id),
    }


@api.get("/people/{person_id:int}/months", summary="Interactions per month over two years")
def person_months(request: Request, person_id: Id) -> list[MonthOut]:
    found = service.person_months(database(request), person=person_id)
    return [MonthOut.model_validate(to_jsonable(m)) for m in found]
