"""What every use case shares: who a person reference means, and the user's dates and times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from kithkin import clock
from kithkin.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.services.dates import Reading

PersonRef = str | int  # a name (or part of one), an email address, "#id"; or the id itself


def person_id(conn: Connection, person: PersonRef) -> int:
    """The id of the person `person` means: an id must exist, a text must fit exactly one."""
    from kithkin.store import people

    if isinstance(person, int):
        people.get_person(conn, person)  # NotFound when there is no such person
        return person
    return people.resolve(conn, person)


def parse_date(value: str | date | None, what: str = "date") -> date | None:
    """A day the user gave: 2026-03-14, "yesterday", "last friday", "2 weeks ago" (see
    `kithkin.services.dates`), in their local time; None or "" is no day."""
    if value is None or isinstance(value, date):
        return value
    if not value.strip():
        return None
    reading = _read(value, what)
    if reading.at.tzinfo is not None:
        return reading.at.astimezone().date()
    return reading.at.date()


def parse_when(value: str | datetime | None, what: str = "--at") -> datetime:
    """A date or date-time the user gave, in UTC; now when None or "".

    Natural phrases are read too ("yesterday 3pm", "2 hours ago", "last friday"; see
    `kithkin.services.dates`). A time without a zone is the user's local time; a day without a
    time is now when it is today, else midday local time (a past or planned day).
    """
    if isinstance(value, datetime):
        return _utc(value)
    if value is None or not value.strip():
        return clock.now()
    reading = _read(value, what)
    if reading.has_time:
        return _utc(reading.at)
    now = clock.now()
    if reading.at.date() == now.astimezone().date():
        return now
    return _utc(datetime.combine(reading.at.date(), time(12)))


def _read(value: str, what: str) -> Reading:
    from kithkin.services import dates  # its patterns are compiled only when a date is read

    try:
        return dates.read(value, clock.now())
    except ValueError:
        raise InvalidInput(
            f"{what}: {value.strip()[:80]!r} is not a date (try {dates.EXAMPLES})"
        ) from None


def parse_days(value: str | int, what: str = "days") -> int:
    """A whole, positive number of days."""
    if isinstance(value, int):
        number = value
    elif value.strip().isdigit():
        number = int(value.strip())
    else:
        raise InvalidInput(f"{what}: {value!r} is not a whole number of days")
    if number < 1:
        raise InvalidInput(f"{what}: {number} is not a positive number of days")
    return number


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the user's local zone
    return moment.astimezone(UTC)
