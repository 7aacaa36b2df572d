"""The plain records that source readers yield and `ingest` stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Labelled:
    """A contact value with the label its source gave it ("work", "home", "mobile", ...)."""

    value: str
    label: str | None = None


@dataclass(frozen=True)
class Photo:
    media_type: str  # "image/jpeg", ...; "text/uri" when the card only links to one
    data: bytes


@dataclass(frozen=True)
class ContactRecord:
    """One person as one source describes them (a vCard, a CSV row)."""

    source: str  # "vcard", "linkedin", "google-csv"
    source_file: str  # the file (or "archive.zip!inner/path") it came from
    source_id: str  # the record's id in that source: a vCard UID, else a stable content hash
    place: str  # where it starts, for messages: "line 12", "card 3 (line 40)"
    raw: str  # the record exactly as read (the card's text, the CSV row)
    display_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    nickname: str | None = None
    organisation: str | None = None
    title: str | None = None
    emails: tuple[Labelled, ...] = ()
    phones: tuple[Labelled, ...] = ()
    urls: tuple[Labelled, ...] = ()
    handles: tuple[Labelled, ...] = ()  # social handles such as "@dana@mastodon.example"
    tags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    photo: Photo | None = None
    birthday: date | None = None
    connected_on: date | None = None  # LinkedIn: when the connection was made
    # what the reader left out of a record it kept ("Connected On" that is not a date)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceProblem:
    """A record that could not be read: reported with file and place, then skipped."""

    source_file: str
    place: str  # "line 12", "card 3 (line 40)", "offset 1048576"
    message: str

    def __str__(self) -> str:
        return f"{self.source_file}: {self.place}: {self.message}"
