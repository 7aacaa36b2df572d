"""Introductions with double opt-in (practice P5): pure decisions, no database, no I/O.

A connector asks both parties, separately, before making an email introduction; only when
both said yes does the introduction go out, once. This module drafts the three kinds of mail
(the consent request, the one polite follow-up, the introduction) in the user's voice from
the story facts they know, reads an answer (yes / no / unclear, by rules over the reply's own
words, quotes already stripped), says where an intro stands and what it waits for, and counts
an introducer's reliability from the outcomes of the introductions they made.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final, Literal

from kithkin.model import Record, record

Answer = Literal["yes", "no", "unclear"]
ANSWERS: Final = ("yes", "no")
OUTCOMES: Final = ("met", "not_yet", "no")
FOLLOW_UP_AFTER: Final = timedelta(days=5)  # no answer for this long: one follow-up offered
CHECK_AFTER: Final = timedelta(days=14)  # after the introduction: "are you connected?"
ANSWER_CHARS: Final = 500  # of a reply's own words kept
OPENING_CHARS: Final = 240  # of them read for the answer
FACTS_SHOWN: Final = 2  # story facts used to say who someone is
STAGES: Final = ("proposed", "asked", "consented", "declined", "introduced")

# Story fields that say who someone is, in the order they are worth telling.
_TOLD_FIELDS: Final = ("work", "passions", "education", "origin", "other")


@record
class Someone(Record):
    """What the drafts need of a person: names, where they work, what I know of their story."""

    display_name: str
    given_name: str | None = None
    organisation: str | None = None
    title: str | None = None
    facts: tuple[tuple[str, str], ...] = ()  # (story field, text)

    @property
    def first(self) -> str:
        if self.given_name and self.given_name.strip():
            return self.given_name.strip()
        return self.display_name.split()[0] if self.display_name.split() else self.display_name


@record
class Draft(Record):
    subject: str
    body: str


def who(person: Someone) -> str:
    """One sentence on who someone is: title and organisation, then a fact or two I know."""
    role = ""
    if person.title and person.organisation:
        role = f", {person.title} at {person.organisation}"
    elif person.organisation:
        role = f" of {person.organisation}"
    elif person.title:
        role = f", {person.title}"
    said = [w.lower() for w in (person.title, person.organisation) if w]
    # a fact that says the role again (title and organisation) is not told twice
    fresh = [f for f in person.facts if not (said and all(w in f[1].lower() for w in said))]
    order = _TOLD_FIELDS if not role else (*_TOLD_FIELDS[1:], "work")
    told = sorted(fresh, key=lambda f: order.index(f[0]) if f[0] in order else len(order))
    facts = [" ".join(text.split()).rstrip(".;") for _, text in told[:FACTS_SHOWN]]
    known = "; ".join(fact for fact in facts if fact)
    return f"{person.display_name}{role}" + (f" ({known})." if known else ".")


def _sentence(text: str) -> str:
    one = " ".join(text.split())
    return one if one.endswith((".", "!", "?")) else f"{one}."


def request(to: Someone, other: Someone, why: str, me: str | None) -> Draft:
    """The consent request to `to` about `other`: who the other is and why, easy to decline,
    with the promise that a no stays between us."""
    sign = f"\n\n{me}" if me else ""
    body = (
        f"Hi {to.first},\n\n"
        f"I'd like to introduce you to {who(other)}\n\n"
        f"Why I thought of you both: {_sentence(why)}\n\n"
        f"Would you like me to make the introduction? A quick yes or no is all I need, and no "
        f"is a perfectly good answer: I won't mention it to {other.first}.{sign}\n"
    )
    return Draft(f"Would you like to meet {other.display_name}?", body)


def follow_up(to: Someone, other: Someone, subject: str, me: str | None) -> Draft:
    """The one polite follow-up on a request left unanswered."""
    sign = f"\n\n{me}" if me else ""
    body = (
        f"Hi {to.first},\n\n"
        f"A gentle nudge on my note about {other.display_name}, in case it got buried. No "
        f"pressure at all: if now isn't a good time, a quick no is completely fine, and I "
        f"won't ask again.{sign}\n"
    )
    return Draft(subject if subject.lower().startswith("re:") else f"Re: {subject}", body)


def introduction(a: Someone, b: Someone, why: str, me: str | None) -> Draft:
    """The introduction, one mail to both: each introduced to the other."""
    sign = f"\n\n{me}" if me else ""
    body = (
        f"Hi {a.first} and {b.first},\n\n"
        f"As promised, an introduction: you both said you'd like to meet.\n\n"
        f"{a.first}, meet {who(b)}\n\n"
        f"{b.first}, meet {who(a)}\n\n"
        f"Why I thought of you both: {_sentence(why)}\n\n"
        f"I'll leave it to you from here.{sign}\n"
    )
    return Draft(f"Introduction: {a.display_name} and {b.display_name}", body)


# -- reading an answer -------------------------------------------------------------------------

_NO: Final = re.compile(
    r"\b(no thanks?|no,? thank|not interested|i'?ll pass|pass on (this|it|that)|"
    r"(i'?d|i would) rather not|rather not|not (right )?now|not at (this|the moment)|"
    r"not a good time|not for me|decline|can'?t (do|take|make)|cannot (do|take|make)|"
    r"unfortunately|don'?t think so|no time|too busy|please don'?t|not the right)\b"
)
_NO_ALONE: Final = re.compile(r"^\W*(no|nope|nah)\b(?![\s,]+(idea|problem|worries|doubt)\b)")
_YES: Final = re.compile(
    r"\b(yes|yeah|yep|sure|happy to|glad to|would love|i'?d love|love to|delighted|"
    r"sounds (good|great)|please do|please go ahead|go ahead|absolutely|of course|"
    r"count me in|definitely|certainly|i'?m in|keen|introduce us|connect us|with pleasure|"
    r"gladly|by all means|why not|great idea|no problem|no worries)\b"
)
_QUESTION: Final = re.compile(r"\?")


def classify(text: str) -> Answer:
    """yes, no or unclear, by rules over the reply's own words (its quotes stripped): a no
    wins only alone, a yes only without a no or a question in doubt; both, neither, or a
    question back is unclear, and kithkin asks me."""
    # the answer is in the opening: a long mail's later sentences are about other things
    words = " ".join(text.lower().replace("\u2019", "'").split())[:OPENING_CHARS]
    if not words:
        return "unclear"
    said_no = bool(_NO.search(words) or _NO_ALONE.search(words))
    said_yes = bool(_YES.search(words))
    if said_no and not said_yes:
        return "no"
    if said_yes and not said_no and not (_QUESTION.search(words) and len(words) > 80):
        return "yes"
    return "unclear"


# -- where an intro stands ---------------------------------------------------------------------


@record
class PartyState(Record):
    side: str
    person_id: int
    display_name: str
    asked_at: datetime | None
    answer: str | None  # yes, no, unclear
    followed_up: bool


def stage(status: str, outcome: str | None) -> str:
    """proposed → asked → consented / declined → introduced → outcome (met, not yet, no)."""
    if status == "introduced" and outcome:
        return f"outcome: {outcome.replace('_', ' ')}"
    return status


def status_after(parties: Sequence[PartyState], introduced: bool) -> str:
    """What an intro's status is from its parties: declined when one said no (final),
    consented when both said yes, asked once a request went out, else proposed."""
    if introduced:
        return "introduced"
    answers = [p.answer for p in parties]
    if "no" in answers:
        return "declined"
    if len(parties) == 2 and all(a == "yes" for a in answers):
        return "consented"
    if any(p.asked_at is not None for p in parties):
        return "asked"
    return "proposed"


def follow_up_due(party: PartyState, status: str, now: datetime) -> bool:
    """One follow-up, offered when a request has been unanswered for five days; never a
    second, never once the intro is declined."""
    return (
        status == "asked"
        and party.answer is None
        and party.asked_at is not None
        and not party.followed_up
        and now - party.asked_at >= FOLLOW_UP_AFTER
    )


def check_due(
    status: str, introduced_at: datetime | None, outcome: str | None, now: datetime
) -> bool:
    """ "Are you connected?", two weeks after the introduction, until an outcome is recorded."""
    return (
        status == "introduced"
        and introduced_at is not None
        and outcome is None
        and now - introduced_at >= CHECK_AFTER
    )


@record
class Reliability(Record):
    """How the introductions someone made turned out."""

    introduced: int  # introductions made
    met: int
    not_yet: int
    no: int
    score: float  # met share, smoothed towards one half: (met + 0.5 not yet + 1) / (known + 2)


def reliability(outcomes: Sequence[str | None]) -> Reliability:
    """The reliability of an introducer from the outcomes of their introductions (None: not
    known yet). Smoothed, so that one good introduction is not a perfect record."""
    met = sum(1 for o in outcomes if o == "met")
    not_yet = sum(1 for o in outcomes if o == "not_yet")
    no = sum(1 for o in outcomes if o == "no")
    known = met + not_yet + no
    score = (met + 0.5 * not_yet + 1) / (known + 2)
    return Reliability(len(outcomes), met, not_yet, no, round(score, 3))
