"""People written as vCard 4.0 (RFC 6350), readable back by `kithkin.sources.vcard`.

Each person is one card: FN, N, ORG, TITLE, EMAIL, TEL, URL, X-SOCIALPROFILE (handles),
CATEGORIES (tags), NOTE (one per note), UID and REV. A label the reader would turn back
into the same text from a TYPE parameter ("work", "home fax", "mobile" as TYPE=cell) is
written as TYPE; any other label is written Apple's way, in an `itemN.X-ABLabel` line, so
every label survives the round trip. Lines are folded at 75 octets, never inside a
character. No control character is written (a stored one would make the card unreadable).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from kithkin.model import Person, without_controls
from kithkin.sources import labels

PRODID = "-//kithkin//kithkin//EN"
_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
_TOKEN = re.compile(r"^[A-Za-z0-9-]+$")
_PROPERTY = {"email": "EMAIL", "phone": "TEL", "url": "URL", "handle": "X-SOCIALPROFILE"}


def to_vcard(person: Person) -> str:
    """One person as a vCard 4.0 card (CRLF line endings)."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", f"PRODID:{PRODID}"]
    lines.append(f"UID:{_uid(person.uid)}")
    lines.append(f"FN:{_escape(person.display_name)}")
    name = (person.family_name or "", person.given_name or "", "", "", "")
    lines.append("N:" + ";".join(_escape(part) for part in name))
    if person.organisation:
        lines.append(f"ORG:{_escape(person.organisation)}")
    if person.title:
        lines.append(f"TITLE:{_escape(person.title)}")
    item = 0
    for point in person.contact_points:
        prop = _PROPERTY.get(point.kind)
        if prop is None or not point.value.strip():
            continue
        label = (point.label or "").strip() or None
        value = _escape(point.value.strip())
        types = _type_param(point.kind, label)
        if label is None:
            lines.append(f"{prop}:{value}")
        elif types is not None:
            lines.append(f"{prop};TYPE={types}:{value}")
        else:
            item += 1
            lines.append(f"item{item}.{prop}:{value}")
            lines.append(f"item{item}.X-ABLabel:{_escape(label)}")
    tags = [tag.strip() for tag in person.tags if tag.strip()]
    if tags:
        lines.append("CATEGORIES:" + ",".join(_escape(tag) for tag in tags))
    for note in person.notes:
        text = _newlines(note.text).strip()
        if text:
            lines.append(f"NOTE:{_escape(text)}")
    lines.append(f"REV:{_timestamp(person.updated_at)}")
    lines.append("END:VCARD")
    return "".join(_fold(without_controls(line)) + "\r\n" for line in lines)


def to_vcards(people: Iterable[Person]) -> str:
    """Several people as one .vcf file."""
    return "".join(to_vcard(person) for person in people)


def _uid(uid: str) -> str:
    if _HEX32.match(uid):
        h = uid.lower()
        return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return _escape(uid)


def _type_param(kind: str, label: str | None) -> str | None:
    """The TYPE parameter that reads back as `label`, or None when no TYPE can."""
    if label is None:
        return None
    words = ["cell" if word == "mobile" else word for word in label.split(" ")]
    if not all(_TOKEN.match(word) for word in words):
        return None
    if kind == "handle":
        return words[0] if len(words) == 1 and words[0] == label else None
    if labels.from_types(words) != label:
        return None
    return ",".join(words)


def _escape(text: str) -> str:
    text = _newlines(text)
    for char, escaped in (("\\", "\\\\"), ("\n", "\\n"), (",", "\\,"), (";", "\\;")):
        text = text.replace(char, escaped)
    return text


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str, limit: int = 75) -> str:
    """`line` folded so that no physical line passes `limit` octets (RFC 6350 3.2)."""
    if len(line.encode("utf-8")) <= limit:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        room = limit if not parts else limit - 1  # continuation lines start with a space
        if size + width > room:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)
