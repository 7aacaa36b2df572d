"""The places an import reads: paths on this computer (the server is the user's own, on
127.0.0.1) and IMAP URLs, checked before an import starts, and the passwords of those URLs
kept out of anything shown."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from kithkin.errors import InvalidInput
from kithkin.sources.mail.imap_url import is_imap as is_imap

_URL_PASSWORD: Final = re.compile(r"(?i)\b(imaps?://[^:/@\s]*):[^/\s]*@")


def local_path(text: str) -> Path:
    """A path the user typed, "~" expanded."""
    try:
        return Path(text).expanduser()
    except RuntimeError:  # "~someone" who is no user here
        raise InvalidInput(f"{text}: no such user's home folder on this computer") from None


def without_passwords(text: str) -> str:
    """Text with the password of any IMAP URL in it taken out (as a form is shown again, or
    an error told)."""
    return _URL_PASSWORD.sub(r"\1@", text)
