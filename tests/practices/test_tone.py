"""The tone check: what it flags, why, and that no input breaks it."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.practices import tone

SALESY = """Hi Dana,

I hope you're well! Our platform helps companies like yours increase revenue by 30%.
This is a limited time offer, so act now and book a quick 15-minute call with me this week.
At the end of the day, it's a no brainer. Click here to claim your free trial.
"""

FRIENDLY = """Dana, congratulations on the new role. I read your piece on zero trust and
thought of Lee, who ran the same migration at her bank; happy to introduce you if useful.
No need to reply."""


def _rules(t: tone.Tone) -> set[str]:
    return {f.rule for f in t.flags}


def test_a_sales_pitch_is_salesy_and_says_why() -> None:
    result = tone.check(SALESY)
    assert result.salesy and result.score >= result.threshold
    assert {"sales.pitch", "pressure.urgency", "cliche"} <= _rules(result)
    for flag in result.flags:
        assert flag.why and flag.instead and "\n" not in flag.why
    cliche = next(f for f in result.flags if f.rule == "cliche")
    assert "no brainer" in [h.lower() for h in cliche.hits]


def test_a_note_between_people_is_not() -> None:
    result = tone.check(FRIENDLY)
    assert not result.salesy
    assert result.score < 0.2, result.flags


def test_a_favour_asked_of_someone_never_helped_is_flagged_only_then() -> None:
    ask = "Hi Lee, could you introduce me to your CFO? It would mean a lot."
    assert tone.check(ask).asks
    assert "favour" not in _rules(tone.check(ask))
    flagged = tone.check(ask, never_helped="Lee Chen")
    assert "favour" in _rules(flagged)
    assert "Lee Chen" in next(f.why for f in flagged.flags if f.rule == "favour")
    assert "favour" not in _rules(tone.check("Thanks for lunch!", never_helped="Lee Chen"))


def test_self_focus_length_and_hard_sentences() -> None:
    me = "I wanted to tell you about me. I think my work and our team and my plans are great. " * 3
    assert "self" in _rules(tone.check(me))
    long = " ".join(["We met at the conference and talked about the migration."] * 30)
    assert "length" in _rules(tone.check(long))
    assert "length" not in _rules(tone.check(long, outreach=False))
    hard = (
        "Notwithstanding institutional considerations, organisational interoperability "
        "necessitates comprehensive administrative reconsideration of departmental "
        "responsibilities."
    )
    result = tone.check(hard)
    assert "reading" in _rules(result)
    assert result.reading_ease is not None and result.reading_ease < 30


def test_quoted_lines_are_not_the_writers() -> None:
    quoted = "> Act now! Limited time offer! Buy now!\n\nThanks, that is kind of you."
    assert tone.check(quoted).score == 0


def test_rules_are_data_and_bad_ones_are_named() -> None:
    rules = tone.parse_rules(
        'threshold = 0.3\n[[rule]]\nid = "x.y"\nkind = "sales"\nweight = 1.0\n'
        'patterns = ["\\\\bwidgets\\\\b"]\nwhy = "w"\ninstead = "i"\n'
    )
    result = tone.check("Cheap widgets here", rules=rules)
    assert result.salesy and _rules(result) == {"x.y"}
    with pytest.raises(ValueError, match="broken"):
        tone.parse_rules(
            '[[rule]]\nid = "broken"\nkind = "s"\nweight = 1\npatterns = ["("]\n'
            'why = "w"\ninstead = "i"\n'
        )
    shipped = tone.default_rules()
    assert 0 < shipped.threshold < 1 and len(shipped.rules) >= 8


def test_a_huge_text_is_cut_and_stays_quick() -> None:
    huge = ("Buy now!!! " + "word " * 50) * 5000
    started = time.perf_counter()
    result = tone.check(huge)
    assert result.truncated
    assert time.perf_counter() - started < 20


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=600))
def test_any_text_gets_a_score_from_0_to_1(text: str) -> None:
    result = tone.check(text)
    assert 0 <= result.score <= 1
    assert result.salesy == (result.score >= result.threshold)
    assert all(f.weight >= 0 for f in result.flags)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=400))
def test_needs_proposed_from_any_note_are_short_phrases(text: str) -> None:
    from kithkin.practices.service import proposed_needs

    for phrase in proposed_needs(text):
        assert len(phrase.split()) >= 2 and len(phrase) <= 200
        assert "\n" not in phrase


def test_needs_proposed_from_notes() -> None:
    from kithkin.practices.service import proposed_needs

    assert proposed_needs("Dana is hiring a CISO; she also sails.") == ["hiring a CISO"]
    assert proposed_needs("Raising funds for the food bank. Loves jazz.") == [
        "Raising funds for the food bank"
    ]
    assert proposed_needs("Needs to reply. Great lunch.") == []
    assert proposed_needs("Had coffee, nothing new.") == []
