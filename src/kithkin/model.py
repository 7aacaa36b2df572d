"""Typed records of the domain, read from the store and handed to the interfaces.

Records are frozen: code that wants a changed record makes a new one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Final, Literal, NamedTuple

ContactKind = Literal["email", "phone", "url", "handle"]
CONTACT_KINDS: Final[tuple[ContactKind, ...]] = ("email", "phone", "url", "handle")

StoryField = Literal["work", "origin", "education", "passions", "drivers", "other"]
STORY_FIELDS: Final[tuple[StoryField, ...]] = (
    "work",
    "origin",
    "education",
    "passions",
    "drivers",
    "other",
)
STORY_QUESTIONS: Final[dict[str, str]] = {
    "work": "what they do and what they are working on",
    "origin": "where they come from",
    "education": "where they went to school",
    "passions": "what they love doing",
    "drivers": "what drives them",
    "other": "family and the rest of their story",
}

InteractionKind = Literal["email", "meeting", "call", "message", "note", "event", "coffee", "meal"]
INTERACTION_KINDS: Final[tuple[InteractionKind, ...]] = (
    "email",
    "meeting",
    "call",
    "message",
    "note",
    "event",
    "coffee",
    "meal",
)

Direction = Literal["from_me", "to_me", "both", "neither"]
DIRECTIONS: Final[tuple[Direction, ...]] = ("from_me", "to_me", "both", "neither")


@dataclass(frozen=True)
class ContactPoint:
    id: int
    kind: str
    value: str
    label: str | None
    source: str


@dataclass(frozen=True)
class StoryFact:
    id: int
    field: str
    text: str
    learned_on: date | None
    learned_where: str | None
    created_at: datetime


@dataclass(frozen=True)
class Note:
    id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class PersonSummary:
    id: int
    display_name: str
    organisation: str | None
    title: str | None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    id: int
    uid: str
    display_name: str
    given_name: str | None
    family_name: str | None
    organisation: str | None
    title: str | None
    created_at: datetime
    updated_at: datetime
    contact_points: tuple[ContactPoint, ...] = ()
    tags: tuple[str, ...] = ()
    story: tuple[StoryFact, ...] = ()
    notes: tuple[Note, ...] = ()

    def story_by_field(self) -> dict[str, list[StoryFact]]:
        grouped: dict[str, list[StoryFact]] = {name: [] for name in STORY_FIELDS}
        for fact in self.story:
            grouped.setdefault(fact.field, []).append(fact)
        return grouped

    def story_gaps(self) -> list[str]:
        grouped = self.story_by_field()
        return [name for name in STORY_FIELDS if name != "other" and not grouped[name]]

    def story_completeness(self) -> float:
        """Share of the five core story fields (all but "other") that hold at least one fact."""
        core = [name for name in STORY_FIELDS if name != "other"]
        return (len(core) - len(self.story_gaps())) / len(core)


@dataclass(frozen=True)
class Participant:
    person_id: int
    display_name: str
    role: str


@dataclass(frozen=True)
class Interaction:
    id: int
    kind: str
    direction: str
    occurred_at: datetime
    subject: str | None
    summary: str | None
    source: str
    source_id: str
    participants: tuple[Participant, ...] = ()


@dataclass(frozen=True)
class MailThread:
    """A mail conversation as a person's page shows it."""

    id: int
    subject: str | None
    first_at: datetime | None
    last_at: datetime | None
    message_count: int
    last_from_address: str | None
    last_from_name: str | None
    last_from_me: bool  # who wrote last: me, or them (waiting for my answer)
    with_them: int = 0  # how many of its messages are interactions with the person


@dataclass(frozen=True)
class MeetingAttendee:
    address: str
    name: str | None
    partstat: str | None  # ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION
    role: str | None  # REQ-PARTICIPANT, OPT-PARTICIPANT, CHAIR, ORGANIZER, ...
    person_id: int | None  # the person they are (None: not a person, or in the trash)


@dataclass(frozen=True)
class Meeting:
    """A calendar meeting (one occurrence), past or upcoming, with who is invited but me."""

    id: int
    uid: str
    summary: str | None
    location: str | None
    start: datetime
    end: datetime
    all_day: bool
    status: str | None
    my_partstat: str | None
    counted: bool  # it happens with me in it (not cancelled, not declined by me)
    organizer_address: str | None
    interaction_id: int | None  # once it has happened
    attendees: tuple[MeetingAttendee, ...] = ()


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "interaction" or an activity action such as "story.add"
    summary: str
    interaction_id: int | None = None
    activity_id: int | None = None


@dataclass(frozen=True)
class Activity:
    id: int
    at: datetime
    action: str
    person_id: int | None
    summary: str
    undoable: bool
    undone_at: datetime | None


@dataclass(frozen=True)
class SearchHit:
    person: PersonSummary
    score: float
    snippet: str


@dataclass(frozen=True)
class Me:
    name: str | None = None
    addresses: tuple[str, ...] = ()
    person_id: int | None = None


@dataclass(frozen=True)
class Stats:
    people: int
    contact_points: int
    interactions: int
    interactions_by_kind: dict[str, int] = field(default_factory=dict)
    story_facts: int = 0
    notes: int = 0
    tags: int = 0
    threads: int = 0
    in_trash: int = 0
    activity: int = 0


def to_jsonable(value: Any) -> Any:
    """Dataclasses, tuples, dates and datetimes as plain JSON values."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: to_jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# -- inbox hygiene (practice P11): what the store reads, the practice decides on --------------


@dataclass(frozen=True)
class Atom:
    """The list, bulk and spam mail of one List-Id (lower-case), or, without a List-Id, of one
    sender address. "Received" counts what reached me (list and bulk, not mine, not spam)."""

    list_id: str | None
    sender: str | None  # None for a List-Id atom (its posters are in `senders`)
    received: int
    bulk: int  # of the received, category bulk (the others are list)
    spam: int  # messages that sat in a spam folder
    first_at: datetime | None  # of the received (of the spam when nothing else came)
    last_at: datetime | None
    seen: int  # received and marked seen
    flagged: int  # received from mailboxes that keep flags (read rate is seen / flagged)
    dkim: int  # received with a DKIM-Signature (present, not verified)
    replies: int  # my messages to it: my posts carrying its List-Id, my answers in its threads
    days: dict[date, int]  # received per day (UTC)
    senders: dict[str, int]  # From addresses, received and spam, with how many each
    list_name: str | None  # the list's name, as its latest message gives it
    name: str | None  # the sender's name in its latest message
    unsubscribe: str | None  # List-Unsubscribe of its latest message carrying one (URIs per line)
    unsubscribe_post: str | None  # that message's List-Unsubscribe-Post
    unsubscribe_from_spam: bool  # those came from a message in a spam folder (nothing else had)


class Unanswered(NamedTuple):  # a tuple: a large mailbox has tens of thousands
    """A message from a person to me that nothing of mine answered."""

    id: int
    date: datetime
    from_address: str | None
    person_id: int | None  # the person the address belongs to (None: unknown, or trashed)


@dataclass(frozen=True)
class PersonMail:
    """What is shown of a person's message."""

    id: int
    date: datetime | None
    from_address: str | None
    from_name: str | None
    subject: str | None
    person_id: int | None
    display_name: str | None  # the person's name in kithkin


@dataclass(frozen=True)
class SubscriptionRule:
    """The user's rule for a subscription: keep it, or read it as a digest."""

    key: str
    rule: str  # keep, digest
    set_at: datetime
    note: str | None


@dataclass(frozen=True)
class OutboxEntry:
    """An action on the user's behalf (an unsubscribe), recorded before it is tried."""

    id: int
    action: str  # unsubscribe
    subscription_key: str
    method: str  # one-click, mailto, web
    target: str
    idempotency_key: str
    status: str  # pending, trying, done, failed, refused
    created_at: datetime
    tried_at: datetime | None
    finished_at: datetime | None
    attempts: int
    outcome: str | None
    message_id: str | None  # mailto: the Message-ID every attempt sends
