"""Typed records of the domain, read from the store and handed to the interfaces.

Records are frozen: code that wants a changed record makes a new one.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import re
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, asdict, dataclass, field, fields
from datetime import date, datetime
from functools import cache
from operator import attrgetter
from reprlib import recursive_repr
from types import CodeType, FunctionType
from typing import Any, Final, Literal, NamedTuple, TypeVar, dataclass_transform

# Control characters (C0 but TAB, LF and CR; DEL; C1): never stored, never exported. A NUL
# or an escape in a mail header or a card is noise or an attack; a name loses them, an
# address that holds one is refused.
CONTROL_CHARS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    """`text` without its control characters (TAB, LF and CR are kept)."""
    if text.isprintable():  # the quick answer for nearly every text
        return text
    return CONTROL_CHARS.sub("", text)


def first_control(text: str) -> str | None:
    """The first control character of `text` as "U+0000", or None."""
    if text.isprintable():
        return None
    match = CONTROL_CHARS.search(text)
    return f"U+{ord(match.group()):04X}" if match else None


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
MAX_ID: Final = 2**31 - 1
"""The largest row id both engines keep (PostgreSQL's INTEGER; SQLite's go further, but
kithkin numbers rows from 1 and a team's database must hold a personal one's ids): a larger
one names nothing, and must be refused before it reaches SQL (where it overflows)."""


class Record:
    """The base of the frozen records, declared `@dataclass(frozen=True, eq=False, repr=False)`:
    equality, hashing and repr as `@dataclass` writes them (the fields compared, the class's
    qualified name and each field's repr), written here once. `@dataclass` compiles each of those
    methods anew for every class, which was most of the cost of importing the records (a third
    of kithkin's own start-up in `kithkin today`)."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        key = _keys(self.__class__)[0]
        return bool(key(self) == key(other))

    def __hash__(self) -> int:
        return hash(_keys(self.__class__)[1](self))

    @recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _keys(self.__class__)[2])
        return f"{self.__class__.__qualname__}({shown})"


_C = TypeVar("_C", bound=type)
_FIELD = vars(dataclasses)["_FIELD"]  # the mark by which dataclasses.fields() keeps a field


class _Factory:
    """The default, in a record's `__init__`, of a field its factory makes (as dataclass's)."""

    def __repr__(self) -> str:
        return "<factory>"


_HAS_FACTORY = _Factory()


@dataclass(frozen=True, eq=False, repr=False)
class _Params:
    """A dataclass declared as the records are, whose parameters each record shares."""


@dataclass_transform(frozen_default=True, eq_default=False, field_specifiers=(field,))
def record(cls: _C) -> _C:
    """A frozen record class, as `@dataclass(frozen=True, eq=False, repr=False)` makes it on a
    subclass of `Record` (`dataclasses.fields`, `asdict` and `replace` work on it alike), for a
    tenth of the cost: it compiles the one `__init__` (setting each field as a frozen dataclass
    does) and nothing else; `Record` answers for assignment, equality, hashing and repr. A
    record names its fields with annotations, defaults and `field(...)` (no ClassVar, InitVar or
    keyword-only fields)."""
    every: dict[str, Field[Any]] = {}
    for base in cls.__mro__[-1:0:-1]:
        every.update(getattr(base, "__dataclass_fields__", {}))
    for name, kind in inspect.get_annotations(cls).items():
        if str(kind).split("[")[0].rsplit(".")[-1] in ("ClassVar", "InitVar", "KW_ONLY"):
            raise TypeError(f"{cls.__qualname__}.{name}: a record has no {kind}")
        value = cls.__dict__.get(name, MISSING)
        spec: Field[Any] = value if isinstance(value, Field) else field(default=value)
        if spec.kw_only is True:
            raise TypeError(f"{cls.__qualname__}.{name}: a record has no keyword-only fields")
        spec.name, spec.type, spec.kw_only = name, kind, False
        spec._field_type = _FIELD  # type: ignore[attr-defined]
        every[name] = spec
        if value is not spec:
            continue
        if spec.default is MISSING:
            delattr(cls, name)
        else:
            setattr(cls, name, spec.default)
    cls.__dataclass_fields__ = every  # type: ignore[attr-defined]
    cls.__dataclass_params__ = _Params.__dataclass_params__  # type: ignore[attr-defined]
    cls.__match_args__ = tuple(f.name for f in every.values() if f.init)  # type: ignore[attr-defined,misc]
    cls.__init__ = _init(cls, every)  # type: ignore[misc]
    return cls


def _init(cls: type, every: dict[str, Field[Any]]) -> Callable[..., None]:
    """The record's `__init__`: `__init__(self, a, b=...)` doing `object.__setattr__(self, "a",
    a)` for each field. Made from the compiled code of a template with as many parameters,
    renamed (compiling is most of the cost of making a dataclass); a record with fields made
    by a factory or kept out of `__init__` has its own compiled."""
    scope: dict[str, Any] = {"_set": object.__setattr__, "_HAS_FACTORY": _HAS_FACTORY}
    names: list[str] = []
    defaults: list[Any] = []
    body: list[str] = []
    plain = True
    for name, spec in every.items():
        factory = spec.default_factory
        plain = plain and spec.init and factory is MISSING
        if factory is not MISSING:
            scope[f"_factory_{name}"] = factory
        if spec.init:
            if spec.default is not MISSING or factory is not MISSING:
                defaults.append(spec.default if factory is MISSING else _HAS_FACTORY)
            elif defaults:
                raise TypeError(f"{cls.__qualname__}.{name}: no default after one with a default")
            names.append(name)
            value = name
            if factory is not MISSING:
                value = f"_factory_{name}() if {name} is _HAS_FACTORY else {name}"
        elif factory is not MISSING:
            value = f"_factory_{name}()"
        elif spec.default is not MISSING:
            scope[f"_default_{name}"] = spec.default
            value = f"_default_{name}"
        else:
            continue
        body.append(f"    _set(self, {name!r}, {value})\n")
    if hasattr(cls, "__post_init__"):
        plain = False
        body.append("    self.__post_init__()\n")
    if plain:
        template = _template(len(names))
        renamed = dict(zip(template.co_varnames[1:], names, strict=True))
        code = template.replace(
            co_varnames=("self", *names),
            co_consts=tuple(
                renamed.get(c, c) if isinstance(c, str) else c for c in template.co_consts
            ),
        )
    else:
        source = f"def __init__(self, {', '.join(names)}):\n{''.join(body) or '    pass'}\n"
        exec(source, scope)  # noqa: S102 - the names are the class's own identifiers
        code = scope["__init__"].__code__
    made = FunctionType(code, scope, "__init__", tuple(defaults) or None)
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    made.__annotations__ = {name: every[name].type for name in names} | {"return": None}
    made.__module__ = cls.__module__
    return made


@cache
def _template(arity: int) -> CodeType:
    """`__init__(self, _0, _1, ...)` setting the fields "_0", "_1", ..., compiled."""
    names = [f"_{i}" for i in range(arity)]
    body = "".join(f"    _set(self, {name!r}, {name})\n" for name in names) or "    pass\n"
    scope: dict[str, Any] = {}
    exec(f"def __init__(self, {', '.join(names)}):\n{body}", scope)  # noqa: S102
    code: CodeType = scope["__init__"].__code__
    return code


_Key = Callable[[Any], tuple[Any, ...]]
_KEYS: dict[type, tuple[_Key, _Key, tuple[str, ...]]] = {}


def _keys(cls: type) -> tuple[_Key, _Key, tuple[str, ...]]:
    """What a record class compares, what it hashes (both as functions of a record giving a
    tuple) and the names its repr shows — found once per class."""
    found = _KEYS.get(cls)
    if found is None:
        every = fields(cls)
        compared = tuple(f.name for f in every if f.compare)
        hashed = tuple(f.name for f in every if (f.compare if f.hash is None else f.hash))
        found = _KEYS[cls] = (
            _getter(compared),
            _getter(hashed),
            tuple(f.name for f in every if f.repr),
        )
    return found


def _getter(names: tuple[str, ...]) -> _Key:
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda record: (one(record),)
    return lambda _record: ()


@record
class ContactPoint(Record):
    id: int
    kind: str
    value: str
    label: str | None
    source: str


@record
class StoryFact(Record):
    id: int
    field: str
    text: str
    learned_on: date | None
    learned_where: str | None
    created_at: datetime
    member_id: int | None = None  # who wrote it (team mode); None: the personal user's
    shared: bool = False  # team mode: seen by the whole team, else by its owner only


@record
class Note(Record):
    id: int
    text: str
    created_at: datetime
    member_id: int | None = None  # who wrote it (team mode); None: the personal user's
    shared: bool = False  # team mode: seen by the whole team, else by its owner only


@record
class PersonSummary(Record):
    id: int
    display_name: str
    organisation: str | None
    title: str | None
    tags: tuple[str, ...] = ()


@record
class Person(Record):
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


@record
class Participant(Record):
    person_id: int
    display_name: str
    role: str


@record
class Interaction(Record):
    id: int
    kind: str
    direction: str
    occurred_at: datetime
    subject: str | None
    summary: str | None
    source: str
    source_id: str
    participants: tuple[Participant, ...] = ()
    member_id: int | None = None  # whose it is in team mode (None: the one user's)


TEAM_SEES: Final = ("metadata", "subjects", "everything")  # what the team sees of a mailbox


@record
class MailThread(Record):
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


@record
class MeetingAttendee(Record):
    address: str
    name: str | None
    partstat: str | None  # ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION
    role: str | None  # REQ-PARTICIPANT, OPT-PARTICIPANT, CHAIR, ORGANIZER, ...
    person_id: int | None  # the person they are (None: not a person, or in the trash)


@record
class Meeting(Record):
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


@record
class TimelineEntry(Record):
    at: datetime
    kind: str  # "interaction" or an activity action such as "story.add"
    summary: str
    interaction_id: int | None = None
    activity_id: int | None = None


@record
class Activity(Record):
    id: int
    at: datetime
    action: str
    person_id: int | None
    summary: str
    undoable: bool
    undone_at: datetime | None
    member_id: int | None = None  # its author (team mode)
    private: bool = False  # it tells of a private row: seen by its author only
    author: str | None = None  # the author's user name (team mode)


@record
class SearchHit(Record):
    person: PersonSummary
    score: float
    snippet: str


@record
class Me(Record):
    name: str | None = None
    addresses: tuple[str, ...] = ()
    person_id: int | None = None


@record
class Stats(Record):
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


@record
class FooterCounts(Record):
    """What every page counts at its foot: a few counts, read in one statement."""

    people: int
    story_facts: int
    notes: int
    interactions: int
    contact_points: int
    in_trash: int


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


# -- Today: what the agenda reads of the store -------------------------------------------------


@record
class Mute(Record):
    key: str
    fingerprint: str
    action: str  # snooze, dismiss
    until: datetime | None
    at: datetime


@record
class Planned(Record):
    """A meeting (or call, coffee...) in the calendar, with the people in it."""

    key: str  # "i<interaction id>" or "c<calendar_event id>"
    at: datetime
    kind: str
    subject: str | None
    people: tuple[tuple[int, str], ...]  # (person id, display name), me excluded
    location: str | None = None
    logged: bool = False  # logged by hand once it had happened, or with how it went


@record
class WroteToMe(Record):
    """Someone who wrote to me directly, again and again (see `store.agenda.written_to_me`)."""

    person_id: int
    count: int  # their direct messages in the year before `until`
    first_at: datetime  # the first of those since `since`
    last_at: datetime
    interaction_id: int  # their last message
    address: str  # the address they wrote from, last
    replies: int  # how many of those messages answer something (of mine, most likely)


# -- relationships: one interaction with one person, and what a relationship sums up to -------

# The weights of `practices.strength` (they decide what a `Contact` weighs).
KIND_WEIGHT: Final = {
    "meal": 4.0,
    "coffee": 3.5,
    "meeting": 3.0,
    "call": 3.0,
    "event": 1.5,
    "message": 1.2,
    "email": 1.0,
    "note": 0.3,
}
ROLE_FACTOR: Final = {"cc": 0.4, "bcc": 0.4, "list": 0.25}  # others (with, from, to): 1
CATEGORY_FACTOR: Final = {"list": 0.25, "bulk": 0.0}  # mail_message.category; person: 1
SPOKEN: Final = frozenset({"meeting", "call", "coffee", "meal", "event"})  # we met or talked
WRITTEN: Final = frozenset({"email", "message"})


@record
class Contact(Record):
    """One interaction with one person, as strength sees it."""

    interaction_id: int
    at: datetime
    kind: str
    direction: str  # from_me, to_me, both, neither
    role: str = "with"  # with, from, to, cc, bcc, list
    people: int = 1  # the other participants, them included
    category: str | None = None  # mail: person, list, bulk
    size: int | None = None  # mail: bytes
    thread: str | None = None

    @property
    def weight(self) -> float:
        # a list answer is list mail by its role and by its message: weighed down once
        factor = min(
            ROLE_FACTOR.get(self.role, 1.0), CATEGORY_FACTOR.get(self.category or "person", 1.0)
        )
        w = KIND_WEIGHT.get(self.kind, 1.0) * factor
        if self.direction == "neither" and self.kind != "note":
            w *= 0.5  # I was copied
        return w / math.sqrt(self.people) if self.people > 1 else w

    @property
    def is_touch(self) -> bool:
        """Something I made happen: I wrote, we met or talked, I logged it."""
        if self.role == "list" or self.category == "bulk":
            return False
        if self.kind in SPOKEN or self.kind == "note":
            return True
        return self.direction in ("from_me", "both")

    @property
    def is_personal_inbound(self) -> bool:
        """A message they wrote to me (not a cc, not list or bulk mail)."""
        return (
            self.kind in WRITTEN
            and self.direction == "to_me"
            and self.role in ("from", "with")
            and (self.category or "person") == "person"
        )


@record
class Relationship(Record):
    """A relationship as of `computed_at`: what `practices.tally` computes and the
    `relationship` table holds (`practices.strength` calls it a `Summary`). Read from the store,
    it carries its person's id, and its `inputs` decoded when they were read with it."""

    score: float
    tier: str
    last_touch_at: datetime | None
    last_inbound_at: datetime | None
    last_mutual_at: datetime | None
    waiting_since: datetime | None
    waiting_last_at: datetime | None
    waiting_kind: str | None  # new, followup, reply
    waiting_count: int
    waiting_interaction_id: int | None
    weight: float
    reciprocity: float
    n_30: int
    n_90: int
    n_365: int
    n_all: int
    next_event_at: datetime | None
    fading: float  # upper bound of the fading score
    fading_from: datetime | None  # from when it counts as fading
    fading_last_at: datetime | None  # the last message of that conversation
    unanswered_since: datetime | None
    computed_at: datetime
    inputs: dict[str, Any] = field(default_factory=dict)
    person_id: int = 0  # whose relationship, when read from the store (0: computed, not stored)


@record
class Member(Record):
    """A member of the circle, with what their relationship row says (`score` and `tier` as of
    now once `practices.circle.scored` has brought them there)."""

    person_id: int
    display_name: str
    organisation: str | None
    title: str | None
    tags: tuple[str, ...]
    cadence_days: int | None  # their own cadence, if set
    source: str  # manual, tag
    added_at: datetime
    last_touch_at: datetime | None
    last_mutual_at: datetime | None
    waiting_since: datetime | None
    score: float = 0.0
    tier: str = "none"
    weight: float | None = None  # stored: what the score decays from (None: never computed)
    reciprocity: float | None = None
    computed_at: datetime | None = None


# -- inbox hygiene (practice P11): what the store reads, the practice decides on --------------


@record
class Atom(Record):
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


@record
class PersonMail(Record):
    """What is shown of a person's message."""

    id: int
    date: datetime | None
    from_address: str | None
    from_name: str | None
    subject: str | None
    person_id: int | None
    display_name: str | None  # the person's name in kithkin


@record
class SubscriptionRule(Record):
    """The user's rule for a subscription: keep it, or read it as a digest."""

    key: str
    rule: str  # keep, digest
    set_at: datetime
    note: str | None


@record
class OutboxEntry(Record):
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
    member_id: int | None = None  # whose it is in team mode (None: the one user's)


# -- photos ---------------------------------------------------------------------------------------

MAX_PHOTO_BYTES: Final = 1 << 20  # a contact's photo larger than this is left out
IMAGE_MAGIC: Final = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
IMAGE_TYPES: Final = ("image/png", "image/jpeg", "image/gif", "image/webp")


def image_type(data: bytes) -> str | None:
    """The media type of a PNG, JPEG, GIF or WebP image, told by its first bytes (whatever a
    source claimed); None for anything else."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((media for magic, media in IMAGE_MAGIC if data.startswith(magic)), None)


def photo_problem(media_type: str, data: bytes) -> str | None:
    """Why a contact's photo is not kept (a link, too large, not an image), or None."""
    if media_type == "text/uri":
        return "PHOTO is a link, which kithkin does not fetch; left out"
    if len(data) > MAX_PHOTO_BYTES:
        size = f"{len(data) / (1 << 20):.1f} MB"
        return f"PHOTO of {size} is over the {MAX_PHOTO_BYTES >> 20} MB a photo may be; left out"
    if image_type(data) is None:
        return "PHOTO is not a PNG, JPEG, GIF or WebP image; left out"
    return None


# -- words ----------------------------------------------------------------------------------------


def count_of(n: int, one: str, many: str | None = None) -> str:
    """A count and its noun, singular for one: `1 message`, `3 messages`, `2 people`; a count
    of thousands with its separator (`12,345 messages`). Pages and the CLI say counts with it."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


# -- amplification (practices P7 and P8) ----------------------------------------------------------

SHARE_KINDS: Final = ("own", "amplify")


@record
class SocialPost(Record):
    """One thing I shared on a network, as an export tells it (`sources.social` reads them):
    my own, or someone else's amplified."""

    network: str  # mastodon, bluesky, x, linkedin
    source_id: str  # stable within the network: the activity's id, at:// URI, tweet id, ...
    kind: str  # own, amplify; "direct" for a direct message (no share: left out)
    style: str  # post, reply, boost, quote, repost, retweet, reshare, comment
    occurred_at: datetime
    source_file: str
    place: str  # "item 12", "line 4", "record app.bsky.feed.post/3jx..."
    url: str | None = None  # the post itself (amplified: the other's post)
    author: str | None = None  # whose voice I amplified, as the network names them
    author_keys: tuple[tuple[str, str], ...] = ()  # (handle|url, value) to find them by
    text: str | None = None
    raw: str = ""  # the item as read (JSON), for provenance


@record
class Share(Record):
    """One thing I shared, as the store holds it: my own, or someone else's amplified (whose:
    `person_id`, said by hand or found by the author's handle or profile URL)."""

    id: int
    network: str  # mastodon, bluesky, x, linkedin, manual
    kind: str  # own, amplify
    style: str  # post, reply, boost, quote, repost, retweet, reshare, comment
    occurred_at: datetime
    url: str | None
    author: str | None
    person_id: int | None
    display_name: str | None  # of person_id
    text: str | None
    source_file: str
    place: str


@record
class Feed(Record):
    """A person's feed for the amplify queue, and how its last fetch went."""

    id: int
    person_id: int
    display_name: str
    url: str
    feed_url: str | None
    title: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime | None
    status: str | None


@record
class QueueItem(Record):
    """A recent post read from a person's feed: in the amplify queue while `state` is new."""

    id: int
    feed_id: int
    person_id: int
    display_name: str
    url: str | None
    title: str | None
    summary: str | None
    published_at: datetime | None
    state: str  # new, shared, dismissed


# -- gatherings and practice (P6, P13) -----------------------------------------------------------


@record
class Gathering(Record):
    """A recurring gathering as stored: its rule, local time and zone, and where it happens."""

    id: int
    name: str
    rrule: str  # RFC 5545 RRULE value, "FREQ=WEEKLY;BYDAY=TH"
    first_day: date  # DTSTART's day in `tz`
    at_time: str  # "18:30" in `tz`
    tz: str  # IANA zone
    minutes: int
    platform: str | None = None
    link: str | None = None
    hashtag: str | None = None
    channel: str | None = None
    group_name: str | None = None
    calendar_uid: str | None = None
    skip_budget: int = 1


@record
class Reflection(Record):
    """A line written after a meeting or a gathering."""

    id: int
    kind: str  # meeting, gathering
    on_day: date
    title: str
    text: str
    interaction_id: int | None = None
    gathering_id: int | None = None
    person_id: int | None = None
    story_fact_id: int | None = None


# -- service (practice P9) ------------------------------------------------------------------------

OFFER_KINDS: Final = ("skill", "knowledge", "relationship", "resource")


@record
class Offer(Record):
    """Something I can give: a skill, knowledge, a relationship, a resource."""

    id: int
    kind: str
    text: str
    created_at: datetime


@record
class Need(Record):
    """What a person needs or is going through; `status` open, suggested (for review) or
    dismissed, `source` manual or the note or story fact it was proposed from."""

    id: int
    person_id: int
    display_name: str
    text: str
    until: date | None
    status: str
    source: str
    created_at: datetime
    member_id: int | None = None  # who wrote it (team mode); None: the personal user's
    shared: bool = False  # team mode: seen by the whole team, else by its owner only


@record
class LedgerEntry(Record):
    """Help I gave a person (`gave`) or asked of them (`asked`)."""

    id: int
    person_id: int
    display_name: str
    direction: str
    text: str
    at: datetime
    member_id: int | None = None  # who wrote it (team mode); None: the personal user's
    shared: bool = False  # team mode: seen by the whole team, else by its owner only


@record
class Received(Record):
    """An introduction someone made for me (`introducer` introduced me to `display_name`),
    and how it turned out: their record as an introducer."""

    id: int
    introducer_id: int
    introducer: str
    person_id: int
    display_name: str
    why: str | None
    introduced_at: datetime
    outcome: str | None  # met, not_yet, no; None: not known yet
    outcome_at: datetime | None


ROLES: Final = ("owner", "editor", "viewer")  # each may do what the ones after it may


@record
class TeamMember(Record):
    """Someone of the team sharing this database (team mode): a login name, a role, and the
    person who is them in the shared network, if known."""

    id: int
    username: str
    name: str | None
    role: str  # owner, editor, viewer
    person_id: int | None
    created_at: datetime


@record
class Actor(Record):
    """Who is acting in a use case. `member_id` None is the one user of a personal database
    (no members: every right, no login); otherwise a member with their role."""

    member_id: int | None = None
    role: str = "owner"
    username: str | None = None

    @property
    def is_team(self) -> bool:
        return self.member_id is not None

    def may(self, role: str) -> bool:
        """Whether this actor's role is at least `role` (owner > editor > viewer)."""
        return ROLES.index(self.role) <= ROLES.index(role)


SOLO: Final = Actor()  # the one user of a personal database


@record
class WebSession(Record):
    """A browser logged in as a member (team mode): never its id, which only the browser's
    cookie holds; `current` marks the session of the request that asked."""

    id: int
    member_id: int
    client: str | None
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    current: bool = False


@record
class ApiToken(Record):
    """A member's API token (team mode), as listed: never the token itself, which is shown
    once, when it is made."""

    id: int
    member_id: int
    username: str
    label: str | None
    created_at: datetime
    last_used_at: datetime | None
