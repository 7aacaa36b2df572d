"""Avatars: a vCard's PHOTO kept by the contacts import and served at /people/{id}/photo;
what is not a PNG, JPEG, GIF or WebP image left out with a warning; initials otherwise."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from kithkin.model import MAX_PHOTO_BYTES, image_type, photo_problem
from tests.builders.contacts import vcard
from tests.web.conftest import token_of

# A real 1x1 PNG (a red pixel).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
WEBP = (  # a 1x1 lossless WebP
    b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00"
    b"\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
)


def _folded(line: str) -> str:
    """A vCard content line folded at 75 octets, as writers do."""
    return "\r\n ".join(line[i : i + 74] for i in range(0, len(line), 74)) + "\r\n"


def _import(client: Any, data: bytes) -> str:
    token = token_of(client.get("/import").text)
    response = client.post(
        "/import",
        data={"csrf_token": token},
        files=[("files", ("people.vcf", data, "application/octet-stream"))],
    )
    assert response.status_code == 200, response.text
    return str(response.text)


def _id_of(client: Any, name: str) -> int:
    (found,) = [p for p in client.get("/api/people").json() if p["display_name"] == name]
    return int(found["id"])


def test_a_vcard_photo_is_stored_and_served_with_its_type(client: Any) -> None:
    b64 = base64.b64encode(PNG).decode()
    uri = base64.b64encode(WEBP).decode()
    cards = vcard(
        ("dana", "Dana Whitfield", _folded(f"PHOTO;ENCODING=b;TYPE=JPEG:{b64}")),
        ("noa", "Noa Ben-David", _folded(f"PHOTO:data:image/webp;base64,{uri}")),
    )
    _import(client, cards)
    dana, noa = _id_of(client, "Dana Whitfield"), _id_of(client, "Noa Ben-David")

    served = client.get(f"/people/{dana}/photo")
    assert served.status_code == 200
    assert served.content == PNG
    assert served.headers["content-type"] == "image/png"  # told by its bytes, not TYPE=JPEG
    assert "max-age" in served.headers["cache-control"]
    again = client.get(f"/people/{dana}/photo", headers={"If-None-Match": served.headers["etag"]})
    assert again.status_code == 304
    assert client.get(f"/api/people/{dana}/photo").content == PNG  # the API's route
    webp = client.get(f"/people/{noa}/photo")
    assert (webp.status_code, webp.headers["content-type"]) == (200, "image/webp")

    # the person page and the people list show the photo, not initials
    page = client.get(f"/people/{dana}").text
    assert f'<img class="avatar large" src="/people/{dana}/photo"' in page
    listing = client.get("/people").text
    assert f'src="/people/{dana}/photo"' in listing and f'src="/people/{noa}/photo"' in listing


def test_a_photo_that_is_no_image_is_left_out_with_a_warning(client: Any) -> None:
    text = base64.b64encode(b"<html>not a picture</html>").decode()
    cards = vcard(
        ("sam", "Sam Okafor", f"PHOTO;ENCODING=b;TYPE=PNG:{text}\r\n"),
        ("lee", "Lee Chen", "PHOTO;VALUE=uri:https://photos.example/lee.jpg\r\n"),
    )
    summary = _import(client, cards)
    assert "PHOTO is not a PNG, JPEG, GIF or WebP image; left out" in summary
    assert "PHOTO is a link, which kithkin does not fetch; left out" in summary
    sam, lee = _id_of(client, "Sam Okafor"), _id_of(client, "Lee Chen")
    assert client.get(f"/people/{sam}/photo").status_code == 404
    assert client.get(f"/people/{lee}/photo").status_code == 404
    assert client.get(f"/api/people/{lee}/photo").json()["error"]


def test_without_a_photo_a_person_shows_initials_on_a_colour_of_their_id(client: Any) -> None:
    _import(client, vcard(("dana", "Dana Whitfield", "EMAIL:dana@acme.example\r\n")))
    dana = _id_of(client, "Dana Whitfield")
    assert client.get(f"/people/{dana}/photo").status_code == 404
    assert client.get("/people/999999/photo").status_code == 404
    page = client.get(f"/people/{dana}").text
    assert re.search(
        rf'<span class="avatar large avatar-c{dana % 12}" aria-hidden="true">DW</span>', page
    )
    assert (
        f'<span class="avatar  avatar-c{dana % 12}" aria-hidden="true">DW</span>'
        in client.get("/people").text
    )


@pytest.mark.parametrize(
    ("data", "media"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0 jfif", "image/jpeg"),
        (b"GIF89a....", "image/gif"),
        (WEBP, "image/webp"),
        (b"BM bitmap", None),
        (b"RIFF\x00\x00\x00\x00WAVE", None),
        (b"", None),
    ],
)
def test_images_are_told_by_their_first_bytes(data: bytes, media: str | None) -> None:
    assert image_type(data) == media


def test_a_photo_too_large_is_left_out() -> None:
    big = PNG + bytes(MAX_PHOTO_BYTES)
    assert "over the 1 MB" in (photo_problem("image/png", big) or "")
    assert photo_problem("image/jpeg", PNG) is None
