"""Correspondents as the ingest compares them: normalised addresses and the roles people have
on a message or an invitation. Light on purpose: the parsing worker processes import it.
"""

from __future__ import annotations

import functools
import re
from typing import Final, Literal

from kithkin.ingest.mail_rules import is_list_address, is_robot_address

Role = Literal["from", "to", "cc", "bcc", "list", "attendee", "organizer"]
# (normalised address, role, display name as written, address as written)
Correspondent = tuple[str, Role, str, str]
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\Z")


@functools.lru_cache(maxsize=1 << 16)
def normal_address(address: str) -> str | None:
    """The comparison key of an address (lower case), None when it is not one (the rule of
    `store.contacts.normalize`: something, one "@", something, no white space)."""
    key = address.strip().lower()
    return key if _EMAIL.match(key) else None


@functools.lru_cache(maxsize=1 << 16)
def a_person(key: str) -> bool:
    """Whether a (normalised) address may be a person's: not a robot's, not a list server's
    (the lists met in the mail are checked by the caller)."""
    return not is_robot_address(key) and not is_list_address(key)
