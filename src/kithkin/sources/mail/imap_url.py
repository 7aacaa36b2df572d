"""IMAP URLs (`imaps://user@host[:port]/Folder`) and folder names in modified UTF-7.

The URL names the account and the folder, never the password (see `credentials`). Folder
names travel over IMAP in the modified UTF-7 of RFC 3501 5.1.3 ("Gesch&AOQ-ft") and are
shown and stored decoded ("Geschäft").
"""

from __future__ import annotations

import ipaddress
import re
from base64 import b64decode, b64encode
from dataclasses import dataclass, replace
from urllib.parse import quote, unquote

from kithkin.errors import ImapError

DEFAULT_PORTS = {"imap": 143, "imaps": 993}


# --- URLs ------------------------------------------------------------------------------------


def is_imap(location: str) -> bool:
    """Whether a location to import is an IMAP URL (imap://, imaps://) rather than a path."""
    return location.lower().startswith(("imap://", "imaps://"))


@dataclass(frozen=True)
class ImapUrl:
    """`imaps://user@host[:port]/Folder`; `imap://` is plain IMAP (STARTTLS unless loopback)."""

    tls: bool
    user: str
    host: str
    port: int
    folder: str = "INBOX"

    def __str__(self) -> str:
        scheme = "imaps" if self.tls else "imap"
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if self.port == DEFAULT_PORTS[scheme] else f":{self.port}"
        return f"{scheme}://{quote(self.user, safe='')}@{host}{port}/{quote(self.folder, safe='/')}"

    def with_folder(self, folder: str) -> ImapUrl:
        return replace(self, folder=folder)

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def parse_imap_url(url: str) -> ImapUrl:
    """The parts of an IMAP URL; the user is percent-decoded, the folder too (default INBOX)."""
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    authority, _, path = rest.partition("/")
    userinfo, at, hostport = authority.rpartition("@")
    if ":" in userinfo:  # never echo a password, not even into an error message
        shown = f"{scheme}://{userinfo.partition(':')[0]}:***@{hostport}/{path}"
        raise ImapError(
            f"{shown}: a password does not belong in the URL; "
            "set KITHKIN_IMAP_PASSWORD or store it in the system keyring"
        )
    if not sep or scheme not in DEFAULT_PORTS:
        raise ImapError(f"{url}: not an IMAP URL (imaps://user@host[:port]/Folder)")
    if not at or not userinfo:
        raise ImapError(f"{url}: the URL names no user (imaps://user@host/Folder)")
    if hostport.startswith("["):
        host, bracket, port_text = hostport[1:].partition("]")
        if not bracket or (port_text and not port_text.startswith(":")):
            raise ImapError(f"{url}: malformed host {hostport!r}")
        port_text = port_text[1:]
    else:
        host, _, port_text = hostport.partition(":")
    if not host:
        raise ImapError(f"{url}: the URL names no host")
    port = DEFAULT_PORTS[scheme]
    if port_text:
        if not port_text.isascii() or not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ImapError(f"{url}: bad port {port_text!r}")
        port = int(port_text)
    try:
        user = unquote(userinfo, errors="strict")
        folder = unquote(path.rstrip("/"), errors="strict") or "INBOX"
    except UnicodeDecodeError:
        raise ImapError(f"{url}: percent-escapes that are not UTF-8") from None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in user + folder):
        raise ImapError(f"{url}: control characters in the user or folder")
    return ImapUrl(tls=scheme == "imaps", user=user, host=host.lower(), port=port, folder=folder)


# --- modified UTF-7 folder names (RFC 3501 5.1.3) --------------------------------------------


def encode_folder(name: str) -> str:
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            data = b64encode("".join(run).encode("utf-16-be")).rstrip(b"=")
            out.append("&" + data.replace(b"/", b",").decode("ascii") + "-")
            run.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    flush()
    return "".join(out)


_SHIFTED = re.compile(r"&([A-Za-z0-9+,]*)-")


def decode_folder(name: str) -> str:
    def shifted(match: re.Match[str]) -> str:
        if not match[1]:
            return "&"
        data = match[1].replace(",", "/")
        try:
            return b64decode(data + "=" * (-len(data) % 4)).decode("utf-16-be")
        except (ValueError, UnicodeDecodeError):
            return match[0]

    return _SHIFTED.sub(shifted, name)
