"""What Today and the briefs read beyond the relationship table: muted agenda items, planned
meetings (interactions dated in the future, and calendar events), thread subjects, mail that
was answered from another client, and a person's notes and upcoming meetings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlalchemy import Connection, delete, func, insert, select

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.store import activity
from kithkin.store.bulk import chunks
from kithkin.store.schema import interaction, interaction_participant, person
from kithkin.store.schema_calendar import calendar_attendee, calendar_event
from kithkin.store.schema_circle import agenda_mute
from kithkin.store.schema_mail import mail_message

MEETING_KINDS: Final = ("meeting", "call", "coffee", "meal", "event")
ACTIONS: Final = ("snooze", "dismiss")


@dataclass(frozen=True)
class Mute:
    key: str
    fingerprint: str
    action: str  # snooze, dismiss
    until: datetime | None
    at: datetime


@dataclass(frozen=True)
class Planned:
    """A meeting (or call, coffee...) in the calendar, with the people in it."""

    key: str  # "i<interaction id>" or "c<calendar_event id>"
    at: datetime
    kind: str
    subject: str | None
    people: tuple[tuple[int, str], ...]  # (person id, display name), me excluded
    location: str | None = None


# -- muted items --------------------------------------------------------------------------------


def mutes(conn: Connection) -> dict[str, Mute]:
    return {
        row.item_key: Mute(row.item_key, row.fingerprint, row.action, row.until, row.at)
        for row in conn.execute(select(agenda_mute))
    }


def mute(
    conn: Connection,
    key: str,
    fingerprint: str,
    action: str,
    *,
    until: datetime | None = None,
    about: str = "",
    person_id: int | None = None,
) -> None:
    """Snooze (until a moment) or dismiss an agenda item, for as long as its reason stays."""
    if action not in ACTIONS:
        raise InvalidInput(f"unknown action {action!r}; use snooze or dismiss")
    conn.execute(delete(agenda_mute).where(agenda_mute.c.item_key == key))
    conn.execute(
        insert(agenda_mute).values(
            item_key=key, fingerprint=fingerprint, action=action, until=until, at=clock.now()
        )
    )
    what = f"snoozed until {until:%Y-%m-%d}" if until else "dismissed"
    activity.record(
        conn, f"today.{action}", f"{what}: {about or key}", person_id=person_id,
        payload={"key": key},
    )  # fmt: skip


# -- meetings -----------------------------------------------------------------------------------


def planned(conn: Connection, start: datetime, end: datetime) -> list[Planned]:
    """Meetings from `start` to `end`: interactions of a meeting kind dated then, and calendar
    events that count (not cancelled, not declined) and did not become interactions."""
    found: list[Planned] = []
    rows = list(
        conn.execute(
            select(interaction.c.id, interaction.c.occurred_at, interaction.c.kind,
                   interaction.c.subject)
            .where(interaction.c.occurred_at >= start, interaction.c.occurred_at < end,
                   interaction.c.kind.in_(MEETING_KINDS))
            .order_by(interaction.c.occurred_at, interaction.c.id)
        )
    )  # fmt: skip
    who = _people_of(conn, [r.id for r in rows])
    found += [
        Planned(f"i{r.id}", r.occurred_at, r.kind, r.subject, who.get(r.id, ())) for r in rows
    ]
    events = list(
        conn.execute(
            select(calendar_event)
            .where(calendar_event.c.start_at >= start, calendar_event.c.start_at < end,
                   calendar_event.c.counted.is_(True), calendar_event.c.interaction_id.is_(None))
            .order_by(calendar_event.c.start_at, calendar_event.c.id)
        )
    )  # fmt: skip
    attendees: dict[int, list[tuple[int, str]]] = {}
    for part in chunks([e.id for e in events]):
        for event_id, person_id, name, trashed in conn.execute(
            select(
                calendar_attendee.c.event_id, person.c.id, person.c.display_name,
                person.c.deleted_at,
            )
            .join(person, person.c.id == calendar_attendee.c.person_id)
            .where(calendar_attendee.c.event_id.in_(part))
            .order_by(person.c.display_name)
        ):  # fmt: skip
            if trashed is None:  # filtered here: see _people_of
                attendees.setdefault(int(event_id), []).append((int(person_id), str(name)))
    found += [
        Planned(f"c{e.id}", e.start_at, "meeting", e.summary, tuple(attendees.get(e.id, ())),
                e.location)
        for e in events
        if attendees.get(e.id)
    ]  # fmt: skip
    return sorted(found, key=lambda p: (p.at, p.key))


def upcoming_with(
    conn: Connection, person_id: int, now: datetime, *, limit: int = 5
) -> list[Planned]:
    """The person's planned interactions and calendar events after `now`."""
    ids = list(
        conn.scalars(
            select(interaction.c.id)
            .join(
                interaction_participant,
                interaction_participant.c.interaction_id == interaction.c.id,
            )
            .where(
                interaction_participant.c.person_id == person_id, interaction.c.occurred_at > now
            )
            .order_by(interaction.c.occurred_at)
            .limit(limit)
        )
    )
    rows = list(conn.execute(select(interaction).where(interaction.c.id.in_(ids))))
    who = _people_of(conn, ids)
    out = [Planned(f"i{r.id}", r.occurred_at, r.kind, r.subject, who.get(r.id, ())) for r in rows]
    for e in conn.execute(
        select(calendar_event)
        .join(calendar_attendee, calendar_attendee.c.event_id == calendar_event.c.id)
        .where(calendar_attendee.c.person_id == person_id, calendar_event.c.start_at > now,
               calendar_event.c.counted.is_(True), calendar_event.c.interaction_id.is_(None))
        .order_by(calendar_event.c.start_at)
        .limit(limit)
    ):  # fmt: skip
        out.append(Planned(f"c{e.id}", e.start_at, "meeting", e.summary, (), e.location))
    return sorted(out, key=lambda p: (p.at, p.key))[:limit]


def _people_of(conn: Connection, ids: list[int]) -> dict[int, tuple[tuple[int, str], ...]]:
    """The live people of each interaction, by name. (People in the trash are left out here,
    not in SQL: without statistics SQLite answers "deleted_at IS NULL" with its index on it,
    which walks every person of the network.)"""
    out: dict[int, set[tuple[int, str]]] = {}
    ip = interaction_participant
    for part in chunks(ids):
        for iid, pid, name, trashed in conn.execute(
            select(ip.c.interaction_id, person.c.id, person.c.display_name, person.c.deleted_at)
            .join(person, person.c.id == ip.c.person_id)
            .where(ip.c.interaction_id.in_(part))
        ):
            if trashed is None:
                out.setdefault(int(iid), set()).add((int(pid), str(name)))
    return {k: tuple(sorted(v, key=lambda p: (p[1], p[0]))) for k, v in out.items()}


# -- mail ---------------------------------------------------------------------------------------


def thread_subjects(conn: Connection, keys: Iterable[str]) -> dict[str, str]:
    """The subject each thread started with (its oldest interaction's subject)."""
    out: dict[str, str] = {}
    for part in chunks(sorted(set(keys))):
        first = (
            select(interaction.c.thread_key, func.min(interaction.c.occurred_at).label("at"))
            .where(interaction.c.thread_key.in_(part))
            .group_by(interaction.c.thread_key)
            .subquery()
        )
        for key, subject in conn.execute(
            select(interaction.c.thread_key, interaction.c.subject).join(
                first,
                (first.c.thread_key == interaction.c.thread_key)
                & (first.c.at == interaction.c.occurred_at),
            )
        ):
            if subject and key not in out:
                out[str(key)] = str(subject)
    return out


def answered_elsewhere(conn: Connection, interaction_ids: Iterable[int]) -> set[int]:
    """Messages marked answered (Maildir R flag) though no answer of mine was imported."""
    out: set[int] = set()
    for part in chunks(sorted(set(interaction_ids))):
        for iid, flags in conn.execute(
            select(mail_message.c.interaction_id, mail_message.c.flags).where(
                mail_message.c.interaction_id.in_(part)
            )
        ):
            if "R" in (flags or ""):
                out.add(int(iid))
    return out


def subjects_of(conn: Connection, interaction_ids: Iterable[int]) -> dict[int, str | None]:
    """What each interaction was about: its subject, else the first line of its summary."""
    out: dict[int, str | None] = {}
    for part in chunks(sorted(set(interaction_ids))):
        for iid, subject, summary in conn.execute(
            select(interaction.c.id, interaction.c.subject, interaction.c.summary).where(
                interaction.c.id.in_(part)
            )
        ):
            line = subject or (summary or "").strip().split("\n")[0] or None
            out[int(iid)] = line if line is None or len(line) <= 80 else line[:77] + "…"
    return out
