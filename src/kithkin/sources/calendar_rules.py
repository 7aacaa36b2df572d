"""How far a recurring event is followed: a window, a count per event, a budget of steps.

A recurrence rule is a program: `RRULE:FREQ=SECONDLY` from 1970 repeats two billion times
before today, and `FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30` never matches, so a library asked for
its occurrences after some date walks day by day to the year 9999. Before an event is
expanded, its rules are checked and walked here lazily (dateutil, no cache):

- a rule that never repeats (no day matches its filters, or its interval never lands on
  one) is dropped, checked over 400-year cycles (the Gregorian calendar repeats itself
  after one), and the event keeps its first occurrence;
- an event that starts centuries before the window is moved forward by whole cycles;
- a rule with more than `Limits.per_event` occurrences in the window, or that needs more
  than `Limits.steps` repetitions to get through it, is cut where the walk stopped (its
  UNTIL replaced by the COUNT reached), or dropped when none of it was in the window.

Every cut comes back with its reason, for the import's summary. The library that then
expands the event (RDATE, EXDATE, moved occurrences, time zones) follows the cut rule, so
it never walks further than this did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

_ORDINAL = re.compile(r"^[+-]?\d+")
_DAY_FILTERS = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY")
_CYCLE_START = datetime(9600, 1, 1)  # 9600 is 2000 plus 19 400-year cycles; 9999 ends them


@dataclass(frozen=True)
class Limits:
    """How much of a calendar is read. The window is settable (`kithkin import calendar
    --past-days --future-days --max-occurrences`, the `calendar_window` setting); the rest
    bounds hostile files and is far above what real calendars hold."""

    past_days: int = 730  # two years back
    future_days: int = 365  # one year ahead
    per_event: int = 2000  # occurrences of one event in the window (a daily meeting: 1,096)
    steps: int = 50_000  # repetitions of one rule walked, those before the window included
    file_steps: int = 250_000  # the same over a whole file
    clipped: int = 5_000  # occurrences kept of a file's clipped events together
    attendees: int = 500  # attendees kept of one event
    file_weight: int = 500_000  # occurrences plus their attendees read from one file
    seconds: float = 10.0  # spent expanding one file's events
    max_bytes: int = 64 * 1024 * 1024  # a larger file is refused

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        return now - timedelta(days=self.past_days), now + timedelta(days=self.future_days)


class EmptyRule(ValueError):
    """A recurrence rule that matches no day (e.g. the 30th of February)."""


@dataclass(frozen=True)
class Cut:
    """What bounding one event's rules did: why it was cut (None: it was not), and how many
    repetitions were walked (counted against the file's budget)."""

    reason: str | None
    steps: int


def bound_rules(
    event: Any, *, start: datetime, end: datetime, zone: tzinfo, limits: Limits, steps_left: int
) -> Cut:
    """Bound the RRULEs of the freshly parsed VEVENT `event`, in place, so that expanding it
    walks at most `limits.steps` (and `steps_left`) repetitions and keeps at most
    `limits.per_event` occurrences in [start, end]. A rule that never repeats, or that
    reaches no occurrence in the window before its budget runs out, is dropped (the event's
    own DTSTART stays, as the standard says); ValueError for a rule dateutil cannot read."""
    import icalendar

    raw = event.get("RRULE")
    if raw is None:
        return Cut(None, 0)
    rules = [rule for rule in (raw if isinstance(raw, list) else [raw]) if rule.get("FREQ")]
    if not rules:  # "RRULE:" alone, seen in real calendars: no recurrence
        event.pop("RRULE")
        return Cut(None, 0)
    if not any(rule.get("COUNT") for rule in rules):
        _move_forward(event, start)
    first = _as_datetime(event["DTSTART"].dt)
    reasons: list[str] = []
    walked = 0
    kept_rules = []
    for rule in rules:
        try:
            _check_days(rule)
            _check_repeats(rule, first)
        except EmptyRule as exc:
            reasons.append(f"{exc}: only its first occurrence is kept")
            continue
        budget = max(0, min(limits.steps, steps_left - walked))
        walk = _walk(rule, first, start, end, zone, limits.per_event, budget)
        walked += walk.steps
        if walk.reason is None:
            kept_rules.append(rule)
            continue
        reasons.append(walk.reason)
        if walk.inside == 0:
            continue  # nothing of it in the window: not walked again
        cut = icalendar.vRecur({k: v for k, v in rule.items() if k not in ("UNTIL", "COUNT")})
        cut["COUNT"] = [max(walk.count, 1)]
        kept_rules.append(cut)
    if reasons:
        event.pop("RRULE")
        for rule in kept_rules:
            event.add("RRULE", rule)
    return Cut("; ".join(dict.fromkeys(reasons)) or None, walked)


def _move_forward(event: Any, start: datetime) -> None:
    """Move an event that starts more than 400 years before the window forward by whole
    400-year cycles (the Gregorian calendar repeats itself after one, weekdays included), so
    that its rule's occurrences stay the same while the walk to the window stays short.
    Only for rules without COUNT, which would then count from elsewhere."""
    cycles = (start.year - event["DTSTART"].dt.year) // 400
    if cycles < 1:
        return
    for name in ("DTSTART", "DTEND"):
        prop = event.get(name)
        if prop is not None and isinstance(getattr(prop, "dt", None), date):
            prop.dt = prop.dt.replace(year=prop.dt.year + 400 * cycles)


def _check_days(rule: Any) -> None:
    """EmptyRule if the rule's day filters match no day in a whole 400-year cycle. The filters
    are checked as a yearly rule without ordinals or BYSETPOS: it matches every day the rule
    could, so when it matches none, neither does the rule."""
    from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

    filters = {k: rule[k] for k in _DAY_FILTERS if rule.get(k)}
    if not filters or set(filters) == {"BYDAY"}:
        return  # a weekday matches a day every week
    if "BYDAY" in filters:
        filters["BYDAY"] = sorted({_ORDINAL.sub("", str(d)) for d in filters["BYDAY"]})
    text = ";".join(
        ["FREQ=YEARLY", *(f"{k}={','.join(str(v) for v in vs)}" for k, vs in filters.items())]
    )
    if next(iter(rrulestr(text, dtstart=_CYCLE_START, cache=False)), None) is None:
        raise EmptyRule(f"its rule ({_shown(rule)}) matches no day")


def _check_repeats(rule: Any, first: datetime) -> None:
    """EmptyRule if the rule, moved by whole 400-year cycles to start between 9200 and 9600,
    repeats nowhere before the year 9999 (where dateutil stops): a rule whose interval
    never lands on a day its filters allow (every 7th day, on Mondays, from a Tuesday)."""
    from dateutil.rrule import rrulestr

    moved = first.replace(tzinfo=None)
    moved = moved.replace(year=moved.year + 400 * ((9599 - moved.year) // 400))
    plain = {k: v for k, v in rule.items() if k not in ("UNTIL", "COUNT")}
    text = rule.__class__(plain).to_ical().decode()
    if next(iter(rrulestr(text, dtstart=moved, cache=False)), None) is None:
        raise EmptyRule(f"its rule ({_shown(rule)}) never repeats")


@dataclass(frozen=True)
class _Walked:
    count: int  # the COUNT to cut the rule at
    steps: int  # repetitions walked
    inside: int  # of them in the window
    reason: str | None  # why it is cut; None: it ends or leaves the window in time


def _walk(
    rule: Any,
    first: datetime,
    start: datetime,
    end: datetime,
    zone: tzinfo,
    per_event: int,
    budget: int,
) -> _Walked:
    """Walk `rule` from `first` through [start, end], lazily, within `budget` steps."""
    from dateutil.rrule import rrulestr

    until = rule.get("UNTIL")
    last = as_utc(until[0], zone) if until else None
    plain = {k: v for k, v in rule.items() if k != "UNTIL"}  # UNTIL is compared below
    text = rule.__class__(plain).to_ical().decode()
    walker = rrulestr(text, dtstart=first, cache=False)
    early = start - timedelta(days=1)  # an occurrence that began just before may still run
    inside = steps = 0
    for when in walker:
        moment = as_utc(when, zone)
        if moment > end or (last is not None and moment > last):
            return _Walked(steps, steps, inside, None)
        steps += 1
        if moment >= early:
            inside += 1
            if inside > per_event:
                why = f"more than {per_event:,} occurrences in the window"
                return _Walked(steps - 1, steps, inside - 1, why)
        if steps >= budget:
            where = "before the window" if inside == 0 else "in the window"
            why = f"repeats too often: stopped after {steps:,} repetitions {where}"
            return _Walked(steps, steps, inside, why)
    return _Walked(steps, steps, inside, None)


def _shown(rule: Any) -> str:
    return str(rule.to_ical().decode())[:120]


def _as_datetime(value: date | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time(0, 0))


def as_utc(value: date | datetime, zone: tzinfo) -> datetime:
    value = _as_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)
