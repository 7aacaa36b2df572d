"""The header scanner: finds the fields kithkin needs in a header block and decodes their text.

It works on bytes and touches only what it needs. One regular expression, anchored on the
newline before each field and on a trie of the wanted names, walks the block in C and returns
`(name, raw value)` pairs for those fields only; Received, ARC and the other fields kithkin
does not read never become Python objects. Values are decoded on demand: unfolded (RFC 5322
2.2.3), raw 8-bit bytes read as UTF-8 else Windows-1252, then RFC 2047 encoded-words decoded
(adjacent words joined first, so a character split across two words survives).

Measured on the Enron and ksummit header blocks: a general `name: value` findall over every
field costs 1.6x this scan, a Python loop over `block.split(b"\n")` 3.3x;
`str(make_header(decode_header(...)))` costs 3.5x `decode_words` on encoded subjects.
"""

from __future__ import annotations

import binascii
import mmap
import re

from kithkin.model import CONTROL_CHARS, without_controls

# The fields a MessageRecord needs, as a trie so a field that is not wanted fails on its
# first letters. Case-insensitive; spaces before the colon are obsolete syntax but allowed.
_NAMES = (
    rb"a(?:uto-submitted)|bcc|cc|d(?:ate|kim-signature)|from|in-reply-to"
    rb"|list-(?:id|unsubscribe(?:-post)?)|message-id|precedence"
    rb"|re(?:ferences|ply-to|turn-path)|s(?:tatus|ubject)|to|user-agent"
    rb"|x-(?:gmail-labels|m(?:ailer|ozilla-status)|status)"
)
_FIELD = re.compile(rb"\n(" + _NAMES + rb")[ \t]*:([^\n]*(?:\n[ \t][^\n]*)*)", re.IGNORECASE)

# A line that can start a header block: a field name (printable, no colon) then a colon.
FIELD_START = re.compile(rb"[!-9;-~]+[ \t]*:")

_canonical: dict[bytes, bytes] = {}

HEADER_LIMIT = 1 << 20  # a header block larger than this is cut (and the cut reported)


def scan_fields(block: bytes) -> tuple[dict[bytes, bytes], list[tuple[bytes, bytes]]]:
    """The wanted fields of a header block: {lower-case name: raw value} for the first of each
    name, and the repeats as (name, value) pairs in order.

    `block` must start with the newline that precedes its first field (callers slice one
    byte early or prepend it). Values keep their folding; see `unfold`.
    """
    fields: dict[bytes, bytes] = {}
    repeated: list[tuple[bytes, bytes]] = []
    canonical = _canonical
    for name, value in _FIELD.findall(block):
        key = canonical.get(name)
        if key is None:
            key = name.lower()
            if len(canonical) < 4096:  # bounded: only case variants of the wanted names
                canonical[name] = key
        if key in fields:
            repeated.append((key, value))
        else:
            fields[key] = value
    return fields, repeated


def header_end(data: bytes | mmap.mmap, start: int = 0, end: int | None = None) -> int:
    """Where the header block that starts at `start` ends: the index of the blank line that
    separates it from the body, or `end` (or the data's end) when there is no body."""
    stop = len(data) if end is None else end
    if start >= stop or data[start : start + 1] in (b"\n", b"\r"):
        return start  # no header at all: the message starts with its blank line
    first_nl = data.find(b"\n", start, stop)
    if first_nl < 0:
        return stop
    if data[first_nl - 1 : first_nl] == b"\r":  # CRLF: the blank line is "\r\n\r\n"
        at = data.find(b"\n\r\n", start, stop)
        lf = data.find(b"\n\n", start, stop if at < 0 else at)
        at = lf if lf >= 0 else at
    else:
        at = data.find(b"\n\n", start, stop)
    return stop if at < 0 else at + 1


def unfold(raw: bytes) -> bytes:
    """A field value on one line: every line break is followed by white space in a folded
    value, and unfolding removes the break only (RFC 5322 2.2.3)."""
    if b"\n" in raw:
        raw = raw.replace(b"\r\n", b"").replace(b"\n", b"")
    return raw.strip()


def decode_8bit(raw: bytes, problems: list[str] | None = None) -> str:
    """Header bytes as text: ASCII, else UTF-8 (RFC 6532), else Windows-1252 / Latin-1."""
    if raw.isascii():
        return raw.decode("ascii")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if problems is not None:
        problems.append("8-bit header bytes that are not UTF-8, read as Windows-1252")
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def field_str(raw: bytes, problems: list[str] | None = None) -> str:
    """A raw value unfolded and decoded as it is written (no encoded-words): the common case
    of `decode_8bit(unfold(raw))` in one call."""
    if b"\n" in raw:
        raw = raw.replace(b"\r\n", b"").replace(b"\n", b"")
    if raw.isascii():
        return raw.decode("ascii").strip()
    return decode_8bit(raw.strip(), problems)


def text(raw: bytes, problems: list[str] | None = None) -> str:
    """An unstructured field (Subject, X-Mailer...) as text: unfolded, decoded, stripped."""
    value = field_str(raw, problems)
    if "=?" in value:
        value = decode_words(value, problems)
    if CONTROL_CHARS.search(value):
        if problems is not None:
            problems.append("control characters removed from a header field")
        value = without_controls(value)
    return value.strip()


# --- RFC 2047 encoded-words ------------------------------------------------------------------

# charset (an RFC 2231 "*language" suffix allowed), encoding, text. Lenient: encoded text may
# hold spaces (broken mailers write them), never a "?".
_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?]*)\?=")

# Labels that real mail uses for a charset Python knows under another name, or for a subset
# of a charset that decodes more (as web browsers do, WHATWG Encoding Standard).
_CHARSETS = {
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso_8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "iso-8859-11": "cp874",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
    "unknown": "utf-8",
    "default": "utf-8",
    "utf8": "utf-8",
    "x-user-defined": "utf-8",
}


def charset_codec(charset: str) -> str:
    """The Python codec that reads a MIME charset label best."""
    name = charset.lower()
    return _CHARSETS.get(name, name)


def decode_charset(data: bytes, charset: str, problems: list[str] | None = None) -> str:
    """Bytes in a declared charset; an unknown charset falls back to UTF-8 / Windows-1252,
    bytes that do not fit their charset to replacement characters (never raises)."""
    name = charset_codec(charset)
    try:
        return data.decode(name)
    except LookupError:
        note = f"unknown charset {charset!r} in an encoded word"
    except UnicodeDecodeError:
        if name == "cp1252":
            return data.decode("latin-1")
        note = f"bytes that are not {charset} in an encoded word"
        try:
            decoded = data.decode(name, "replace")
        except Exception:  # a codec that fails in its own way on hostile input
            decoded = decode_8bit(data)
        if problems is not None:
            problems.append(note)
        return decoded
    except Exception:  # a codec that fails in its own way on hostile input
        note = f"charset {charset!r} could not decode an encoded word"
    if problems is not None:
        problems.append(note)
    return decode_8bit(data)


def _word_bytes(encoding: str, payload: str) -> bytes | None:
    raw = payload.encode("ascii", "replace")
    if encoding in "bB":
        raw = raw.replace(b" ", b"")
        try:
            return binascii.a2b_base64(raw + b"=" * (-len(raw) % 4))
        except binascii.Error:
            return None
    return binascii.a2b_qp(raw, header=True)


def decode_words(value: str, problems: list[str] | None = None) -> str:
    """Text with its RFC 2047 encoded-words decoded. White space between two encoded words is
    dropped; runs of words in one charset are decoded together (a character split across two
    words survives); a word that cannot be decoded stays as it was written."""
    out: list[str] = []
    pending = b""
    pending_charset = ""
    after_word = False
    pos = 0
    for match in _WORD.finditer(value):
        gap = value[pos : match.start()]
        pos = match.end()
        charset, encoding, payload = match.groups()
        charset = charset.lower()
        data = _word_bytes(encoding, payload)
        drop_gap = after_word and (not gap or gap.isspace())
        if pending and (data is None or not drop_gap or charset != pending_charset):
            out.append(decode_charset(pending, pending_charset, problems))
            pending = b""
        if data is None:
            if problems is not None:
                problems.append("an encoded word with broken base64")
            out.append(gap)
            out.append(match.group(0))
            after_word = False
            continue
        if not drop_gap:
            out.append(gap)
        if not pending:
            pending_charset = charset
        pending += data
        after_word = True
    if pending:
        out.append(decode_charset(pending, pending_charset, problems))
    out.append(value[pos:])
    return "".join(out)
