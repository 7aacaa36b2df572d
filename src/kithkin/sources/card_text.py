"""The text of a business card (OCR'd) or of an email signature, as a draft person.

`parse_card(lines, region=...)` finds the name (nameparser), title, organisation, emails,
phones (phonenumbers' matcher, numbers without a country code read in `region`), websites,
social handles and the postal address, each a `DraftField` with a confidence (0–1): how sure
the rule that found it is, times how sure the OCR was of the line (`Line.confidence`; 1.0 for
typed text). A line's `height` (its letters' size on the card, 0 when unknown) helps pick
the name: on a card the name is usually the biggest line that reads as a name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


DRAFT_KINDS: Final = (
    "name",
    "title",
    "organisation",
    "email",
    "phone",
    "url",
    "handle",
    "address",
    "note",
)
# Fields a person has one of; the others are lists.
SINGLE_KINDS: Final = frozenset({"name", "title", "organisation", "address"})
LOW_CONFIDENCE: Final = 0.6  # shown as "check this" below it
MAX_TEXT: Final = 20_000  # characters of card text read (a card or a signature is short)
MAX_LINE: Final = 300  # characters of a line read

_EMAIL: Final = re.compile(r"(?<![@\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", re.UNICODE)
_URL: Final = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/[^\s,;]*)?",
    re.IGNORECASE,
)
_MASTODON: Final = re.compile(r"@[A-Za-z0-9_]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)
_AT_HANDLE: Final = re.compile(r"(?<![\w@])@[A-Za-z0-9_.]{2,30}\b")
_SOCIAL_HOSTS: Final = {
    "linkedin.com": "linkedin",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "github.com": "github",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "bsky.app": "bluesky",
}
_TLDS: Final = _set(
    "com org net io co ai app dev biz info me eu uk de fr es it nl be ch at se no dk fi pl pt ie "
    "us ca au nz jp cn in br mx ar za sg hk kr tw ru cz gr hu ro tr il ae lu is ee lv lt sk si "
    "hr bg ua tech global studio design agency consulting partners group law cloud"
)
_PHONE_LABELS: Final = (
    ("mobile", ("mobile", "mob", "cell", "m", "handy", "portable", "gsm")),
    ("fax", ("fax", "f")),
    ("work", ("office", "work", "direct", "d", "o", "w", "tel", "t", "phone", "p", "ph")),
)
_TITLE_WORDS: Final = _set(
    """ceo cfo cto coo cmo cio cso cpo vp svp evp avp president director manager head chief
    officer founder cofounder co-founder partner consultant engineer lead designer analyst
    architect developer scientist researcher professor lecturer advisor adviser associate
    specialist coordinator executive editor writer producer counsel attorney lawyer
    accountant owner principal chair chairman chairwoman chairperson secretary treasurer
    representative agent broker strategist administrator supervisor assistant intern fellow
    doctor nurse physician surgeon dentist pharmacist therapist teacher coach trainer
    directeur directrice gérant gérante geschäftsführer geschäftsführerin leiter leiterin
    direktor direktorin ingenieur ingénieur responsable directora director gerente jefe
    sales marketing operations product"""
)
_ORG_WORDS: Final = _set(
    """inc inc. llc ltd ltd. limited corp corp. corporation co co. company gmbh ag sa s.a. sas
    sarl srl spa s.p.a. bv nv plc pty oy ab as kg group holdings partners labs lab studio
    studios agency bank university universität université universidad institute institut
    foundation association society council ventures capital consulting solutions systems
    technologies technology software media press industries international global services
    gesellschaft und associates &"""
)
_STREET_WORDS: Final = _set(
    """street st st. avenue ave ave. road rd rd. boulevard blvd blvd. lane ln drive dr. way
    place pl square sq court ct parkway pkwy highway hwy suite ste floor fl building bldg
    straße strasse str. str weg platz gasse allee ring damm rue avenue chemin quai place via
    viale piazza corso calle avenida plaza carrer rua praça laan straat gracht plein vej gade
    gatan vägen box po p.o."""
)
_STREET_ENDINGS: Final = (
    "straße",
    "strasse",
    "str.",
    "weg",
    "platz",
    "gasse",
    "allee",
    "gade",
    "vej",
    "gatan",
    "straat",
    "laan",
    "plein",
)
_POSTCODE: Final = re.compile(
    r"\b(?:\d{5}(?:-\d{4})?|\d{4,5}|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|\d{3} ?\d{2}"
    r"|[A-Z]\d[A-Z] ?\d[A-Z]\d)\b"
)
_NAME_WORD: Final = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?$", re.UNICODE)
_PARTICLES: Final = _set(
    "van von der den de del della di da du la le ten ter bin al el dos das do mac"
)


@dataclass(frozen=True)
class Line:
    """A line of the card's text; `confidence` is the OCR's (0–1), `height` its letters'
    height in pixels (0 when unknown)."""

    text: str
    confidence: float = 1.0
    height: float = 0.0


@dataclass(frozen=True)
class DraftField:
    kind: str  # one of DRAFT_KINDS
    value: str
    confidence: float  # 0–1
    label: str | None = None  # "mobile", "work", "linkedin", ...

    @property
    def low(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


@dataclass(frozen=True)
class Draft:
    """A person as read from one card, code or file, not yet stored."""

    source: str  # "qr", "ocr", "vcard" or "text"
    fields: tuple[DraftField, ...]
    text: str = ""  # what was read: the OCR'd text, the QR payload, the vCard
    warnings: tuple[str, ...] = field(default=())

    def first(self, kind: str) -> DraftField | None:
        return next((f for f in self.fields if f.kind == kind), None)

    def values(self, kind: str) -> list[str]:
        return [f.value for f in self.fields if f.kind == kind]

    @property
    def name(self) -> str | None:
        found = self.first("name")
        return found.value if found else None

    @property
    def empty(self) -> bool:
        return not any(f.kind != "note" for f in self.fields)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "fields": [
                {"kind": f.kind, "value": f.value, "confidence": f.confidence, "label": f.label}
                for f in self.fields
            ],
            "text": self.text,
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        fields = tuple(
            DraftField(str(f["kind"]), str(f["value"]), float(f["confidence"]), f.get("label"))
            for f in data.get("fields", ())
        )
        return cls(
            str(data["source"]), fields, str(data.get("text", "")), tuple(data.get("warnings", ()))
        )


def lines_of(text: str) -> list[Line]:
    """Typed text (a signature) as lines, blank ones and signature dashes left out."""
    out = []
    for raw in text[:MAX_TEXT].splitlines():
        for part in split_line(raw):
            if part not in {"--", "—"}:
                out.append(Line(part))
    return out


def split_line(text: str) -> list[str]:
    """A line cut where a card or signature separates items on one line: "Title | Org"."""
    parts = re.split(r"\s+[|•·]\s+|\s{3,}|\t", text)
    return [p.strip(" |") for p in parts if p.strip(" |")]


def parse_text(text: str, *, region: str = "US", source: str = "text") -> Draft:
    return parse_card(lines_of(text), region=region, source=source)


def parse_card(lines: Sequence[Line], *, region: str = "US", source: str = "ocr") -> Draft:
    """The fields of a card's lines (see the module's docstring)."""
    lines = [
        Line(_mend(_clean(ln.text[:MAX_LINE])), ln.confidence, ln.height) for ln in lines[:500]
    ]
    # noise: a logo read as "O", a smudge read as "~": no word of two letters, or unsure
    lines = [ln for ln in lines if re.search(r"[^\W_]{2}", ln.text) and ln.confidence >= 0.2]
    found: list[DraftField] = []
    used: set[int] = set()  # lines wholly taken by a contact field
    emails = _emails(lines, found, used)
    _phones(lines, found, used, region)
    _handles(lines, found, used)
    _urls(lines, found, used, emails)
    address = _address(lines, used)
    name_at = _name(lines, used, emails, found)
    _title_and_org(lines, used, name_at, emails, found)
    if address is not None:
        found.append(address)
    text = "\n".join(ln.text for ln in lines)
    return Draft(source, tuple(_dedupe(found)), text)


# -- contact points ----------------------------------------------------------------------------


def _emails(lines: Sequence[Line], found: list[DraftField], used: set[int]) -> list[str]:
    emails: list[str] = []
    for i, ln in enumerate(lines):
        for match in _EMAIL.finditer(ln.text):
            value = match.group(0).strip(".'")
            if value.lower() not in (e.lower() for e in emails):
                emails.append(value)
                found.append(DraftField("email", value, round(0.95 * ln.confidence, 2)))
        if _EMAIL.search(ln.text) and not _other_words(_EMAIL.sub(" ", ln.text)):
            used.add(i)
    return emails


def _phones(lines: Sequence[Line], found: list[DraftField], used: set[int], region: str) -> None:
    import phonenumbers

    seen: set[str] = set()
    for i, ln in enumerate(lines):
        text = _EMAIL.sub(" ", ln.text)
        rest = text
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        ):
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            rest = rest.replace(match.raw_string, " ")
            if e164 in seen:
                continue
            seen.add(e164)
            label = _phone_label(text[: match.start])
            if label == "fax":
                continue  # nobody is reached by fax: left out of the draft
            value = phonenumbers.format_number(
                match.number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
            found.append(DraftField("phone", value, round(0.95 * ln.confidence, 2), label))
        if rest != text and not _other_words(rest):
            used.add(i)


def _other_words(rest: str) -> list[str]:
    """The words of what is left of a line once its contact points are taken, labels aside."""
    labels = {name for _, names in _PHONE_LABELS for name in names}
    labels |= {"e", "email", "mail", "web", "www", "url", "site", "website", "ext", "x"}
    return [w for w in re.findall(r"[^\W\d_]+", rest.lower()) if w not in labels]


def _phone_label(before: str) -> str | None:
    words = re.findall(r"[^\W\d_]+", before.lower())
    if not words:
        return None
    last = words[-1]
    for label, names in _PHONE_LABELS:
        if last in names:
            return label
    return None


def _handles(lines: Sequence[Line], found: list[DraftField], used: set[int]) -> None:
    for i, ln in enumerate(lines):
        text = _EMAIL.sub(" ", ln.text)
        handles = [m.group(0) for m in _MASTODON.finditer(text)]
        rest = _MASTODON.sub(" ", text)
        handles += [m.group(0) for m in _AT_HANDLE.finditer(rest)]
        for handle in handles:
            label = "mastodon" if handle.count("@") == 2 else _service(ln.text)
            found.append(DraftField("handle", handle, round(0.8 * ln.confidence, 2), label))
        if handles and len(_AT_HANDLE.sub("", rest).strip(" :|·-")) < 12:
            used.add(i)


def _service(text: str) -> str | None:
    lower = text.lower()
    for word in ("twitter", "instagram", "github", "bluesky", "threads", "telegram"):
        if word in lower:
            return word
    if re.search(r"\bx\s*[:.]", lower):
        return "twitter"
    return None


def _urls(
    lines: Sequence[Line], found: list[DraftField], used: set[int], emails: Sequence[str]
) -> None:
    for i, ln in enumerate(lines):
        text = _MASTODON.sub(" ", _EMAIL.sub(" ", ln.text))
        hits = []
        for match in _URL.finditer(text):
            value = match.group(0).rstrip(".,;)")
            host = re.sub(r"^(?:https?://)?(?:www\.)?", "", value, flags=re.I).split("/")[0]
            tld = host.rsplit(".", 1)[-1].lower()
            explicit = value.lower().startswith(("http", "www."))
            if not explicit and tld not in _TLDS:
                continue
            if not explicit and re.fullmatch(r"[\d.]+", host):
                continue
            hits.append(value)
            label = _SOCIAL_HOSTS.get(host.lower().removeprefix("m."))
            confidence = 0.9 if explicit or label else 0.75
            found.append(DraftField("url", value, round(confidence * ln.confidence, 2), label))
        if hits:
            rest = text
            for hit in hits:
                rest = rest.replace(hit, " ")
            if not _other_words(rest):
                used.add(i)


# -- address, name, title, organisation ---------------------------------------------------------


def _address(lines: Sequence[Line], used: set[int]) -> DraftField | None:
    marked = []
    for i, ln in enumerate(lines):
        if i in used:
            continue
        words = {w.lower() for w in re.findall(r"[\w.]+", ln.text)}
        street = bool(words & _STREET_WORDS or any(w.endswith(_STREET_ENDINGS) for w in words))
        street = street and bool(re.search(r"\d", ln.text))
        postcode = bool(_POSTCODE.search(ln.text)) and bool(re.search(r"[^\W\d_]{3}", ln.text))
        if street or postcode:
            marked.append((i, 0.8 if street else 0.6))
    if not marked:
        return None
    # the first address line and the lines right after it that look like one too
    taken = [marked[0]]
    for i, score in marked[1:]:
        if i == taken[-1][0] + 1:
            taken.append((i, score))
    for i, _ in taken:
        used.add(i)
    value = ", ".join(lines[i].text.strip(" ,") for i, _ in taken)
    confidence = max(s for _, s in taken) * min(lines[i].confidence for i, _ in taken)
    return DraftField("address", value, round(confidence, 2))


def _name(
    lines: Sequence[Line], used: set[int], emails: Sequence[str], found: list[DraftField]
) -> int | None:
    best: tuple[float, int] | None = None
    tallest = max((ln.height for ln in lines), default=0.0)
    for i, ln in enumerate(lines):
        if i in used:
            continue
        score = _name_score(ln.text, emails)
        if score <= 0:
            continue
        if tallest and ln.height:
            score += 0.15 * (ln.height / tallest)
        score -= 0.02 * i  # cards and signatures put the name first
        if best is None or score > best[0]:
            best = (score, i)
    if best is None:
        return None
    score, i = best
    ln = lines[i]
    value = _name_value(ln.text)
    confidence = min(0.97, max(0.3, score)) * ln.confidence
    found.append(DraftField("name", value, round(confidence, 2)))
    used.add(i)
    return i


def _name_score(text: str, emails: Sequence[str]) -> float:
    text = _strip_honorific_commas(text)
    words = text.split()
    if not 2 <= len(words) <= 5:
        return 0.0
    lower = [w.lower().strip(",.") for w in words]
    if any(w in _TITLE_WORDS or w in _ORG_WORDS for w in lower):
        return 0.0
    if not all(_NAME_WORD.match(w.strip(",")) for w in words):
        return 0.0
    capitals = [w for w in words if w[0].isupper() or w.lower() in _PARTICLES]
    if len(capitals) != len(words):
        return 0.0
    if text.isupper() and len(text) > 30:
        return 0.0
    score = 0.6
    folded = _fold(text)
    parts = [p for p in re.split(r"[^a-z]+", folded) if len(p) > 1]
    for email in emails:
        local = _fold(email.split("@")[0])
        hits = sum(1 for p in parts if p in local)
        if hits >= 2 or (hits == 1 and len(parts) >= 1 and len(local) >= 3):
            score += 0.3 if hits >= 2 else 0.2
            break
    else:
        if 2 <= len(words) <= 3:
            score += 0.15
    return score


def _name_value(text: str) -> str:
    return " ".join(_strip_honorific_commas(text).split()).strip(" ,")


def _strip_honorific_commas(text: str) -> str:
    # "Dana Whitfield, PhD" -> "Dana Whitfield"
    head, _, tail = text.partition(",")
    if tail and all(w.strip(". ").lower() in _DEGREES for w in tail.split(",")):
        return head
    return text


_DEGREES: Final = _set("phd md mba msc bsc ba ma jr sr ii iii cpa esq dds pe")


def _title_and_org(
    lines: Sequence[Line],
    used: set[int],
    name_at: int | None,
    emails: Sequence[str],
    found: list[DraftField],
) -> None:
    title_at: int | None = None
    org_at: int | None = None
    org_conf = 0.0
    order = sorted(
        (i for i in range(len(lines)) if i not in used),
        key=lambda i: abs(i - name_at) if name_at is not None else i,
    )
    # the names in the work addresses' domains ("northwind" of dana@mail.northwind.co.uk)
    domains = [
        re.sub(r"[^a-z0-9]", "", label)
        for e in emails
        for label in _fold(e.split("@")[1]).split(".")
        if label not in _TLDS and label not in {"mail", "email", "www", "example"}
    ]
    for i in order:
        text = lines[i].text
        words = {w.lower().strip(",.()") for w in text.split()}
        if title_at is None and words & _TITLE_WORDS and len(text) <= 80:
            title_at = i
            continue
        squashed = re.sub(r"[^a-z0-9]", "", _fold(text))
        domain_hit = len(squashed) > 2 and any(
            d in squashed or squashed in d for d in domains if len(d) > 2
        )
        if (org_at is None or (domain_hit and org_conf < 0.9)) and (
            words & _ORG_WORDS or domain_hit
        ):
            org_at, org_conf = i, 0.9 if domain_hit else 0.8
    if title_at is not None:
        ln = lines[title_at]
        title = ln.text.strip(" ,|")
        # "Founder, Copperleaf Labs", "COO at Northwind": the organisation on the title's line
        parts = re.split(r",\s+|\s+at\s+|\s+@\s+", title, maxsplit=1)
        if org_at is None and len(parts) == 2 and not (_words(parts[1]) & _TITLE_WORDS):
            title = parts[0].strip()
            found.append(
                DraftField("organisation", parts[1].strip(), round(0.7 * ln.confidence, 2))
            )
            org_at = -1
        found.append(DraftField("title", title, round(0.8 * ln.confidence, 2)))
        used.add(title_at)
    if org_at is None:
        # a line left over next to the name, else the domain of a work address
        for i in order:
            if i in used or len(lines[i].text) > 60 or not re.search(r"[^\W\d_]{2}", lines[i].text):
                continue
            org_at, org_conf = i, 0.45
            break
    if org_at is not None and org_at >= 0:
        ln = lines[org_at]
        value = ln.text.strip(" ,|")
        found.append(DraftField("organisation", value, round(org_conf * ln.confidence, 2)))
        used.add(org_at)


# -- helpers -------------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return {w.lower().strip(",.()") for w in text.split()}


_SPACED_AT: Final = re.compile(r"(?<=[\w.])(?:\s+@\s*|\s*@\s+)(?=\w)")
_SPACED_DOT: Final = re.compile(r"(?<=\w)\.\s+(?=[\w.+-]*@)|(?<=@)([\w-]+)\s+\.\s*(?=\w)")


def _mend(text: str) -> str:
    """An address as OCR spaces it out, put back: "dana.w@ example.com", "dana. w@x.com"."""
    if "@" not in text:
        return text
    text = _SPACED_AT.sub("@", text)
    return _SPACED_DOT.sub(lambda m: f"{m.group(1) or ''}.", text)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _dedupe(found: Iterable[DraftField]) -> list[DraftField]:
    out: list[DraftField] = []
    seen: set[tuple[str, str]] = set()
    for f in found:
        key = (f.kind, f.value.lower())
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    order = {kind: n for n, kind in enumerate(DRAFT_KINDS)}
    return sorted(out, key=lambda f: order.get(f.kind, len(order)))
