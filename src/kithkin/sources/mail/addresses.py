"""Address lists (From, To, Cc, Reply-To...) as (display name, address) pairs.

Most real address fields are plain: `a@x, Name <b@y>`. Those take a fast path of two string
splits. Anything with quotes, comments, groups or escapes goes through a small tokenizer that
follows RFC 5322 and its obsolete syntax, and stays lenient where mail is broken:

- a quoted name may hold commas (`"Lay, Kenneth" <kenneth.lay@enron.com>`);
- groups (`Team: a@x, b@y;`) give their members, an empty group (`undisclosed-recipients:;`)
  gives nothing;
- a comment names an address that has no display name (`joe@x (Joe Bloggs)`);
- an obsolete route (`<@relay:joe@x>`) keeps only the address;
- a missing pair of angle brackets (`Joe Bloggs joe@x`) still separates name and address,
  where `email.utils.getaddresses` would glue the words into the address.

Encoded-words in names are decoded after the structure is known, so a decoded comma cannot
split an address. Unlike `getaddresses`, an entry without any address keeps its name with an
empty address (`From: Joe` is worth knowing); entries with neither are dropped.
"""

from __future__ import annotations

import re

from kithkin.model import CONTROL_CHARS, without_controls
from kithkin.sources.mail.headers import decode_words, field_str

Address = tuple[str, str]  # (display name or "", address or "")

_HARD = re.compile(r'["(\\:;]').search  # not the plain shape
_HARDER = re.compile(r"[\\:;]").search  # not even the plain shape with quotes and comments
_ITEMS = re.compile(r'(?:"[^"]*"|\([^()]*\)|[^,"(])+').findall

_TOKEN = re.compile(
    r"""
    (?P<quoted>"(?:[^"\\]|\\.)*(?:"|\Z))   # a quoted string, perhaps never closed
    |(?P<angle><[^>]*(?:>|\Z))             # an angle address, perhaps never closed
    |(?P<comment>\()                       # a comment: nesting is followed by hand
    |(?P<special>[,;:])
    |(?P<word>[^\s"(),:;<>]+)
    |(?P<space>\s+)
    |(?P<stray>[>)])
    """,
    re.VERBOSE | re.DOTALL,
)
_ENCODED_COMMA = re.compile(r"=\?[^?\s]+\?[qQ]\?=2[cC]\?=")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_SPACE = re.compile(r"\s+")

# The same address fields come back again and again in a mailbox (a colleague's From, a
# list's To, "me"): two in three on the Enron and list corpora. A bounded memo, emptied when
# full, so it only ever helps with values seen in the last few thousand.
_memo: dict[bytes, tuple[tuple[Address, ...], tuple[str, ...]]] = {}
MEMO_SIZE = 4096


def parse_addresses(raw: bytes, problems: list[str] | None = None) -> tuple[Address, ...]:
    """The mailboxes of an address field's raw value, in order."""
    known = _memo.get(raw)
    if known is None:
        noted: list[str] = []
        known = (_without_controls(_parse(field_str(raw, noted)), noted), tuple(noted))
        if len(_memo) >= MEMO_SIZE:
            _memo.clear()
        _memo[raw] = known
    if known[1] and problems is not None:
        problems.extend(known[1])
    return known[0]


def _without_controls(found: tuple[Address, ...], noted: list[str]) -> tuple[Address, ...]:
    """The mailboxes with no control character (NUL, ESC, DEL...): never stored, never shown.
    A name loses them; an address holding one is no address and is left out."""
    if not any(CONTROL_CHARS.search(name) or CONTROL_CHARS.search(a) for name, a in found):
        return found
    kept = []
    for name, address in found:
        if CONTROL_CHARS.search(address):
            noted.append("an address with control characters was left out")
            continue
        if CONTROL_CHARS.search(name):
            noted.append("control characters removed from a name")
            name = " ".join(without_controls(name).split())
        kept.append((name, address))
    return tuple(kept)


def _parse(value: str) -> tuple[Address, ...]:
    if "=2C?=" in value or "=2c?=" in value:
        # Python's email package folds a long list with its separating comma inside an
        # encoded word (`<a@x>\n =?utf-8?q?=2C?= b@y`): read that word as the comma it is.
        value = _ENCODED_COMMA.sub(",", value)
    found = None
    if _HARD(value) is None:
        found = _plain(value)
    elif _HARDER(value) is None:
        found = _quoted(value)
    if found is None:
        found = tuple(_Parser(value).mailboxes())
    return found


def _name(text: str) -> str:
    if "=?" in text:
        text = decode_words(text)
    return " ".join(text.split())


def _plain(value: str) -> tuple[Address, ...] | None:
    """The fast path: items "Name <addr>" or "addr" between commas; None for anything else."""
    out = []
    for part in value.split(","):
        lt = part.find("<")
        if lt < 0:
            part = part.strip()
            if " " in part or "\t" in part:
                return None  # words without angle brackets: the careful parser decides
            if part:
                out.append(("", part))
            continue
        gt = part.find(">", lt)
        if gt < 0 or part.find("<", lt + 1) >= 0 or part.find(">", gt + 1) >= 0:
            return None
        name = part[:lt].strip()
        if "=?" in name or "  " in name or "\t" in name:
            name = _name(name)
        address = part[lt + 1 : gt].strip()
        if " " in address or "\t" in address:
            address = "".join(address.split())
        out.append((name, address))
    return tuple(out)


def _quoted(value: str) -> tuple[Address, ...] | None:
    """The next fastest: names in quotes (`"Lay, Kenneth" <k@x>`) and addresses named by a
    comment (`joe@x (Joe)`), no escapes, groups or nesting; None for anything else."""
    if value.count('"') % 2:
        return None
    out = []
    for item in _ITEMS(value):
        item = item.strip()
        lt = item.rfind("<")
        if lt >= 0:
            if not item.endswith(">") or "(" in item or item.count("<") > 1:
                return None
            name = item[:lt].strip()
            if '"' in name:
                if name.count('"') != 2 or not (name.startswith('"') and name.endswith('"')):
                    return None
                name = name[1:-1]
            out.append((_name(name), "".join(item[lt + 1 : -1].split())))
        elif '"' in item or ">" in item:
            return None
        elif "(" in item:
            at = item.find("(")
            address = item[:at].strip()
            if not item.endswith(")") or " " in address or "\t" in address:
                return None
            out.append((_name(item[at + 1 : -1]), address))
        elif item:
            if " " in item or "\t" in item:
                return None
            out.append(("", item))
    return tuple(out)


def _unbracketed(chunks: list[str], comment: str) -> Address:
    """A mailbox written without angle brackets: the last chunk with an "@" is the address,
    the other words its name (or the comment, as in `joe@x (Joe)`)."""
    at = next((i for i in range(len(chunks) - 1, -1, -1) if "@" in chunks[i]), -1)
    if at < 0:
        if len(chunks) == 1:
            return (_name(comment), chunks[0])
        return (_name(" ".join(chunks)), "")
    rest = chunks[:at] + chunks[at + 1 :]
    return (_name(" ".join(rest) if rest else comment), chunks[at])


class _Parser:
    """RFC 5322 address-list, leniently: one pass over tokens, one mailbox per comma."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.out: list[Address] = []
        self._reset()

    def _reset(self) -> None:
        self.chunks: list[str] = []  # runs of words and quoted strings not split by spaces
        self.phrase: list[str] = []  # the same, unquoted: a display name
        self.angle: str | None = None
        self.comment = ""
        self.glue = False  # the next word continues the last chunk (no space between)

    def mailboxes(self) -> list[Address]:
        value, pos, end = self.value, 0, len(self.value)
        while pos < end:
            match = _TOKEN.match(value, pos)
            if match is None:  # cannot happen: every character starts some token
                pos += 1
                continue
            kind, text = match.lastgroup, match.group()
            pos = match.end()
            if kind == "word" or kind == "quoted":
                self._word(text, quoted=kind == "quoted")
                continue
            self.glue = False
            if kind == "space":
                continue
            if kind == "angle":
                if self.angle is None:
                    self.angle = text
            elif kind == "comment":
                pos = self._comment(pos)
            elif kind == "special":
                self._special(text)
        self._flush()
        return self.out

    def _word(self, text: str, *, quoted: bool) -> None:
        plain = _ESCAPE.sub(r"\1", text[1:-1] if text.endswith('"') else text[1:])
        if not quoted:
            plain = text
        if self.glue and self.chunks:
            self.chunks[-1] += text
            self.phrase[-1] += plain
        else:
            self.chunks.append(text)
            self.phrase.append(plain)
        self.glue = True

    def _comment(self, pos: int) -> int:
        value, depth, start = self.value, 1, pos
        while pos < len(value) and depth:
            char = value[pos]
            if char == "\\":
                pos += 1
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            pos += 1
        if not self.comment:
            self.comment = _ESCAPE.sub(r"\1", value[start : pos - 1 if depth == 0 else pos])
        return pos

    def _special(self, char: str) -> None:
        if char == ":" and self.angle is None:
            # a group's name (or an obsolete route's start): what came before is no mailbox
            self._reset()
            return
        self._flush()

    def _flush(self) -> None:
        if self.angle is not None:
            inner = self.angle[1:-1] if self.angle.endswith(">") else self.angle[1:]
            if inner.startswith("@") and ":" in inner:
                inner = inner[inner.index(":") + 1 :]  # obsolete route: <@a,@b:joe@x>
            address = _SPACE.sub("", inner)
            name = " ".join(self.phrase) if self.phrase else self.comment
            self.out.append((_name(name), address))
        elif self.chunks:
            if len(self.chunks) == 1:
                self.out.append((_name(self.comment), self.chunks[0]))
            else:
                words = [
                    c if "@" in c else p for c, p in zip(self.chunks, self.phrase, strict=True)
                ]
                self.out.append(_unbracketed(words, self.comment))
        elif self.comment:
            self.out.append((_name(self.comment), ""))
        self._reset()
