"""The Inbox page (inbox hygiene) and its JSON API, over the use cases `services.inbox` and
`services.unsubscribe`, with the CLI's behaviour (`cli/inbox.py`).

Pages: `GET /inbox` (subscriptions ranked by cost, what looks like spam, what you keep, the
buried mail, the outbox), `GET /inbox/unsubscribe/{id}` (the dry run), `POST` there (do it,
through the outbox), `POST /inbox/rules` (keep, digest, clear). Nothing is fetched on the
user's behalf from a page: a web link is shown for the user to open.

API (`api`): `GET /api/inbox/subscriptions`, `GET /api/inbox/buried`, `POST
/api/inbox/unsubscribe` (a dry run unless `apply`), `PUT /api/inbox/rules/{id}`,
`GET /api/inbox/outbox`; the same JSON as the CLI's `--json`.

The outside world is reached with `app.state.unsubscribe_options` when set (tests inject a
DNS and loopback there), else `unsubscribe.options_from_env()`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, TypeAlias, get_type_hints

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, create_model
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin.errors import KithkinError
from kithkin.model import OutboxEntry, to_jsonable
from kithkin.services import inbox, unsubscribe
from kithkin.services.inbox import Buried, Method, Subscription, short_id
from kithkin.services.unsubscribe import Options, Step
from kithkin.web.guard import actor
from kithkin.web.render import Form, checked_form, database, redirect, render, safe_next
from kithkin.web.schemas import api_errors

SHOWN: Final = 40  # subscriptions listed before "show all"
BURIED_SHOWN: Final = 30
OUTBOX_SHOWN: Final = 20
RULE_SAID: Final = {
    "keep": "kept: never proposed for unsubscribing again",
    "digest": "read as a digest: kept, and not counted against you",
    None: "no rule any more: it is ranked with the others again",
}
_LINK: Final = re.compile(r"^https?://", re.IGNORECASE)

pages = APIRouter(include_in_schema=False)
Posted = Annotated[Form, Depends(checked_form)]


def options(request: Request) -> Options:
    """The options the web UI unsubscribes with (see the module's docstring)."""
    found = getattr(request.app.state, "unsubscribe_options", None)
    return found if isinstance(found, Options) else unsubscribe.options_from_env()


def link_of(step: Step) -> str | None:
    """The web link a step gives the user to open (http or https only), else None."""
    if step.method == "web" and step.target and _LINK.match(step.target):
        return step.target
    return None


# -- pages --------------------------------------------------------------------------------------


@pages.get("/inbox")
def inbox_page(
    request: Request, show_all: Annotated[bool, Query(alias="all")] = False
) -> HTMLResponse:
    seen = inbox.overview(database(request), buried_limit=BURIED_SHOWN, actor=actor(request))
    ranked = [(short_id(s.key), s) for s in seen.proposals]
    return render(
        request,
        "inbox.html",
        {
            "ranked": ranked if show_all else ranked[:SHOWN],
            "more": 0 if show_all else max(0, len(ranked) - SHOWN),
            "spam": [(short_id(s.key), s) for s in seen.spam],
            "kept": [(short_id(s.key), s) for s in seen.kept],
            "total": len(seen.subscriptions),
            "offerable": seen.offerable,
            "buried": list(seen.buried),
            "outbox": list(reversed(seen.outbox))[:OUTBOX_SHOWN],
            "labels": seen.labels,
        },
    )


def _unfinished(request: Request, key: str) -> OutboxEntry | None:
    """The subscription's outbox entry whose attempt began and never finished, if any."""
    found = inbox.outbox(
        database(request), subscription_key=key, status="trying", actor=actor(request)
    )
    return found[-1] if found else None


@pages.get("/inbox/unsubscribe/{sub_id}")
def dry_run_page(request: Request, sub_id: str) -> HTMLResponse:
    [step] = unsubscribe.plan(
        database(request), subscriptions=[sub_id], options=options(request), actor=actor(request)
    )
    return render(
        request,
        "inbox_unsubscribe.html",
        {
            "step": step,
            "applied": False,
            "link": link_of(step),
            "unfinished": _unfinished(request, step.key),
            "entry": None,
        },
    )


@pages.post("/inbox/unsubscribe/{sub_id}")
def apply_page(request: Request, sub_id: str, form: Posted) -> HTMLResponse:
    db = database(request)
    retry = form.text("retry") in ("1", "on", "yes")
    [step] = unsubscribe.apply(
        db, subscriptions=[sub_id], options=options(request), retry=retry, actor=actor(request)
    )
    entry = None
    if step.outbox_id is not None:
        entry = inbox.outbox_entry(db, entry_id=step.outbox_id)
    return render(
        request,
        "inbox_unsubscribe.html",
        {
            "step": step,
            "applied": True,
            "link": link_of(step),
            "unfinished": None,
            "entry": entry,
        },
    )


def _back(form: Form) -> str:
    return safe_next(form.text("next"), "/inbox")


@pages.post("/inbox/rules")
def rules_form(request: Request, form: Posted) -> RedirectResponse:
    choice = form.text("rule")
    rule = None if choice == "clear" else choice
    try:
        done = inbox.set_rule(
            database(request),
            subscriptions=[form.text("sub_id")],
            rule=rule,
            actor=actor(request),
        )
        said = f"{done.subscriptions[0].label}: {RULE_SAID[rule]}."
    except KithkinError as exc:
        return redirect(_back(form), str(exc), kind="error")
    return redirect(_back(form), said)


# -- the JSON API -------------------------------------------------------------------------------

api = APIRouter(
    prefix="/api/inbox",
    tags=["inbox"],
    responses=api_errors(conflict="Several subscriptions match"),
)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


def out_model(
    record: type[Any],
    *,
    first: Mapping[str, Any] | None = None,
    exclude: Collection[str] = (),
    types: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> type[BaseModel]:
    """The response model of a domain record: its fields in order (all required), after
    `first`, without `exclude`, with the narrower `types` some fields are documented with;
    named `name`, else the record's name and "Out"."""
    hints = get_type_hints(record)
    fields: dict[str, Any] = dict(first or {})
    for f in dataclasses.fields(record):
        if f.name not in exclude:
            fields[f.name] = ((types or {}).get(f.name, hints[f.name]), ...)
    return create_model(name or record.__name__ + "Out", **fields)


_Tier = Literal["circle", "colleague", "other"]
_MethodKind = Literal["one-click", "mailto", "web"]

# One place for the API's shapes: each is derived from the record it renders (the same
# fields as the CLI's --json); the outbox's idempotency key stays inside.
if TYPE_CHECKING:
    MethodOut: TypeAlias = BaseModel
    SubscriptionOut: TypeAlias = BaseModel
    BuriedOut: TypeAlias = BaseModel
    StepOut: TypeAlias = BaseModel
    OutboxOut: TypeAlias = BaseModel
else:
    MethodOut = out_model(Method, types={"kind": _MethodKind})
    SubscriptionOut = out_model(
        Subscription,
        first={"id": (str, Field(description="The short id the CLI and the other endpoints take"))},
        types={"methods": list[MethodOut], "aliases": list[str]},
    )
    BuriedOut = out_model(Buried, types={"tier": _Tier, "day": str})
    StepOut = out_model(Step, types={"notes": list[str]})
    OutboxOut = out_model(OutboxEntry, exclude={"idempotency_key"}, name="OutboxOut")


class UnsubscribeIn(_In):
    ids: list[str] = Field(min_length=1, description="Subscription ids (or keys)")
    apply: bool = Field(False, description="Do it; without, a dry run")
    retry: bool = Field(False, description="Try again an attempt a crash left unfinished")


class UnsubscribeOut(BaseModel):
    applied: bool
    steps: list[StepOut]


class RuleIn(_In):
    rule: Literal["keep", "digest"] | None = Field(description="null: no rule")


def subscription_out(s: Subscription) -> SubscriptionOut:
    return SubscriptionOut.model_validate({"id": short_id(s.key), **to_jsonable(s)})


@api.get("/subscriptions", summary="Every subscription, the costliest first")
def get_subscriptions(request: Request) -> list[SubscriptionOut]:
    found = inbox.subscriptions(database(request), actor=actor(request))
    return [subscription_out(s) for s in found.subscriptions]


@api.get("/buried", summary="Unanswered person mail that arrived among heavy list traffic")
def get_buried(
    request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[BuriedOut]:
    found = inbox.buried(database(request), limit=limit, actor=actor(request))
    return [BuriedOut.model_validate(to_jsonable(b)) for b in found]


@api.post("/unsubscribe", summary="Leave subscriptions: a dry run, or (apply) through the outbox")
def post_unsubscribe(request: Request, body: UnsubscribeIn) -> UnsubscribeOut:
    db = database(request)
    if body.apply:
        steps = unsubscribe.apply(
            db,
            subscriptions=body.ids,
            options=options(request),
            retry=body.retry,
            actor=actor(request),
        )
    else:
        steps = unsubscribe.plan(
            db, subscriptions=body.ids, options=options(request), actor=actor(request)
        )
    return UnsubscribeOut(
        applied=body.apply, steps=[StepOut.model_validate(to_jsonable(s)) for s in steps]
    )


@api.put("/rules/{sub_id}", summary="Keep a subscription, read it as a digest, or neither")
def put_rule(request: Request, sub_id: str, body: RuleIn) -> SubscriptionOut:
    done = inbox.set_rule(
        database(request), subscriptions=[sub_id], rule=body.rule, actor=actor(request)
    )
    return subscription_out(done.subscriptions[0])


@api.get("/outbox", summary="Every unsubscribe recorded, with its status and outcome")
def get_outbox(request: Request) -> list[OutboxOut]:
    entries = inbox.outbox(database(request), actor=actor(request))
    return [OutboxOut.model_validate(to_jsonable(e)) for e in entries]
