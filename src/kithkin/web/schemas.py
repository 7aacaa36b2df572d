"""The JSON API's request and response bodies (they make up the OpenAPI document)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from kithkin.model import Person

ContactKind = Literal["email", "phone", "url", "handle"]
StoryField = Literal["work", "origin", "education", "passions", "drivers", "other"]
InteractionKind = Literal["email", "meeting", "call", "message", "note", "event", "coffee", "meal"]
Direction = Literal["from_me", "to_me", "both", "neither"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests ---------------------------------------------------------------------------------


class ContactIn(_In):
    kind: ContactKind
    value: str
    label: str | None = None


class PersonIn(_In):
    display_name: str | None = Field(None, description="Defaults to given + family name.")
    given_name: str | None = None
    family_name: str | None = None
    organisation: str | None = None
    title: str | None = None
    contacts: list[ContactIn] = []
    tags: list[str] = []


class PersonPatch(_In):
    """Only the fields sent are changed; send null to clear one (not display_name)."""

    display_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    organisation: str | None = None
    title: str | None = None


class FactIn(_In):
    field: StoryField
    text: str
    learned_on: date | None = None
    learned_where: str | None = None


class NoteIn(_In):
    text: str


class TagIn(_In):
    name: str


class MergeIn(_In):
    other: str | int = Field(description="The duplicate to fold in: an id, '#id', email or name.")


class InteractionIn(_In):
    kind: InteractionKind
    direction: Direction = "both"
    occurred_at: datetime | None = Field(None, description="Defaults to now; naive means UTC.")
    participants: list[int] = Field(min_length=1)
    subject: str | None = None
    summary: str | None = None


class MeIn(_In):
    name: str | None = None
    addresses: list[str] = []


# -- responses --------------------------------------------------------------------------------


class ContactOut(BaseModel):
    id: int
    kind: str
    value: str
    label: str | None
    source: str


class FactOut(BaseModel):
    id: int
    field: str
    text: str
    learned_on: date | None
    learned_where: str | None
    created_at: datetime


class NoteOut(BaseModel):
    id: int
    text: str
    created_at: datetime


class PersonSummaryOut(BaseModel):
    id: int
    display_name: str
    organisation: str | None
    title: str | None
    tags: list[str]


class PersonListItem(PersonSummaryOut):
    snippet: str | None = Field(None, description="Why a search matched, hits in [brackets].")
    score: float | None = None


class PersonOut(BaseModel):
    id: int
    uid: str
    display_name: str
    given_name: str | None
    family_name: str | None
    organisation: str | None
    title: str | None
    created_at: datetime
    updated_at: datetime
    contact_points: list[ContactOut]
    tags: list[str]
    story: list[FactOut]
    notes: list[NoteOut]
    story_completeness: float = Field(description="Share of the five core story fields known.")
    story_gaps: list[str]

    @classmethod
    def of(cls, person: Person) -> PersonOut:
        return cls.model_validate(
            {
                **asdict(person),
                "story_completeness": person.story_completeness(),
                "story_gaps": person.story_gaps(),
            }
        )


class SearchHitOut(BaseModel):
    person: PersonSummaryOut
    score: float
    snippet: str


class TimelineEntryOut(BaseModel):
    at: datetime
    kind: str
    summary: str
    interaction_id: int | None
    activity_id: int | None


class CreatedOut(BaseModel):
    id: int
    created: bool = True


class TagsOut(BaseModel):
    changed: bool
    tags: list[str]


class ActionOut(BaseModel):
    activity_id: int
    message: str


class MergeOut(ActionOut):
    person: PersonOut


class UndoOut(BaseModel):
    undone: str


class TrashItemOut(BaseModel):
    person: PersonSummaryOut
    deleted_at: datetime


class StatsOut(BaseModel):
    people: int
    contact_points: int
    interactions: int
    interactions_by_kind: dict[str, int]
    story_facts: int
    notes: int
    tags: int
    threads: int
    in_trash: int
    activity: int


class ActivityOut(BaseModel):
    id: int
    at: datetime
    action: str
    person_id: int | None
    summary: str
    undoable: bool
    undone_at: datetime | None


class MeOut(BaseModel):
    name: str | None
    addresses: list[str]
    person_id: int | None


class ErrorOut(BaseModel):
    error: str
    candidates: list[dict[str, int | str]] | None = None


API_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    400: {"model": ErrorOut, "description": "Invalid input"},
    403: {"model": ErrorOut, "description": "Cross-origin write refused"},
    404: {"model": ErrorOut, "description": "Not found"},
    409: {"model": ErrorOut, "description": "Conflict, or a name that fits several people"},
    415: {"model": ErrorOut, "description": "Writes must be sent as application/json"},
}
"""The errors every route of the people API may answer with (see `web.app`'s handlers)."""
