"""Contact points: how each kind is normalised so one address belongs to one person."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from kithkin.errors import InvalidInput
from kithkin.model import CONTACT_KINDS

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def normalize(kind: str, value: str) -> str:
    """The comparison key of a contact point; raises InvalidInput for a malformed one."""
    value = value.strip()
    if kind not in CONTACT_KINDS:
        raise InvalidInput(f"unknown contact kind {kind!r}; use one of {', '.join(CONTACT_KINDS)}")
    if not value:
        raise InvalidInput(f"empty {kind}")
    if kind == "email":
        if not _EMAIL.match(value):
            raise InvalidInput(f"not an email address: {value!r}")
        return value.lower()
    if kind == "phone":
        digits = re.sub(r"[^\d]", "", value)
        if len(digits) < 3:
            raise InvalidInput(f"not a phone number: {value!r}")
        return ("+" if value.startswith(("+", "00")) else "") + digits.removeprefix(
            "00" if value.startswith("00") else ""
        )
    if kind == "url":
        try:
            parts = urlsplit(value if "://" in value else f"https://{value}")
        except ValueError as exc:
            raise InvalidInput(f"not a URL: {value!r} ({exc})") from None
        if not parts.netloc or any(ch.isspace() for ch in value):
            raise InvalidInput(f"not a URL: {value!r}")
        host = parts.netloc.lower().removeprefix("www.")
        return f"{host}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")
    return value.lower().lstrip("@")
