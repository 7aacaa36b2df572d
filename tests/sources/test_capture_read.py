"""Capture's readers on inputs made in the test: QR codes of each kind (segno), business cards
drawn with Pillow and OCR'd by the local Tesseract, vCards, and inputs that are none of them."""

from __future__ import annotations

import io
import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from kithkin.errors import InvalidInput
from kithkin.sources import card_image
from kithkin.sources.capture import from_payload, read
from tests.builders.cards import Style, fonts, identity, qr_png, render

needs_tesseract = pytest.mark.usefixtures("ocr")
needs_fonts = pytest.mark.usefixtures("card_fonts")

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Østergaard\r\nN:Østergaard;Zoë;;;\r\n"
    "ORG:Meridian Labs\r\nTITLE:Founder\r\nEMAIL;TYPE=work:zoe@meridian.example\r\n"
    "TEL;TYPE=cell:+45 20 12 34 56\r\nEND:VCARD\r\n"
)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("Ø", "O"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def fields(draft: object) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in draft.fields:  # type: ignore[attr-defined]
        out.setdefault(f.kind, []).append(f.value)
    return out


def test_qr_codes_of_each_kind_several_in_one_image() -> None:
    mecard = (
        r"MECARD:N:Whitfield,Dana;TEL:+14155550134;EMAIL:dana@northwind.example;"
        r"ORG:Northwind\;West;;"
    )
    png = qr_png(
        VCARD, mecard, "https://www.linkedin.com/in/samokafor", "Priya Rahman\npriya@example.org"
    )
    got = read("codes.png", png)
    assert got.image is not None and got.image[0] == "image/png"
    assert [d.source for d in got.drafts] == ["qr"] * 4
    by_name = {d.name: fields(d) for d in got.drafts}
    zoe = by_name["Zoë Østergaard"]
    assert zoe["email"] == ["zoe@meridian.example"] and zoe["organisation"] == ["Meridian Labs"]
    dana = by_name["Dana Whitfield"]
    assert dana["phone"] == ["+1 415-555-0134"] and dana["organisation"] == ["Northwind;West"]
    assert by_name[None]["url"] == ["https://www.linkedin.com/in/samokafor"]
    assert by_name["Priya Rahman"]["email"] == ["priya@example.org"]
    assert all(
        f.confidence == 1.0
        for d in got.drafts
        if d.source == "qr" and d.name != "Priya Rahman"
        for f in d.fields
    )


def test_payloads_read_without_an_image() -> None:
    assert fields(from_payload("mailto:dana@example.com?subject=hi")) == {
        "email": ["dana@example.com"]
    }
    assert fields(from_payload("tel:+442079460958")) == {"phone": ["+44 20 7946 0958"]}
    nothing = from_payload("just some words")
    assert nothing.warnings == ("the code holds no contact",)


def test_a_vcard_file_gives_a_draft_per_card() -> None:
    got = read("people.vcf", (VCARD + VCARD.replace("Zoë", "Zoe")).encode())
    assert [d.source for d in got.drafts] == ["vcard", "vcard"]
    assert got.drafts[0].name == "Zoë Østergaard"


@needs_tesseract
@needs_fonts
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_clean_card_reads_back(seed: int) -> None:
    rng = random.Random(seed)
    person = identity(rng)
    style = Style(fonts()[seed % len(fonts())], layout=["left", "centre", "split"][seed % 3])
    got = read("card.png", render(person, style, rng), region=person.region)
    found = fields(got.drafts[0])
    assert found["email"] == [person.email]
    assert [p.replace("-", " ").replace(" ", "") for p in found["phone"]] == [person.phone_e164]
    # the English model reads most accents, not all (Bjørn may come back as Bjorn)
    assert [fold(n) for n in found["name"]] == [fold(person.name)]


@needs_tesseract
@needs_fonts
def test_a_photo_of_a_tilted_card_on_a_table() -> None:
    rng = random.Random(11)
    person = identity(rng)
    style = Style(fonts()[0], rotation=7, table=True, jpeg=70, blur=0.6)
    got = read("photo.jpg", render(person, style, rng), region=person.region)
    assert got.image is not None and got.image[0] == "image/jpeg"
    assert abs(got.skew + 7) <= 1.0
    assert fields(got.drafts[0])["email"] == [person.email]


@needs_tesseract
def test_a_card_upside_down_is_turned() -> None:
    rng = random.Random(5)
    person = identity(rng)
    card = Image.open(io.BytesIO(render(person, Style(fonts()[0]), rng))).rotate(180)
    out = io.BytesIO()
    card.save(out, format="PNG")
    got = read("upside-down.png", out.getvalue(), region=person.region)
    assert got.rotation == 180
    assert fields(got.drafts[0])["email"] == [person.email]


def png_of(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@needs_tesseract
def test_bad_inputs_are_one_line_errors() -> None:
    cases = {
        "blank.png": png_of(Image.new("RGB", (800, 500), (255, 255, 255))),
        "noise.bin": random.Random(1).randbytes(4000),
        "cut.png": png_of(Image.new("RGB", (300, 200), (200, 10, 10)))[:120],
        "bomb.png": png_of(Image.new("1", (12_000, 12_000))),
        "empty.txt": b"  \n",
    }
    expected = {
        "blank.png": "no card or QR code found in the photo",
        "noise.bin": "not an image, a vCard or text",
        "cut.png": "a damaged image",
        "bomb.png": "too big an image",
        "empty.txt": "empty",
    }
    for name, data in cases.items():
        with pytest.raises(InvalidInput) as caught:
            read(name, data)
        message = str(caught.value)
        assert message.startswith(f"{name}: ") and expected[name] in message, message
        assert "\n" not in message


def test_too_many_bytes_are_refused_before_decoding() -> None:
    with pytest.raises(InvalidInput, match="too big for a card photo"):
        card_image.load(b"\x89PNG" + bytes(card_image.MAX_BYTES), "big.png")


@needs_tesseract
@needs_fonts
def test_a_phone_photo_is_turned_upright_by_its_exif_orientation() -> None:
    rng = random.Random(8)
    person = identity(rng)
    card = Image.open(io.BytesIO(render(person, Style(fonts()[0]), rng)))
    sideways = card.rotate(-90, expand=True)  # as the camera stored it
    exif = Image.Exif()
    exif[0x0112] = 8  # Orientation: turn 90° counter-clockwise to view
    out = io.BytesIO()
    sideways.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    got = read("IMG_0001.jpg", out.getvalue(), region=person.region)
    assert got.rotation == 0  # upright before OCR: no turn was needed
    assert fields(got.drafts[0])["email"] == [person.email]


def test_a_heic_photo_is_read_when_pillow_heif_is_there() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    png = qr_png("MECARD:N:Okafor,Sam;EMAIL:sam@okafor.example;;", scale=8)
    heif = pillow_heif.from_pillow(Image.open(io.BytesIO(png)).convert("RGB"))
    out = io.BytesIO()
    heif.save(out, quality=95)
    got = read("IMG_0002.HEIC", out.getvalue())
    assert got.image is not None and got.image[0] == "image/jpeg"  # kept as browsers show it
    assert got.image[1].startswith(b"\xff\xd8\xff")
    assert fields(got.drafts[0])["email"] == ["sam@okafor.example"]


SAFE_TEXT = st.text(
    alphabet=st.characters(
        whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" ;:,\\'-"
    ),
    min_size=1,
    max_size=30,
).filter(lambda t: t.strip() == t and t)


def _mecard_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\;:," else ch for ch in text)


@settings(max_examples=200, deadline=None)
@given(SAFE_TEXT, SAFE_TEXT, SAFE_TEXT)
def test_a_mecard_reads_back_whatever_its_values_hold(family: str, given_: str, org: str) -> None:
    family, given_ = family.replace(",", ""), given_.replace(",", "")
    payload = (
        f"MECARD:N:{_mecard_escape(family)},{_mecard_escape(given_)};"
        f"ORG:{_mecard_escape(org)};EMAIL:a@example.com;;"
    )
    got = fields(from_payload(payload))
    assert got["name"] == [f"{given_.strip()} {family.strip()}".strip()]
    assert got["organisation"] == [org]
    assert got["email"] == ["a@example.com"]


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_drafts_or_one_line(data: bytes) -> None:
    try:
        got = read("input", data)
    except InvalidInput as exc:
        assert str(exc).startswith("input") and "\n" not in str(exc)
    else:
        assert got.drafts
