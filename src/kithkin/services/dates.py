"""Dates as people type them: "yesterday", "last friday 3pm", "2 weeks ago", "2026-11-03".

One small grammar, read against a given `now` (kithkin.clock's, in the user's local zone); no
third-party parser, so it costs nothing to import. What it reads:

- ISO dates and date-times: `2026-11-03`, `2026-11-03 14:30`, `2026-11-03T14:30+01:00`;
- `now`, `today`, `tonight`, `yesterday`, `tomorrow`;
- `N minutes|hours|days|weeks|months|years ago`, `in N ...` (N a number, `a`/`an`, or a word
  up to twelve), `last|next week|month|year`;
- weekdays: `friday` (the latest one, today included), `last friday` (before today),
  `next friday` (after today), `this friday` (in this week, Monday to Sunday);
- month names: `nov 3`, `3 november`, `November 3rd, 2026` (without a year, this year);
- each day may end with a time: `3pm`, `3:30 pm`, `15:00`, `at 9`, `noon`, `midnight`.

`read` returns a `Reading`: a local (naive) or zoned date-time, and whether the text said a
time. Anything else is a `ValueError` with a one-line reason; the caller names its option.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from kithkin.model import Record, record

MAX_LENGTH = 64

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
UNITS = ("minute", "hour", "day", "week", "month", "year")

_TIME = re.compile(
    r"(?:^|\s)(?:at\s+)?(?:(?P<word>noon|midnight)|(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)?)$"
)
_OFFSET = re.compile(
    r"^(?:(?P<in>in)\s+)?(?P<n>\d{1,6}|[a-z]+)\s+(?P<unit>[a-z]+?)s?(?:\s+(?P<ago>ago))?$"
)
_WHOLE_UNIT = re.compile(r"^(?P<which>last|next)\s+(?P<unit>week|month|year)$")
_WEEKDAY = re.compile(r"^(?:(?P<which>last|next|this)\s+)?(?P<day>[a-z]+)$")
_MONTH_FIRST = re.compile(
    r"^(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:\s+(?P<year>\d{4}))?$"
)
_DAY_FIRST = re.compile(
    r"^(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]+)\.?(?:\s+(?P<year>\d{4}))?$"
)

EXAMPLES = '2026-03-14, 2026-03-14 09:30, today, yesterday, "3 days ago", "last friday 3pm"'


@record
class Reading(Record):
    """What a date text said: `at` is naive local time unless the text gave a zone (ISO with
    an offset) or was relative to this instant ("now", "2 hours ago": zoned like `now`)."""

    at: datetime
    has_time: bool


def read(text: str, now: datetime) -> Reading:
    """Read `text` against `now` (timezone-aware); ValueError when it is not a date."""
    said = " ".join(text.replace(",", " ").lower().split())
    if not said:
        raise ValueError("no date given")
    if len(said) > MAX_LENGTH:
        raise ValueError("too long to be a date")
    try:
        return _read(said, now)
    except (OverflowError, ValueError):
        raise ValueError("not a date I can read") from None


def _read(said: str, now: datetime) -> Reading:
    iso = _iso(said)
    if iso is not None:
        return iso
    if said == "now":
        return Reading(now, True)
    local_now = now.astimezone().replace(tzinfo=None)
    offset = _offset(said, now, local_now)
    if offset is not None:
        return offset
    day_part, clock_time = _split_time(said)
    day = _day(day_part, local_now.date())
    if day is None:
        raise ValueError(said)
    if clock_time is None:
        if day_part == "tonight":
            return Reading(datetime.combine(day, time(20)), True)
        return Reading(datetime.combine(day, time(0)), False)
    return Reading(datetime.combine(day, clock_time), True)


def _iso(said: str) -> Reading | None:
    if not said[:1].isdigit() or len(said) < 10 or said[4:5] not in ("-", "/"):
        return None
    try:
        parsed = datetime.fromisoformat(said.replace("/", "-").upper())
    except ValueError:
        day, clock_time = _split_time(said)
        try:
            parsed_day = date.fromisoformat(day.replace("/", "-"))
        except ValueError:
            return None
        if clock_time is None:
            return None
        return Reading(datetime.combine(parsed_day, clock_time), True)
    return Reading(parsed, len(said) > 10)


def _offset(said: str, now: datetime, local_now: datetime) -> Reading | None:
    whole = _WHOLE_UNIT.match(said)
    if whole is not None:
        sign = -1 if whole["which"] == "last" else 1
        return _shifted(now, local_now, 1, whole["unit"], sign)
    match = _OFFSET.match(said)
    if match is None:
        return None
    if bool(match["in"]) == bool(match["ago"]):
        return None  # "3 days" alone, or "in 3 days ago"
    raw = match["n"]
    number = int(raw) if raw.isdigit() else NUMBERS.get(raw)
    unit = match["unit"]
    if number is None or unit not in UNITS:
        return None
    return _shifted(now, local_now, number, unit, -1 if match["ago"] else 1)


def _shifted(now: datetime, local_now: datetime, number: int, unit: str, sign: int) -> Reading:
    if unit in ("month", "year"):
        months = number * (12 if unit == "year" else 1) * sign
        return Reading(_add_months(local_now, months), True)
    seconds = {"minute": 60, "hour": 3600, "day": 86_400, "week": 604_800}[unit]
    return Reading(now + timedelta(seconds=seconds * number * sign), True)


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            if day <= 28:
                raise
            day -= 1  # 31 March minus a month is 28 (or 29) February


def _split_time(said: str) -> tuple[str, time | None]:
    match = _TIME.search(said)
    if match is None:
        return said, None
    day_part = said[: match.start()].strip()
    if match["word"]:
        return day_part, time(12) if match["word"] == "noon" else time(0)
    hour, minute, ampm = int(match["h"]), int(match["m"] or 0), match["ampm"]
    explicit = ampm or match["m"] is not None or match.group(0).strip().startswith("at")
    if not explicit:
        return said, None  # a bare number is not a time ("nov 3")
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError("hour")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return day_part, time(hour, minute)


def _day(said: str, today: date) -> date | None:
    simple = {
        "": today,
        "today": today,
        "tonight": today,
        "yesterday": today - timedelta(days=1),
        "tomorrow": today + timedelta(days=1),
    }
    if said in simple:
        return simple[said]
    weekday = _WEEKDAY.match(said)
    if weekday is not None and _named(weekday["day"], WEEKDAYS) is not None:
        target = _named(weekday["day"], WEEKDAYS)
        assert target is not None
        back = (today.weekday() - target) % 7
        which = weekday["which"]
        if which == "last":
            return today - timedelta(days=back or 7)
        if which == "next":
            return today + timedelta(days=(target - today.weekday()) % 7 or 7)
        if which == "this":  # in this week, Monday to Sunday
            return today + timedelta(days=target - today.weekday())
        return today - timedelta(days=back)
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        match = pattern.match(said)
        if match is not None:
            month = _named(match["month"], MONTHS)
            if month is None:
                return None
            year = int(match["year"]) if match["year"] else today.year
            return date(year, month + 1, int(match["day"]))
    return None


def _named(word: str, names: tuple[str, ...]) -> int | None:
    """The index of `word` among `names`, by the whole name or its first three letters or more."""
    if len(word) < 3:
        return None
    for index, name in enumerate(names):
        if name.startswith(word):
            return index
    return None
