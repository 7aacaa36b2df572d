"""vCard files (2.1, 3.0, 4.0) as `ContactRecord`s, one per card.

`read_vcards` yields a record per card, or a `SourceProblem` naming the file, the card and
its line when a card is cut off, unreadable, empty or holds a control character (a NUL, an
escape: `model.CONTROL_CHARS`); the other cards go on. Cutting the
file into cards and cards into properties is `vcard_lex`'s job (vobject, with a tolerant
reader where vobject refuses a real client's card); here the properties become fields.

Values are unescaped here rather than by vobject's value layer, which drops everything
after an unescaped comma ("FN:Mustermann, Heiko" would be "Mustermann"). What is kept:
FN, N (given/family), NICKNAME, ORG (first unit), TITLE (else ROLE), EMAIL, TEL, URL, IM and
social handles (IMPP, X-SOCIALPROFILE, X-TWITTER, X-SKYPE, X-AIM, X-JABBER, ...; a `sip:`
TEL is a handle), CATEGORIES (tags, split on commas), NOTE, PHOTO (bytes and media type; a
linked photo as "text/uri" with the URL as bytes), BDAY (when it has a year) and UID.
Labels follow `kithkin.sources.labels`; Apple's `itemN.X-ABLabel` wins over TYPE. A value
seen twice in a card is kept once (with its first label); values are otherwise as written
(an EMAIL that is not an address stays as it is, for the caller to judge).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import date
from email.utils import parseaddr

from kithkin.model import first_control
from kithkin.sources import labels
from kithkin.sources.rawtext import stable_id
from kithkin.sources.records import ContactRecord, Labelled, Photo, SourceProblem
from kithkin.sources.vcard_lex import (
    LogicalLine,
    Prop,
    RawCard,
    card_props,
    logical_lines,
    raw_text,
    split_cards,
)

SOURCE = "vcard"

# Instant-messaging and social properties -> the service they name.
_HANDLE_PROPS = {
    "X-AIM": "aim",
    "X-ICQ": "icq",
    "X-JABBER": "jabber",
    "X-GTALK": "gtalk",
    "X-GOOGLE-TALK": "gtalk",
    "X-MSN": "msn",
    "X-YAHOO": "yahoo",
    "X-SKYPE": "skype",
    "X-SKYPE-USERNAME": "skype",
    "X-QQ": "qq",
    "X-GADUGADU": "gadugadu",
    "X-TWITTER": "twitter",
    "X-MASTODON": "mastodon",
    "X-FACEBOOK": "facebook",
    "X-LINKEDIN": "linkedin",
    "X-SIP": "sip",
    "X-MS-IMADDRESS": "im",
    "X-KADDRESSBOOK-X-IMADDRESS": "im",
}
_KDE_MESSAGING = re.compile(r"^X-MESSAGING/(.+?)(?:-ALL)?$")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})")
_IMAGE_TYPES = {"jpeg": "image/jpeg", "jpg": "image/jpeg", "png": "image/png", "gif": "image/gif"}
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG", "image/png"),
    (b"GIF8", "image/gif"),
    (b"BM", "image/bmp"),
)


PARALLEL_BYTES = 4 << 20  # a file this large is read in a second process while this one stores
BATCH_CARDS = 1_000  # cards sent to the reading process at a time
AHEAD = 3  # batches in flight


def read_vcards(
    data: bytes, source_file: str, *, parallel: bool | None = None
) -> Iterator[ContactRecord | SourceProblem]:
    """One record per card of the vCard file `data` (problems for the cards it cannot read).

    A large file (`PARALLEL_BYTES`, or as `parallel` says) is split into cards here and the
    cards are read into records by a worker process, batch by batch and in order, so that an
    import stores one batch while the next is read (100,000 cards: about 1.7 times faster on
    two cores). The worker ends with this process, however it ends."""
    cards = split_cards(data)
    first = next(cards, None)
    if first is None:
        yield SourceProblem(source_file, "line 1", "no BEGIN:VCARD: not a vCard file")
        return
    cards = itertools.chain((first,), cards)
    if parallel if parallel is not None else len(data) >= PARALLEL_BYTES:
        yield from _read_in_worker(cards, source_file)
    else:
        for card in cards:
            yield from _read_card(card, source_file)


def _read_cards(cards: list[RawCard], source_file: str) -> list[ContactRecord | SourceProblem]:
    return [item for card in cards for item in _read_card(card, source_file)]


def _read_in_worker(
    cards: Iterator[RawCard], source_file: str
) -> Iterator[ContactRecord | SourceProblem]:
    from kithkin.sources.mail.parallel import reading_pool

    pool = reading_pool(1)
    window: deque[Future[list[ContactRecord | SourceProblem]]] = deque()
    try:
        while batch := list(itertools.islice(cards, BATCH_CARDS)):
            window.append(pool.submit(_read_cards, batch, source_file))
            while len(window) > AHEAD:
                yield from window.popleft().result()
        while window:
            yield from window.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _read_card(card: RawCard, source_file: str) -> Iterator[ContactRecord | SourceProblem]:
    place = f"card {card.number} (line {card.line})"
    if not card.closed:
        yield SourceProblem(source_file, place, "no END:VCARD: the card is cut off")
        return
    try:
        lines = logical_lines(card)
        bad = _control(lines)
        if bad is not None:
            yield SourceProblem(source_file, place, bad)
            return
        props, _ = card_props(lines)
        yield _record(props, raw_text(card), source_file, place)
    except Exception as exc:  # one unreadable card must not stop the file
        yield SourceProblem(source_file, place, f"unreadable card: {exc}")


def _control(lines: list[LogicalLine]) -> str | None:
    """Why a card with a control character in its bytes (a NUL, an escape) is skipped. One
    decoded from quoted-printable is left to the import, which drops it from names and
    refuses an address that holds it (a real Outlook card encodes a form feed in FBURL)."""
    if first_control("".join(line.text for line in lines)) is None:
        return None  # the quick answer for nearly every card
    for line in lines:
        control = first_control(line.text)
        if control is not None:
            return f"a control character ({control}) on line {line.line}: card skipped"
    return None


def _record(
    props: list[Prop], raw: str, source_file: str, place: str
) -> ContactRecord | SourceProblem:
    ablabels = {p.group: p.value for p in props if p.name == "X-ABLABEL" and p.group}
    names = (p.value for p in props if p.name == "N" and p.value.strip(" ;,\t"))
    family, given = _name_parts(next(names, None))
    display = _first_text(props, "FN")
    if not display:
        display = " ".join(part for part in (given, family) if part) or None
    emails: list[Labelled] = []
    phones: list[Labelled] = []
    urls: list[Labelled] = []
    handles: list[Labelled] = []
    tags: list[str] = []
    notes: list[str] = []
    nickname: str | None = None
    for prop in props:
        label = _ablabel(prop, ablabels)
        name = prop.name
        if name == "EMAIL":
            _add(emails, _email(_text(prop.value)), label or labels.from_types(prop.types))
        elif name == "TEL":
            value = _text(prop.value)
            if value.lower().startswith("sip:"):
                _add(handles, value, label or "sip")
            else:
                _add(phones, _strip_scheme(value, "tel:"), label or labels.from_types(prop.types))
        elif name in ("URL", "X-KADDRESSBOOK-BLOGFEED"):
            kind = "blog" if name != "URL" else labels.from_types(prop.types)
            _add(urls, _text(prop.value), label or kind)
        elif name == "IMPP":
            _add(handles, _text(prop.value), label or prop.param("X-SERVICE-TYPE"))
        elif name == "X-SOCIALPROFILE":
            _add(handles, _text(prop.value), label or next(iter(prop.types), None))
        elif name in _HANDLE_PROPS:
            _add(handles, _text(prop.value), label or _HANDLE_PROPS[name])
        elif match := _KDE_MESSAGING.match(name):
            for value in _text(prop.value).split("\ue000"):
                _add(handles, value, match.group(1).lower())
        elif name == "CATEGORIES":
            tags.extend(t.strip() for t in _text(prop.value).split(",") if t.strip())
        elif name == "NOTE":
            note = re.sub(r"\r\n?", "\n", _text(prop.value)).strip()
            if note:
                notes.append(note)
        elif name == "NICKNAME" and nickname is None:
            nickname = next((_text(v).strip() for v in _split(prop.value, ",") if v.strip()), None)
        elif name == "X-ANDROID-CUSTOM" and nickname is None:
            fields = _split(prop.value, ";")
            if fields[0] == "vnd.android.cursor.item/nickname" and len(fields) > 1:
                nickname = _text(fields[1]).strip() or None
    uid = _first_text(props, "UID")
    org = _first_text(props, "ORG", structured=True)
    title = _first_text(props, "TITLE") or _first_text(props, "ROLE")
    record = ContactRecord(
        source=SOURCE,
        source_file=source_file,
        source_id=uid or stable_id(raw),
        place=place,
        raw=raw,
        display_name=display,
        given_name=given,
        family_name=family,
        nickname=nickname,
        organisation=org,
        title=title,
        emails=tuple(emails),
        phones=tuple(phones),
        urls=tuple(urls),
        handles=tuple(handles),
        tags=tuple(dict.fromkeys(tags)),
        notes=tuple(notes),
        photo=next(filter(None, (_photo(p) for p in props if p.name == "PHOTO")), None),
        birthday=next(filter(None, (_date(p.value) for p in props if p.name == "BDAY")), None),
    )
    if not (display or org or nickname or emails or phones or urls or handles):
        return SourceProblem(
            source_file, place, "nothing to import: no name, organisation or contact point"
        )
    return record


def _first_text(props: list[Prop], name: str, *, structured: bool = False) -> str | None:
    """The first non-empty text of the `name` properties (of their first unit if structured)."""
    for prop in props:
        if prop.name == name:
            value = _split(prop.value, ";")[0] if structured else prop.value
            text = _text(value).strip()
            if text:
                return text
    return None


def _name_parts(value: str | None) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    parts = [_text(p).strip() for p in _split(value, ";")] + ["", ""]
    return parts[0] or None, parts[1] or None


def _ablabel(prop: Prop, ablabels: dict[str, str]) -> str | None:
    if prop.group and prop.group in ablabels:
        return labels.from_ablabel(_text(ablabels[prop.group]))
    return None


def _add(into: list[Labelled], value: str, label: str | None) -> None:
    value = value.strip()
    if value and all(item.value != value for item in into):
        into.append(Labelled(value, label))


def _email(value: str) -> str:
    value = _strip_scheme(value.strip(), "mailto:")
    if "<" in value and ">" in value:
        address = parseaddr(value)[1]
        return address or value
    return value


def _strip_scheme(value: str, scheme: str) -> str:
    value = value.strip()
    return value[len(scheme) :] if value.lower().startswith(scheme) else value


def _split(value: str, separator: str) -> list[str]:
    """`value` split on the separators that are not backslash-escaped (still escaped)."""
    if "\\" not in value:
        return value.split(separator)
    parts: list[str] = []
    current: list[str] = []
    chars = iter(value)
    for ch in chars:
        if ch == "\\":
            current.append(ch + next(chars, ""))
        elif ch == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _text(value: str) -> str:
    """A vCard text value unescaped: \\n is a newline; \\, \\; \\: \\\\ and (Gmail) \\" the
    character itself; any other backslash is kept (vCard 2.1 values are not escaped)."""

    if "\\" not in value:
        return value

    def one(match: re.Match[str]) -> str:
        ch = match.group(1)
        if ch in "nN":
            return "\n"
        return ch if ch in ",;:\\\"'" else match.group(0)

    return _ESCAPE.sub(one, value)


def _date(value: str) -> date | None:
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _photo(prop: Prop) -> Photo | None:
    value = prop.value.strip()
    if not value:
        return None
    encoding = (prop.param("ENCODING") or "").upper()
    bare = {t.upper() for t in prop.types}
    if value.lower().startswith("data:"):
        header, _, payload = value[5:].partition(",")
        media = header.split(";")[0].strip().lower() or None
        data = _base64(payload) if ";base64" in header.lower() else None
        return Photo(media or _sniff(data), data) if data else None
    if encoding in ("B", "BASE64") or "BASE64" in bare or "B" in bare:
        data = _base64(value)
        if data is None:
            return None
        return Photo(_media_type(prop) or _sniff(data), data)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        return Photo("text/uri", _text(value).encode("utf-8"))
    data = _base64(value)  # base64 without ENCODING: kept when it is a known image
    media = _media_type(prop) or _sniff(data)
    return Photo(media, data) if data and media.startswith("image/") else None


def _base64(text: str) -> bytes | None:
    compact = re.sub(r"\s+", "", text).rstrip("=")
    if not compact or len(compact) % 4 == 1:
        return None
    try:
        return base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _media_type(prop: Prop) -> str | None:
    media = prop.param("MEDIATYPE")
    if media:
        return media.lower()
    for token in prop.types:
        low = token.lower()
        if "/" in low:
            return low
        if low in _IMAGE_TYPES:
            return _IMAGE_TYPES[low]
    return None


def _sniff(data: bytes | None) -> str:
    for magic, media in _MAGIC:
        if data and data.startswith(magic):
            return media
    return "application/octet-stream"
