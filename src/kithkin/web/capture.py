"""Capture, one resource: the Capture page (a photo from the phone's camera or a file, a vCard,
a pasted signature), the review of a draft next to its photo, saving it (as a new person or
added to the match kithkin proposes) and the three story questions; and the same under
`/api/captures`. Each page and its API route are one view over `kithkin.services.capture`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import PurePath
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, File, Form, Header, Request, UploadFile, status
from pydantic import BaseModel, Field
from starlette import datastructures
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kithkin.errors import InvalidInput, KithkinError
from kithkin.services import capture as service
from kithkin.web import guard
from kithkin.web.render import Form as PostedForm
from kithkin.web.render import attempt, checked_form, database, redirect, render
from kithkin.web.schemas import FactOut, Id, api_errors

UPLOAD_PATH: Final = "/api/captures"
MAX_UPLOAD_BYTES: Final = service.MAX_BYTES  # a file; a whole upload holds at most MAX_FILES
MAX_UPLOAD_TOTAL: Final = 4 * service.MAX_BYTES  # one form post, all its files
EXTRA_ROWS: Final = ("email", "phone", "url")  # empty rows the review offers for more

pages = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api",
    tags=["capture"],
    responses=api_errors(unsupported="Wrong content type for this write"),
)
Posted = Annotated[PostedForm, Depends(checked_form)]


class FieldIn(BaseModel):
    kind: str = Field(description=", ".join(service.DRAFT_KINDS))
    value: str
    label: str | None = None


class FieldOut(FieldIn):
    confidence: float = Field(description="0–1; below 0.6 the page marks it to check")


class MatchOut(BaseModel):
    person_id: int
    display_name: str
    score: float
    exact: bool = Field(description="They hold one of the draft's addresses or numbers")
    evidence: list[str]


class DraftOut(BaseModel):
    id: int | None
    file: str
    source: str = Field(description="qr, ocr, vcard or text")
    fields: list[FieldOut]
    text: str = Field(description="What was read: the OCR'd text, the code, the card")
    warnings: list[str]
    matches: list[MatchOut]
    has_image: bool
    rotation: int
    skew: float


class CapturedOut(BaseModel):
    drafts: list[DraftOut]
    errors: list[str]


class SaveIn(BaseModel):
    fields: list[FieldIn] | None = Field(None, description="The draft as edited; null: as read")
    into: Id | None = Field(None, description="Add it to this person instead of a new one")


class SavedOut(BaseModel):
    person_id: int
    display_name: str
    outcome: str = Field(description="new, merged (an address was theirs) or added (into)")
    warnings: list[str]


class StoryIn(BaseModel):
    met_where: str | None = None
    what_they_do: str | None = None
    learned: str | None = None
    on: str | None = Field(None, description="The day you learned it (default today)")


def is_upload(request: Request) -> bool:
    """A form upload to the capture API (multipart, or urlencoded for text alone), with the
    header a cross-site form cannot send."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return (
        request.url.path == UPLOAD_PATH
        and media in ("multipart/form-data", "application/x-www-form-urlencoded")
        and request.headers.get("x-kithkin-upload") is not None
    )


async def _inputs(
    files: list[datastructures.UploadFile], text: str | None
) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for upload in files:
        name = PurePath((upload.filename or "").replace("\\", "/")).name
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise InvalidInput(
                f"{name}: {upload.size // 2**20} MB is too big "
                f"(at most {MAX_UPLOAD_BYTES // 2**20} MB a file)"
            )
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        if not name and not data:
            continue  # a file field left empty
        if len(data) > MAX_UPLOAD_BYTES:
            raise InvalidInput(f"{name}: too big (at most {MAX_UPLOAD_BYTES // 2**20} MB a file)")
        out.append((name or "upload", data))
    if text and text.strip():
        out.append(("pasted text", text.encode("utf-8")))
    return out


async def captured(
    request: Request, files: list[datastructures.UploadFile], text: str | None
) -> service.Captured:
    """The view: drafts from what was sent, kept for review (read off the event loop)."""
    inputs = await _inputs(files, text)
    return await run_in_threadpool(lambda: service.capture(database(request), inputs=inputs))


# -- pages ------------------------------------------------------------------------------------


@pages.get("/capture")
def capture_page(request: Request) -> HTMLResponse:
    return render(request, "capture.html", {"found": None, "error": None})


@pages.post("/capture", response_model=None)
async def capture_upload(request: Request) -> HTMLResponse | RedirectResponse:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_UPLOAD_TOTAL:  # refused before it is read
        error = f"the upload passes {MAX_UPLOAD_TOTAL // 2**20} MB; send fewer or smaller photos"
        return render(request, "capture.html", {"found": None, "error": error}, status=413)
    form = await request.form(max_files=service.MAX_FILES + 2)
    try:
        guard.check_form_token(request, form.get(guard.CSRF_FIELD))
        uploads = [
            v
            for k, v in form.multi_items()
            if k in ("photo", "files") and isinstance(v, datastructures.UploadFile)
        ]
        text = form.get("text")
        try:
            found = await captured(request, uploads, text if isinstance(text, str) else None)
        except KithkinError as exc:
            context: dict[str, Any] = {"found": None, "error": str(exc)}
            return render(request, "capture.html", context, status=exc.http_status)
    finally:
        await form.close()
    if len(found.drafts) == 1 and not found.errors:
        return redirect(f"/capture/{found.drafts[0].id}")
    status_code = 422 if not found.drafts else 200
    return render(request, "capture.html", {"found": found, "error": None}, status=status_code)


@pages.get("/capture/{draft_id}")
def review_page(request: Request, draft_id: Id) -> HTMLResponse:
    found = service.get_draft(database(request), draft_id=draft_id)
    kinds = {f.kind for f in found.draft.fields}
    missing = [k for k in ("name", "title", "organisation") if k not in kinds]
    extra = missing + list(EXTRA_ROWS)
    return render(
        request,
        "capture_review.html",
        {
            "found": found,
            "extra": extra,
            "low": service.LOW_CONFIDENCE,
            "kinds": service.DRAFT_KINDS,
        },
    )


@pages.get("/capture/{draft_id}/image")
def draft_image_page(request: Request, draft_id: Id) -> Response:
    return _image(request, draft_id)


@pages.post("/capture/{draft_id}/save")
def save_form(request: Request, draft_id: Id, form: Posted) -> RedirectResponse:
    try:
        fields = _posted_fields(form)
        into = form.text("into")
        saved = service.save_draft(
            database(request),
            draft_id=draft_id,
            fields=fields,
            into=int(into) if into.isdigit() else None,
        )
    except KithkinError as exc:
        return redirect(f"/capture/{draft_id}", str(exc), kind="error")
    verb = {"new": "Added", "added": "Added the card to", "merged": "Added the card to"}.get(
        saved.outcome, "Saved"
    )
    message = f"{verb} {saved.display_name}."
    if saved.warnings:
        message += " (" + "; ".join(saved.warnings) + ")"
    return redirect(f"/capture/story/{saved.person_id}", message)


@pages.post("/capture/{draft_id}/drop")
def drop_form(request: Request, draft_id: Id, form: Posted) -> RedirectResponse:
    def action() -> str:
        service.drop_draft(database(request), draft_id=draft_id)
        return "Draft dropped."

    return attempt("/capture", action)


@pages.get("/capture/story/{person_id}")
def story_page(request: Request, person_id: Id) -> HTMLResponse:
    from kithkin.services import people

    person = people.get_person(database(request), actor=guard.actor(request), person=person_id)
    return render(
        request,
        "capture_story.html",
        {"person": person, "questions": service.STORY_QUESTIONS},
    )


@pages.post("/capture/story/{person_id}")
def story_form(request: Request, person_id: Id, form: Posted) -> RedirectResponse:
    try:
        added = service.add_story(
            database(request),
            actor=guard.actor(request),
            person=person_id,
            met_where=form.optional("met_where"),
            what_they_do=form.optional("what_they_do"),
            learned=form.optional("learned"),
            on=form.optional("on"),
        )
    except KithkinError as exc:
        return redirect(f"/capture/story/{person_id}", str(exc), kind="error")
    message = f"Added {len(added)} to their story." if added else None
    return redirect(f"/people/{person_id}", message)


def _posted_fields(form: PostedForm) -> list[tuple[str, str, str | None]]:
    """The review form's rows: field_kind_N, field_value_N, field_label_N."""
    values = form.values()
    rows = sorted(
        int(k.removeprefix("field_value_"))
        for k in values
        if k.startswith("field_value_") and k.removeprefix("field_value_").isdigit()
    )
    out = []
    for n in rows[:200]:
        out.append(
            (
                form.text(f"field_kind_{n}"),
                form.text(f"field_value_{n}"),
                form.optional(f"field_label_{n}"),
            )
        )
    return out


def _image(request: Request, draft_id: int) -> Response:
    media, data = service.draft_image(database(request), draft_id=draft_id)
    return Response(data, media_type=media, headers={"Cache-Control": "private, max-age=3600"})


# -- the JSON API -----------------------------------------------------------------------------


def draft_out(one: service.CaptureDraft) -> DraftOut:
    return DraftOut.model_validate(one.as_json())


@api.post(
    "/captures",
    summary="Read people from card photos, QR codes, vCards or text: drafts to review",
    description=(
        "A multipart/form-data upload of `files` (photos, vCards, text) and/or `text` (a "
        "pasted signature; text alone may be form-urlencoded), sent with the header "
        "`X-Kithkin-Upload: 1`. Each draft is kept "
        "(with its photo) for a month, until saved or dropped. Nothing leaves the machine."
    ),
)
async def create_captures(
    request: Request,
    x_kithkin_upload: Annotated[str, Header(description="Any value: says this is no form post")],
    files: Annotated[list[UploadFile] | None, File(description="Photos, vCards, text")] = None,
    text: Annotated[str | None, Form(description="Text pasted from a signature")] = None,
) -> CapturedOut:
    del x_kithkin_upload  # checked, with the media type, by the app's guard (`is_upload`)
    found = await captured(request, list(files or []), text)
    return CapturedOut.model_validate(found.as_json())


@api.get("/captures/{draft_id}", summary="A kept draft, matched again")
def get_capture(request: Request, draft_id: Id) -> DraftOut:
    return draft_out(service.get_draft(database(request), draft_id=draft_id))


@api.get(
    "/captures/{draft_id}/image",
    summary="A kept draft's photo",
    response_class=Response,
)
def get_capture_image(request: Request, draft_id: Id) -> Response:
    return _image(request, draft_id)


@api.post("/captures/{draft_id}/save", summary="Store a draft as a person (or into one)")
def save_capture(request: Request, draft_id: Id, body: SaveIn) -> SavedOut:
    fields = None
    if body.fields is not None:
        fields = [(f.kind, f.value, f.label) for f in body.fields]
    saved = service.save_draft(database(request), draft_id=draft_id, fields=fields, into=body.into)
    return SavedOut(
        person_id=saved.person_id,
        display_name=saved.display_name,
        outcome=saved.outcome,
        warnings=list(saved.warnings),
    )


@api.delete("/captures/{draft_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_capture(request: Request, draft_id: Id) -> Response:
    from kithkin.errors import NotFound

    if not service.drop_draft(database(request), draft_id=draft_id):
        raise NotFound(f"no capture draft #{draft_id}")
    return Response(status_code=204)


@api.post(
    "/people/{person_id}/capture-story",
    status_code=status.HTTP_201_CREATED,
    summary="Answers to where you met, what they do, one thing you learned: story facts",
)
def capture_story(request: Request, person_id: Id, body: StoryIn) -> list[FactOut]:
    added = service.add_story(
        database(request),
        actor=guard.actor(request),
        person=person_id,
        met_where=body.met_where,
        what_they_do=body.what_they_do,
        learned=body.learned,
        on=body.on,
    )
    return [FactOut.model_validate(asdict(a.fact)) for a in added]
