"""Google Contacts CSV exports as `ContactRecord`s, one per row.

Both generations of Google's own CSV are read, by column name:

- newer (contacts.google.com): `First Name`, `Middle Name`, `Last Name`, `Nickname`,
  `Organization Name`, `Organization Title`, `Birthday`, `Notes`, `Photo`, `Labels`,
  `E-mail 1 - Label`/`E-mail 1 - Value`, `Phone 1 - ...`, `Website 1 - ...`;
- older (Gmail): `Name`, `Given Name`, `Additional Name`, `Family Name`, `Nickname`,
  `Group Membership`, `E-mail 1 - Type`/`E-mail 1 - Value`, `Phone 1 - ...`,
  `Organization 1 - Name`/`Organization 1 - Title`, `Website 1 - ...`, `IM 1 - Service`/
  `IM 1 - Value`.

A cell may hold several values separated by " ::: " (all share the column's label). Labels
are read into `kithkin.sources.labels`' vocabulary ("* Work" -> "work", "Mobile" -> "mobile").
Groups become tags without Google's system groups ("* myContacts", "* starred"). Google rows
carry no id, so `source_id` is a hash of the row's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from kithkin.sources import labels
from kithkin.sources.csvfile import BadRow, find_table, parse_date
from kithkin.sources.rawtext import decode_text, stable_id
from kithkin.sources.records import ContactRecord, Labelled, Photo, SourceProblem

SOURCE = "google-csv"
SEPARATOR = " ::: "
_NAMES = {"name", "first name", "given name", "last name", "family name"}
_MARKERS = {"e-mail 1 - value", "phone 1 - value", "labels", "group membership"}
_NUMBERED = re.compile(r"^(E-mail|Phone|Website|IM|Organization) (\d+) - (.+)$", re.IGNORECASE)
_NO_YEAR = re.compile(r"^--\d{1,2}-\d{1,2}$")  # a birthday without its year: not kept, not wrong
_SYSTEM_GROUPS = {"mycontacts", "my contacts", "starred"}


def is_google_header(fields: Sequence[str]) -> bool:
    """Whether `fields` is the header of a Google Contacts CSV export."""
    names = {field.strip().lower() for field in fields}
    return bool(names & _NAMES) and bool(names & _MARKERS)


def read_google_csv(data: bytes, source_file: str) -> Iterator[ContactRecord | SourceProblem]:
    """One record per row of the Google Contacts CSV `data`."""
    table = find_table(decode_text(data), is_google_header)
    if table is None:
        yield SourceProblem(
            source_file,
            "line 1",
            "not a Google Contacts CSV: no header with First Name (or Given Name) and"
            " E-mail 1 - Value, Phone 1 - Value, Labels or Group Membership",
        )
        return
    for row in table.rows:
        place = f"line {row.line}"
        if isinstance(row, BadRow):
            yield SourceProblem(source_file, place, row.message)
            continue
        record = _record(row.fields, row.raw, source_file, place)
        if record is None:
            yield SourceProblem(source_file, place, "nothing to import: an empty contact")
        else:
            yield record


def _record(fields: dict[str, str], raw: str, source_file: str, place: str) -> ContactRecord | None:
    plain = {key.strip().lower(): value.strip() for key, value in fields.items()}
    numbered = _numbered(fields)

    def first(*names: str) -> str | None:
        return next((plain[n] for n in names if plain.get(n)), None)

    given = first("first name", "given name")
    middle = first("middle name", "additional name")
    family = first("last name", "family name")
    display = first("name") or " ".join(p for p in (given, middle, family) if p) or None
    orgs = numbered.get("organization", {})
    organisation = first("organization name") or _first_of(orgs, "name")
    title = first("organization title") or _first_of(orgs, "title")
    emails = _labelled(numbered.get("e-mail", {}))
    phones = _labelled(numbered.get("phone", {}))
    urls = _labelled(numbered.get("website", {}))
    handles = _labelled(numbered.get("im", {}), label_key="service")
    nickname = first("nickname")
    if not (display or organisation or nickname or emails or phones or urls or handles):
        return None
    photo_url = first("photo")
    born = first("birthday")
    birthday = parse_date(born or "")
    notes = first("notes")
    groups = first("labels", "group membership") or ""
    return ContactRecord(
        source=SOURCE,
        source_file=source_file,
        source_id=stable_id(raw),
        place=place,
        raw=raw,
        display_name=display,
        given_name=given,
        family_name=family,
        nickname=nickname,
        organisation=organisation,
        title=title,
        emails=emails,
        phones=phones,
        urls=urls,
        handles=handles,
        tags=_tags(groups),
        notes=(notes.replace("\r\n", "\n"),) if notes else (),
        photo=Photo("text/uri", photo_url.encode("utf-8")) if photo_url else None,
        birthday=birthday,
        warnings=(f"Birthday {born!r} is not a date (like 1984-03-12); left out",)
        if born and birthday is None and not _NO_YEAR.match(born)
        else (),
    )


def _numbered(fields: dict[str, str]) -> dict[str, dict[int, dict[str, str]]]:
    """`E-mail 2 - Value` and the like as {"e-mail": {2: {"value": ...}}}."""
    out: dict[str, dict[int, dict[str, str]]] = {}
    for key, value in fields.items():
        match = _NUMBERED.match(key.strip())
        if match:
            kind, number, part = match.group(1).lower(), int(match.group(2)), match.group(3)
            out.setdefault(kind, {}).setdefault(number, {})[part.strip().lower()] = value
    return out


def _first_of(entries: dict[int, dict[str, str]], part: str) -> str | None:
    for number in sorted(entries):
        values = _split(entries[number].get(part, ""))
        if values:
            return values[0]
    return None


def _labelled(entries: dict[int, dict[str, str]], label_key: str = "label") -> tuple[Labelled, ...]:
    out: list[Labelled] = []
    for number in sorted(entries):
        entry = entries[number]
        raw_label = entry.get(label_key) or entry.get("label") or entry.get("type") or ""
        label = labels.from_text(raw_label) if raw_label.strip() else None
        for value in _split(entry.get("value", "")):
            if all(item.value != value for item in out):
                out.append(Labelled(value, label))
    return tuple(out)


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(SEPARATOR.strip()) if part.strip()]


def _tags(groups: str) -> tuple[str, ...]:
    tags: list[str] = []
    for group in _split(groups):
        name = group.removeprefix("*").strip()
        if name.lower() in _SYSTEM_GROUPS or not name:
            continue
        if name not in tags:
            tags.append(name)
    return tuple(tags)
