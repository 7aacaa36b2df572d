"""Being of service: the Service page (`/service`: offers, needs and suggestions, matches, the
ledger), the Tone page (`/tone`: a draft box and its check), and their API. Every write goes
through `services.service`; the tone check through `services.tone.check_tone`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin.errors import KithkinError
from kithkin.model import LedgerEntry, Need, Offer, to_jsonable
from kithkin.services import service
from kithkin.services import tone as tone_service
from kithkin.web import guard
from kithkin.web.render import database, render, shared_box
from kithkin.web.schemas import Id, Out, Text, api_errors
from kithkin.web.today import In, Posted, act

pages = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api",
    tags=["service"],
    responses=api_errors(conflict="A name that fits several people"),
)
MAX_DRAFT = 100_000  # characters of a draft posted to the tone check


class OfferOut(Out, record=Offer):
    kind: Literal["skill", "knowledge", "relationship", "resource"]


class NeedOut(Out, record=Need):
    status: Literal["open", "suggested", "dismissed"]


class EntryOut(Out, record=LedgerEntry):
    direction: Literal["gave", "asked"]


class BalanceOut(Out, record=service.Balance):
    pass


class LedgerOut(Out, record=service.Ledger):
    entries: list[EntryOut]
    balances: list[BalanceOut]


class LoggedOut(Out, record=service.Logged):
    entry: EntryOut
    balance: BalanceOut


class CandidateOut(Out, record=service.Candidate):
    pass


class MatchOut(Out, record=service.Match):
    kind: Literal["offer", "person"]
    need: NeedOut
    offer: OfferOut | None
    helper: CandidateOut | None


class MatchesOut(Out, record=service.Matches):
    method: Literal["embedding", "bm25", "none"]
    matches: list[MatchOut]


class FlagOut(Out, record=tone_service.Flag):
    pass


class ToneOut(Out, record=tone_service.Tone):
    flags: list[FlagOut]


class ToneCheckOut(Out, record=tone_service.ToneCheck):
    tone: ToneOut


class OfferIn(In):
    text: Text = Field(max_length=500)
    kind: Literal["skill", "knowledge", "relationship", "resource"]


class NeedIn(In):
    person: Text = Field(description="A name, an email address or #id")
    text: Text = Field(max_length=500)
    until: str | None = Field(None, description="A day: 2026-03-14, 'in 3 months'...")
    shared: bool = Field(False, description="Team mode: seen by the whole team (default: yours).")


class LedgerIn(In):
    person: Text = Field(description="A name, an email address or #id")
    direction: Literal["gave", "asked"]
    text: Text = Field(max_length=500)
    shared: bool = Field(False, description="Team mode: seen by the whole team (default: yours).")


class ToneIn(In):
    text: str = Field(max_length=MAX_DRAFT)
    to: str | None = Field(None, description="Who it is for: a name, an email address or #id")


# -- the pages -------------------------------------------------------------------------------


@pages.get("/service")
def service_page(request: Request) -> HTMLResponse:
    db = database(request)
    found = service.matches(db, actor=guard.actor(request))
    context = {
        "offers": service.list_offers(db, actor=guard.actor(request)),
        "needs": service.list_needs(db, actor=guard.actor(request)),
        "suggested": service.list_needs(db, actor=guard.actor(request), status="suggested"),
        "matches": found,
        "ledger": service.ledger(db, actor=guard.actor(request), limit=30),
        "kinds": ("skill", "knowledge", "relationship", "resource"),
    }
    return render(request, "service.html", context)


@pages.post("/service/offers")
def offer_add(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        new = service.add_offer(
            database(request),
            actor=guard.actor(request),
            text=form.text("text"),
            kind=form.text("kind"),
        )
        return f"Offer noted: {new.text}."

    return act(request, "/service#offers", action)


@pages.post("/service/offers/{offer_id}/remove")
def offer_remove(request: Request, offer_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        gone = service.remove_offer(
            database(request), actor=guard.actor(request), offer_id=offer_id
        )
        return f"Removed: {gone.text}."

    return act(request, "/service#offers", action)


@pages.post("/service/needs")
def need_add(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        new = service.add_need(
            database(request),
            actor=guard.actor(request),
            person=form.text("person"),
            text=form.text("text"),
            until=form.optional("until"),
            shared=shared_box(form),
        )
        return f"Noted: {new.display_name} — {new.text}."

    back = form.text("next") if form.text("next").startswith("/people/") else "/service#needs"
    return act(request, back, action)


@pages.post("/service/needs/suggest")
def needs_suggest(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        made = service.suggest_needs(database(request), actor=guard.actor(request))
        return f"{len(made)} new suggestions to review." if made else "Nothing new to suggest."

    return act(request, "/service#suggested", action)


@pages.post("/service/needs/{need_id}/{verb}")
def need_change(request: Request, need_id: Id, verb: str, form: Posted) -> RedirectResponse:
    def action() -> str:
        db = database(request)
        if verb == "remove":
            gone = service.remove_need(db, actor=guard.actor(request), need_id=need_id)
            return f"Removed: {gone.display_name} — {gone.text}."
        done = service.review_need(
            db, actor=guard.actor(request), need_id=need_id, accept=verb == "accept"
        )
        return f"{'Accepted' if verb == 'accept' else 'Dismissed'}: {done.text}."

    return act(request, "/service#needs", action)


@pages.post("/service/ledger")
def ledger_add(request: Request, form: Posted) -> RedirectResponse:
    def action() -> str:
        db = database(request)
        log = service.gave if form.text("direction") == "gave" else service.asked
        done = log(
            db,
            person=form.text("person"),
            text=form.text("text"),
            shared=shared_box(form),
            actor=guard.actor(request),
        )
        said = f"Logged: {done.entry.direction} {done.balance.display_name} — {done.entry.text}."
        return said + "".join(f" Note: {w}." for w in done.warnings)

    back = form.text("next") if form.text("next").startswith("/people/") else "/service#ledger"
    return act(request, back, action)


@pages.get("/tone")
def tone_page(request: Request, to: str = "") -> HTMLResponse:
    return render(request, "tone.html", {"draft": "", "to": to, "result": None, "error": None})


@pages.post("/tone")
def tone_check(request: Request, form: Posted) -> HTMLResponse:
    draft, to = form.text("text")[:MAX_DRAFT], form.text("to")
    result, error = None, None
    try:
        result = tone_service.check_tone(database(request), draft, to or None)
    except KithkinError as exc:  # a recipient who is nobody, or several people
        error = str(exc)
    return render(
        request, "tone.html", {"draft": draft, "to": to, "result": result, "error": error}
    )


# -- the API ---------------------------------------------------------------------------------


@api.get("/offers", summary="What you can offer")
def get_offers(request: Request) -> list[OfferOut]:
    found = service.list_offers(database(request), actor=guard.actor(request))
    return [OfferOut.model_validate(to_jsonable(o)) for o in found]


@api.post("/offers", summary="Note something you can offer", status_code=201)
def post_offer(request: Request, body: OfferIn) -> OfferOut:
    new = service.add_offer(
        database(request), actor=guard.actor(request), text=body.text, kind=body.kind
    )
    return OfferOut.model_validate(to_jsonable(new))


@api.delete("/offers/{offer_id:int}", summary="Remove an offer")
def delete_offer(request: Request, offer_id: Id) -> OfferOut:
    return OfferOut.model_validate(
        to_jsonable(
            service.remove_offer(database(request), actor=guard.actor(request), offer_id=offer_id)
        )
    )


@api.get("/needs", summary="Open needs, or the suggestions to review")
def get_needs(
    request: Request,
    status: Annotated[Literal["open", "suggested"], Query()] = "open",
    person: Annotated[str | None, Query(description="A name, an email address or #id")] = None,
) -> list[NeedOut]:
    found = service.list_needs(
        database(request), actor=guard.actor(request), person=person, status=status
    )
    return [NeedOut.model_validate(to_jsonable(n)) for n in found]


@api.post("/needs", summary="Note what a person needs", status_code=201)
def post_need(request: Request, body: NeedIn) -> NeedOut:
    new = service.add_need(
        database(request),
        actor=guard.actor(request),
        person=body.person,
        text=body.text,
        until=body.until,
        shared=body.shared,
    )
    return NeedOut.model_validate(to_jsonable(new))


@api.post("/needs/suggest", summary="Propose needs from notes and story facts, for review")
def post_suggest(request: Request) -> list[NeedOut]:
    return [
        NeedOut.model_validate(to_jsonable(n))
        for n in service.suggest_needs(database(request), actor=guard.actor(request))
    ]


@api.post("/needs/{need_id:int}/accept", summary="Accept a suggested need")
def accept_need(request: Request, need_id: Id) -> NeedOut:
    done = service.review_need(
        database(request), actor=guard.actor(request), need_id=need_id, accept=True
    )
    return NeedOut.model_validate(to_jsonable(done))


@api.post("/needs/{need_id:int}/dismiss", summary="Dismiss a suggested need")
def dismiss_need(request: Request, need_id: Id) -> NeedOut:
    done = service.review_need(
        database(request), actor=guard.actor(request), need_id=need_id, accept=False
    )
    return NeedOut.model_validate(to_jsonable(done))


@api.delete("/needs/{need_id:int}", summary="Remove a need")
def delete_need(request: Request, need_id: Id) -> NeedOut:
    return NeedOut.model_validate(
        to_jsonable(
            service.remove_need(database(request), actor=guard.actor(request), need_id=need_id)
        )
    )


@api.get("/ledger", summary="Help given and asked: entries and balances")
def get_ledger(
    request: Request,
    person: Annotated[str | None, Query(description="A name, an email address or #id")] = None,
) -> LedgerOut:
    return LedgerOut.model_validate(
        to_jsonable(service.ledger(database(request), actor=guard.actor(request), person=person))
    )


@api.post("/ledger", summary="Log help given or asked", status_code=201)
def post_ledger(request: Request, body: LedgerIn) -> LoggedOut:
    log = service.gave if body.direction == "gave" else service.asked
    done = log(
        database(request),
        person=body.person,
        text=body.text,
        shared=body.shared,
        actor=guard.actor(request),
    )
    return LoggedOut.model_validate(to_jsonable(done))


@api.get("/service/matches", summary="Offers × needs, and needs × people who could help")
def get_matches(
    request: Request,
    method: Annotated[Literal["auto", "embedding", "bm25"], Query()] = "auto",
) -> MatchesOut:
    return MatchesOut.model_validate(
        to_jsonable(service.matches(database(request), actor=guard.actor(request), method=method))
    )


@api.post("/tone", summary="The tone check of a draft")
def post_tone(request: Request, body: ToneIn) -> ToneCheckOut:
    found = tone_service.check_tone(database(request), body.text, body.to or None)
    return ToneCheckOut.model_validate(to_jsonable(found))
