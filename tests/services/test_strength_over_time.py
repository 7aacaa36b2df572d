"""Strength moves with time: a relationship left alone weakens day by day, with no new import.

Every reading computes the score at its own moment from what the store keeps (the tally's
weight, reciprocity and last two-way contact as of `computed_at`): the strength report
(`kithkin strength`, the person page, `GET /api/strength/ID`), the people list's bars, the
circle, its suggestions, briefs and Today's digests. Only the clock moves here; nothing is
recomputed.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

from kithkin import clock
from kithkin.practices import strength as practice
from kithkin.services import brief, circle, relationships, today
from kithkin.store import Database
from kithkin.store import relationships as stored
from tests.builders.circle import dana_sam_lee

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def number(line: str) -> float:
    found = re.search(r"\((\d+)/100\)", line)
    assert found, line
    return float(found.group(1))


def test_a_relationship_left_alone_weakens_day_by_day_everywhere(db: Database) -> None:
    ids = dana_sam_lee(db, NOW)
    sam, dana = ids["sam"], ids["dana"]
    start = NOW + timedelta(days=2)  # Lee's meeting (tomorrow) has happened: counted once
    relationships.refresh(db, start)
    with db.read() as conn:
        rows = stored.rows_of(conn, [sam, dana])
    computed = {pid: r.computed_at for pid, r in rows.items()}
    readings: list[dict[str, float]] = []
    for day in range(0, 60, 3):
        now = start + timedelta(days=day)
        clock.freeze(now)
        assert relationships.refresh(db, now) == 0  # no new import: nothing recomputed
        report = relationships.strength(db, person=sam).report
        members = {s.member.person_id: s.member.score for s in circle.circle(db, now=now).members}
        offered = {s.person_id: s.score for s in circle.suggestions(db, now=now)}
        readings.append(
            {
                "report": report["score"],
                "stored": practice.current(rows[sam], now),
                "member": members[dana],
                "suggested": offered[sam],
                "brief": number(brief.brief(db, person=sam, now=now).strength),
                "people": relationships.strengths(db, people=[sam])[sam][0],
            }
        )
        assert report["score"] == practice.current(rows[sam], now)  # one number, two ways
        assert abs(offered[sam] - report["score"]) <= 0.05
        assert report["explanation"][0].startswith(f"strength {report['score']:.0f}/100")
        assert today.agenda(db, now=now) is not None
    for before, after in itertools.pairwise(readings):
        for surface in ("report", "stored", "member", "suggested", "people"):
            assert after[surface] < before[surface], surface
        assert after["brief"] <= before["brief"]
    assert readings[-1]["brief"] < readings[0]["brief"]
    with db.read() as conn:
        again = stored.rows_of(conn, [sam, dana])
    assert {pid: r.computed_at for pid, r in again.items()} == computed  # never rewritten
