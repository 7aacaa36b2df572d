"""The words of a draft, whatever it came as: plain text, HTML, or a whole mail message.

A message (headers, then a body) gives its text part, else its HTML part made plain; the
signature (after a `-- ` line) and a mailing list's footer (after a line of underscores) are
not the writer's message and are cut. Nothing here raises on bad bytes: undecodable bytes
become U+FFFD.
"""

from __future__ import annotations

import email
import email.policy
import html
import re
from email.message import EmailMessage
from typing import Final

MAX_BYTES: Final = 2_000_000  # a draft longer than this is read from its start only
_HEADER = re.compile(rb"^[!-9;-~]{1,76}:([ \t]|\r?$)")  # RFC 5322: printable, no colon
_KNOWN: Final = {
    b"from",
    b"to",
    b"subject",
    b"date",
    b"received",
    b"return-path",
    b"message-id",
    b"mime-version",
    b"delivered-to",
    b"content-type",
    b"cc",
    b"reply-to",
}
_TAG = re.compile(r"<[^>]{0,2000}>")
_HIDDEN = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.I | re.S)
_BREAK = re.compile(r"<(br|/p|/div|/tr|/h\d|/li)\b[^>]{0,200}>", re.I)
_FOOTER = re.compile(r"^(-- ?|_{10,}|-{10,} ?\w.*)$", re.M)


def is_message(raw: bytes) -> bool:
    """Whether the bytes start like a mail message: a block of header lines, among them one a
    message has (From, To, Subject, Date...), before the first blank line."""
    head = raw[:16384].lstrip(b"\r\n")
    if head.startswith(b"From "):
        head = head.partition(b"\n")[2]
    names: set[bytes] = set()
    for line in head.splitlines()[:200]:
        if not line.strip():
            break
        match = _HEADER.match(line)
        if match:
            names.add(line.split(b":", 1)[0].lower())
        elif line[:1] not in b" \t":
            return False
    return bool(names & _KNOWN)


def text_of(raw: bytes) -> str:
    """The writer's words of a draft file: a message's body, HTML made plain, or the text."""
    raw = raw[:MAX_BYTES]
    if raw.startswith(b"From "):  # an mbox's separator line before the message
        raw = raw.partition(b"\n")[2]
    if is_message(raw):
        body = _body(email.message_from_bytes(raw, policy=email.policy.default))
    else:
        body = raw.decode("utf-8", errors="replace")
        if _looks_html(body):
            body = plain(body)
    return _cut_footer(body)


def plain(markup: str) -> str:
    """HTML made plain text: scripts and styles out, line breaks kept, entities decoded."""
    text = _HIDDEN.sub(" ", markup)
    text = _BREAK.sub("\n", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def _looks_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<body" in head or "<p>" in head or "<br" in head


def _body(message: email.message.Message) -> str:
    if not isinstance(message, EmailMessage):  # pragma: no cover - the policy makes them
        return ""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (LookupError, ValueError, TypeError):
        part = None
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, TypeError, AssertionError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html" or _looks_html(content):
        return plain(content)
    return content


def _cut_footer(text: str) -> str:
    match = _FOOTER.search(text)
    return text[: match.start()] if match else text
