"""The circle, strength, fading, briefs and Today through the CLI, in-process (text and --json)."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta
from typing import Any

import pytest

Run = Any


def _ok(run: Run, *args: str) -> str:
    result = run(*args)
    assert result.code == 0, result.err
    return str(result.out)


@pytest.fixture
def network(run: Run) -> Run:
    """Dana (tagged circle, met 40 days ago), Sam (wrote yesterday), Lee (meeting tomorrow)."""
    _ok(run, "init", "--name", "Alex", "--email", "alex@corp.example")
    _ok(
        run, "person", "add", "Dana Whitfield", "--org", "Acme", "--tag", "circle", "--tag", "board"
    )
    _ok(run, "person", "add", "Sam Okafor")
    _ok(run, "person", "add", "Lee Chen", "--title", "CTO")
    now = datetime.now().replace(microsecond=0)

    def at(days: float) -> str:
        return (now - timedelta(days=days)).isoformat(timespec="minutes")

    _ok(run, "log", "coffee", "Dana", "--at", at(40), "--subject", "sailing season")
    _ok(run, "story", "set", "Dana", "passions", "sails a 22-foot boat")
    _ok(run, "note", "add", "Dana", "I promised to send our hiring plan.")
    for d in (30, 20, 10):
        _ok(run, "log", "email", "Sam", "--direction", "from_me", "--at", at(d + 1))
        _ok(run, "log", "email", "Sam", "--direction", "to_me", "--at", at(d))
        _ok(run, "log", "email", "Sam", "--direction", "from_me", "--at", at(d - 0.5))
    _ok(
        run,
        "log",
        "email",
        "Sam",
        "--direction",
        "to_me",
        "--at",
        at(1),
        "--subject",
        "Board seat?",
    )
    tomorrow = (now + timedelta(days=1)).replace(hour=10, minute=0).isoformat(timespec="minutes")
    _ok(run, "log", "meeting", "Lee", "--at", tomorrow, "--subject", "Catch-up with Lee")
    return run


def test_circle_alone_lists_the_circle_as_list_does(network: Run) -> None:
    assert _ok(network, "circle") == _ok(network, "circle", "list")
    assert json.loads(_ok(network, "circle", "--json")) == json.loads(
        _ok(network, "circle", "list", "--json")
    )
    assert "Dana Whitfield" in _ok(network, "circle")


def test_circle_list_is_seeded_from_the_tag_and_says_who_is_due(network: Run) -> None:
    out = _ok(network, "circle", "list")
    assert "Dana Whitfield" in out and "overdue by" in out and "every 14 days" in out
    data = json.loads(_ok(network, "circle", "list", "--json"))
    assert data["cap"] == 10 and data["default_cadence"] == 14 and data["warning"] is None
    [member] = data["members"]
    assert member["display_name"] == "Dana Whitfield" and member["state"] == "overdue"
    assert set(member) >= {
        "person_id",
        "cadence",
        "cadence_from",
        "due_at",
        "dropped",
        "score",
        "tier",
        "reason",
        "last_touch_at",
        "waiting_since",
    }


def test_add_remove_cadences_and_the_cap_warning(network: Run) -> None:
    assert "added #2 Sam Okafor" in _ok(network, "circle", "add", "Sam", "--cadence", "7")
    assert "already in the circle" in _ok(network, "circle", "add", "Sam")
    assert "#1: every 30 days" in _ok(network, "circle", "cadence", "Dana", "30")
    _ok(network, "circle", "cadence", "--tag", "board", "21")
    _ok(network, "circle", "cadence", "--default", "10")
    data = json.loads(_ok(network, "circle", "list", "--json"))
    cadences = {m["display_name"]: (m["cadence"], m["cadence_from"]) for m in data["members"]}
    assert cadences == {"Dana Whitfield": (30, "own"), "Sam Okafor": (7, "own")}
    _ok(network, "circle", "cadence", "Dana", "0")  # back to her tag's
    data = json.loads(_ok(network, "circle", "list", "--json"))
    assert data["tag_cadences"] == {"board": 21} and data["default_cadence"] == 10
    assert {m["cadence_from"] for m in data["members"]} == {"tag board", "own"}
    capped = network("circle", "cap", "1")
    assert capped.code == 0 and "past its cap of 1" in capped.err
    assert json.loads(_ok(network, "circle", "cap", "--json")) == {"cap": 1, "members": 2}
    assert "removed #2" in _ok(network, "circle", "remove", "Sam")
    bad = network("circle", "cadence", "Dana")
    assert bad.code != 0 and "PERSON DAYS" in bad.err
    wrong = network("circle", "cadence", "Sam", "9")
    assert wrong.code == 1 and "not in the circle" in wrong.err


def test_suggest_strength_and_fading_json(network: Run) -> None:
    suggested = json.loads(_ok(network, "circle", "suggest", "--json"))
    keys = {"person_id", "display_name", "action", "score", "reason", "tier", "interactions_365"}
    assert all(set(s) == keys for s in suggested)
    # Sam (two-way mail) is offered for one of the nine free places, with how strong and why
    [sam] = [s for s in suggested if s["action"] == "add"]
    assert sam["display_name"] == "Sam Okafor" and sam["interactions_365"] == 10
    assert sam["reason"].startswith(f"strength {sam['score']:.0f}/100 ({sam['tier']}): 10 inter")
    text = _ok(network, "circle", "suggest")
    assert "add    #2" in text and "Sam Okafor" in text and "two-way" in text
    assert "add" not in _ok(network, "circle", "suggest", "--limit", "0")
    text = _ok(network, "strength", "Sam")
    assert text.startswith("strength ") and "reciprocity:" in text and "recency:" in text
    data = json.loads(_ok(network, "strength", "Sam", "--json"))
    assert data["tier"] in ("strong", "moderate", "weak", "none") and 0 <= data["score"] <= 100
    assert data["counts"]["all"] == 10 and data["waiting_since"]
    assert isinstance(json.loads(_ok(network, "fading", "--json")), list)
    # `person show` gives the same number and the inputs behind it
    shown = _ok(network, "person", "show", "Sam")
    assert f"Relationship: strength {data['score']:.0f}/100 ({data['tier']})" in shown
    assert "reciprocity:" in shown
    person = json.loads(_ok(network, "person", "show", "Sam", "--json"))
    assert person["strength"]["score"] == data["score"]
    assert person["strength"]["explanation"] == data["explanation"]


def test_brief_and_briefs_tomorrow(network: Run) -> None:
    out = _ok(network, "brief", "Dana")
    assert "Dana Whitfield — Acme" in out
    assert "you don't know where they went to school" in out
    assert "[mine] I promised to send our hiring plan." in out
    assert "conversation starters" in out and "to close:" in out
    data = json.loads(_ok(network, "brief", "Dana", "--json"))
    assert set(data) >= {
        "person_id",
        "headline",
        "story",
        "gaps",
        "recent",
        "loops",
        "starters",
        "exit_line",
        "strength",
    }
    assert 2 <= len(data["starters"]) <= 3
    tomorrow = json.loads(_ok(network, "briefs", "--tomorrow", "--json"))
    assert [b["display_name"] for m in tomorrow for b in m["briefs"]] == ["Lee Chen"]
    assert tomorrow[0]["meeting"]["subject"] == "Catch-up with Lee"
    assert "Lee Chen — CTO" in _ok(network, "briefs", "--tomorrow")


def test_today_snooze_and_dismiss(network: Run) -> None:
    out = _ok(network, "today")
    assert "Meetings today and tomorrow" in out and "Catch-up with Lee" in out
    assert "[waiting:2] Sam Okafor — wrote to you 1 day ago: “Board seat?”" in out
    assert "[circle:1] Dana Whitfield — overdue by" in out
    data = json.loads(_ok(network, "today", "--json"))
    assert [s["name"] for s in data["sections"]] == [
        "meetings",
        "waiting",
        "intros",
        "circle",
        "fading",
        "share",
        "room",
        "reflect",
        "service",
    ]
    item = data["sections"][1]["items"][0]
    assert set(item) == {
        "key",
        "section",
        "kind",
        "reason",
        "advice",
        "at",
        "people",
        "briefs",
        "actions",
    }
    assert item["actions"]["snooze"] == "kithkin today snooze waiting:2 --days 7"
    assert "snoozed waiting:2 for 3 days" in _ok(
        network, "today", "snooze", "waiting:2", "--days", "3"
    )
    assert "dismissed circle:1" in _ok(network, "today", "dismiss", "circle:1")
    after = json.loads(_ok(network, "today", "--json"))
    assert after["hidden"] == 2
    assert [len(s["items"]) for s in after["sections"]][1:3] == [0, 0]
    missing = network("today", "dismiss", "waiting:99")
    assert missing.code == 1 and "no item 'waiting:99'" in missing.err


def test_a_coffee_just_logged_is_no_meeting_awaiting_a_log(network: Run) -> None:
    """Issue 13: `kithkin log coffee Dana` showed on Today as "meeting … (earlier today: log
    how it went)", and `kithkin strength Dana` said "last two-way contact 1 hour ago"."""
    from kithkin import clock

    logged = json.loads(_ok(network, "log", "coffee", "Dana", "--json"))
    assert "moments ago" in _ok(network, "strength", "Dana")
    clock.freeze(datetime.fromisoformat(logged["occurred_at"]) + timedelta(minutes=3))
    out = _ok(network, "today")
    assert "log how it went" not in out and "Coffee with Dana" not in out
    data = json.loads(_ok(network, "today", "--json"))
    keys = [i["key"] for s in data["sections"] for i in s["items"]]
    assert f"meeting:i{logged['id']}" not in keys and "circle:1" not in keys
    assert "last two-way contact 3 minutes ago" in _ok(network, "strength", "Dana")
    # logged earlier in the day, after it happened: nothing to log either
    earlier = (datetime.now() - timedelta(minutes=30)).isoformat(timespec="minutes")
    _ok(network, "log", "call", "Lee", "--at", earlier)
    assert "log how it went" not in _ok(network, "today")


def test_strength_weakens_day_by_day_with_no_new_import(network: Run) -> None:
    from kithkin import clock

    now = datetime.now().astimezone()
    seen = []
    for day in (2, 5, 20):
        clock.freeze(now + timedelta(days=day))
        report = json.loads(_ok(network, "strength", "Sam", "--json"))
        circle = json.loads(_ok(network, "circle", "list", "--json"))
        seen.append((report["score"], circle["members"][0]["score"]))
        assert _ok(network, "strength", "Sam").startswith(f"strength {report['score']:.0f}/100")
    for before, after in itertools.pairwise(seen):
        assert after[0] < before[0] and after[1] < before[1], (before, after)
