"""The weekly review (practice P13): what happened in a week against the goals, and how the
network and the habit are trending — the figures the Review page draws and `kithkin review`
prints. Pure: it is handed what the store holds and computes every number here.

- **Touches per week**, mine and theirs, over the last 12 weeks: an interaction is mine when
  I made it happen (I wrote, we met or talked, I logged it; list and bulk mail are no touch),
  theirs when they wrote to me personally. Each interaction counts once, whoever took part.
- **Conversations**: people with whom I had a two-way exchange in the week — we met or
  talked, or we both wrote.
- **The circle's cadence**: each member's touches and due dates (a cadence after the last
  touch; a touch that came in time moves it, so a due date shown was missed or is ahead).
- **The circle's strength** at the end of each week: the mean of its members' strength as it
  was then, from their history (`practices.tally`).
- **The habit heatmap**: per day, my touches and the gatherings I was at.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final

from kithkin.model import SPOKEN, WRITTEN, Contact, Record, record

WEEKS: Final = 12
HEATMAP_WEEKS: Final = 26
SPOKEN_MINUTES: Final = 30  # a call or coffee logged without a calendar event
GOALS: Final = {  # name: what it counts
    "conversations": "people with whom you had a two-way exchange",
    "gatherings": "gatherings you were at",
    "intros": "introductions made",
    "shares": "things shared",
    "favours": "favours given",
}
TRACKED: Final = frozenset(GOALS)  # a goal kithkin could not count would show "not tracked"


@record
class WeekCount(Record):
    week: date  # its Monday
    mine: int
    theirs: int


@record
class Goal(Record):
    name: str
    label: str
    target: int | None
    actual: int | None  # None: kithkin has no data for it yet


@record
class Due(Record):
    day: date
    state: str  # missed (it passed without a touch), upcoming


@record
class MemberLine(Record):
    person_id: int
    display_name: str
    cadence: int
    touches: list[date]  # in the 12 weeks
    due: list[Due]  # in the 12 weeks


@record
class Point(Record):
    day: date
    value: float


@record
class Change(Record):
    person_id: int
    display_name: str
    before: float
    after: float


@record
class Review(Record):
    week: date  # Monday
    last_day: date  # Sunday
    goals: list[Goal]
    minutes: int
    budget_minutes: int | None
    touches: list[WeekCount]  # 12 weeks, oldest first, this week last
    circle: list[MemberLine]
    circle_strength: list[Point]  # 12 week ends
    heatmap: list[Point]  # one per day, 26 weeks to this week's Sunday
    kept: list[tuple[int, str]]  # circle members due this week, touched in time
    missed: list[tuple[int, str]]  # due this week and not touched
    new_people: list[tuple[int, str]]
    learned: list[tuple[int, str, list[str]]]  # (person id, name, facts)
    grew: list[Change]
    faded: list[Change]
    gatherings: list[tuple[str, date]]  # attended this week
    reflections: list[tuple[date, str, str]]  # (day, about, text)
    notes: list[str] = field(default_factory=list)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def start_of(day: date, zone: tzinfo) -> datetime:
    """The first moment of a local day, in UTC."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def touch_counts(
    contacts: Mapping[int, Sequence[Contact]], first_week: date, weeks: int, zone: tzinfo
) -> list[WeekCount]:
    """Interactions per week, mine and theirs, each interaction once."""
    mine: dict[int, set[int]] = {k: set() for k in range(weeks)}
    theirs: dict[int, set[int]] = {k: set() for k in range(weeks)}
    for rows in contacts.values():
        for c in rows:
            k = (c.at.astimezone(zone).date() - first_week).days // 7
            if not 0 <= k < weeks:
                continue
            if c.is_touch:
                mine[k].add(c.interaction_id)
            elif c.is_personal_inbound:
                theirs[k].add(c.interaction_id)
    return [
        WeekCount(week=first_week + timedelta(weeks=k), mine=len(mine[k]), theirs=len(theirs[k]))
        for k in range(weeks)
    ]


def conversations(contacts: Mapping[int, Sequence[Contact]]) -> int:
    """People with a two-way exchange among `contacts`: met or talked, or both wrote."""
    n = 0
    for rows in contacts.values():
        spoken = any(c.kind in SPOKEN and c.role != "list" for c in rows)
        wrote = any(c.is_touch for c in rows)
        heard = any(c.is_personal_inbound for c in rows)
        n += spoken or (wrote and heard)
    return n


def touch_days(rows: Iterable[Contact], zone: tzinfo) -> list[date]:
    return sorted({c.at.astimezone(zone).date() for c in rows if c.is_touch})


def member_line(
    person_id: int,
    name: str,
    cadence: int,
    history: Sequence[Contact],
    first: date,
    last: date,
    today: date,
    zone: tzinfo,
) -> MemberLine:
    """A member's touches and due dates in first..last: a due date a cadence after each
    touch, kept when the next touch came by then."""
    days = [d for d in touch_days(history, zone) if d <= last]
    due: list[Due] = []
    for i, d in enumerate(days):
        when = d + timedelta(days=cadence)
        if not first <= when <= last:
            continue
        following = days[i + 1] if i + 1 < len(days) else None
        if following is not None and following <= when:
            continue  # touched again before it was due: no due date to show
        state = "upcoming" if following is None and when > today else "missed"
        due.append(Due(day=when, state=state))
    return MemberLine(
        person_id=person_id,
        display_name=name,
        cadence=cadence,
        touches=[d for d in days if first <= d <= last],
        due=due,
    )


def due_this_week(
    lines: Sequence[MemberLine],
    histories: Mapping[int, Sequence[Contact]],
    week: date,
    zone: tzinfo,
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Circle members due in the week: (kept — touched in the week, missed — due and not)."""
    kept: list[tuple[int, str]] = []
    missed: list[tuple[int, str]] = []
    end = week + timedelta(days=6)
    for line in lines:
        days = touch_days(histories.get(line.person_id, ()), zone)
        before = [d for d in days if d < week]
        due = before[-1] + timedelta(days=line.cadence) if before else None
        if due is None or due > end:
            continue
        if any(week <= d <= end for d in days):
            kept.append((line.person_id, line.display_name))
        elif any(x.state == "missed" and week <= x.day <= end for x in line.due) or due < week:
            missed.append((line.person_id, line.display_name))
    return kept, missed


def heatmap(
    contacts: Mapping[int, Sequence[Contact]],
    attended: Iterable[date],
    first: date,
    last: date,
    zone: tzinfo,
) -> list[Point]:
    """Per day first..last: my touches (each interaction once) and gatherings attended."""
    per_day: dict[date, set[int]] = {}
    for rows in contacts.values():
        for c in rows:
            if c.is_touch:
                per_day.setdefault(c.at.astimezone(zone).date(), set()).add(c.interaction_id)
    went: dict[date, int] = {}
    for d in attended:
        went[d] = went.get(d, 0) + 1
    span = (last - first).days + 1
    return [
        Point(
            day=first + timedelta(days=k),
            value=float(
                len(per_day.get(first + timedelta(days=k), ()))
                + went.get(first + timedelta(days=k), 0)
            ),
        )
        for k in range(span)
    ]


def goals(targets: Mapping[str, int | None], actual: Mapping[str, int]) -> list[Goal]:
    return [
        Goal(
            name=name,
            label=label,
            target=targets.get(name),
            actual=actual.get(name) if name in TRACKED else None,
        )
        for name, label in GOALS.items()
    ]


def minutes_spent(
    meetings: Sequence[tuple[datetime, datetime, int | None, str]],
    contacts: Mapping[int, Sequence[Contact]],
    gatherings: Sequence[tuple[str, int]],
) -> int:
    """Minutes spent on the network in a week: calendar meetings with people (their length,
    a gathering's meeting once), calls and coffees logged without one (SPOKEN_MINUTES each),
    and the gatherings attended (their length)."""
    names = {name.strip().lower() for name, _ in gatherings}
    total = 0
    linked: set[int] = set()
    for start, end, interaction_id, title in meetings:
        if interaction_id is not None:
            linked.add(interaction_id)
        if title.strip().lower() in names:
            continue
        total += max(0, int((end - start).total_seconds() // 60))
    logged = {
        c.interaction_id
        for rows in contacts.values()
        for c in rows
        if c.kind in SPOKEN and c.interaction_id not in linked and c.role != "list"
    }
    total += SPOKEN_MINUTES * len(logged)
    total += sum(minutes for _, minutes in gatherings)
    return total


@record
class MonthCount(Record):
    month: date  # its first day
    mine: int  # interactions I made happen
    theirs: int  # messages they wrote to me


def month_counts(
    contacts: Iterable[Contact], last: date, months: int, zone: tzinfo
) -> list[MonthCount]:
    """Interactions per month, mine and theirs, the `months` months up to `last`'s month."""
    first = _add_months(last.replace(day=1), -(months - 1))
    mine = [0] * months
    theirs = [0] * months
    for c in contacts:
        day = c.at.astimezone(zone).date()
        k = (day.year - first.year) * 12 + day.month - first.month
        if 0 <= k < months:
            if c.is_touch:
                mine[k] += 1
            elif c.is_personal_inbound:
                theirs[k] += 1
    return [
        MonthCount(month=_add_months(first, k), mine=mine[k], theirs=theirs[k])
        for k in range(months)
    ]


def _add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def scores_over(contacts: Sequence[Contact], times: Sequence[datetime]) -> list[float]:
    """A relationship's strength at each of `times` (ascending), from its interactions, in
    one pass over them. Only what the score depends on is kept — `practices.tally` without
    its waiting and fading memories — so it gives `tally.summarise(contacts, t).score` at
    each time (tested) for a fraction of the work."""
    from kithkin.practices.strength import HALF_LIFE_DAYS, score_of

    day = 86_400.0
    ref: float | None = None
    sums = {"weight": 0.0, "together": 0.0, "inbound": 0.0, "outbound": 0.0}
    last_mutual: float | None = None
    last_written: str | None = None
    ordered = sorted(contacts, key=lambda c: (c.at, c.interaction_id))
    out: list[float] = []
    i = 0
    for when in times:
        while i < len(ordered) and ordered[i].at <= when:
            c = ordered[i]
            i += 1
            at = c.at.timestamp()
            if ref is not None and at > ref:
                shrink = 0.5 ** ((at - ref) / day / HALF_LIFE_DAYS)
                sums = {k: v * shrink for k, v in sums.items()}
            ref = at if ref is None or at > ref else ref
            w = c.weight
            sums["weight"] += w
            side = _side(c)
            if side:
                sums[side] += w
            if ((c.kind in SPOKEN and c.direction != "neither") or c.direction == "both") and w > 0:
                last_mutual = at
            elif c.kind in WRITTEN and w > 0 and c.direction in ("from_me", "to_me"):
                writer = "me" if c.direction == "from_me" else "them"
                if last_written is not None and writer != last_written:
                    last_mutual = at
                last_written = writer
        decay = (
            1.0 if ref is None else 0.5 ** (max(0.0, when.timestamp() - ref) / day / HALF_LIFE_DAYS)
        )
        together, inbound, outbound = (sums[k] * decay for k in ("together", "inbound", "outbound"))
        total = together + inbound + outbound
        reciprocity = (together + 2 * min(inbound, outbound)) / total if total > 0 else 0.0
        since = None if last_mutual is None else (when.timestamp() - last_mutual) / day
        out.append(score_of(sums["weight"] * decay, reciprocity, since))
    return out


def _side(c: Contact) -> str | None:
    if c.kind in SPOKEN and c.direction != "neither":
        return "together"
    return {"from_me": "outbound", "to_me": "inbound", "both": "together"}.get(c.direction)
