"""Introductions with double opt-in: the Intros page (`/intros`, the pipeline), the preview of
a proposal's two consent requests and its "send both" button, the buttons that carry an intro
on (send what is ready, yes / no for an unclear answer, the one follow-up, the outcome), and the
API around the same use cases (`services.intros`): `GET /api/intros`, `GET /api/intros/{id}`,
`POST /api/intros` (a dry run unless `send`), `POST /api/intros/{id}/send`,
`POST /api/intros/{id}/consent`, `POST /api/intros/{id}/follow-up`,
`POST /api/intros/{id}/outcome`; and the introductions others made for me (an introducer's
record on intro paths): `GET|POST /api/intros/received`,
`POST /api/intros/received/{id}/outcome`."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import Field
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin.model import Received, to_jsonable
from kithkin.services import intros as service
from kithkin.services import unsubscribe
from kithkin.web.render import database, render
from kithkin.web.schemas import Id, Out, Text, api_errors
from kithkin.web.today import In, Posted, act

pages = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api",
    tags=["intros"],
    responses=api_errors(conflict="A decline is final; an intro already under way"),
)


class PartyOut(Out, record=service.PartyView):
    answer: Literal["yes", "no", "unclear"] | None


class IntroOut(Out, record=service.IntroView):
    pass


class RequestDraftOut(Out, record=service.RequestDraft):
    pass


class SendStepOut(Out, record=service.SendStep):
    pass


class ProposalOut(Out, record=service.Proposal):
    pass


class ProposeIn(In):
    a: Text = Field(description="A name, an email address or #id")
    b: Text = Field(description="A name, an email address or #id")
    why: Text = Field(max_length=1000, description="Why they should meet, in your words")
    send: bool = Field(False, description="Record the intro and send both consent requests")


class SendIn(In):
    retry: bool = Field(False, description="Send again a mail a crash left half-sent")


class ConsentIn(In):
    person: Text = Field(description="Which of the two: a name, an email address or #id")
    answer: Literal["yes", "no"]


class FollowUpIn(In):
    person: Text


class OutcomeIn(In):
    outcome: Literal["met", "not_yet", "no"]


class ReceivedOut(Out, record=Received):
    outcome: Literal["met", "not_yet", "no"] | None


class ReceivedIn(In):
    by: Text = Field(description="Who introduced you: a name, an email address or #id")
    to: Text = Field(description="Whom they introduced you to")
    at: str | None = Field(None, max_length=100, description="When (default: now)")
    why: str | None = Field(None, max_length=1000)
    outcome: Literal["met", "not_yet", "no"] | None = None


# -- the page ---------------------------------------------------------------------------------


@pages.get("/intros")
def intros_page(request: Request) -> HTMLResponse:
    found = service.list_intros(database(request))
    counts = dict.fromkeys(("proposed", "asked", "consented", "declined", "introduced"), 0)
    for view in found:
        counts[view.status] = counts.get(view.status, 0) + 1
    todo = [v for v in found if _needs_me(v)]
    # A link from elsewhere (Today's "introduce them?") fills the form in; nothing is sent.
    prefill = {k: request.query_params.get(k, "")[:1000] for k in ("a", "b", "why")}
    return render(
        request,
        "intros.html",
        {
            "intros": found,
            "counts": counts,
            "todo": todo,
            "prefill": prefill,
            "received": service.received(database(request), limit=20),
        },
    )


def _needs_me(view: service.IntroView) -> bool:
    return (
        view.check_due
        or (view.ready_to_send > 0 and view.status != "declined")
        or any(p.answer == "unclear" or p.follow_up_due for p in view.parties)
    )


@pages.post("/intros/preview", response_model=None)
def intros_preview(request: Request, form: Posted) -> HTMLResponse | RedirectResponse:
    from kithkin.errors import KithkinError
    from kithkin.web.render import redirect

    try:
        found = service.propose(
            database(request), a=form.text("a"), b=form.text("b"), why=form.text("why")
        )
    except KithkinError as exc:
        return redirect("/intros", str(exc), kind="error")
    ready = unsubscribe.smtp_settings(database(request)) is not None
    context = {"proposal": found, "form": form.values(), "smtp_ready": ready}
    return render(request, "intros_preview.html", context)


@pages.post("/intros/propose")
def intros_propose(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        done = service.propose(
            database(request), a=form.text("a"), b=form.text("b"), why=form.text("why"), send=True
        )
        return f"Asked {done.a} and {done.b}, separately. " + _said(done.sent)

    return act(request, "/intros", action)


@pages.post("/intros/{intro_id}/send")
def intros_send(request: Request, intro_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        steps = service.send_ready(
            database(request), intro_id=intro_id, retry=form.text("retry") == "1"
        )
        return _said(steps) or "Nothing was ready to send."

    return act(request, "/intros", action)


@pages.post("/intros/{intro_id}/consent")
def intros_consent(request: Request, intro_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        view = service.record_consent(
            database(request), intro_id=intro_id, person=form.text("person"),
            answer=form.text("answer"),
        )  # fmt: skip
        return f"Recorded. {view.a} and {view.b}: {view.waiting_for}."

    return act(request, "/intros", action)


@pages.post("/intros/{intro_id}/follow-up")
def intros_follow_up(request: Request, intro_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        steps = service.follow_up(database(request), intro_id=intro_id, person=form.text("person"))
        return _said(steps) or "The follow-up went already: there is never a second."

    return act(request, "/intros", action)


@pages.post("/intros/{intro_id}/outcome")
def intros_outcome(request: Request, intro_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        view = service.record_outcome(
            database(request), intro_id=intro_id, outcome=form.text("outcome")
        )
        return f"Recorded: {view.a} and {view.b} — {view.stage.removeprefix('outcome: ')}."

    return act(request, "/intros", action)


@pages.post("/intros/received")
def intros_received(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        made = service.record_received(
            database(request), by=form.text("by"), to=form.text("to"), at=form.optional("at"),
            why=form.optional("why"), outcome=form.optional("outcome"),
        )  # fmt: skip
        return f"Kept: {made.introducer} introduced you to {made.display_name}."

    return act(request, "/intros#received", action)


@pages.post("/intros/received/{received_id}/outcome")
def intros_received_outcome(request: Request, received_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        made = service.received_outcome(
            database(request), received_id=received_id, outcome=form.text("outcome")
        )
        how = (made.outcome or "").replace("_", " ")
        return f"Kept: {made.introducer}'s introduction to {made.display_name} — {how}."

    return act(request, "/intros#received", action)


def _said(steps: tuple[service.SendStep, ...] | list[service.SendStep]) -> str:
    words = {"done": "sent", "failed": "failed", "skipped": "not sent", "refused": "refused"}
    return " ".join(
        f"The {s.kind} to {s.to}: {words.get(s.status, s.status)}"
        + (f" ({s.outcome})." if s.status != "done" else ".")
        for s in steps
    )


# -- the API ----------------------------------------------------------------------------------


@api.get("/intros", summary="Every introduction, newest first, and where it stands")
def get_intros(request: Request) -> list[IntroOut]:
    return [IntroOut.model_validate(to_jsonable(v)) for v in service.list_intros(database(request))]


@api.get("/intros/received", summary="Introductions others made for you, newest first")
def get_received(request: Request) -> list[ReceivedOut]:
    found = service.received(database(request))
    return [ReceivedOut.model_validate(to_jsonable(r)) for r in found]


@api.post("/intros/received", status_code=201, summary="Someone introduced you to someone")
def post_received(request: Request, body: ReceivedIn) -> ReceivedOut:
    made = service.record_received(
        database(request), by=body.by, to=body.to, at=body.at, why=body.why, outcome=body.outcome
    )
    return ReceivedOut.model_validate(to_jsonable(made))


@api.post("/intros/received/{received_id}/outcome", summary="How an introduction for you went")
def post_received_outcome(request: Request, received_id: Id, body: OutcomeIn) -> ReceivedOut:
    made = service.received_outcome(
        database(request), received_id=received_id, outcome=body.outcome
    )
    return ReceivedOut.model_validate(to_jsonable(made))


@api.get("/intros/{intro_id}", summary="One introduction: each party's request and answer")
def get_intro(request: Request, intro_id: Id) -> IntroOut:
    found = service.get_intro(database(request), intro_id=intro_id)
    return IntroOut.model_validate(to_jsonable(found))


@api.post("/intros", summary="Propose an introduction: the two consent requests (a dry run)")
def post_intro(request: Request, body: ProposeIn) -> ProposalOut:
    found = service.propose(database(request), a=body.a, b=body.b, why=body.why, send=body.send)
    return ProposalOut.model_validate(to_jsonable(found))


@api.post("/intros/{intro_id}/send", summary="Send what is ready of one intro, nothing else")
def post_send(request: Request, intro_id: Id, body: SendIn) -> list[SendStepOut]:
    steps = service.send_ready(database(request), intro_id=intro_id, retry=body.retry)
    return [SendStepOut.model_validate(to_jsonable(s)) for s in steps]


@api.post("/intros/{intro_id}/consent", summary="Record a party's answer by hand")
def post_consent(request: Request, intro_id: Id, body: ConsentIn) -> IntroOut:
    found = service.record_consent(
        database(request), intro_id=intro_id, person=body.person, answer=body.answer
    )
    return IntroOut.model_validate(to_jsonable(found))


@api.post("/intros/{intro_id}/follow-up", summary="The one follow-up to a silent party")
def post_follow_up(request: Request, intro_id: Id, body: FollowUpIn) -> list[SendStepOut]:
    steps = service.follow_up(database(request), intro_id=intro_id, person=body.person)
    return [SendStepOut.model_validate(to_jsonable(s)) for s in steps]


@api.post("/intros/{intro_id}/outcome", summary="Whether they connected: met, not yet, no")
def post_outcome(request: Request, intro_id: Id, body: OutcomeIn) -> IntroOut:
    found = service.record_outcome(database(request), intro_id=intro_id, outcome=body.outcome)
    return IntroOut.model_validate(to_jsonable(found))
