"""Correspondents as the ingest compares them: normalised addresses, the roles people have
on a message or an invitation, which addresses are no person's (robots, list servers) and
the name to call a correspondent by. Shared by the mail and the calendar imports and their
address book. Light on purpose: the parsing worker processes import it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from typing import Final, Literal

from kithkin.model import CONTROL_CHARS, without_controls

Role = Literal["from", "to", "cc", "bcc", "list", "attendee", "organizer"]
# (normalised address, role, display name as written, address as written)
Correspondent = tuple[str, Role, str, str]
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\Z")
_ROBOT_LOCAL: Final = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply\w*|mailer[-_]daemon|postmaster"
    r"|bounces?|bounce[-+.].*|notifications?|notify|alerts?|newsletters?|news|marketing|mailer"
    r"|automated|auto[-_]?confirm|jenkins|builds?|ci|lava|robot|bot|daemon|system|updates?"
    r"|digest|announce(?:ments?)?|info[-_]?mail|mail[-_]?er|reply[-_]?to"
    r"|rss(?:[-_]?feeds?)?|feeds?|no[-_.]?address)(?:[-+._].*)?$",
    re.IGNORECASE,
)
# Hosts of list servers: an address there is a list, not a person.
_LIST_HOST: Final = re.compile(
    r"^(?:lists?\.|.*\.lists?\.|googlegroups\.com$|groups\.io$|.*\.groups\.io$|yahoogroups\.com$)",
    re.IGNORECASE,
)
# "'Ana Lima' via Kernel Dev": the name a list gives a sender when it rewrites From (DMARC).
_VIA: Final = re.compile(r"^\s*'?(.*?)'?\s+via\s+\S+$")
_LOCAL_WORDS: Final = re.compile(r"[._\-+]+")
_QUOTES: Final = "\"' "


@functools.lru_cache(maxsize=1 << 16)
def normal_address(address: str) -> str | None:
    """The comparison key of an address (lower case), None when it is not one (the rule of
    `store.contacts.normalize`: something, one "@", something, no white space, no control
    character)."""
    key = address.strip().lower()
    return key if _EMAIL.match(key) and not CONTROL_CHARS.search(address) else None


@functools.lru_cache(maxsize=1 << 16)
def a_person(key: str) -> bool:
    """Whether a (normalised) address may be a person's: not a robot's, not a list server's
    (the lists met in the mail are checked by the caller)."""
    return not is_robot_address(key) and not is_list_address(key)


@functools.lru_cache(maxsize=1 << 16)
def is_robot_address(address: str) -> bool:
    """A sender address that no human answers (noreply@, notifications@, bounces+...@)."""
    local = address.rsplit("@", 1)[0]
    return bool(_ROBOT_LOCAL.match(local))


def is_list_address(address: str, known: Collection[str] = ()) -> bool:
    """An address that is a mailing list (never a person): one a List-Id named, or one on a
    list server's host (lists.example.org, googlegroups.com, groups.io)."""
    if address in known:
        return True
    host = address.rpartition("@")[2]
    return bool(_LIST_HOST.match(host))


def person_name(name: str | None, address: str) -> str:
    """The name to call a correspondent by: the one their mail gives, cleaned ("Smith, Bob"
    is Bob Smith; "'Ana' via Kernel Dev" is Ana), else one made from the address."""
    text = " ".join(without_controls(name or "").split()).strip(_QUOTES)
    via = _VIA.match(text)
    if via is not None:
        text = via.group(1).strip(_QUOTES)
    if text.count(",") == 1 and "@" not in text:
        family, given = (part.strip() for part in text.split(","))
        text = f"{given} {family}".strip() if given and family else family or given
    if text and "@" not in text and text.lower() != address.lower():
        return text
    local = address.partition("@")[0]
    words = [w for w in _LOCAL_WORDS.split(local) if w]
    if not words:
        return address
    return " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in words)
