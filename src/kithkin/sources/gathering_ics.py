"""An iCalendar (.ics) file of the gatherings and of the circle's due dates: what `kithkin
gathering export --ics` writes and the subscribed feed serves.

Written for the calendars people live in: each gathering is one VEVENT with its RRULE,
DTSTART in its own zone (TZID) and the VTIMEZONE it needs (Outlook wants them; Google and
Apple read them too), a stable UID so a subscribed calendar updates it instead of doubling it;
each due reminder is an all-day event on the day a circle member is due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from kithkin.model import Gathering

PRODID: Final = "-//kithkin//gatherings//EN"


@dataclass(frozen=True)
class Due:
    """A circle member due for a touch on `day`."""

    person_id: int
    name: str
    day: date
    reason: str


def gathering_uid(g: Gathering) -> str:
    return f"gathering-{g.id}@kithkin"


def write_ics(
    gatherings: Sequence[tuple[Gathering, datetime]],
    due: Sequence[Due],
    *,
    stamp: datetime,
    name: str,
) -> bytes:
    """The calendar, as bytes (CRLF lines, folded at 75 octets): each gathering with its
    first occurrence (aware, in its zone), the DTSTART its rule repeats from."""
    from icalendar import Calendar, Event, vRecur

    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "PUBLISH")
    cal.add("X-WR-CALNAME", name)
    cal.add("NAME", name)
    for g, start in gatherings:
        event = Event()
        event.add("UID", gathering_uid(g))
        event.add("DTSTAMP", stamp)
        event.add("SUMMARY", g.name)
        event.add("DTSTART", start)
        event.add("DURATION", timedelta(minutes=g.minutes))
        event.add("RRULE", vRecur.from_ical(g.rrule))
        lines = [
            f"{label}: {value}"
            for label, value in (
                ("Platform", g.platform),
                ("Link", g.link),
                ("Hashtag", f"#{g.hashtag}" if g.hashtag else None),
                ("Channel", g.channel),
                ("Group", g.group_name),
            )
            if value
        ]
        if lines:
            event.add("DESCRIPTION", "\n".join(lines))
        if g.platform or g.channel:
            event.add("LOCATION", g.platform or g.channel)
        if g.link:
            event.add("URL", g.link)
        event.add("CATEGORIES", ["gathering"])
        cal.add_component(event)
    for d in due:
        event = Event()
        event.add("UID", f"due-{d.person_id}-{d.day.isoformat()}@kithkin")
        event.add("DTSTAMP", stamp)
        event.add("SUMMARY", f"Be in touch with {d.name}")
        event.add("DTSTART", d.day)
        event.add("DTEND", d.day + timedelta(days=1))
        event.add("DESCRIPTION", d.reason)
        event.add("TRANSP", "TRANSPARENT")
        event.add("CATEGORIES", ["circle"])
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
