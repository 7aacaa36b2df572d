"""vCard files cut into cards, and cards into properties: the lexical half of the reader.

The file is split into cards here (BEGIN:VCARD ... END:VCARD, case-insensitive; folded lines
never start or end a card; a card nested in another is read as a card of its own) so that
one broken card costs that card only. Each card's lines are unfolded (RFC folding and
vCard 2.1 quoted-printable soft line breaks) and decoded line by line: UTF-8 when valid, else
the line's CHARSET parameter (vCard 2.1 phones write Shift_JIS or ISO-8859-1), else
Windows-1252.

Each property line of the plain shape (no quotes before the value, no quoted-printable:
nearly every line) is read by `simple_line`, exactly as vobject reads it but several times
faster; any other line is parsed by vobject. The few lines vobject refuses in real files (a
comment, a name holding "/", "FN" without a colon, a value in a charset it cannot decode, the
continuation of a vCard 2.1 value) are read by `parse_line`, which follows the same grammar
more leniently. The three agree on every line vobject reads (tested with hypothesis and on
the corpus).
"""

from __future__ import annotations

import binascii
import codecs
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kithkin.sources.rawtext import decode_bytes, utf16_to_utf8

_BEGIN = re.compile(rb"^BEGIN[ \t]*:[ \t]*VCARD[ \t]*$", re.IGNORECASE)
_END = re.compile(rb"^END[ \t]*:[ \t]*VCARD[ \t]*$", re.IGNORECASE)
_CHARSET = re.compile(rb";[ \t]*CHARSET[ \t]*=[ \t]*\"?([A-Za-z0-9_.:()+-]+)", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z0-9_./-]+$")
# group.NAME;PARAM=a,b;BARE: -- a subset of vobject's content-line grammar (no quotes)
_SIMPLE = re.compile(
    r"(?:[A-Za-z0-9_-]+\.)?[A-Za-z0-9_-]+(?:;[A-Za-z0-9_-]+(?:=[^\";:,]*(?:,[^\";:,]*)*)?)*:"
)


@dataclass
class RawCard:
    number: int  # 1-based, in the order the cards begin
    line: int  # line of its BEGIN:VCARD
    lines: list[tuple[int, bytes]] = field(default_factory=list)  # (line, bytes with ending)
    closed: bool = False


@dataclass(frozen=True)
class LogicalLine:
    line: int  # where it starts
    text: str  # unfolded, decoded, without line ending


@dataclass(frozen=True)
class Prop:
    """One property of a card: its value is still backslash-escaped (QP already decoded)."""

    line: int
    group: str | None  # lower-case ("item1")
    name: str  # upper-case, "_" read as "-" (as vobject does, for Lotus Notes)
    params: dict[str, tuple[str, ...]]  # upper-case names; bare vCard 2.1 params under "TYPE"
    value: str

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None

    @property
    def types(self) -> tuple[str, ...]:
        return self.params.get("TYPE", ())


def split_cards(data: bytes) -> Iterator[RawCard]:
    """The cards of a file in order; a card the file ends inside has `closed` False."""
    data = utf16_to_utf8(data).removeprefix(codecs.BOM_UTF8)
    open_cards: list[RawCard] = []
    done: list[RawCard] = []
    count = 0
    for number, line in enumerate(data.splitlines(keepends=True), 1):
        bare = line.rstrip(b"\r\n")
        if _BEGIN.match(bare):
            count += 1
            open_cards.append(RawCard(count, number, [(number, line)]))
        elif open_cards:
            open_cards[-1].lines.append((number, line))
            if _END.match(bare):
                card = open_cards.pop()
                card.closed = True
                done.append(card)
                if not open_cards:
                    yield from sorted(done, key=lambda c: c.number)
                    done = []
    yield from sorted(done + open_cards, key=lambda c: c.number)


def logical_lines(card: RawCard) -> list[LogicalLine]:
    """The card's content lines (without BEGIN and END), unfolded and decoded."""
    groups: list[tuple[int, list[bytes]]] = []  # (first line, parts)
    qp_open = False
    for number, line in card.lines[1:-1] if card.closed else card.lines[1:]:
        bare = line.rstrip(b"\r\n")
        if not bare.strip():
            qp_open = False
            continue
        if qp_open:
            groups[-1][1][-1] = groups[-1][1][-1][:-1]  # drop the soft line break's "="
            groups[-1][1].append(bare)
        elif bare[:1] in (b" ", b"\t") and groups:
            groups[-1][1].append(bare[1:])
        else:
            groups.append((number, [bare.lstrip()]))
        parts = groups[-1][1]
        qp_open = parts[-1].endswith(b"=") and b"QUOTED-PRINTABLE" in _head(parts[0]).upper()
    out: list[LogicalLine] = []
    for number, parts in groups:
        joined = b"".join(parts)
        out.append(LogicalLine(number, decode_bytes(joined, _charset_of(joined))))
    return out


def raw_text(card: RawCard) -> str:
    """The card exactly as read, decoded with the first charset it declares where not UTF-8."""
    whole = b"".join(ln for _, ln in card.lines)
    try:
        return whole.decode("utf-8")  # then every line is UTF-8, as read one by one
    except UnicodeDecodeError:
        pass
    charset = next((c for _, ln in card.lines if (c := _charset_of(ln))), None)
    return "".join(decode_bytes(ln, charset) for _, ln in card.lines)


def _head(line: bytes) -> bytes:
    """What comes before the value: group, name and parameters."""
    return line.split(b":", 1)[0]


def _charset_of(line: bytes) -> str | None:
    if b"charset" not in line.lower():
        return None  # the quick answer for nearly every line
    match = _CHARSET.search(_head(line))
    return match.group(1).decode("ascii") if match else None


Parsed = tuple[str | None, str, dict[str, tuple[str, ...]], str]  # group, name, params, value
_Head = tuple[str | None, str, tuple[tuple[str, tuple[str, ...]], ...]]  # group, name, params


def card_props(lines: list[LogicalLine]) -> tuple[list[Prop], int]:
    """The properties of a card, and how many of its lines vobject refused.

    Each line is parsed by vobject's content-line parser (group, name, parameters, value;
    quoted-printable decoded with its charset). vobject's value layer is not used: it keeps
    only what comes before the first unescaped comma ("FN:Mustermann, Heiko" would be
    "Mustermann"). A line vobject refuses is read by `parse_line`; a comment line is skipped
    and a line that is not a property continues the previous value (vCard 2.1 phones).
    """
    props: list[Prop] = []
    plain: list[bool] = []  # read by `simple_line`: nothing for `finish` to do
    refused = 0
    for ln in lines:
        parsed = simple_line(ln.text)
        if parsed is not None:
            props.append(Prop(ln.line, *parsed))
            plain.append(True)
            continue
        parsed = vobject_line(ln.text)
        if parsed is None:
            refused += 1
            if ln.text.lstrip().startswith("#"):
                continue
            parsed = parse_line(ln.text)
        if parsed is None:
            if props:
                last = props[-1]
                value = f"{last.value}\n{ln.text}"
                props[-1] = Prop(last.line, last.group, last.name, last.params, value)
            continue
        props.append(Prop(ln.line, *parsed))
        plain.append(False)
    return [p if quick else finish(p) for p, quick in zip(props, plain, strict=True)], refused


def simple_line(text: str) -> Parsed | None:
    """A line of the plain shape nearly every line has (no quotes before the value, no
    quoted-printable), read without vobject; None for any other line.

    Every such line is one vobject reads, and reads the same (tested with hypothesis and on
    the corpus); skipping vobject for them makes reading several times faster. What comes
    before the value repeats from card to card ("EMAIL;TYPE=work"), so it is read once."""
    colon = text.find(":")
    if colon < 0:
        return None
    # a long head is read without the cache, which holds only short ones (bounded memory)
    head = _plain_head(text[:colon]) if colon <= 256 else _plain_head.__wrapped__(text[:colon])
    if head is None:
        return None
    group, name, params = head
    return group, name, dict(params), text[colon + 1 :]


@functools.lru_cache(maxsize=4096)
def _plain_head(
    head: str,
) -> tuple[str | None, str, tuple[tuple[str, tuple[str, ...]], ...]] | None:
    """Group, name and parameters of a plain head, as `parse_line` reads them; None when the
    head is not plain (vobject reads it)."""
    if _SIMPLE.fullmatch(head + ":") is None or "QUOTED-PRINTABLE" in head.upper():
        return None
    name_part, *parts = head.split(";")
    group, _, name = name_part.rpartition(".")
    params: dict[str, tuple[str, ...]] = {}
    bare: list[str] = []
    for part in parts:  # as `parse_line` reads them, without quotes to mind
        key, _, raw_values = part.partition("=")
        values = tuple(v for v in raw_values.split(",") if v)
        if not values:
            bare.append(key)
            continue
        upper = key.upper()
        params[upper] = params.get(upper, ()) + values
    if bare:
        params["TYPE"] = params.get("TYPE", ()) + tuple(bare)
    return _group(group or None), name.upper().replace("_", "-"), tuple(params.items())


def vobject_line(text: str) -> Parsed | None:
    from vobject.base import ContentLine, parseLine

    try:
        name, param_list, value, group = parseLine(text)
        line: Any = ContentLine(name, param_list, value, group, encoded=True)
    except Exception:  # vobject raises several kinds of errors on real lines
        return None
    params: dict[str, tuple[str, ...]] = {key: tuple(vals) for key, vals in line.params.items()}
    if line.singletonparams:
        params["TYPE"] = params.get("TYPE", ()) + tuple(line.singletonparams)
    return _group(line.group), str(line.name), params, str(line.value)


def parse_line(text: str) -> Parsed | None:
    """One content line read without vobject, by the same grammar but more leniently (a name
    may hold "/", a bare name is an empty value); None when the line is not a property."""
    if _find_unquoted(text, ":") >= 0:
        head, value = _split_unquoted(text, ":", 1)
    else:
        head, value = text, ""
    parts = _split_unquoted(head, ";")
    name_part = parts[0].strip()
    if not _NAME.match(name_part):
        return None
    group, _, name = name_part.rpartition(".")
    params: dict[str, tuple[str, ...]] = {}
    bare: list[str] = []  # vCard 2.1 parameters without a name ("TEL;WORK;VOICE")
    for part in parts[1:]:
        key, _, raw_values = part.partition("=")
        key = key.strip()
        if not key:
            continue
        values = tuple(_param_values(raw_values))
        if not values:
            bare.append(key)  # "TYPE=" reads as a bare parameter, as in vobject
            continue
        params[key.upper()] = params.get(key.upper(), ()) + values
    if bare:
        params["TYPE"] = params.get("TYPE", ()) + tuple(bare)
    return _group(group or None), name.upper().replace("_", "-"), params, value


def _param_values(text: str) -> Iterator[str]:
    for value in _split_unquoted(text, ","):
        if len(value) >= 2 and value[0] == value[-1] == '"':
            yield value[1:-1]
        elif value:
            yield value


def _find_unquoted(text: str, char: str) -> int:
    quoted = False
    for index, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            return index
    return -1


def _split_unquoted(text: str, char: str, limit: int = -1) -> list[str]:
    parts: list[str] = []
    while limit != 0:
        index = _find_unquoted(text, char)
        if index < 0:
            break
        parts.append(text[:index])
        text = text[index + 1 :]
        limit -= 1
    parts.append(text)
    return parts


def _group(group: str | None) -> str | None:
    return group.lower() if group else None


def finish(prop: Prop) -> Prop:
    """Quoted-printable values decoded (whatever the case of the marker), markers dropped."""
    encodings = prop.params.get("ENCODING", ())
    types = prop.types
    qp = [e for e in encodings if e.upper() == "QUOTED-PRINTABLE"]
    qp_bare = [t for t in types if t.upper() == "QUOTED-PRINTABLE"]
    if not qp and not qp_bare:
        return prop
    params = dict(prop.params)
    rest = tuple(e for e in encodings if e.upper() != "QUOTED-PRINTABLE")
    params.pop("ENCODING", None)
    if rest:
        params["ENCODING"] = rest
    params["TYPE"] = tuple(t for t in types if t.upper() != "QUOTED-PRINTABLE")
    if not params["TYPE"]:
        del params["TYPE"]
    raw = binascii.a2b_qp(prop.value.encode("utf-8", errors="replace"))
    value = decode_bytes(raw, prop.param("CHARSET"))
    return Prop(prop.line, prop.group, prop.name, params, value)
