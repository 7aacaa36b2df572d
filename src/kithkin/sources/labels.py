"""The labels contact readers give e-mails, phones, URLs and handles.

One small vocabulary, lower-case, shared by every contact source so "Mobile" in a Google CSV,
`TEL;CELL` in a vCard 2.1 and `TYPE=cell` in a vCard 4.0 all arrive as "mobile":

- a place: "home", "work", "school", "other";
- a kind (phones): "mobile", "fax", "pager", "main", "car", "isdn", "video", "textphone",
  "modem", "bbs", "assistant";
- both: "work fax", "home fax", "work mobile", ... (place first);
- URLs: "homepage", "blog", "profile", "linkedin" (a LinkedIn profile from Connections.csv);
- handles: the service, as the source names it ("twitter", "skype", "xmpp", "sip", ...).

A label outside the vocabulary (a custom label typed by the user) is kept as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

PLACES: Final = ("home", "work", "school", "other")
KINDS: Final[dict[str, str]] = {
    "cell": "mobile",
    "mobile": "mobile",
    "iphone": "mobile",
    "fax": "fax",
    "pager": "pager",
    "main": "main",
    "car": "car",
    "isdn": "isdn",
    "video": "video",
    "textphone": "textphone",
    "modem": "modem",
    "bbs": "bbs",
    "assistant": "assistant",
}
URL_KINDS: Final = ("homepage", "blog", "profile")

# TYPE values that describe the value's transport or preference, not a label.
_NOISE: Final = frozenset(
    {"pref", "internet", "voice", "msg", "text", "x400", "dom", "intl", "postal", "parcel"}
    | {"uri", "url", "value", "base64", "b", "quoted-printable", "8bit", "7bit"}
)

# Free-text spellings (Google CSV, Apple's _$!<...>!$_ labels) of words in the vocabulary.
_SPELLINGS: Final[dict[str, str]] = {
    "home page": "homepage",
    "homepage": "homepage",
    "blog": "blog",
    "profile": "profile",
    "homefax": "home fax",
    "workfax": "work fax",
    "otherfax": "other fax",
    "assistantphone": "assistant",
    "google voice": "google voice",
}

_APPLE = re.compile(r"^_\$!<(.+)>!\$_$")


def from_types(types: Iterable[str]) -> str | None:
    """The label of a vCard property from its TYPE values (and vCard 2.1 bare parameters)."""
    place: str | None = None
    kind: str | None = None
    other: str | None = None
    for raw in types:
        for token in raw.split(","):
            word = token.strip()
            low = word.lower()
            if not word or low in _NOISE:
                continue
            if low in PLACES:
                place = place or low
            elif low in KINDS:
                kind = kind or KINDS[low]
            elif low in URL_KINDS:
                kind = kind or low
            elif other is None:
                other = word
    if place or kind:
        return " ".join(part for part in (place, kind) if part)
    return other


def from_text(text: str | None) -> str | None:
    """The label of a free-text label (Google CSV): words of the vocabulary in its spelling,
    anything else as written. Google marks the primary value with "* " ("* Work")."""
    if text is None:
        return None
    label = text.strip().removeprefix("* ").strip()
    low = label.lower()
    if low in _SPELLINGS:
        return _SPELLINGS[low]
    words = low.split()
    if words and all(w in PLACES or w in KINDS or w in URL_KINDS for w in words):
        return from_types(words)
    return label or None


def from_ablabel(text: str) -> str | None:
    """The label of an Apple `X-ABLabel`: Apple's own labels, written `_$!<HomePage>!$_`, in
    the vocabulary; a label the user typed exactly as written."""
    label = text.strip()
    apple = _APPLE.match(label)
    if apple:
        return from_text(apple.group(1))
    return label or None
