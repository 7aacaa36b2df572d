"""How strong a relationship is, and why: `kithkin strength`, the person page, the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kithkin import clock
from kithkin.services.common import PersonRef, person_id

if TYPE_CHECKING:
    from kithkin.store import Database


@dataclass(frozen=True)
class Strength:
    person_id: int
    report: dict[str, Any]  # score, tier, explanation, counts, inputs: the JSON of --json
    last_touch_at: datetime | None
    waiting_since: datetime | None

    @property
    def explanation(self) -> list[str]:
        return list(self.report["explanation"])


def strength(db: Database, *, person: PersonRef) -> Strength:
    """The strength of my relationship with `person` (0-100) as of now, with its inputs."""
    from kithkin.practices import refresh
    from kithkin.practices import strength as practice

    now = clock.now()
    with db.read() as conn:
        pid = person_id(conn, person)
        summary = refresh.of_person(conn, pid, now)
    return Strength(
        person_id=pid,
        report=practice.report(pid, summary, now),
        last_touch_at=summary.last_touch_at,
        waiting_since=summary.waiting_since,
    )
