"""A person's photo (`/people/{id}/photo`): the image a contacts import kept, with its own
content type and a cache header; 404 when they have none (pages then show their initials)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, Final

from fastapi import APIRouter, Request
from starlette.responses import Response

from kithkin.model import IMAGE_TYPES
from kithkin.services import photos
from kithkin.web.render import database
from kithkin.web.schemas import Id, api_errors

CACHE: Final = "private, max-age=3600"

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["people"], responses=api_errors(conflict=None))
IMAGES: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {t: {} for t in IMAGE_TYPES}, "description": "The photo"}
}


def _photo(request: Request, person_id: int) -> Response:
    found = photos.photo(database(request), person=person_id)
    etag = '"' + hashlib.sha256(found.data).hexdigest()[:32] + '"'
    headers = {"Cache-Control": CACHE, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(found.data, media_type=found.media_type, headers=headers)


@pages.get("/people/{person_id}/photo")
def person_photo(request: Request, person_id: Id) -> Response:
    return _photo(request, person_id)


@api.get(
    "/people/{person_id}/photo",
    summary="A person's photo (PNG, JPEG, GIF or WebP); 404 when they have none",
    response_class=Response,
    responses=IMAGES,
)
def get_person_photo(request: Request, person_id: Id) -> Response:
    return _photo(request, person_id)


def photo_ids(request: Request, people: Iterable[int]) -> frozenset[int]:
    """Which of these people a page shows by their photo (the others by their initials)."""
    return photos.with_photo(database(request), people=people)
