"""The JSON API's request and response bodies (they make up the OpenAPI document)."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Collection
from dataclasses import asdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Field
from pydantic._internal._model_construction import ModelMetaclass
from pydantic.json_schema import SkipJsonSchema

from kithkin.model import (
    MAX_ID,
    Activity,
    ContactPoint,
    Me,
    Note,
    Person,
    PersonSummary,
    SearchHit,
    Stats,
    StoryFact,
    TimelineEntry,
)

ContactKind = Literal["email", "phone", "url", "handle"]
StoryField = Literal["work", "origin", "education", "passions", "drivers", "other"]
InteractionKind = Literal["email", "meeting", "call", "message", "note", "event", "coffee", "meal"]
Direction = Literal["from_me", "to_me", "both", "neither"]

Text = Annotated[str, Field(pattern=r"\S")]
"""Text that must say something (not empty, not only spaces): the use cases refuse the rest."""

Id = Annotated[int, Ge(1), Le(MAX_ID)]
"""Every row id the web takes, in a path or a body: one a database cannot hold is refused
by validation (a 404 page, a 422 in the API) before it reaches SQL, where it would overflow."""


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests ---------------------------------------------------------------------------------


class ContactIn(_In):
    kind: ContactKind
    value: Text
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

    display_name: Text | SkipJsonSchema[None] = None  # not null, but may be left out
    given_name: str | None = None
    family_name: str | None = None
    organisation: str | None = None
    title: str | None = None


class FactIn(_In):
    field: StoryField
    text: Text
    learned_on: date | None = None
    learned_where: str | None = None
    shared: bool = Field(
        False, description="Team mode: seen by the whole team (default: yours only)."
    )


class NoteIn(_In):
    text: Text
    shared: bool = Field(
        False, description="Team mode: seen by the whole team (default: yours only)."
    )


class ShareIn(_In):
    shared: bool = Field(description="True: the whole team sees it; false: only its writer.")


class TagIn(_In):
    name: Text


class MergeIn(_In):
    other: Text | Id = Field(description="The duplicate to fold in: an id, '#id', email or name.")


class InteractionIn(_In):
    kind: InteractionKind
    direction: Direction = "both"
    occurred_at: datetime | None = Field(None, description="Defaults to now; naive means UTC.")
    participants: list[Id] = Field(min_length=1)
    subject: str | None = None
    summary: str | None = None


class MeIn(_In):
    name: str | None = None
    addresses: list[str] = []


# -- responses --------------------------------------------------------------------------------


class _FromRecord(ModelMetaclass):
    """Builds a response model's fields from a domain record (`class XOut(Out, record=X)`):
    the record's fields, in its order, all required (a response always carries them), a
    tuple of records becoming a list of their response models; then the class's own, which
    override a record's field of the same name in its place. `record` may be several records
    (their fields one after the other, for a JSON that flattens one into another), and
    `exclude` names the fields the JSON leaves out."""

    def __new__(
        mcs,
        name: str,
        bases: tuple[type[Any], ...],
        namespace: dict[str, Any],
        record: type | tuple[type, ...] | None = None,
        exclude: Collection[str] = (),
        **kwargs: Any,
    ) -> type:
        records = record if isinstance(record, tuple) else () if record is None else (record,)
        if records:
            derived = {
                f.name: _out_type(hints)
                for r in records
                for f, hints in _record_fields(r)
                if f.name not in exclude
            }
            namespace["__annotations__"] = {**derived, **namespace.get("__annotations__", {})}
        made = super().__new__(mcs, name, bases, namespace, **kwargs)
        if isinstance(record, type):
            _RESPONSE_OF[record] = made
        return made


_RESPONSE_OF: Final[dict[type, type]] = {}


def _record_fields(record: type) -> list[tuple[dataclasses.Field[Any], Any]]:
    hints = typing.get_type_hints(record)
    return [(f, hints[f.name]) for f in dataclasses.fields(record)]


def _out_type(hint: Any) -> Any:
    """The JSON shape of a record's field: tuples are lists, records are their models."""
    if typing.get_origin(hint) is tuple:
        (item, _) = typing.get_args(hint)
        return list[_RESPONSE_OF.get(item, item)]  # type: ignore[misc]
    return _RESPONSE_OF.get(hint, hint)


class Out(BaseModel, metaclass=_FromRecord):
    """A response body derived from a domain record (see `_FromRecord`)."""

    if TYPE_CHECKING:

        def __init_subclass__(
            cls,
            *,
            record: type | tuple[type, ...] | None = None,
            exclude: Collection[str] = (),
            **kwargs: Any,
        ) -> None: ...


class ContactOut(Out, record=ContactPoint):
    pass


class FactOut(Out, record=StoryFact):
    pass


class NoteOut(Out, record=Note):
    pass


class PersonSummaryOut(Out, record=PersonSummary):
    pass


class PersonListItem(PersonSummaryOut):
    snippet: str | None = Field(None, description="Why a search matched, hits in [brackets].")
    score: float | None = None


class PersonOut(Out, record=Person):
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


class SearchHitOut(Out, record=SearchHit):
    pass


class TimelineEntryOut(Out, record=TimelineEntry):
    pass


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


class StatsOut(Out, record=Stats):
    pass


class ActivityOut(Out, record=Activity):
    pass


class SharedOut(BaseModel):
    kind: Literal["note", "fact", "need", "ledger"]
    id: int
    person_id: int
    shared: bool


class MeOut(Out, record=Me):
    pass


class ErrorOut(BaseModel):
    error: str
    candidates: list[dict[str, int | str]] | None = None


def api_errors(
    conflict: str | None = "Conflict, or a name that fits several people",
    unsupported: str = "Writes must be sent as application/json",
) -> dict[int | str, dict[str, Any]]:
    """The errors an API route may answer with (see `web.app`'s handlers), for its OpenAPI
    document: every router says them through this one function."""
    errors: dict[int | str, dict[str, Any]] = {
        400: {"model": ErrorOut, "description": "Invalid input"},
        401: {"model": ErrorOut, "description": "No token, or a wrong one (a server that asks)"},
        403: {"model": ErrorOut, "description": "Cross-origin write refused"},
        404: {"model": ErrorOut, "description": "Not found"},
        415: {"model": ErrorOut, "description": unsupported},
    }
    if conflict is not None:
        errors[409] = {"model": ErrorOut, "description": conflict}
    return dict(sorted(errors.items(), key=lambda item: str(item[0])))


API_RESPONSES: Final = api_errors()
"""The errors every route of the people API may answer with."""
