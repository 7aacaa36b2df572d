"""The JSON API of contacts import and duplicates: `POST /api/import/contacts` (a multipart
upload), `GET /api/duplicates`, `POST /api/duplicates/dismiss`."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from kithkin.ingest.identity import DEFAULT_MIN_SCORE, find_duplicates
from kithkin.store import duplicates as store_duplicates
from kithkin.store import people, sources
from kithkin.web.contacts import UPLOAD_HEADER, read_files, run_import
from kithkin.web.render import database
from kithkin.web.schemas import ErrorOut, PersonSummaryOut

router = APIRouter(
    prefix="/api",
    tags=["contacts"],
    responses={
        400: {"model": ErrorOut, "description": "Invalid input"},
        403: {"model": ErrorOut, "description": "Cross-origin write refused"},
        404: {"model": ErrorOut, "description": "Not found"},
        415: {"model": ErrorOut, "description": "Wrong content type for this write"},
    },
)


class ProblemOut(BaseModel):
    file: str
    place: str
    message: str


class ImportOut(BaseModel):
    label: str
    new: int
    updated: int
    merged: int
    unchanged: int
    skipped: int
    problems: list[ProblemOut]
    warnings: list[ProblemOut]
    ignored: list[str]
    person_ids: list[int]
    activity_id: int | None


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


class SourceOut(BaseModel):
    id: int
    source: str
    source_id: str
    source_file: str
    place: str
    first_imported_at: datetime
    last_imported_at: datetime


class DismissIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: int
    b: int


class DismissOut(BaseModel):
    dismissed: bool
    message: str


@router.post(
    "/import/contacts",
    summary="Import contacts files (vCard, LinkedIn or Google CSV, zip)",
    description=(
        "A multipart/form-data upload of one or more `files`, sent with the header "
        f"`{UPLOAD_HEADER}: 1` (which a browser cannot send cross-site without a preflight). "
        "Idempotent: sending the same files again changes nothing."
    ),
)
async def import_contacts(
    request: Request, files: Annotated[list[UploadFile], File(description="Contacts files")]
) -> ImportOut:
    uploads = await read_files(files)
    summary, ignored = await run_in_threadpool(run_import, database(request), uploads)
    return ImportOut.model_validate({**summary.as_json(), "ignored": ignored})


@router.get("/duplicates", summary="Likely duplicates, best first, with score and evidence")
def list_duplicates(
    request: Request,
    min_score: Annotated[float, Query(ge=0, le=1)] = DEFAULT_MIN_SCORE,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DuplicatesOut:
    with database(request).read() as conn:
        report = find_duplicates(conn, min_score=min_score)
        shown = report.proposals[:limit]
        names = people.summaries_by_id(conn, [i for p in shown for i in (p.a, p.b)])
    return DuplicatesOut(
        pairs=[
            DuplicatePairOut(
                a=PersonSummaryOut.model_validate(asdict(names[p.a])),
                b=PersonSummaryOut.model_validate(asdict(names[p.b])),
                score=p.score,
                evidence=list(p.evidence),
                reason=p.reason,
            )
            for p in shown
        ],
        people=report.people,
        compared=report.compared,
        all_pairs=report.all_pairs,
        skipped_blocks=[BlockOut(key=k, size=n) for k, n in report.skipped_blocks],
    )


@router.post("/duplicates/dismiss", summary="Two people are not the same person")
def dismiss(request: Request, body: DismissIn) -> DismissOut:
    with database(request).write() as conn:
        added = store_duplicates.dismiss(conn, body.a, body.b)
    low, high = min(body.a, body.b), max(body.a, body.b)
    note = "" if added else " (already noted)"
    return DismissOut(dismissed=added, message=f"#{low} and #{high} are not the same person{note}")


@router.get("/people/{person_id}/sources", summary="The imported records a person was built from")
def person_sources(request: Request, person_id: int) -> list[SourceOut]:
    with database(request).read() as conn:
        people.get_person(conn, person_id)
        found = sources.provenance(conn, person_id)
    return [SourceOut.model_validate(asdict(p)) for p in found]
