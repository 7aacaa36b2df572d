"""What `kithkin capture` reads, as drafts: one entry per kind of input, one function each.

- a photo (`card_image.is_image`): its QR codes, each a draft (`from_payload`); without a
  code, the card's text by OCR (`card_text.parse_card`);
- a vCard file (BEGIN:VCARD): a draft per card, read by `sources.vcard`;
- other text (an email signature pasted or saved): `card_text.parse_text`.

A QR code's payload is a vCard, a MECARD (`MECARD:N:Whitfield,Dana;TEL:...;EMAIL:...;;`), a
URL (a LinkedIn profile, a website), a `mailto:` or `tel:` URI, or plain contact text.
Everything a code or a vCard says is taken as written (confidence 1.0).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from kithkin.errors import InvalidInput
from kithkin.model import IMAGE_TYPES
from kithkin.sources import card_image
from kithkin.sources.card_text import Draft, DraftField, parse_card, parse_text
from kithkin.sources.records import ContactRecord

MAX_TEXT_BYTES: Final = 1024 * 1024  # a vCard file or signature read for capture
_SOCIAL: Final = {
    "linkedin.com": "linkedin",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "github.com": "github",
    "instagram.com": "instagram",
}


@dataclass(frozen=True)
class Capture:
    """What one input gave: its drafts and, for a photo, the photo (media type, bytes)."""

    name: str
    drafts: tuple[Draft, ...]
    image: tuple[str, bytes] | None = None
    rotation: int = 0  # a photo: degrees it was turned to be read
    skew: float = 0.0


Reader = Callable[[str, bytes, str], Capture]


def read(name: str, data: bytes, *, region: str = "US") -> Capture:
    """The drafts in one input; InvalidInput (one line naming `name`) when it holds none."""
    if not data.strip():
        raise InvalidInput(f"{name}: empty")
    for test, reader in READERS:
        if test(data):
            return reader(name, data, region)
    raise InvalidInput(f"{name}: not an image, a vCard or text")


def read_photo(name: str, data: bytes, region: str) -> Capture:
    image = card_image.load(data, name)
    media = _media_type(data)
    if media not in IMAGE_TYPES:  # HEIC, TIFF, BMP: kept as JPEG, which every browser shows
        media, data = "image/jpeg", card_image.jpeg(image)
    codes = card_image.qr_codes(image)
    if codes:
        drafts = tuple(from_payload(code, region=region, name=name) for code in codes)
        return Capture(name, drafts, (media, data))
    result = card_image.ocr(image)
    draft = parse_card(result.lines, region=region, source="ocr")
    if draft.empty or (
        draft.name is None and not draft.values("email") and not draft.values("phone")
    ):
        raise InvalidInput(
            f"{name}: no card or QR code found in the photo (no name, address or number read)"
        )
    return Capture(name, (draft,), (media, data), result.rotation, result.skew)


def read_vcard(name: str, data: bytes, region: str) -> Capture:
    if len(data) > MAX_TEXT_BYTES:
        raise InvalidInput(
            f"{name}: too big for capture (at most 1 MB; use kithkin import contacts)"
        )
    drafts = tuple(_vcard_drafts(data, name))
    return Capture(name, drafts)


def read_text(name: str, data: bytes, region: str) -> Capture:
    if len(data) > MAX_TEXT_BYTES:
        raise InvalidInput(f"{name}: too much text for a card or a signature (at most 1 MB)")
    draft = parse_text(data.decode("utf-8", "replace"), region=region)
    if not _something(draft):
        raise InvalidInput(f"{name}: no name, address or number found in the text")
    return Capture(name, (draft,))


def _something(draft: Draft) -> bool:
    """Whether a draft read from a photo or text holds someone: a name, an address or a number."""
    return any(draft.values(kind) for kind in ("name", "email", "phone"))


def _is_vcard(data: bytes) -> bool:
    return b"BEGIN:VCARD" in data[:4096].upper()


def _is_text(data: bytes) -> bool:
    head = data[:4096]
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # a character cut at the end of the head
    return True


READERS: Final[Sequence[tuple[Callable[[bytes], bool], Reader]]] = (
    (card_image.is_image, read_photo),
    (_is_vcard, read_vcard),
    (_is_text, read_text),
)


# -- QR payloads ---------------------------------------------------------------------------------


def from_payload(payload: str, *, region: str = "US", name: str = "QR code") -> Draft:
    """The draft a QR code's text describes (see the module's docstring)."""
    text = payload.strip()
    upper = text[:16].upper()
    if upper.startswith("BEGIN:VCARD"):
        drafts = list(_vcard_drafts(text.encode("utf-8"), name))
        return Draft("qr", drafts[0].fields, text, drafts[0].warnings) if drafts else _nothing(text)
    if upper.startswith("MECARD:"):
        return Draft("qr", tuple(_mecard(text[7:], region)), text)
    if re.match(r"(?i)^https?://\S+$", text):
        host = re.sub(r"(?i)^https?://(www\.)?", "", text).split("/")[0].lower()
        return Draft("qr", (DraftField("url", text, 1.0, _SOCIAL.get(host)),), text)
    if upper.startswith("MAILTO:"):
        address = text[7:].split("?")[0]
        return Draft("qr", (DraftField("email", address, 1.0),), text)
    if upper.startswith("TEL:"):
        return Draft("qr", (DraftField("phone", _phone(text[4:], region), 1.0),), text)
    parsed = parse_text(text, region=region, source="qr")
    return parsed if _something(parsed) else _nothing(text)


def _nothing(text: str) -> Draft:
    return Draft("qr", (DraftField("note", text[:500], 1.0),), text, ("the code holds no contact",))


def _mecard(body: str, region: str) -> list[DraftField]:
    out: list[DraftField] = []
    for key, value in _mecard_fields(body):
        if not value:
            continue
        if key == "N":
            family, _, given = value.partition(",")
            name = f"{given.strip()} {family.strip()}".strip() if given else family.strip()
            out.append(DraftField("name", name, 1.0))
        elif key == "TEL":
            out.append(DraftField("phone", _phone(value, region), 1.0))
        elif key == "EMAIL":
            out.append(DraftField("email", value, 1.0))
        elif key == "URL":
            out.append(DraftField("url", value, 1.0))
        elif key == "ORG":
            out.append(DraftField("organisation", value, 1.0))
        elif key == "TITLE":
            out.append(DraftField("title", value, 1.0))
        elif key == "ADR":
            parts = [p.strip() for p in value.split(",") if p.strip()]
            out.append(DraftField("address", ", ".join(parts), 1.0))
        elif key == "NOTE":
            out.append(DraftField("note", value, 1.0))
    return out


def _mecard_fields(body: str) -> list[tuple[str, str]]:
    """MECARD's `KEY:value;` pairs, with `\\;`, `\\:`, `\\,` and `\\\\` unescaped."""
    pairs: list[tuple[str, str]] = []
    current: list[str] = []
    escaped = False
    for ch in body:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ";":
            pairs.append(_pair("".join(current)))
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        pairs.append(_pair("".join(current)))
    return [p for p in pairs if p[0]]


def _pair(item: str) -> tuple[str, str]:
    key, sep, value = item.partition(":")
    return (key.strip().upper(), value.strip()) if sep else ("", "")


def _phone(value: str, region: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return value.strip()
    if not phonenumbers.is_possible_number(number):
        return value.strip()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# -- vCards ------------------------------------------------------------------------------------


def _vcard_drafts(data: bytes, name: str) -> list[Draft]:
    from kithkin.sources.records import SourceProblem
    from kithkin.sources.vcard import read_vcards

    drafts: list[Draft] = []
    problems: list[str] = []
    for item in read_vcards(data, name, parallel=False):
        if isinstance(item, SourceProblem):
            problems.append(str(item))
        else:
            drafts.append(from_record(item))
    if not drafts:
        raise InvalidInput(problems[0] if problems else f"{name}: no card in the vCard")
    if problems:
        first = drafts[0]
        drafts[0] = Draft(first.source, first.fields, first.text, (*first.warnings, *problems))
    return drafts


def from_record(record: ContactRecord) -> Draft:
    """A vCard's contact record as a draft (its values as written)."""
    fields: list[DraftField] = []
    name = record.display_name or " ".join(p for p in (record.given_name, record.family_name) if p)
    if name:
        fields.append(DraftField("name", name, 1.0))
    if record.title:
        fields.append(DraftField("title", record.title, 1.0))
    if record.organisation:
        fields.append(DraftField("organisation", record.organisation, 1.0))
    for kind, values in (
        ("email", record.emails),
        ("phone", record.phones),
        ("url", record.urls),
        ("handle", record.handles),
    ):
        fields.extend(DraftField(kind, v.value, 1.0, v.label) for v in values)
    fields.extend(DraftField("note", note, 1.0) for note in record.notes)
    return Draft("vcard", tuple(fields), record.raw, record.warnings)


def _media_type(data: bytes) -> str:
    for head, media in (
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"\x89PNG", "image/png"),
        (b"GIF8", "image/gif"),
        (b"BM", "image/bmp"),
        (b"II*\x00", "image/tiff"),
        (b"MM\x00*", "image/tiff"),
    ):
        if data.startswith(head):
            return media
    if data[:4] == b"RIFF":
        return "image/webp"
    return "image/heic"
