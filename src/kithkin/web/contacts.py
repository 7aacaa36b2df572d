"""Contacts import, one resource: the Import page (upload files, see what happened), its API
`POST /api/import/contacts` (a multipart upload), and `GET /api/people/{id}/sources` (the
imported records a person was built from). Both renderings of an import come from one view,
`imported`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Annotated, Final

from fastapi import APIRouter, File, Header, Request, UploadFile
from pydantic import BaseModel
from starlette import datastructures
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from kithkin.errors import InvalidInput, KithkinError
from kithkin.services import contacts
from kithkin.web import guard
from kithkin.web.render import database, render
from kithkin.web.schemas import Id, api_errors

UPLOAD_PATH: Final = "/api/import/contacts"
UPLOAD_HEADER: Final = "x-kithkin-upload"
MAX_UPLOAD_BYTES: Final = 256 * 1024 * 1024

pages = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api",
    tags=["contacts"],
    responses=api_errors(unsupported="Wrong content type for this write"),
)


class ProblemOut(BaseModel):
    file: str
    place: str
    message: str


class ImportOut(BaseModel):
    """`ContactsImported.as_json()`: the CLI's `--json` and this API answer alike."""

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


def is_upload(request: Request) -> bool:
    """A multipart upload to the contacts import API that a browser could not have sent
    cross-site: it carries the X-Kithkin-Upload header, which needs a CORS preflight."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return (
        request.url.path == UPLOAD_PATH
        and media == "multipart/form-data"
        and request.headers.get(UPLOAD_HEADER) is not None
    )


async def read_files(files: Sequence[datastructures.UploadFile]) -> list[tuple[str, bytes]]:
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


async def imported(
    request: Request, files: Sequence[datastructures.UploadFile]
) -> contacts.ContactsImported:
    """The view: what importing the uploaded files did (run off the event loop)."""
    uploads = await read_files(files)
    return await run_in_threadpool(
        lambda: contacts.import_uploads(database(request), files=uploads)
    )


@pages.get("/import")
def import_page(request: Request) -> HTMLResponse:
    return render(request, "import.html", {"summary": None, "ignored": [], "error": None})


@pages.post("/import")
async def import_upload(request: Request) -> HTMLResponse:
    form = await request.form()
    try:
        guard.check_form_token(request, form.get(guard.CSRF_FIELD))
        uploads = [
            v
            for k, v in form.multi_items()
            if k == "files" and isinstance(v, datastructures.UploadFile)
        ]
        try:
            done = await imported(request, uploads)
        except KithkinError as exc:
            context: dict[str, object] = {"summary": None, "ignored": [], "error": str(exc)}
            return render(request, "import.html", context, status=exc.http_status)
    finally:
        await form.close()
    shown = {"summary": done.summary, "ignored": list(done.ignored), "error": None}
    return render(request, "import.html", shown)


@api.post(
    "/import/contacts",
    summary="Import contacts files (vCard, LinkedIn or Google CSV, zip)",
    description=(
        "A multipart/form-data upload of one or more `files`, sent with the header "
        f"`{UPLOAD_HEADER}: 1` (which a browser cannot send cross-site without a preflight). "
        "Idempotent: sending the same files again changes nothing."
    ),
)
async def import_contacts(
    request: Request,
    files: Annotated[list[UploadFile], File(description="Contacts files")],
    x_kithkin_upload: Annotated[str, Header(description="Any value: says this is no form post")],
) -> ImportOut:
    del x_kithkin_upload  # checked, with the media type, by the app's guard (`is_upload`)
    done = await imported(request, files)
    return ImportOut.model_validate(done.as_json())


@api.get("/people/{person_id}/sources", summary="The imported records a person was built from")
def person_sources(request: Request, person_id: Id) -> list[contacts.Provenance]:
    return contacts.person_sources(database(request), person=person_id)
