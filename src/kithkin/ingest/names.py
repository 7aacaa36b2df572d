"""Names and organisations reduced to comparison keys: folded, split, stripped of decoration.

`fold("Zoë Ødegård")` is `"zoe odegard"`; `split_name` finds the given and family name in a
display name ("Smith, Bob", "Dr. Robert J. Smith Jr."); `org_key` drops legal suffixes so
"Acme, Inc." and "ACME" compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# Letters NFKD does not decompose into a base letter and a mark.
_SPECIAL: Final = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "ı": "i",
        "þ": "th",
        "Þ": "th",
        "ð": "d",
        "Ð": "d",
    }
)
_NON_WORD: Final = re.compile(r"[^\w]+|_", re.UNICODE)
_TITLES: Final = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev", "hon"}
)
_SUFFIXES: Final = frozenset(
    {"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "esq", "cpa", "pe", "msc", "bsc"}
)
_LEGAL: Final = frozenset(
    {
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "srl",
        "spa",
        "oy",
        "ab",
        "as",
        "asa",
        "kk",
        "pty",
        "the",
    }
)


def fold(text: str | None) -> str:
    """Lower case, no accents, words separated by one space: a key to compare names by."""
    if not text:
        return ""
    flat = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    bare = "".join(ch for ch in flat if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", bare.casefold()).split())


def split_name(
    display_name: str | None, given_name: str | None = None, family_name: str | None = None
) -> tuple[str, str]:
    """(given, family) as folded keys: the stored fields when there are any, else read from
    the display name. The given key is the first given name; the family key has no spaces
    ("van der Berg" -> "vanderberg")."""
    given, family = fold(given_name), fold(family_name)
    if not given and not family:
        name = display_name or ""
        if name.count(",") == 1:  # "Smith, Bob"
            family_part, given_part = name.split(",")
            given, family = fold(given_part), fold(family_part)
            family = " ".join(w for w in family.split() if w not in _SUFFIXES)
            given = " ".join(w for w in given.split() if w not in _TITLES | _SUFFIXES)
        else:
            words = [w for w in fold(name).split() if w not in _TITLES and w not in _SUFFIXES]
            if len(words) == 1:
                given = words[0]
            elif words:
                given, family = words[0], words[-1]
    first = given.split()[0] if given else ""
    return first, family.replace(" ", "")


def name_tokens(display_name: str | None, given: str, family: str) -> tuple[str, ...]:
    """The words of a full name, sorted: equal for "Bob Smith" and "Smith Bob"."""
    words = [w for w in fold(display_name).split() if w not in _TITLES and w not in _SUFFIXES]
    if not words:
        words = [w for w in (given, family) if w]
    return tuple(sorted(words))


def org_key(organisation: str | None) -> str:
    """An organisation without case, accents, punctuation or legal suffixes."""
    words = [w for w in fold(organisation).split() if w not in _LEGAL]
    return " ".join(words) or fold(organisation)


def close_spelling(a: str, b: str) -> bool:
    """Whether two words differ by one edit (two when both are long), same first letter."""
    if not a or not b or a == b or a[0] != b[0]:
        return False
    limit = 2 if min(len(a), len(b)) >= 8 else 1
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > limit:
        return False
    return _within(a, b, limit)


def _within(a: str, b: str, edits: int) -> bool:
    """Whether `a` becomes `b` in at most `edits` insertions, deletions, substitutions or
    swaps of adjacent letters (tried branch by branch: cheap for the one or two allowed)."""
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    a, b = a[start:], b[start:]
    end = 0
    while end < len(a) and end < len(b) and a[-1 - end] == b[-1 - end]:
        end += 1
    if end:
        a, b = a[:-end], b[:-end]
    if not a or not b:
        return max(len(a), len(b)) <= edits
    if edits == 0:
        return False
    swapped = len(a) > 1 and len(b) > 1 and a[0] == b[1] and a[1] == b[0]
    return (
        (swapped and _within(a[2:], b[2:], edits - 1))
        or _within(a[1:], b[1:], edits - 1)
        or _within(a[1:], b, edits - 1)
        or _within(a, b[1:], edits - 1)
    )
