"""Gatherings (practice P6): when a recurring gathering happens, and how the habit of going
is kept.

"A gatherer builds relationships through recurring gatherings and keeps showing up." A
gathering is an RFC 5545 rule (`FREQ=WEEKLY;BYDAY=TH`) at a local time in an IANA zone: its
occurrences are walked by dateutil in local wall-clock time and only then placed in the zone,
so 18:30 in Paris stays 18:30 across daylight-saving changes (a time the clocks skip is the
same time after the jump; a time they repeat is its first passing).

The habit is scored as Loop Habit Tracker does, not as a streak that breaks: an exponential
average of the occurrences kept, whose half-life is `13 * sqrt(f)` occurrences for a habit
repeated `f` times a day (about five weeks for a weekly gathering, as Loop's own
`0.5 ** (sqrt(f) / 13)` per day). On top of that, a skip budget: in any eight occurrences in a
row, up to `skip_budget` misses are forgiven — they neither raise nor lower the score, and
do not break the run of occurrences kept.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kithkin.model import Gathering, Record, record

FREQUENCIES: Final = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")  # a gathering is no more frequent
MAX_RULE: Final = 300  # characters of a rule
MAX_STEPS: Final = 20_000  # repetitions walked for one question, at most
WINDOW: Final = 8  # occurrences in a row the skip budget is counted over
MATCH_DAYS: Final = 1  # attendance a day off the occurrence (a moved meeting) still counts
_TIME: Final = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_UNTIL_UTC: Final = re.compile(r"UNTIL=(\d{8}T\d{6})Z")
_BANNED: Final = re.compile(r"(^|;)\s*(DTSTART|TZID)", re.IGNORECASE)


class BadRule(ValueError):
    """A rule, time or zone a gathering cannot have; the message says why in one line."""


@record
class Mark(Record):
    """One past occurrence and what became of it."""

    day: date
    state: str  # attended, forgiven, missed


@record
class Habit(Record):
    score: float  # 0-1, the exponential score
    attended: int
    missed: int  # not forgiven
    forgiven: int
    run: int  # occurrences kept (attended or forgiven) in a row, up to the last one
    marks: list[Mark]  # the past occurrences, oldest first


def check_rule(text: str, tz: str = "UTC") -> str:
    """The rule as it will be stored (upper case, no "RRULE:" prefix, an UNTIL in UTC made
    local to `tz`); BadRule if dateutil cannot read it, if it repeats more often than daily
    or never."""
    from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

    rule = text.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:].strip()
    rule = rule.upper()
    if not rule or len(rule) > MAX_RULE or "\n" in rule or "\r" in rule:
        raise BadRule(f"{text[:60]!r} is not a recurrence rule (try FREQ=WEEKLY;BYDAY=TH)")
    if _BANNED.search(rule):
        raise BadRule("give the rule without DTSTART or TZID: the time and zone are --at, --tz")
    rule = _local_until(rule, tz)
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    if parts.get("FREQ") not in FREQUENCIES:
        raise BadRule(
            f"rule {rule!r}: FREQ must be one of {', '.join(FREQUENCIES)} "
            "(a gathering is at most daily)"
        )
    try:
        walker = rrulestr(rule, dtstart=datetime(2000, 1, 1, 12), cache=False)
    except (ValueError, TypeError, KeyError) as exc:
        raise BadRule(f"rule {rule!r} cannot be read: {exc}") from None
    if next(iter(walker), None) is None:
        raise BadRule(f"rule {rule!r} never happens")
    return rule


def _local_until(rule: str, tz: str) -> str:
    """UNTIL=20260301T120000Z as the wall-clock time it is in `tz` (the rule is walked in
    local time, and dateutil wants UNTIL in the same kind of time as DTSTART)."""
    match = _UNTIL_UTC.search(rule)
    if not match:
        return rule
    moment = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    try:
        local = moment.astimezone(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        local = moment
    return rule[: match.start(1)] + local.strftime("%Y%m%dT%H%M%S") + rule[match.end() :]


def check_time(text: str) -> str:
    """ "18:30" (or "9:05"), as HH:MM."""
    match = _TIME.match(text.strip())
    if not match:
        raise BadRule(f"--at {text[:20]!r} is not a time of day (try 18:30)")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def check_zone(name: str) -> str:
    try:
        ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRule(f"--tz {name[:60]!r} is not a time zone this computer knows") from None
    return name.strip()


def zone_of(g: Gathering) -> ZoneInfo:
    return ZoneInfo(g.tz)


def _local_start(g: Gathering) -> datetime:
    hour, minute = (int(x) for x in g.at_time.split(":"))
    return datetime.combine(g.first_day, time(hour, minute))


def _walker(g: Gathering) -> Any:
    from dateutil.rrule import rrulestr

    return rrulestr(g.rrule, dtstart=_local_start(g), cache=False)


def occurrences(g: Gathering, start: datetime, end: datetime) -> list[datetime]:
    """The starts (aware, UTC) of the occurrences in [start, end), earliest first; an
    occurrence still running at `start` is in. At most MAX_STEPS repetitions are walked."""
    zone = zone_of(g)
    early = start - timedelta(minutes=g.minutes)
    found: list[datetime] = []
    for steps, local in enumerate(_walker(g)):
        if steps >= MAX_STEPS:
            break
        moment = local.replace(tzinfo=zone).astimezone(UTC)
        if moment >= end:
            break
        if moment > early:
            found.append(moment)
    return found


def first_occurrence(g: Gathering) -> datetime | None:
    """The first occurrence (aware, in the gathering's zone): what a calendar's DTSTART must
    be, as RFC 5545 counts DTSTART as an occurrence even where the rule does not match it."""
    found = next(iter(_walker(g)), None)
    return found.replace(tzinfo=zone_of(g)) if found is not None else None


def next_occurrence(g: Gathering, now: datetime, horizon_days: int = 400) -> datetime | None:
    """The next occurrence that has not ended yet, within `horizon_days`."""
    found = occurrences(g, now, now + timedelta(days=horizon_days))
    return found[0] if found else None


def local_day(moment: datetime, g: Gathering) -> date:
    return moment.astimezone(zone_of(g)).date()


def frequency(days: Sequence[date]) -> float:
    """How many times a day a habit repeats, from its occurrences (a week's, by default)."""
    if len(days) < 2:
        return 1 / 7
    span = (days[-1] - days[0]).days
    return (len(days) - 1) / span if span > 0 else 1.0


def habit(days: Sequence[date], attended: Iterable[date], skip_budget: int) -> Habit:
    """The habit over the past occurrences `days` (oldest first) given the days I was there."""
    went = set(attended)
    m = 0.5 ** (1 / (13 * math.sqrt(frequency(days))))
    score = 0.0
    recent: deque[str] = deque(maxlen=WINDOW - 1)
    marks: list[Mark] = []
    run = 0
    for day in days:
        if any(day + timedelta(days=d) in went for d in range(-MATCH_DAYS, MATCH_DAYS + 1)):
            state = "attended"
            score = score * m + (1 - m)
        elif recent.count("forgiven") < skip_budget:
            state = "forgiven"
        else:
            state = "missed"
            score = score * m
        run = 0 if state == "missed" else run + 1
        recent.append(state)
        marks.append(Mark(day=day, state=state))
    return Habit(
        score=score,
        attended=sum(1 for k in marks if k.state == "attended"),
        missed=sum(1 for k in marks if k.state == "missed"),
        forgiven=sum(1 for k in marks if k.state == "forgiven"),
        run=run,
        marks=marks,
    )


def describe(g: Gathering) -> str:
    """The rule in a few words: "weekly on Thursday at 18:30 (Europe/Paris)"."""
    parts = dict(p.split("=", 1) for p in g.rrule.split(";") if "=" in p)
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1") or 1)
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(freq, "")
    said = f"every {interval} {unit}s" if interval > 1 else f"{freq.lower()}"
    if "BYDAY" in parts:
        said += " on " + ", ".join(_day_name(d) for d in parts["BYDAY"].split(","))
    elif "BYMONTHDAY" in parts:
        said += f" on day {parts['BYMONTHDAY']}"
    return f"{said} at {g.at_time} ({g.tz})"


_DAYS: Final = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_ORDINALS: Final = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}


def _day_name(code: str) -> str:
    code = code.strip()
    name = _DAYS.get(code[-2:], code)
    ordinal = code[:-2].lstrip("+")
    return f"the {_ORDINALS.get(ordinal, ordinal)} {name}" if ordinal else name
