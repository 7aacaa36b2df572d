"""Briefs as pure functions: starters for the story's gaps, open loops, the exit line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from kithkin.model import Interaction, Note, Person, StoryFact
from kithkin.practices import brief
from kithkin.store.agenda import Planned

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def person(fields: dict[str, str] | None = None, notes: tuple[str, ...] = ()) -> Person:
    story = tuple(
        StoryFact(i, f, t, date(2025, 1, 1), "dinner", NOW)
        for i, (f, t) in enumerate((fields or {}).items())
    )
    return Person(
        id=7,
        uid="abc",
        display_name="Dana Whitfield",
        given_name="Dana",
        family_name="Whitfield",
        organisation="Acme",
        title="CIO",
        created_at=NOW,
        updated_at=NOW,
        story=story,
        notes=tuple(Note(i, t, NOW - timedelta(days=3 + i)) for i, t in enumerate(notes)),
    )


def test_starters_ask_about_the_gaps_in_the_seeds_order() -> None:
    found = brief.starters(person({"work": "Runs IT at Acme"}), [])
    assert len(found) == 3
    assert all(s.endswith("?") or "?" in s for s in found)
    origin = {s.format(at_org="") for s in brief.STARTERS["origin"]}
    education = set(brief.STARTERS["education"])
    assert found[0] in origin and found[1] in education  # work is known: origin, then school


def test_with_no_gaps_left_starters_follow_up_on_what_is_known() -> None:
    full = {f: f"{f} fact" for f in ("work", "origin", "education", "passions", "drivers")}
    found = brief.starters(person(full), [])
    assert found[0] == "“passions fact” — ask whether they are still at it, and what's new."


def test_open_loops_from_notes_waiting_mail_and_meetings() -> None:
    p = person(
        notes=(
            "I promised to send our hiring plan.",
            "Prefers calls before 9.",
            "She offered to introduce me to someone at Globex.",
        )
    )
    meeting = Planned(
        "i9", NOW + timedelta(days=1), "meeting", "Quarterly catch-up", ((7, "Dana"),)
    )
    loops = brief.open_loops(p, [], (NOW - timedelta(days=2), "Budget?"), [meeting], NOW)
    kinds = [(loop.kind, loop.text) for loop in loops]
    assert kinds[0] == ("waiting", "they wrote 2 days ago, unanswered: “Budget?”")
    assert ("mine", "I promised to send our hiring plan.") in kinds
    assert ("theirs", "She offered to introduce me to someone at Globex.") in kinds
    assert not any("calls before 9" in text for _, text in kinds)
    assert kinds[-1][0] == "meeting" and "Quarterly catch-up" in kinds[-1][1]


def test_the_exit_line_is_graceful_and_remembers_a_promise() -> None:
    p = person()
    plain = brief.exit_line(p, [])
    assert plain.startswith("“Really good to catch up, Dana.")
    promised = brief.exit_line(p, [brief.Loop("mine", "I owe her the deck")])
    assert "what I promised" in promised


def test_compose_names_gaps_recent_topics_and_strength() -> None:
    recent = [
        Interaction(
            1, "email", "to_me", NOW - timedelta(days=1), "Re: Data mesh pilot", None, "m", "1"
        ),
        Interaction(
            2, "coffee", "both", NOW - timedelta(days=9), None, "Talked about FinOps.", "m", "2"
        ),
    ]
    b = brief.compose(person({"work": "Runs IT"}), None, recent, ["Data mesh pilot"], [], NOW)
    assert b.headline == "CIO · Acme"
    assert "where they went to school" in b.gaps and "what they do" not in " ".join(b.gaps)
    assert [r.about for r in b.recent] == ["Re: Data mesh pilot", "Talked about FinOps."]
    assert b.threads == ["Data mesh pilot"]
    assert b.strength == "none: no interactions yet"
    assert 2 <= len(b.starters) <= 3 and b.exit_line


def test_conversations_are_thread_subjects_without_re() -> None:
    recent = [
        Interaction(1, "email", "to_me", NOW, "Re: RE: Budget", None, "m", "1"),
        Interaction(2, "email", "from_me", NOW, "Budget", None, "m", "2"),
        Interaction(3, "call", "both", NOW, "Call: hiring", None, "m", "3"),
    ]
    assert brief.conversations(recent, NOW) == ["Budget"]
