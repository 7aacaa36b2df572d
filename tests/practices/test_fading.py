"""Fading conversations: signals from the messages, a score, and why in one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.practices import fading
from kithkin.practices.fading import Message

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def slowing(
    then: list[float], unanswered: int = 3, size: tuple[int, int] = (0, 0)
) -> list[Message]:
    """My message, their reply after `then[i]` days; then my `unanswered` messages."""
    out: list[Message] = []
    at = 0.0
    for i, wait in enumerate(then):
        out.append(Message(day(at), True))
        late = i >= len(then) - 3
        out.append(Message(day(at + wait), False, size[late] or None))
        at += wait + 3
    for k in range(unanswered):
        out.append(Message(day(at + 10 * k), True))
    return out


def test_the_reason_names_unanswered_messages_and_slower_replies() -> None:
    messages = slowing([1, 1, 1, 1, 9, 9, 9])
    s = fading.signals(messages)
    assert s.replies == 7 and s.unanswered == 3
    assert (s.latency_before, s.latency_recent) == (1, 9)
    now = s.unanswered_since + timedelta(days=40)  # type: ignore[operator]
    found = fading.assess(s, now)
    assert found.fading and found.score >= fading.THRESHOLD
    assert found.reason.startswith("your last 3 messages got no answer for 6 weeks")
    assert "their reply time grew from 1 day to 9 days" in found.reason
    assert found.advice == fading.WRAP_UP


def test_shorter_replies_and_one_sided_threads_are_named() -> None:
    messages = slowing([1] * 8, unanswered=0, size=(8000, 900))
    messages += [Message(day(60 + k), True) for k in range(5)]
    s = fading.signals(messages)
    found = fading.assess(s, day(120))
    assert "their messages got shorter (8 KB → 900 B)" in found.reason
    assert "lately it is mostly you writing (5 of the last 6)" in found.reason


def test_a_lively_conversation_is_not_fading() -> None:
    messages = slowing([1] * 8, unanswered=1)
    s = fading.signals(messages)
    assert not fading.assess(s, s.unanswered_since + timedelta(hours=5)).fading  # type: ignore[operator]
    assert fading.assess(s, s.last_at).reason == ""  # type: ignore[arg-type]


def test_a_busy_conversation_that_just_went_quiet_is_given_more_time() -> None:
    """The same last exchange and the same silence: the thread that was busy in the days
    before is less likely over (momentum) than the one that was calm."""
    calm = [Message(day(k * 3), k % 2 == 1) for k in range(8)]  # one message every 3 days
    busy = [*calm[:-4], *(Message(day(12 + k * 0.4), k % 2 == 1) for k in range(4))]
    now = day(13.2 + 2)
    quiet, lively = fading.signals(calm), fading.signals(busy)
    assert fading.momentum(quiet, now) < fading.momentum(lively, now)
    assert (
        fading.assess(lively, lively.last_at + timedelta(days=2)).score
        < fading.assess(  # type: ignore[operator]
            lively,
            lively.last_at + timedelta(days=2),
            with_momentum=False,  # type: ignore[operator]
        ).score
    )
    later = lively.last_at + timedelta(days=fading.MOMENTUM_DAYS + 1)  # type: ignore[operator]
    assert fading.momentum(lively, later) == 0  # momentum is gone a few days on
    assert (
        fading.assess(lively, later).score
        == fading.assess(lively, later, with_momentum=False).score
    )


def test_only_two_way_conversations_fade() -> None:
    mine = [Message(day(k * 7), True) for k in range(6)]
    s = fading.signals(mine)
    assert not s.two_way
    assert fading.assess(s, day(200)).score == 0
    assert fading.fading_from(s) is None
    assert fading.assess(s, day(200), two_way_only=False).score > 0


def test_reply_time_is_measured_within_a_thread() -> None:
    messages = [
        Message(day(0), True, thread="a"),
        Message(day(5), False, thread="b"),  # their mail on another subject answers nothing
        Message(day(6), False, thread="a"),
    ]
    assert fading.signals(messages).latency_typical == 6


def test_durations_read_like_speech() -> None:
    assert fading.days(timedelta(hours=5)) == "5 hours"
    assert fading.days(timedelta(days=1)) == "1 day"
    assert fading.days(timedelta(days=40)) == "6 weeks"
    assert fading.days(timedelta(days=300)) == "10 months"


histories = st.lists(
    st.tuples(st.floats(0.01, 30), st.booleans(), st.integers(100, 20_000)), min_size=2, max_size=40
)


def build(items: list[tuple[float, bool, int]]) -> list[Message]:
    at, out = 0.0, []
    for gap, mine, size in items:
        at += gap
        out.append(Message(day(at), mine, size))
    return out


@settings(max_examples=200, deadline=None)
@given(histories, st.floats(0, 200), st.floats(0, 200))
def test_silence_only_ever_makes_it_worse(
    items: list[tuple[float, bool, int]], a: float, b: float
) -> None:
    s = fading.signals(build(items))
    last = s.last_at
    assert last is not None
    early, late = sorted((a, b))
    first = fading.assess(s, last + timedelta(days=early))
    second = fading.assess(s, last + timedelta(days=late))
    assert 0 <= first.score <= second.score <= fading.upper_bound(s) <= 1


@settings(max_examples=200, deadline=None)
@given(histories)
def test_fading_from_is_when_the_score_crosses_the_threshold(
    items: list[tuple[float, bool, int]],
) -> None:
    s = fading.signals(build(items))
    start = fading.fading_from(s)
    if start is None:
        assert fading.upper_bound(s) < fading.THRESHOLD or not s.two_way
        return
    assert fading.assess(s, start + timedelta(seconds=1)).fading
    since = s.unanswered_since
    if since is not None and start - timedelta(minutes=1) > since:
        assert not fading.assess(s, start - timedelta(minutes=1)).fading
