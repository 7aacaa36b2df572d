"""Contact points: how each kind is normalised so one address belongs to one person.

Phone numbers are keyed in E.164 (`+14155550123`) when `phonenumbers` can parse them, reading
a number without a country code as one of `region` (the `default_region` setting, else US).
A value holding a control character (a NUL from a mail header) is refused, whatever its kind.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from kithkin.errors import InvalidInput
from kithkin.model import CONTACT_KINDS, first_control

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
DEFAULT_REGION: Final = "US"
# Hosts whose profile paths are case-blind, so /in/DanaW and /in/danaw are one profile.
_CASE_BLIND_HOSTS: Final = frozenset({"linkedin.com", "twitter.com", "x.com", "github.com"})


def normalize(kind: str, value: str, *, region: str = DEFAULT_REGION) -> str:
    """The comparison key of a contact point; raises InvalidInput for a malformed one."""
    value = value.strip()
    if kind not in CONTACT_KINDS:
        raise InvalidInput(f"unknown contact kind {kind!r}; use one of {', '.join(CONTACT_KINDS)}")
    if not value:
        raise InvalidInput(f"empty {kind}")
    control = first_control(value)
    if control is not None:
        raise InvalidInput(f"{kind} {value!r} holds a control character ({control})")
    if kind == "email":
        if not _EMAIL.match(value):
            raise InvalidInput(f"not an email address: {value!r}")
        return value.lower()
    if kind == "phone":
        e164 = _e164(value, region)
        if e164 is not None:
            return e164
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
        if host.removeprefix("m.") in _CASE_BLIND_HOSTS:
            return f"{host.removeprefix('m.')}{parts.path.rstrip('/').lower()}"
        return f"{host}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")
    handle = value.lower().lstrip("@").strip()
    if not handle:
        raise InvalidInput(f"not a handle: {value!r}")
    return handle


def _e164(value: str, region: str) -> str | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region.upper() or DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
