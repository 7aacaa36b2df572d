"""The weekly review, goals and reflections through the CLI, and Today's next up."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from kithkin import clock

Run = Any
NOW = datetime(2026, 3, 17, 9, 0, tzinfo=UTC)  # a Tuesday morning


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.code == 0, result.err
    return str(result.out)


def test_review_goals_and_reflect(run: Run) -> None:
    clock.freeze(NOW)
    _ok(run, "person", "add", "Dana Whitfield")
    _ok(run, "log", "coffee", "Dana", "--at", "2026-03-16 10:00")
    _ok(run, "log", "email", "Dana", "--at", "2026-03-11 10:00", "--direction", "to_me")
    out = _ok(run, "review", "--week", "2026-03-18")
    assert out.startswith("week of 2026-03-16 to 2026-03-22")
    assert "goals: conversations 1/5, gatherings 0/1" in out
    assert "time: 30 minutes of a 120-minute budget" in out
    found = json.loads(_ok(run, "review", "--week", "2026-03-18", "--json"))
    assert [(w["mine"], w["theirs"]) for w in found["touches"][-2:]] == [(0, 1), (1, 0)]
    assert "conversations  2" in _ok(run, "review", "goals", "--conversations", "2")
    bad = run("review", "goals", "--minutes", "lots")
    assert bad.code == 1 and "not a whole number" in bad.err
    pending = _ok(run, "review", "pending")
    assert "meeting:1" in pending and "coffee with Dana Whitfield" in pending
    said = _ok(
        run, "review", "reflect", "Dana is hiring a CISO.", "--meeting", "1", "--story", "work"
    )
    assert "kept as a work fact" in said
    assert "nothing to reflect on" in _ok(run, "review", "pending")
    assert "Dana is hiring a CISO." in _ok(run, "story", "show", "Dana")


def test_today_shows_the_gathering_of_the_day_as_next_up(run: Run) -> None:
    clock.freeze(NOW)
    _ok(
        run, "gathering", "add", "Cloud chat", "--rrule", "FREQ=WEEKLY;BYDAY=TU",
        "--at", "12:00", "--tz", "UTC", "--platform", "Zoom",
    )  # fmt: skip
    out = _ok(run, "today")
    assert "next up: Cloud chat at" in out and "(Zoom)" in out
    data = json.loads(_ok(run, "today", "--json"))
    [item] = data["sections"][0]["items"]
    assert item["kind"] == "gathering" and item["key"] == "gathering:1:2026-03-17"
    clock.freeze(NOW.replace(hour=14))
    _ok(run, "gathering", "attended", "Cloud chat")
    out = _ok(run, "today")
    assert "next up" not in out
    assert "How did Cloud chat go on 2026-03-17?" in out
    _ok(run, "review", "reflect", "Good questions on FinOps.", "--gathering", "Cloud chat")
    assert "How did Cloud chat go" not in _ok(run, "today")


def test_a_gatherer_sees_the_days_gathering_before_its_meetings(run: Run) -> None:
    clock.freeze(NOW)
    _ok(run, "person", "add", "Dana Whitfield")
    _ok(run, "log", "meeting", "Dana", "--at", "2026-03-17 10:00", "--subject", "Budget")
    _ok(
        run, "gathering", "add", "Cloud chat", "--rrule", "FREQ=WEEKLY;BYDAY=TU",
        "--at", "12:00", "--tz", "UTC",
    )  # fmt: skip

    def meetings() -> list[str]:
        data = json.loads(_ok(run, "today", "--json"))
        [section] = [s for s in data["sections"] if s["name"] == "meetings"]
        return [i["kind"] for i in section["items"]]

    assert meetings() == ["meeting", "gathering"]  # in time order: the 10:00 meeting first
    _ok(run, "me", "--style", "gatherer")
    assert meetings() == ["gathering", "meeting"]
    _ok(run, "me", "--style", "connector")
    assert meetings() == ["meeting", "gathering"]
