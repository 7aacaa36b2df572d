"""The weekly review and practice (P13): the week's figures against the goals, the charts'
numbers, the weekly goals and time budget, and the reflections written after meetings and
gatherings (which can become story facts). `kithkin review`, the Review page and
`/api/review` all call `review`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.model import SOLO, Actor, Reflection
from kithkin.practices import review as practice
from kithkin.practices.review import Change as Change
from kithkin.practices.review import Due as Due
from kithkin.practices.review import Goal as Goal
from kithkin.practices.review import MemberLine as MemberLine
from kithkin.practices.review import MonthCount as MonthCount
from kithkin.practices.review import Point as Point
from kithkin.practices.review import Review as Review
from kithkin.practices.review import WeekCount as WeekCount
from kithkin.services.common import PersonRef, parse_date, person_id
from kithkin.services.reflecting import Pending as Pending
from kithkin.services.reflecting import pending as pending

if TYPE_CHECKING:
    from kithkin.store import Database

GOALS_SETTING: Final = "practice_goals"
DEFAULT_GOALS: Final = {"minutes": 120, "conversations": 5, "gatherings": 1}
GROWTH_CANDIDATES: Final = 40  # people whose strength change is computed, most active first
SHOWN: Final = 5  # people who grew or faded most


def goals(db: Database) -> dict[str, int | None]:
    """The weekly goals and the time budget (`minutes`), as set or by default."""
    from kithkin.store import settings

    with db.read() as conn:
        saved = settings.get(conn, GOALS_SETTING, {})
    names = ("minutes", *practice.GOALS)
    return {n: saved.get(n, DEFAULT_GOALS.get(n)) for n in names}


def set_goals(db: Database, **targets: int | str | None) -> dict[str, int | None]:
    """Set some goals (0 or "" clears one); the others are kept."""
    from kithkin.store import activity, settings

    names = ("minutes", *practice.GOALS)
    current = goals(db)
    for name, value in targets.items():
        if name not in names:
            raise InvalidInput(f"unknown goal {name!r}: use one of {', '.join(names)}")
        if value is None:
            continue
        text = str(value).strip() or "0"
        if not text.isdigit() or int(text) > 10_000:
            raise InvalidInput(f"{name}: {text[:20]!r} is not a whole number up to 10000")
        current[name] = int(text) or None
    with db.write() as conn:
        settings.put(conn, GOALS_SETTING, current)
        said = ", ".join(f"{k} {v}" for k, v in current.items() if v)
        activity.record(conn, "practice.goals", f"weekly goals: {said or 'none'}")
    return current


def review(
    db: Database,
    *,
    week: date | str | None = None,
    now: datetime | None = None,
    actor: Actor = SOLO,
) -> Review:
    """The review of the week (Monday to Sunday, local time) that holds `week` (by default
    this one, or on Monday and Tuesday the one that just ended), with its charts' numbers;
    in team mode of the acting member's own interactions and circle."""
    from kithkin.services import circle as circles
    from kithkin.services import gatherings as gathering_service
    from kithkin.store import relationships
    from kithkin.store import review as store
    from kithkin.store.reflections import between

    now = now or clock.now()
    zone = now.astimezone().tzinfo
    assert zone is not None
    today = now.astimezone(zone).date()
    # on Monday and Tuesday, the week to review is the one that just ended
    day = parse_date(week, "--week") or (today - timedelta(days=7 * (today.weekday() < 2)))
    monday = practice.monday(day)
    sunday = monday + timedelta(days=6)
    first_week = monday - timedelta(weeks=practice.WEEKS - 1)
    heat_first = monday - timedelta(weeks=practice.HEATMAP_WEEKS - 1)
    start, end = practice.start_of(monday, zone), practice.start_of(sunday + timedelta(1), zone)
    window_start = practice.start_of(heat_first, zone)
    targets = goals(db)
    found_circle = circles.circle(db, now=now, actor=actor)
    found_gatherings = gathering_service.gatherings(db, now=min(now, end))
    with db.read() as conn:
        contacts = store.contacts_between(conn, window_start, end, actor.member_id)
        members = [
            (s.member.person_id, s.member.display_name, s.cadence) for s in found_circle.members
        ]
        active = sorted(
            (
                pid
                for pid, rows in contacts.items()
                if any(c.at >= start - timedelta(weeks=11) for c in rows)
            ),
            key=lambda pid: -len(contacts[pid]),
        )[:GROWTH_CANDIDATES]
        histories = relationships.histories(
            conn, {m[0] for m in members} | set(active), member_id=actor.member_id
        )
        names = _names(conn, set(histories))
        added = store.people_added(conn, start, end)
        learned = store.facts_learned(conn, start, end, actor=actor)
        meetings = store.meetings_between(conn, start, end, member_id=actor.member_id)
        reflections = between(conn, monday, sunday, member_id=actor.member_id)
        acts = store.practice_counts(conn, start, end, member_id=actor.member_id)
    week_contacts = {
        pid: [c for c in rows if start <= c.at < end] for pid, rows in contacts.items()
    }
    week_contacts = {pid: rows for pid, rows in week_contacts.items() if rows}
    attended: list[tuple[str, date, int]] = []
    every_attended: list[date] = []
    for s in found_gatherings.gatherings:
        for mark in s.habit.marks:
            if mark.state == "attended":
                every_attended.append(mark.day)
                if monday <= mark.day <= sunday:
                    attended.append((s.gathering.name, mark.day, s.gathering.minutes))
    lines = [
        practice.member_line(
            pid, name, cadence, histories.get(pid, []), first_week, sunday, today, zone
        )
        for pid, name, cadence in members
    ]
    kept, missed = practice.due_this_week(lines, histories, monday, zone)
    week_ends = [
        min(practice.start_of(first_week + timedelta(weeks=k + 1), zone), now)
        for k in range(practice.WEEKS)
    ]
    member_scores = [
        practice.scores_over(histories.get(pid, []), week_ends) for pid, _, _ in members
    ]
    strength_points = [
        practice.Point(
            day=first_week + timedelta(weeks=k, days=6),
            value=round(sum(s[k] for s in member_scores) / len(member_scores), 1)
            if member_scores
            else 0.0,
        )
        for k in range(practice.WEEKS)
    ]
    changes = []
    for pid in set(active) | {m[0] for m in members}:
        before, after = practice.scores_over(histories.get(pid, []), [start, min(end, now)])
        changes.append(
            practice.Change(
                person_id=pid,
                display_name=names.get(pid, f"#{pid}"),
                before=round(before, 1),
                after=round(after, 1),
            )
        )
    grew = sorted((c for c in changes if c.after - c.before >= 1), key=lambda c: c.before - c.after)
    faded = sorted(
        (c for c in changes if c.before - c.after >= 1), key=lambda c: c.after - c.before
    )
    by_person: dict[int, tuple[str, list[str]]] = {}
    for fact in learned:
        by_person.setdefault(fact.person_id, (fact.display_name, []))[1].append(
            f"{fact.field}: {fact.text}"
        )
    counted = {
        "conversations": practice.conversations(week_contacts),
        "gatherings": len(attended),
        **acts,
    }
    minutes = practice.minutes_spent(
        [(m.start, m.end, m.interaction_id, m.title) for m in meetings],
        week_contacts,
        [(name, length) for name, _, length in attended],
    )
    return Review(
        week=monday,
        last_day=sunday,
        goals=practice.goals(targets, counted),
        minutes=minutes,
        budget_minutes=targets.get("minutes"),
        touches=practice.touch_counts(contacts, first_week, practice.WEEKS, zone),
        circle=lines,
        circle_strength=strength_points,
        heatmap=practice.heatmap(contacts, every_attended, heat_first, sunday, zone),
        kept=kept,
        missed=missed,
        new_people=added,
        learned=[(pid, name, facts) for pid, (name, facts) in by_person.items()],
        grew=grew[:SHOWN],
        faded=faded[:SHOWN],
        gatherings=[(name, d) for name, d, _ in attended],
        reflections=[(r.on_day, r.title, r.text) for r in reflections],
    )


def _names(conn: Any, ids: set[int]) -> dict[int, str]:
    from kithkin.store import people

    return {pid: s.display_name for pid, s in people.summaries_by_id(conn, list(ids)).items()}


def reflect(
    db: Database,
    *,
    text: str,
    meeting: int | None = None,
    gathering: str | int | None = None,
    day: date | str | None = None,
    person: PersonRef | None = None,
    story_field: str | None = None,
    actor: Actor = SOLO,
) -> Reflection:
    """Write a line after a meeting (the id of the interaction: a meeting, call, coffee...)
    or a gathering (on `day`, its last occurrence by default). With `person` and
    `story_field`, the line becomes a fact of that person's story too."""
    from kithkin.services import gatherings as gathering_service
    from kithkin.store import gatherings as gathering_store
    from kithkin.store import reflections, story
    from kithkin.store import review as review_store

    line = " ".join(text.split())
    if not line:
        raise InvalidInput("a reflection needs a few words")
    if (meeting is None) == (gathering is None):
        raise InvalidInput("say what it was about: a meeting or a gathering")
    from kithkin.services import team

    with team.writing(db, actor, "writing a reflection") as conn:
        interaction_id = gathering_id = None
        if meeting is not None:
            found = review_store.spoken_between(
                conn, clock.now(), clock.now(), ids=[meeting], member_id=actor.member_id
            )
            if not found:
                raise InvalidInput(f"no meeting, call or coffee #{meeting}")
            kind, title, interaction_id = "meeting", found[0].title, found[0].id
            when = found[0].at.astimezone().date()
            if person is None and len(found[0].people) == 1:
                person = found[0].people[0][0]
        else:
            assert gathering is not None
            g = gathering_store.find(conn, gathering)
            kind, title, gathering_id = "gathering", g.name, g.id
            when = parse_date(day, "--date") or gathering_service.last_day(g, clock.now())
        pid = person_id(conn, person) if person is not None else None
        fact_id = None
        if story_field:
            if pid is None:
                raise InvalidInput("a story fact needs the person it is about (--person)")
            fact_id = story.add_fact(
                conn,
                pid,
                story_field,
                line,
                learned_on=when,
                learned_where=title,
                member_id=actor.member_id,  # in team mode the actor's, private
            )
        return reflections.add(
            conn,
            kind=kind,
            on_day=when,
            title=title,
            text=line,
            interaction_id=interaction_id,
            gathering_id=gathering_id,
            person_id=pid,
            story_fact_id=fact_id,
            member_id=actor.member_id,
        )


def to_json(found: Review) -> Any:
    from kithkin.model import to_jsonable

    return to_jsonable(found)


def person_months(
    db: Database, *, person: PersonRef, months: int = 24, now: datetime | None = None
) -> list[MonthCount]:
    """A person's interactions per month over two years, mine and theirs: a fading
    relationship at a glance."""
    from kithkin.store import relationships

    at = now or clock.now()
    zone = at.astimezone().tzinfo
    assert zone is not None
    with db.read() as conn:
        pid = person_id(conn, person)

    def counts() -> list[MonthCount]:
        with db.read() as conn:
            history = relationships.histories(conn, [pid]).get(pid, [])
        return practice.month_counts(history, at.astimezone(zone).date(), months, zone)

    if now is not None:
        return counts()
    key = f"months:{pid}:{months}:{at.isoformat(timespec='minutes')}:{zone}"
    return list(db.memo(key, lambda: tuple(counts())))
