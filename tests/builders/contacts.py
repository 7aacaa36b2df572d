"""Contact records and vCard files, as the contacts tests build them again and again."""

from __future__ import annotations

from typing import Any

from kithkin.sources.records import ContactRecord, Labelled


def card(source_id: str, **fields: Any) -> ContactRecord:
    """A vCard-like record; emails, phones, urls given as plain strings."""
    for kind in ("emails", "phones", "urls", "handles"):
        if kind in fields:
            fields[kind] = tuple(
                v if isinstance(v, Labelled) else Labelled(v) for v in fields[kind]
            )
    fields.setdefault("source", "vcard")
    fields.setdefault("source_file", "contacts.vcf")
    fields.setdefault("place", f"card {source_id}")
    fields.setdefault("raw", f"BEGIN:VCARD\nUID:{source_id}\nEND:VCARD")
    return ContactRecord(source_id=source_id, **fields)


def vcard(*cards: tuple[str, str, str]) -> bytes:
    """A vCard 3.0 file of cards (uid, full name, extra lines ending in CRLF)."""
    out = []
    for uid, name, extra in cards:
        given, _, family = name.rpartition(" ")
        out.append(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{family};{given};;;\r\n"
            f"{extra}END:VCARD\r\n"
        )
    return "".join(out).encode()
