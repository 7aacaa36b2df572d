"""The practice of introductions: drafts in my voice, answers read by rules (with hypothesis
properties: any text gets one of three answers, a lone no is never a yes), the follow-up and
check timing, an introducer's reliability."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.practices import intros as practice
from kithkin.practices.intros import PartyState, Someone

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ANA = Someone("Ana Lima", "Ana", "Acme", "CTO", (("work", "built the payments team"),))
BO = Someone("Bo Chen", None, None, None, (("passions", "runs a fintech meetup."),))


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("Yes, happy to!", "yes"),
        ("Sure — go ahead and connect us.", "yes"),
        ("Absolutely, I'd love to meet her.", "yes"),
        ("Sounds great, thanks Jo", "yes"),
        ("No thanks.", "no"),
        ("nope", "no"),
        ("I'll pass on this one, sorry.", "no"),
        ("Not right now, I'm swamped.", "no"),
        ("Unfortunately I can't take on anything new.", "no"),
        ("I'd rather not.", "no"),
        ("Who is she, and what does she want from me? Tell me more first please.", "unclear"),
        ("Yes but not right now", "unclear"),
        ("", "unclear"),
        ("Let me think about it.", "unclear"),
        ("No idea what this is about. Who is he?", "unclear"),
        ("No problem, connect us!", "yes"),
        ("No worries", "yes"),
    ],
)
def test_classify(text: str, answer: str) -> None:
    assert practice.classify(text) == answer


@given(st.text(max_size=2000))
def test_any_text_gets_one_of_three_answers(text: str) -> None:
    assert practice.classify(text) in ("yes", "no", "unclear")


@given(st.text(alphabet=" .,!\n", max_size=50), st.sampled_from(["No thanks", "I'll pass", "nope"]))
def test_a_lone_no_is_never_a_yes(padding: str, no: str) -> None:
    assert practice.classify(padding + no + padding) == "no"


def test_a_very_long_answer_is_read_quickly() -> None:
    import time

    started = time.perf_counter()
    for text in ("y" * 1_000_000, "yes " * 250_000, "no " + "a" * 1_000_000):
        practice.classify(text)
    assert time.perf_counter() - started < 2


def test_the_request_is_in_my_voice_and_easy_to_decline() -> None:
    draft = practice.request(ANA, BO, "both love sailing", "Jo Doe")
    assert draft.subject == "Would you like to meet Bo Chen?"
    assert draft.body.startswith("Hi Ana,")
    assert "introduce you to Bo Chen (runs a fintech meetup)." in draft.body
    assert "Why I thought of you both: both love sailing." in draft.body
    assert "I won't mention it to Bo." in draft.body and draft.body.rstrip().endswith("Jo Doe")
    to_bo = practice.request(BO, ANA, "both love sailing", None)
    assert to_bo.body.startswith("Hi Bo,")  # the first word of the name when no given name
    assert "Ana Lima, CTO at Acme (built the payments team)." in to_bo.body


def test_the_introduction_introduces_each_to_the_other() -> None:
    draft = practice.introduction(ANA, BO, "both love sailing", "Jo")
    assert draft.subject == "Introduction: Ana Lima and Bo Chen"
    assert "Ana, meet Bo Chen (runs a fintech meetup)." in draft.body
    assert "Bo, meet Ana Lima, CTO at Acme (built the payments team)." in draft.body


def test_one_follow_up_after_five_days_and_the_check_after_two_weeks() -> None:
    asked = PartyState("a", 1, "Ana", NOW - timedelta(days=4), None, False)
    assert not practice.follow_up_due(asked, "asked", NOW)
    later = NOW + timedelta(days=1)
    assert practice.follow_up_due(asked, "asked", later)
    assert not practice.follow_up_due(asked, "declined", later)
    followed = PartyState("a", 1, "Ana", NOW - timedelta(days=9), None, True)
    assert not practice.follow_up_due(followed, "asked", later)
    assert not practice.check_due("introduced", NOW - timedelta(days=13), None, NOW)
    assert practice.check_due("introduced", NOW - timedelta(days=14), None, NOW)
    assert not practice.check_due("introduced", NOW - timedelta(days=30), "met", NOW)


def test_status_after_the_answers() -> None:
    def party(side: str, answer: str | None, asked: bool = True) -> PartyState:
        return PartyState(side, 1, "x", NOW if asked else None, answer, False)

    assert practice.status_after([party("a", None, False), party("b", None, False)], False) == (
        "proposed"
    )
    assert practice.status_after([party("a", None), party("b", None, False)], False) == "asked"
    assert practice.status_after([party("a", "yes"), party("b", "yes")], False) == "consented"
    assert practice.status_after([party("a", "yes"), party("b", "no")], False) == "declined"
    assert practice.status_after([party("a", "unclear"), party("b", "yes")], False) == "asked"


@given(st.lists(st.sampled_from(["met", "not_yet", "no", None]), max_size=30))
def test_reliability_is_a_share_between_zero_and_one(outcomes: list[str | None]) -> None:
    found = practice.reliability(outcomes)
    assert 0 < found.score < 1
    assert found.introduced == len(outcomes)
    assert found.met + found.not_yet + found.no == sum(o is not None for o in outcomes)
