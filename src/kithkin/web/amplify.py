"""Amplification: the Amplify page (`/amplify`: the ratio month by month as an SVG chart with
its table, the ratio per network, whom I amplify, the amplify queue, and the forms to log a
share, follow a feed, fetch, set the target and import exports) and its API. Every write goes
through `services.amplify`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin.model import Feed, QueueItem, Share, count_of
from kithkin.services import amplify as service
from kithkin.web.guard import actor
from kithkin.web.render import database, render
from kithkin.web.schemas import Id, Out, Text, api_errors
from kithkin.web.today import In, Posted, act

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["amplify"], responses=api_errors())

Days = Annotated[int | None, Query(ge=1, le=service.MAX_DAYS, description="Window in days")]


class TallyOut(BaseModel):
    label: str = Field(description="A network, a month (2024-03), or all")
    own: int
    amplify: int
    percent: int | None = Field(description="Share of amplification; null: nothing shared")


class VoiceOut(BaseModel):
    person_id: int
    display_name: str
    count: int
    last_at: datetime | None


class PersonPair(BaseModel):
    person_id: int
    display_name: str


class UnknownVoice(BaseModel):
    author: str = Field(description="As the network names them: @name@host, did:plc:..., @user")
    count: int


class AmplifyOut(BaseModel):
    days: int
    target: int = Field(description="Target share of amplification, percent")
    overall: TallyOut
    networks: list[TallyOut]
    months: list[TallyOut]
    voices: list[VoiceOut] = Field(description="Whom I amplified most in the window")
    unamplified: list[PersonPair] = Field(description="Circle members I never amplified")
    unknown_authors: int
    unknown_voices: list[UnknownVoice] = Field(
        description="The most amplified authors who are nobody in kithkin yet"
    )
    last_own_at: datetime | None
    nudges: list[str]


class ShareOut(Out, record=Share):
    pass


class ShareIn(In):
    kind: Literal["own", "amplify"]
    of: str | None = Field(None, description="Whose voice: a name, an email address or #id")
    url: str | None = None
    note: str | None = None
    at: str | None = Field(None, description="When (default now): 2024-03-01, yesterday, ...")


class TargetIn(In):
    percent: int = Field(ge=0, le=100)


class TargetOut(BaseModel):
    target: int


class FeedOut(Out, record=Feed):
    pass


class FeedIn(In):
    person: Text = Field(description="A name, an email address or #id")
    url: str | None = Field(None, description="A feed or a website; none: their website URLs")


class QueueItemOut(Out, record=QueueItem):
    why: str = ""


class DecisionIn(In):
    action: Literal["shared", "dismissed"]


class FetchOut(BaseModel):
    feeds: int
    new_items: int
    lines: list[str]


class ImportIn(In):
    paths: list[Text] = Field(min_length=1, description="Paths on this computer")


class ImportOut(BaseModel):
    read: int
    added: int
    unchanged: int
    direct_left_out: int
    networks: dict[str, dict[str, int]]
    problems: list[str]
    ignored: list[str]


# -- the chart ---------------------------------------------------------------------------------

CHART_W, CHART_H, PAD_L, PAD_B, PAD_T = 640, 220, 36, 28, 22
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def chart(found: service.Report) -> dict[str, Any]:
    """The geometry of the month-by-month chart: one bar a month, its height the share of
    amplification (months with nothing shared have none), and the target as a line."""
    months = found.months
    plot_h = CHART_H - PAD_B - PAD_T
    slot = (CHART_W - PAD_L) / max(1, len(months))

    def y(percent: float) -> float:
        return round(PAD_T + plot_h * (1 - percent / 100), 1)

    bars = []
    for i, t in enumerate(months):
        percent = t.percent
        top = y(percent or 0)
        bars.append(
            {
                "x": round(PAD_L + i * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": top,
                "height": round(PAD_T + plot_h - top, 1),
                "label": t.label,
                "short": MONTHS[int(t.label[5:]) - 1],
                "text_x": round(PAD_L + i * slot + slot / 2, 1),
                "percent": percent,
                "own": t.own,
                "amplify": t.amplify,
                "below": percent is not None and percent < found.target,
            }
        )
    return {
        "width": CHART_W,
        "height": CHART_H,
        "left": PAD_L,
        "bottom": PAD_T + plot_h,
        "target_y": y(found.target),
        "grid": [(p, y(p)) for p in (0, 50, 100)],
        "bars": bars,
    }


# -- the page ------------------------------------------------------------------------------------


@pages.get("/amplify")
def amplify_page(request: Request, days: Days = None) -> HTMLResponse:
    db = database(request)
    found = service.report(db, days=days, actor=actor(request))
    context = {
        "report": found,
        "chart": chart(found),
        "queue": service.queue(db, limit=20, actor=actor(request)),
        "feeds": service.feeds(db),
        "recent": service.shares(db, limit=10, actor=actor(request)),
        "count_of": count_of,
    }
    return render(request, "amplify.html", context)


@pages.post("/amplify/share")
def share_form(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        made = service.log_share(
            database(request),
            kind=form.text("kind"),
            of=form.optional("of"),
            url=form.optional("url"),
            note=form.optional("note"),
            actor=actor(request),
        )
        whose = f" of {made.display_name}" if made.display_name else ""
        return f"Logged: {'your own post' if made.kind == 'own' else 'an amplification'}{whose}."

    return act(request, "/amplify", action)


@pages.post("/amplify/target")
def target_form(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        value = service.target(database(request), percent=form.text("percent"))
        return f"Target: {value}% of what you share amplifies others."

    return act(request, "/amplify", action)


@pages.post("/amplify/feeds")
def feed_form(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        done = service.add_feed(
            database(request), person=form.text("person"), url=form.optional("url")
        )
        urls = ", ".join(u for u, _ in done.urls)
        return f"Following {done.display_name}: {urls}. Fetch to read it."

    return act(request, "/amplify#queue", action)


@pages.post("/amplify/feeds/{feed_id}/remove")
def feed_remove_form(request: Request, feed_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        gone = service.remove_feed(database(request), feed_id=feed_id)
        return "Stopped following that feed." if gone else "No such feed."

    return act(request, "/amplify#feeds", action)


@pages.post("/amplify/fetch")
def fetch_form(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        done = service.fetch(database(request))
        return (
            f"Fetched {count_of(done.feeds, 'feed')}: {count_of(done.new_items, 'new post')}. "
            + " ".join(f"{line}." for line in done.lines)
        )

    return act(request, "/amplify#queue", action)


@pages.post("/amplify/queue/{item_id}")
def decide_form(request: Request, item_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        done = service.decide(
            database(request),
            item_id=item_id,
            action=form.text("action"),
            actor=actor(request),
        )
        what = done.title or done.url or "the post"
        if done.state == "shared":
            return f"Logged: you amplified {done.display_name} ({what})."
        return f"Not for you: {what}."

    return act(request, "/amplify#queue", action)


@pages.post("/amplify/authors")
def link_form(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        author = form.text("author")
        done = service.link_author(database(request), author=author, person=form.text("person"))
        return f"{author} is {done.display_name}: their shares are linked."

    return act(request, "/amplify#voices", action)


@pages.post("/amplify/import")
def import_form(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        paths = [p for p in form.text("paths").splitlines() if p.strip()]
        done = service.import_social(database(request), paths=paths, actor=actor(request))
        problems = "".join(f" {p}." for p in done.problems[:5])
        return f"Imported: {done.line()}.{problems}"

    return act(request, "/amplify", action)


# -- the API -------------------------------------------------------------------------------------


@api.get("/amplify", summary="The amplification ratio, whom I amplify, the nudges")
def get_amplify(request: Request, days: Days = None) -> AmplifyOut:
    return AmplifyOut.model_validate(
        service.report_json(service.report(database(request), days=days, actor=actor(request)))
    )


@api.put("/amplify/target", summary="The target share of amplification")
def put_target(request: Request, body: TargetIn) -> TargetOut:
    return TargetOut(target=service.target(database(request), percent=body.percent))


@api.get("/shares", summary="The share log, newest first")
def get_shares(
    request: Request, limit: Annotated[int, Query(ge=1, le=10_000)] = 50
) -> list[ShareOut]:
    return [
        ShareOut.model_validate(vars_of(s))
        for s in service.shares(database(request), limit=limit, actor=actor(request))
    ]


@api.post("/shares", summary="Log a share by hand: own, or an amplification")
def post_share(request: Request, body: ShareIn) -> ShareOut:
    made = service.log_share(
        database(request),
        kind=body.kind,
        of=body.of,
        url=body.url,
        note=body.note,
        at=body.at,
        actor=actor(request),
    )
    return ShareOut.model_validate(vars_of(made))


@api.get("/amplify/queue", summary="The amplify queue, best first")
def get_queue(
    request: Request, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[QueueItemOut]:
    return [
        QueueItemOut.model_validate({**vars_of(r.item), "why": r.why})
        for r in service.queue(database(request), limit=limit, actor=actor(request))
    ]


@api.post("/amplify/queue/{item_id:int}", summary="Shared it, or not for me")
def post_decision(request: Request, item_id: Id, body: DecisionIn) -> QueueItemOut:
    done = service.decide(
        database(request), item_id=item_id, action=body.action, actor=actor(request)
    )
    return QueueItemOut.model_validate(vars_of(done))


@api.get("/amplify/feeds", summary="The feeds of the amplify queue")
def get_feeds(request: Request) -> list[FeedOut]:
    return [FeedOut.model_validate(vars_of(f)) for f in service.feeds(database(request))]


@api.post("/amplify/feeds", summary="Follow a person's feed (or website)")
def post_feed(request: Request, body: FeedIn) -> list[FeedOut]:
    done = service.add_feed(database(request), person=body.person, url=body.url)
    return [
        FeedOut.model_validate(vars_of(f))
        for f in service.feeds(database(request))
        if f.person_id == done.person_id
    ]


@api.delete("/amplify/feeds/{feed_id:int}", summary="Stop following a feed")
def delete_feed(request: Request, feed_id: Id) -> list[FeedOut]:
    service.remove_feed(database(request), feed_id=feed_id)
    return [FeedOut.model_validate(vars_of(f)) for f in service.feeds(database(request))]


@api.post("/amplify/fetch", summary="Fetch the feeds now (the only time they are read)")
def post_fetch(request: Request) -> FetchOut:
    done = service.fetch(database(request))
    return FetchOut(feeds=done.feeds, new_items=done.new_items, lines=done.lines)


class LinkIn(In):
    author: Text = Field(description="As the network names them: @name@host, did:plc:..., @user")
    person: Text = Field(description="A name, an email address or #id")


class LinkOut(BaseModel):
    person_id: int
    display_name: str
    kind: str
    value: str


@api.post("/amplify/authors", summary="Give an amplified author to a person")
def post_link(request: Request, body: LinkIn) -> LinkOut:
    done = service.link_author(database(request), author=body.author, person=body.person)
    return LinkOut(
        person_id=done.person_id, display_name=done.display_name, kind=done.kind, value=done.value
    )


@api.post("/import/social", summary="Import share histories from exports on this computer")
def post_import(request: Request, body: ImportIn) -> ImportOut:
    done = service.import_social(database(request), paths=body.paths, actor=actor(request))
    return ImportOut(
        read=done.read,
        added=done.added,
        unchanged=done.unchanged,
        direct_left_out=done.direct,
        networks=done.by_network,
        problems=done.problems,
        ignored=done.ignored,
    )


def vars_of(record: object) -> dict[str, Any]:
    from dataclasses import fields

    return {f.name: getattr(record, f.name) for f in fields(record)}  # type: ignore[arg-type]
