"""Likely duplicates, one resource: the Duplicates page (proposed pairs side by side with the
evidence: merge them, or say they are two people) and its API, `GET /api/duplicates` and
`POST /api/duplicates/dismiss`. The pages and the API call the same use cases."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin.errors import InvalidInput, KithkinError
from kithkin.services import contacts, people
from kithkin.services.contacts import DEFAULT_MIN_SCORE
from kithkin.web import guard
from kithkin.web.render import Form, checked_form, database, redirect, render
from kithkin.web.schemas import Id, PersonOut, PersonSummaryOut, api_errors

PAIRS_SHOWN: Final = 50

pages = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api",
    tags=["contacts"],
    responses=api_errors(unsupported="Wrong content type for this write"),
)
Posted = Annotated[Form, Depends(checked_form)]


class DuplicatePairOut(BaseModel):
    a: PersonSummaryOut
    b: PersonSummaryOut
    score: float
    evidence: list[str]
    reason: str


class BlockOut(BaseModel):
    key: str
    size: int


class DuplicatesOut(BaseModel):
    pairs: list[DuplicatePairOut]
    people: int
    compared: int
    all_pairs: int
    skipped_blocks: list[BlockOut]


class MergePreviewOut(BaseModel):
    keep: PersonOut = Field(description="Who survives, as they are now.")
    other: PersonOut = Field(description="Who is folded in and goes (undoable).")
    filled: dict[str, str] = Field(description="Empty fields of keep that take other's value.")
    differing: dict[str, tuple[str, str]] = Field(
        description="Fields both have, differently: (kept value, other's value, dropped)."
    )
    tags_added: list[str]
    keep_interactions: int
    other_interactions: int
    shared_interactions: int
    interactions_after: int
    also_moves: dict[str, int] = Field(
        description="What else moves over, by kind (needs, introductions, gatherings, ...)."
    )
    lines: list[str] = Field(description="The preview in words, as the CLI and the page say it.")


class DismissIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: Id
    b: Id


class DismissOut(BaseModel):
    dismissed: bool
    message: str


@pages.get("/duplicates")
def duplicates_page(
    request: Request, min_score: float = Query(DEFAULT_MIN_SCORE, ge=0, le=1)
) -> HTMLResponse:
    found = contacts.duplicates_side_by_side(
        database(request), min_score=min_score, limit=PAIRS_SHOWN
    )
    pairs = [(pair.proposal, pair.a, pair.b) for pair in found.pairs]
    previews = people.merge_previews(
        database(request),
        pairs=[(pair.a.id, pair.b.id) for pair in found.pairs],
        actor=guard.actor(request),
    )
    shown = {"pairs": pairs, "previews": previews, "report": found.report, "min_score": min_score}
    return render(request, "duplicates.html", {**shown, "default": DEFAULT_MIN_SCORE})


@pages.post("/duplicates/merge")
def merge_pair(request: Request, form: Posted) -> RedirectResponse:
    try:
        keep, other = _pair(form.text("keep"), form.text("other"))
        done = contacts.merge_pair(database(request), keep=keep, other=other)
    except KithkinError as exc:
        return redirect("/duplicates", str(exc), kind="error")
    return redirect(
        f"/people/{done.keep}",
        f"Merged {done.gone_name} (#{done.other}) into {done.kept_name}. You can undo this.",
        undo=True,
    )


@pages.post("/duplicates/dismiss")
def dismiss_pair(request: Request, form: Posted) -> RedirectResponse:
    try:
        a, b = _pair(form.text("a"), form.text("b"))
        done = contacts.not_duplicates(database(request), first=a, second=b)
    except KithkinError as exc:
        return redirect("/duplicates", str(exc), kind="error")
    return redirect(
        "/duplicates",
        f"Noted: {done.first_name} and {done.second_name} are not the same person.",
    )


@api.get("/duplicates", summary="Likely duplicates, best first, with score and evidence")
def list_duplicates(
    request: Request,
    min_score: Annotated[float, Query(ge=0, le=1)] = DEFAULT_MIN_SCORE,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DuplicatesOut:
    found = contacts.duplicates(database(request), min_score=min_score, limit=limit)
    report = found.report
    return DuplicatesOut(
        pairs=[
            DuplicatePairOut(
                a=PersonSummaryOut.model_validate(pair.a, from_attributes=True),
                b=PersonSummaryOut.model_validate(pair.b, from_attributes=True),
                score=pair.proposal.score,
                evidence=list(pair.proposal.evidence),
                reason=pair.proposal.reason,
            )
            for pair in found.pairs
        ],
        people=report.people,
        compared=report.compared,
        all_pairs=report.all_pairs,
        skipped_blocks=[BlockOut(key=k, size=n) for k, n in report.skipped_blocks],
    )


@api.get("/duplicates/preview", summary="What merging other into keep would do (nothing written)")
def merge_preview(
    request: Request, keep: Annotated[Id, Query()], other: Annotated[Id, Query()]
) -> MergePreviewOut:
    preview = people.merge_preview(
        database(request), actor=guard.actor(request), keep=keep, other=other
    )
    return MergePreviewOut(
        keep=PersonOut.of(preview.keep),
        other=PersonOut.of(preview.other),
        filled=preview.filled,
        differing=preview.differing,
        tags_added=list(preview.tags_added),
        keep_interactions=preview.keep_interactions,
        other_interactions=preview.other_interactions,
        shared_interactions=preview.shared_interactions,
        interactions_after=preview.interactions_after,
        also_moves=preview.also_moves,
        lines=preview.lines(),
    )


@api.post("/duplicates/dismiss", summary="Two people are not the same person")
def dismiss(request: Request, body: DismissIn) -> DismissOut:
    done = contacts.not_duplicates(database(request), first=body.a, second=body.b)
    note = "" if done.added else " (already noted)"
    return DismissOut(
        dismissed=done.added,
        message=f"#{done.low} and #{done.high} are not the same person{note}",
    )


def _pair(first: str, second: str) -> tuple[int, int]:
    try:
        return _IDS.validate_python((first, second))
    except ValidationError:
        raise InvalidInput("which two people? this form lost its ids; reload the page") from None


_IDS: Final = TypeAdapter(tuple[Id, Id])
