"""Who waits for my reply: their messages since my last answer, and whether they are worth
answering — a person I usually answer, not a sender I ignore (practice: Today).

Works on one person's interactions in time order (`model.Contact`), as part of
`tally.summarise`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from kithkin.model import Record, record

if TYPE_CHECKING:
    from kithkin.model import Contact

ANSWER_WITHIN: Final = timedelta(days=14)
LEFT_UNANSWERED: Final = timedelta(days=28)
THREADS: Final = 300  # the threads a track remembers, to tell a new conversation from a reply
_WITHIN: Final = ANSWER_WITHIN.total_seconds()
_LEFT: Final = LEFT_UNANSWERED.total_seconds()


@record
class Waiting(Record):
    """Their messages since my last answer (or touch), and whether they are worth answering."""

    since: datetime | None  # the first of them
    last_at: datetime | None  # the last of them
    interaction_id: int | None  # the last of them
    count: int
    kind: str  # "new" (they opened a conversation), "followup" (they wrote again), "reply"
    answer_rate: float | None  # how often I answered them before
    real: bool  # a person I answer, not a sender I ignore


class Track:
    """Whether their last messages wait for my answer, read contact by contact (in time
    order), so a stored track (`to_json`) can take new ones.

    "Real" when I usually answer them (at least half of their earlier messages got an answer
    within `ANSWER_WITHIN`, over three or more), or, with fewer, when I have ever written to or
    met them: unsolicited mail from someone I never answer is not waiting for me. Messages of
    theirs more than `LEFT_UNANSWERED` apart start afresh: the older ones were left unanswered.
    """

    def __init__(self) -> None:
        self.runs = self.answered = self.count = 0
        self.since: float | None = None  # POSIX times
        self.last_at: float | None = None
        self.last_id: int | None = None
        self.opened = False
        self.touched = False  # I wrote to them, met or called them
        self.threads: dict[str, None] = {}  # the last THREADS threads seen, oldest first

    def feed(self, c: Contact) -> None:
        at = c.at.timestamp()
        if c.is_personal_inbound:
            if self.since is not None and self.last_at is not None and at - self.last_at > _LEFT:
                self.since = None  # what they wrote before was left unanswered: a new start
            if self.since is None:
                self.runs += 1
                self.since, self.count = at, 0
                self.opened = c.thread is None or c.thread not in self.threads
            self.count += 1
            self.last_id, self.last_at = c.interaction_id, at
        elif c.is_touch and c.kind != "note":
            if self.since is not None and at - self.since <= _WITHIN and c.people <= 3:
                self.answered += 1  # an answer, not a gathering weeks later
            self.since, self.last_id, self.count = None, None, 0
            self.touched = True
        if c.thread:
            self.threads.pop(c.thread, None)
            self.threads[c.thread] = None
            if len(self.threads) > THREADS:
                del self.threads[next(iter(self.threads))]

    def result(self) -> Waiting:
        pending = self.since is not None
        earlier = self.runs - (1 if pending else 0)
        rate = self.answered / earlier if earlier else None
        real = pending and ((rate >= 0.5) if (rate is not None and earlier >= 3) else self.touched)
        kind = "followup" if self.count > 1 else "new" if self.opened else "reply"
        return Waiting(
            _when(self.since),
            _when(self.last_at) if pending else None,
            self.last_id,
            self.count,
            kind,
            rate,
            real,
        )

    def to_json(self) -> dict[str, Any]:
        return {**vars(self), "threads": list(self.threads)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Track:
        track = cls()
        track.__dict__.update({**data, "threads": dict.fromkeys(data.get("threads", []))})
        return track


def _when(posix: float | None) -> datetime | None:
    return None if posix is None else datetime.fromtimestamp(posix, UTC)
