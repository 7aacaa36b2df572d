"""The Import page (upload contacts files, see what happened) and the Duplicates page
(proposed pairs side by side with the evidence: merge them, or say they are two people)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin.errors import InvalidInput, KithkinError
from kithkin.ingest.contacts import ImportSummary, describe, import_contacts, read_uploads
from kithkin.ingest.identity import DEFAULT_MIN_SCORE, Proposal, find_duplicates
from kithkin.model import Person
from kithkin.store import Database, people, trash
from kithkin.store import duplicates as store_duplicates
from kithkin.web import guard
from kithkin.web.render import Form, checked_form, database, redirect, render

UPLOAD_PATH: Final = "/api/import/contacts"
UPLOAD_HEADER: Final = "x-kithkin-upload"
MAX_UPLOAD_BYTES: Final = 256 * 1024 * 1024
PAIRS_SHOWN: Final = 50

router = APIRouter(include_in_schema=False)
Posted = Annotated[Form, Depends(checked_form)]


def is_upload(request: Request) -> bool:
    """A multipart upload to the contacts import API that a browser could not have sent
    cross-site: it carries the X-Kithkin-Upload header, which needs a CORS preflight."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return (
        request.url.path == UPLOAD_PATH
        and media == "multipart/form-data"
        and request.headers.get(UPLOAD_HEADER) is not None
    )


async def read_files(files: Sequence[UploadFile]) -> list[tuple[str, bytes]]:
    """(name, content) of each uploaded file, named by its base name only."""
    out: list[tuple[str, bytes]] = []
    total = 0
    for upload in files:
        name = PurePath((upload.filename or "").replace("\\", "/")).name
        data = await upload.read()
        if not name and not data:
            continue  # the empty file field of a form sent with no file chosen
        total += len(data)
        if total > MAX_UPLOAD_BYTES:
            raise InvalidInput(
                f"the upload passes {MAX_UPLOAD_BYTES // 2**20} MB; send fewer files"
            )
        out.append((name or "upload", data))
    return out


def run_import(db: Database, files: list[tuple[str, bytes]]) -> tuple[ImportSummary, list[str]]:
    if not files:
        raise InvalidInput("choose one or more files to import (vCard, CSV or zip)")
    ignored: list[str] = []
    items = read_uploads(files, ignored)
    summary = import_contacts(db, items, label=describe([name for name, _ in files]))
    return summary, ignored


@router.get("/import")
def import_page(request: Request) -> HTMLResponse:
    return render(request, "import.html", {"summary": None, "ignored": [], "error": None})


@router.post("/import")
async def import_upload(request: Request) -> HTMLResponse:
    form = await request.form()
    try:
        guard.check_form_token(request, form.get(guard.CSRF_FIELD))
        uploads = [v for k, v in form.multi_items() if k == "files" and isinstance(v, UploadFile)]
        try:
            files = await read_files(uploads)
            summary, ignored = await run_in_threadpool(run_import, database(request), files)
        except KithkinError as exc:
            context: dict[str, object] = {"summary": None, "ignored": [], "error": str(exc)}
            return render(request, "import.html", context, status=exc.http_status)
    finally:
        await form.close()
    return render(request, "import.html", {"summary": summary, "ignored": ignored, "error": None})


@router.get("/duplicates")
def duplicates_page(
    request: Request, min_score: float = Query(DEFAULT_MIN_SCORE, ge=0, le=1)
) -> HTMLResponse:
    with database(request).read() as conn:
        report = find_duplicates(conn, min_score=min_score)
        pairs: list[tuple[Proposal, Person, Person]] = [
            (p, people.get_person(conn, p.a), people.get_person(conn, p.b))
            for p in report.proposals[:PAIRS_SHOWN]
        ]
    return render(
        request,
        "duplicates.html",
        {"pairs": pairs, "report": report, "min_score": min_score, "default": DEFAULT_MIN_SCORE},
    )


@router.post("/duplicates/merge")
def merge_pair(request: Request, form: Posted) -> RedirectResponse:
    try:
        keep, other = _pair(form.text("keep"), form.text("other"))
        with database(request).write() as conn:
            kept = people.get_person(conn, keep).display_name
            gone = people.get_person(conn, other).display_name
            trash.merge_people(conn, keep, other)
    except KithkinError as exc:
        return redirect("/duplicates", str(exc), kind="error")
    return redirect(
        f"/people/{keep}", f"Merged {gone} (#{other}) into {kept}. You can undo this.", undo=True
    )


@router.post("/duplicates/dismiss")
def dismiss_pair(request: Request, form: Posted) -> RedirectResponse:
    try:
        a, b = _pair(form.text("a"), form.text("b"))
        with database(request).write() as conn:
            first = people.get_person(conn, a).display_name
            second = people.get_person(conn, b).display_name
            store_duplicates.dismiss(conn, a, b)
    except KithkinError as exc:
        return redirect("/duplicates", str(exc), kind="error")
    return redirect("/duplicates", f"Noted: {first} and {second} are not the same person.")


def _pair(first: str, second: str) -> tuple[int, int]:
    if not (first.isdigit() and second.isdigit()):
        raise InvalidInput("which two people? this form lost its ids; reload the page")
    return int(first), int(second)
