"""Date fields as aware UTC datetimes, from the well-formed to the broken.

Tried in turn: a fast match of the RFC 5322 form with a numeric zone (nearly all real mail);
`email.utils.parsedate_tz` (named zones, two-digit years, missing day names, missing seconds);
a few more zone names; ISO 8601. A date without any zone is taken as UTC and says so; one that
nothing can read is None with the reason.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz

_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
):
    _MONTHS.update({_name: _number, _name.title(): _number, _name.upper(): _number})
_OFFSETS: dict[str, timedelta] = {}  # "+0200" -> its offset, filled as zones are met
_RFC5322 = re.compile(
    r"\s*(?:[A-Za-z]+,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3})[A-Za-z]*\.?[\s-]+(\d{4}),?\s+"
    r"(\d{1,2}):(\d\d)(?::(\d\d))?(?:\.\d+)?\s*([+-]\d{4})(?![\d:])"
)
# Zone names that parsedate_tz does not know, taken only when unambiguous (hours from UTC).
_ZONES = {
    "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "MEZ": 1, "MESZ": 2, "WET": 0, "WEST": 1,
    "EET": 2, "EEST": 3, "BST": 1, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10,
    "AEDT": 11, "ACST": 9.5, "AWST": 8, "NZST": 12, "NZDT": 13, "HST": -10, "AKST": -9,
    "AKDT": -8, "MSK": 3, "UTC": 0, "WIB": 7, "UT": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4,
    "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AST": -4, "ADT": -3,
}  # fmt: skip
_NUMERIC = re.compile(
    r"\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})\s+(?:[A-Za-z]{3},?\s+)?(\d{1,2}):(\d\d)(?::(\d\d))?"
    r"\s*([+-]\d{4}|[A-Z]{1,5})?"
)
_NUMERIC_ZONE = re.compile(r"(?<![\d:])[+-]\d{4}\b")
_ZONE_WORD = re.compile(r"\b([A-Z]{1,5})\b")
_COMMENT = re.compile(r"\([^()]*\)")
_ENVELOPE = re.compile(
    rb"([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d\d)(?::(\d\d))?\s+(?:[A-Z]{3,5}\s+|[+-]\d{4}\s+)?"
    rb"(\d{4})"
)


def parse_date(value: str) -> tuple[datetime | None, str | None]:
    """(the moment in UTC, None) or (a moment, what was assumed) or (None, why not)."""
    match = _RFC5322.match(value)
    if match is not None:
        day, month_name, year, hour, minute, second, zone = match.groups()
        month = _MONTHS.get(month_name) or _MONTHS.get(month_name.lower())
        offset = _OFFSETS.get(zone)
        if offset is None:
            offset = _offset(zone)
        if month is not None and offset is not None:
            try:
                moment = datetime(
                    int(year),
                    month,
                    int(day),
                    int(hour),
                    int(minute),
                    int(second or 0),
                    tzinfo=UTC,
                )
                return moment - offset, None
            except (ValueError, OverflowError):
                pass
    return _slow(value)


def _offset(zone: str) -> timedelta | None:
    hours, minutes = int(zone[1:3]), int(zone[3:5])
    if hours >= 24 or minutes >= 60:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    if zone[0] == "-":
        offset = -offset
    if len(_OFFSETS) < 1000:
        _OFFSETS[zone] = offset
    return offset


def _slow(value: str) -> tuple[datetime | None, str | None]:
    try:
        parts = parsedate_tz(value)
    except (ValueError, IndexError, TypeError):  # old parsedate bugs on hostile input
        parts = None
    if parts is not None:
        year, month, day, hour, minute, second = parts[:6]
        offset: float = parts[9] or 0  # parsedate_tz says 0 for a missing or unknown zone
        note = None
        outside = _COMMENT.sub(" ", value)
        if _NUMERIC_ZONE.search(outside) is None:
            # a zone name, perhaps in a comment ("(PDT)"); parsedate_tz knows only a few
            found = _ZONE_WORD.findall(outside) + _ZONE_WORD.findall(value)
            hours = next((_ZONES[word] for word in found if word in _ZONES), None)
            if hours is None:
                note = "no time zone; taken as UTC"
                offset = 0
            else:
                offset = hours * 3600
        if abs(offset) >= 86400:
            note, offset = "time zone out of range; taken as UTC", 0
        try:
            moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
            return moment - timedelta(seconds=offset), note
        except (ValueError, OverflowError):
            pass
    return _iso(value)


def _iso(value: str) -> tuple[datetime | None, str | None]:
    numeric = _NUMERIC.match(value)
    if numeric is not None:
        return _numeric(numeric)
    text = _COMMENT.sub("", value).strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        shown = value if len(value) <= 80 else value[:77] + "..."
        return None, f"unreadable Date {shown!r}"
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC), "no time zone; taken as UTC"
    try:
        return moment.astimezone(UTC), None
    except OverflowError:
        return None, f"Date out of range {value!r}"


def _numeric(match: re.Match[str]) -> tuple[datetime | None, str | None]:
    """`2002/09/14 Sat 02:29:32 CDT` and the like: a numeric date, a time, maybe a zone."""
    year, month, day, hour, minute, second, zone = match.groups()
    note = None
    if zone is None:
        offset, note = 0.0, "no time zone; taken as UTC"
    elif zone[0] in "+-":
        offset = (int(zone[1:3]) * 60 + int(zone[3:5])) * (1 if zone[0] == "+" else -1) * 60.0
    else:
        hours = _ZONES.get(zone)
        if hours is None:
            offset, note = 0.0, f"unknown time zone {zone!r}; taken as UTC"
        else:
            offset = hours * 3600.0
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC
        )
        return moment - timedelta(seconds=offset), note
    except (ValueError, OverflowError):
        return None, f"unreadable Date {match.string!r}"


def envelope_date(line: bytes) -> datetime | None:
    """The date of an mbox "From " line (`From sender Mon Apr 19 15:28:51 2021`), in the
    delivering machine's unknown zone: taken as UTC."""
    match = _ENVELOPE.search(line)
    if match is None:
        return None
    month = _MONTHS.get(match[1].decode("ascii").lower())
    if month is None:
        return None
    try:
        return datetime(
            int(match[6]),
            month,
            int(match[2]),
            int(match[3]),
            int(match[4]),
            int(match[5] or 0),
            tzinfo=UTC,
        )
    except ValueError:
        return None
