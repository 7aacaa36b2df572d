"""Gatherings (practice P6): adding one (by its rule, or picked from a recurring event of an
imported calendar), removing it, saying I was there and whom I met, and the list with each
one's next occurrence and habit score. What `kithkin gathering ...`, the Gatherings page and
`/api/gatherings` all call.

Attendance is what I said (`attended`) plus the calendar events that match the gathering:
the occurrences of the event it was picked from, or events of the same name, that took place
and that I did not decline.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound
from kithkin.model import Gathering, Record, record
from kithkin.practices import gatherings as practice
from kithkin.practices.gatherings import Habit, Mark
from kithkin.services.common import PersonRef, parse_date, person_id

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.sources.calendar_series import SeriesRule
    from kithkin.store import Database
    from kithkin.store.gatherings import Series

__all__ = ["Habit", "Mark"]

HISTORY_DAYS: Final = 730  # the habit is scored over the last two years of occurrences
MAX_NAME: Final = 200
MAX_TEXT: Final = 500  # characters of a link, hashtag, channel, platform or group


@record
class Status(Record):
    """A gathering as the list shows it."""

    gathering: Gathering
    schedule: str  # "weekly on Thursday at 18:30 (Europe/Paris)"
    next_at: datetime | None
    habit: Habit
    last_attended: date | None
    met: list[tuple[int, str, date]]  # people met there: (id, name, day)


@record
class Gatherings(Record):
    now: datetime
    gatherings: list[Status]


@record
class Attended(Record):
    gathering: Gathering
    day: date
    new: bool
    warnings: list[str] = field(default_factory=list)


@record
class Met(Record):
    gathering: Gathering
    person_id: int
    display_name: str
    day: date
    new: bool


def local_zone_name() -> str:
    """The IANA name of this computer's zone (TZ, /etc/timezone, /etc/localtime), else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    try:
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        if name:
            try:
                return practice.check_zone(name)
            except practice.BadRule:
                continue
    return "UTC"


def _clean(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    text = " ".join(value.split())
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{what}: longer than {MAX_TEXT} characters")
    return text or None


def _checked(
    *,
    name: str,
    rrule: str,
    at: str,
    tz: str | None,
    minutes: int | str | None,
    first_day: date | str | None,
    extra: dict[str, str | None],
    skip_budget: int | str | None,
) -> dict[str, Any]:
    title = " ".join(name.split())
    if not title:
        raise InvalidInput("a gathering needs a name")
    if len(title) > MAX_NAME:
        raise InvalidInput(f"a gathering's name: longer than {MAX_NAME} characters")
    try:
        zone = practice.check_zone(tz) if tz else local_zone_name()
        values: dict[str, Any] = {
            "name": title,
            "tz": zone,
            "rrule": practice.check_rule(rrule, zone),
            "at_time": practice.check_time(at),
        }
    except practice.BadRule as exc:
        raise InvalidInput(str(exc)) from None
    length = _whole(minutes if minutes not in (None, "") else 60, "--minutes", 1, 24 * 60)
    budget = _whole(skip_budget if skip_budget not in (None, "") else 1, "--skip-budget", 0, 7)
    day = parse_date(first_day, "--from") if first_day else None
    values.update(
        first_day=day or clock.now().astimezone(ZoneInfo(zone)).date(),
        minutes=length,
        skip_budget=budget,
        **{k: _clean(v, f"--{k.replace('_name', '')}") for k, v in extra.items()},
    )
    if values.get("link") and not str(values["link"]).lower().startswith(("https://", "http://")):
        raise InvalidInput(f"--link {values['link'][:60]!r}: give an http(s) address")
    return values


def _whole(value: int | str | None, what: str, low: int, high: int) -> int:
    text = str(value).strip()
    if not text.isdigit() or not low <= int(text) <= high:
        raise InvalidInput(f"{what}: {text[:20]!r} is not a whole number from {low} to {high}")
    return int(text)


def add_gathering(
    db: Database,
    *,
    name: str,
    rrule: str,
    at: str,
    tz: str | None = None,
    minutes: int | str | None = None,
    first_day: date | str | None = None,
    platform: str | None = None,
    link: str | None = None,
    hashtag: str | None = None,
    channel: str | None = None,
    group: str | None = None,
    skip_budget: int | str | None = None,
) -> Gathering:
    """Add a recurring gathering: RFC 5545 `rrule` at local time `at` in zone `tz` (this
    computer's when None), from `first_day` (today when None)."""
    from kithkin.store import gatherings as store

    values = _checked(
        name=name,
        rrule=rrule,
        at=at,
        tz=tz,
        minutes=minutes,
        first_day=first_day,
        skip_budget=skip_budget,
        extra={
            "platform": platform,
            "link": link,
            "hashtag": hashtag.lstrip("#") if hashtag else None,
            "channel": channel,
            "group_name": group,
        },
    )
    with db.write() as conn:
        return store.add(conn, values)


def calendar_series(db: Database) -> list[Series]:
    """The recurring events of imported calendars, a gathering can be picked from."""
    from kithkin.store import gatherings as store

    with db.read() as conn:
        return store.series(conn)


def file_series(path: str | Path) -> list[SeriesRule]:
    """The recurring events (with a time of day) of a calendar file, a gathering can be
    picked from whether or not the file was imported (an import keeps only meetings with
    other people; a gathering on your own calendar has none)."""
    from kithkin.errors import NoSuchLocation
    from kithkin.sources.calendar_series import series_rules

    target = Path(path).expanduser()
    if not target.is_file():
        raise NoSuchLocation(f"{target}: no such calendar file")
    return list(series_rules(target).values())


def add_from_calendar(
    db: Database,
    *,
    uid: str,
    path: str | Path | None = None,
    name: str | None = None,
    platform: str | None = None,
    link: str | None = None,
    hashtag: str | None = None,
    channel: str | None = None,
    group: str | None = None,
    skip_budget: int | str | None = None,
) -> Gathering:
    """Make a gathering of a recurring event (by its UID) of the calendar file `path`, or of
    an imported calendar: its rule, time and zone are read (again) from the file; its past
    occurrences in imported calendars count as attended."""
    from kithkin.sources.calendar_series import series_rules
    from kithkin.store import gatherings as store

    key = uid.strip()
    if path is not None:
        rules = {r.uid: r for r in file_series(path)}
        if key not in rules:
            raise NotFound(f"{path}: no recurring event with a time of day has UID {key[:80]!r}")
        rule = rules[key]
        picked_summary: str | None = rule.summary
    else:
        with db.read() as conn:
            found = {s.uid: s for s in store.series(conn)}
        picked = found.get(key)
        if picked is None:
            raise NotFound(f"no recurring event with UID {key[:80]!r} in imported calendars")
        read = series_rules(Path(picked.source_file)).get(picked.uid)
        if read is None:
            raise InvalidInput(
                f"{picked.source_file}: the rule of {picked.uid!r} cannot be read again "
                "(give it yourself: kithkin gathering add NAME --rrule ... --at ... --tz ...)"
            )
        rule, picked_summary = read, picked.summary
    tz = rule.tz
    if tz is not None:
        try:
            tz = practice.check_zone(tz)
        except practice.BadRule:
            tz = None
    values = _checked(
        name=name or rule.summary or picked_summary or key,
        rrule=rule.rrule,
        at=rule.start.strftime("%H:%M"),
        tz=tz,
        minutes=rule.minutes,
        first_day=rule.start.date(),
        skip_budget=skip_budget,
        extra={
            "platform": platform,
            "link": link or rule.url,
            "hashtag": hashtag.lstrip("#") if hashtag else None,
            "channel": channel,
            "group_name": group,
        },
    )
    values["calendar_uid"] = key
    with db.write() as conn:
        return store.add(conn, values)


def remove_gathering(db: Database, *, gathering: str | int) -> Gathering:
    from kithkin.store import gatherings as store

    with db.write() as conn:
        found = store.find(conn, gathering)
        store.remove(conn, found.id)
    return found


def _attended_days(conn: Connection, found: list[Gathering], now: datetime) -> dict[int, set[date]]:
    from kithkin.store import gatherings as store

    days = store.attended_days(conn)
    by_id = {g.id: g for g in found}
    for gid, starts in store.matching_events(conn, found, now).items():
        days.setdefault(gid, set()).update(practice.local_day(s, by_id[gid]) for s in starts)
    return days


def status_of(
    g: Gathering, attended: set[date], met: list[tuple[int, str, date]], now: datetime
) -> Status:
    past = practice.occurrences(g, now - timedelta(days=HISTORY_DAYS), now)
    days = [practice.local_day(p, g) for p in past if p + timedelta(minutes=g.minutes) <= now]
    return Status(
        gathering=g,
        schedule=practice.describe(g),
        next_at=practice.next_occurrence(g, now),
        habit=practice.habit(days, attended, g.skip_budget),
        last_attended=max(attended) if attended else None,
        met=met,
    )


def gatherings(db: Database, *, now: datetime | None = None) -> Gatherings:
    """Every gathering with its schedule, next occurrence, habit score and people met."""
    from kithkin.store import gatherings as store

    now = now or clock.now()
    with db.read() as conn:
        found = store.all_gatherings(conn)
        attended = _attended_days(conn, found, now)
        met = store.people_met(conn)
    return Gatherings(
        now=now,
        gatherings=[status_of(g, attended.get(g.id, set()), met.get(g.id, []), now) for g in found],
    )


def attended_lately(
    db: Database, *, since: datetime, now: datetime | None = None
) -> list[tuple[Gathering, date, list[tuple[int, str, date]]]]:
    """The occurrences that ended by `now`, on `since`'s day or later, that each gathering's
    habit marks attended (in its order, oldest first), with the people I met there — what
    "how did it go?" asks about, without scoring every habit over its two years."""
    from kithkin.store import gatherings as store

    now = now or clock.now()
    with db.read() as conn:
        found = store.all_gatherings(conn)
        attended = _attended_days(conn, found, now)
        met = store.people_met(conn)
    out = []
    near = range(-practice.MATCH_DAYS, practice.MATCH_DAYS + 1)
    for g in found:
        went = attended.get(g.id, set())
        for p in practice.occurrences(g, since - timedelta(days=2), now):
            day = practice.local_day(p, g)
            if p + timedelta(minutes=g.minutes) > now or day < since.date():
                continue
            if any(day + timedelta(days=d) in went for d in near):
                out.append((g, day, met.get(g.id, [])))
    return out


def gathering(db: Database, *, gathering: str | int, now: datetime | None = None) -> Status:
    from kithkin.store import gatherings as store

    now = now or clock.now()
    with db.read() as conn:
        found = store.find(conn, gathering)
        attended = _attended_days(conn, [found], now).get(found.id, set())
        met = store.people_met(conn).get(found.id, [])
    return status_of(found, attended, met, now)


def last_day(g: Gathering, now: datetime) -> date:
    """The day of the last occurrence that has begun (today's, once it began)."""
    past = practice.occurrences(g, now - timedelta(days=400), now)
    if not past:
        return now.astimezone(practice.zone_of(g)).date()
    return practice.local_day(past[-1], g)


def attended(
    db: Database, *, gathering: str | int, day: date | str | None = None, undo: bool = False
) -> Attended:
    """Say I was at a gathering on `day` (its last occurrence when None); `undo` takes it
    back. Warns when the day is not one of its occurrences."""
    from kithkin.store import gatherings as store

    now = clock.now()
    with db.read() as conn:
        found = store.find(conn, gathering)
    when = parse_date(day, "--date") or last_day(found, now)
    warnings: list[str] = []
    if when > now.astimezone(practice.zone_of(found)).date():
        raise InvalidInput(f"--date {when.isoformat()} is in the future")
    zone = practice.zone_of(found)
    start = datetime.combine(when - timedelta(days=1), datetime.min.time(), tzinfo=zone)
    around = practice.occurrences(found, start, start + timedelta(days=3))
    if not any(abs((practice.local_day(o, found) - when).days) <= 1 for o in around):
        warnings.append(f"{found.name} does not happen on {when.isoformat()}: kept all the same")
    with db.write() as conn:
        if undo:
            new = store.unmark_attended(conn, found.id, when)
        else:
            new = store.mark_attended(conn, found.id, when)
    return Attended(gathering=found, day=when, new=new, warnings=warnings)


def met_at(
    db: Database, *, gathering: str | int, person: PersonRef, day: date | str | None = None
) -> Met:
    """Say I met a person at a gathering (on its last occurrence when no day is given): their
    page then says where we met."""
    from kithkin.store import gatherings as store
    from kithkin.store import people

    now = clock.now()
    with db.write() as conn:
        found = store.find(conn, gathering)
        pid = person_id(conn, person)
        when = parse_date(day, "--date") or last_day(found, now)
        new = store.meet(conn, found.id, pid, when)
        name = people.get_person(conn, pid).display_name
    return Met(gathering=found, person_id=pid, display_name=name, day=when, new=new)


def where_met(db: Database, *, person: int) -> list[tuple[int, str, date]]:
    """The gatherings where I met a person: (gathering id, name, first day)."""
    from kithkin.store import gatherings as store

    with db.read() as conn:
        return store.met_at(conn, person)


def today(db: Database, *, now: datetime | None = None) -> list[tuple[Gathering, datetime]]:
    """The gatherings that happen today (local time) and have not ended: "next up"."""
    from kithkin.store import gatherings as store

    now = now or clock.now()
    local = now.astimezone()
    end_of_day = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
    end = end_of_day.replace(tzinfo=local.tzinfo)
    with db.read() as conn:
        found = store.all_gatherings(conn)
    out = [(g, at) for g in found for at in practice.occurrences(g, now, end)]
    return sorted(out, key=lambda pair: (pair[1], pair[0].name))


def to_json(found: Gatherings | Status) -> Any:
    from kithkin.model import to_jsonable

    if isinstance(found, Gatherings):
        return {
            "now": found.now.isoformat(),
            "gatherings": [to_json(s) for s in found.gatherings],
        }
    out = to_jsonable(found)
    out["habit"]["score"] = round(found.habit.score * 100, 1)
    out["met"] = [
        {"person_id": i, "display_name": n, "day": d.isoformat()} for i, n, d in found.met
    ]
    return out
