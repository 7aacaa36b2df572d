"""Bytes of a source file as text, and stable ids of raw records.

Real exports come in UTF-8 (with or without a byte-order mark), UTF-16 (Outlook) or a legacy
8-bit charset (Excel re-saves, old phones). Decoding never fails: UTF-8 when the bytes are
valid UTF-8, else the charset the file declares, else Windows-1252 (which reads Latin-1 too).
"""

from __future__ import annotations

import codecs
import hashlib
import re

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def utf16_to_utf8(data: bytes) -> bytes:
    """UTF-16 bytes (told by a byte-order mark, or by NULs after ASCII) as UTF-8; other bytes
    unchanged. Lets line-oriented readers work on bytes whatever the file's encoding."""
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    head = data[:64]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return data.decode("utf-16-le", errors="replace").encode("utf-8")
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return data.decode("utf-16-be", errors="replace").encode("utf-8")
    return data


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text of `data`: UTF-8 when valid, else `charset` (a declared one), else Windows-1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if charset:
        try:
            return data.decode(charset.strip().strip('"'))
        except (LookupError, UnicodeDecodeError, ValueError):
            pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def decode_text(data: bytes) -> str:
    """A whole file as text: byte-order marks honoured and removed."""
    data = utf16_to_utf8(data)
    return decode_bytes(data.removeprefix(codecs.BOM_UTF8))


def stable_id(raw: str) -> str:
    """A content hash of a raw record that ignores line endings and trailing blanks, so the
    same record re-exported on another system keeps its id (sha256, first 32 hex digits)."""
    lines = [line.rstrip() for line in re.split(r"\r\n|\r|\n", raw)]
    normal = "\n".join(lines).strip("\n")
    return hashlib.sha256(normal.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]
