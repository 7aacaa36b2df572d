"""What Today and the briefs read beyond the relationship table: muted agenda items, planned
meetings (interactions dated in the future, and calendar events), thread subjects, mail that
was answered from another client, and a person's notes and upcoming meetings.

In team mode each reads the member's own (`member_id`; None: the one user of a personal
database): their mutes, their interactions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import Connection, delete, func, insert, or_, select

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.model import Mute, Planned, WroteToMe
from kithkin.store import activity
from kithkin.store.bulk import chunks
from kithkin.store.rows import by_name
from kithkin.store.schema import interaction, interaction_participant, of_member, person
from kithkin.store.schema_calendar import calendar_attendee, calendar_event
from kithkin.store.schema_circle import agenda_mute, member_key
from kithkin.store.schema_mail import mail_message

MEETING_KINDS: Final = ("meeting", "call", "coffee", "meal", "event")
LOGGED_SLACK: Final = timedelta(minutes=1)
ACTIONS: Final = ("snooze", "dismiss")


# -- muted items --------------------------------------------------------------------------------


def mutes(conn: Connection, member_id: int | None = None) -> dict[str, Mute]:
    return {
        row.item_key: Mute(row.item_key, row.fingerprint, row.action, row.until, row.at)
        for row in conn.execute(
            select(agenda_mute).where(agenda_mute.c.member_id == member_key(member_id))
        )
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
    member_id: int | None = None,
) -> None:
    """Snooze (until a moment) or dismiss an agenda item, for as long as its reason stays."""
    if action not in ACTIONS:
        raise InvalidInput(f"unknown action {action!r}; use snooze or dismiss")
    mine = member_key(member_id)
    conn.execute(
        delete(agenda_mute).where(agenda_mute.c.member_id == mine, agenda_mute.c.item_key == key)
    )
    conn.execute(
        insert(agenda_mute).values(
            member_id=mine,
            item_key=key,
            fingerprint=fingerprint,
            action=action,
            until=until,
            at=clock.now(),
        )
    )
    what = f"snoozed until {until:%Y-%m-%d}" if until else "dismissed"
    activity.record(
        conn, f"today.{action}", f"{what}: {about or key}", person_id=person_id,
        payload={"key": key},
    )  # fmt: skip


# -- meetings -----------------------------------------------------------------------------------


def planned(
    conn: Connection, start: datetime, end: datetime, member_id: int | None = None
) -> list[Planned]:
    """Meetings from `start` to `end`: interactions of a meeting kind dated then, and calendar
    events that count (not cancelled, not declined) and did not become interactions."""
    found: list[Planned] = []
    rows = list(
        conn.execute(
            select(interaction.c.id, interaction.c.occurred_at, interaction.c.kind,
                   interaction.c.subject, interaction.c.summary, interaction.c.source,
                   interaction.c.created_at)
            .where(interaction.c.occurred_at >= start, interaction.c.occurred_at < end,
                   interaction.c.kind.in_(MEETING_KINDS), *of_member(member_id))
            .order_by(interaction.c.occurred_at, interaction.c.id)
        )
    )  # fmt: skip
    who = _people_of(conn, [r.id for r in rows])
    found += [
        Planned(f"i{r.id}", r.occurred_at, r.kind, r.subject, who.get(r.id, ()),
                logged=_logged(r.source, r.created_at, r.occurred_at, r.summary))
        for r in rows
    ]  # fmt: skip
    events = list(
        conn.execute(
            select(calendar_event)
            .where(calendar_event.c.start_at >= start, calendar_event.c.start_at < end,
                   calendar_event.c.counted.is_(True), calendar_event.c.interaction_id.is_(None),
                   *of_member(member_id, calendar_event))
            .order_by(calendar_event.c.start_at, calendar_event.c.id)
        )
    )  # fmt: skip
    attendees: dict[int, list[tuple[int, str]]] = {}
    for part in chunks([e.id for e in events]):
        attending = conn.execute(
            select(
                calendar_attendee.c.event_id, person.c.id, person.c.display_name,
                person.c.deleted_at,
            )
            .join(person, person.c.id == calendar_attendee.c.person_id)
            .where(calendar_attendee.c.event_id.in_(part))
        ).all()  # fmt: skip
        for event_id, person_id, name, trashed in sorted(attending, key=by_name):
            if trashed is None:  # filtered here: see _people_of
                attendees.setdefault(int(event_id), []).append((int(person_id), str(name)))
    found += [
        Planned(f"c{e.id}", e.start_at, "meeting", e.summary, tuple(attendees.get(e.id, ())),
                e.location)
        for e in events
        if attendees.get(e.id)
    ]  # fmt: skip
    return sorted(found, key=lambda p: (p.at, p.key))


def _logged(
    source: str | None, created_at: datetime | None, occurred_at: datetime, summary: str | None
) -> bool:
    """An interaction logged by hand once it had happened (`kithkin log coffee Dana`, a
    minute's slack for the clock), or with a summary of how it went: nothing to log."""
    if summary:
        return True
    if source != "manual" or created_at is None:
        return False
    return created_at >= occurred_at - LOGGED_SLACK


def upcoming_with(
    conn: Connection,
    person_id: int,
    now: datetime,
    *,
    limit: int = 5,
    member_id: int | None = None,
) -> list[Planned]:
    """The person's planned interactions and calendar events after `now` (in team mode, the
    member's own)."""
    ids = list(
        conn.scalars(
            select(interaction.c.id)
            .join(
                interaction_participant,
                interaction_participant.c.interaction_id == interaction.c.id,
            )
            .where(
                interaction_participant.c.person_id == person_id,
                interaction.c.occurred_at > now,
                *of_member(member_id),
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
               calendar_event.c.counted.is_(True), calendar_event.c.interaction_id.is_(None),
               *of_member(member_id, calendar_event))
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


# -- mail whose answers the import cannot see ---------------------------------------------------


def mail_counts(
    conn: Connection,
    since: datetime,
    until: datetime,
    *,
    latest: int = 2000,
    member_id: int | None = None,
) -> tuple[int, int]:
    """(mail I sent, mail I received) among the `latest` mail interactions dated between
    `since` and `until` (bulk mail makes none): a mailbox imported without its Sent folder
    shows almost nothing of the first. Reads a bounded stretch of the date index."""
    recent = (
        select(interaction.c.direction)
        .where(
            interaction.c.occurred_at >= since,
            interaction.c.occurred_at <= until,
            interaction.c.kind == "email",
            *of_member(member_id),
        )
        .order_by(interaction.c.occurred_at.desc())
        .limit(latest)
        .subquery()
    )
    sent = received = 0
    for direction, count in conn.execute(
        select(recent.c.direction, func.count()).group_by(recent.c.direction)
    ):
        if direction in ("from_me", "both"):
            sent += int(count)
        elif direction == "to_me":
            received += int(count)
    return sent, received


def written_to_me(
    conn: Connection,
    since: datetime,
    until: datetime,
    *,
    within: float = 365.0,
    most_recipients: int = 3,
    limit: int = 100,
    member_id: int | None = None,
) -> list[WroteToMe]:
    """Live people who wrote to me directly (person mail with me among at most
    `most_recipients` recipients) at least twice in the `within` days before `until`, the last
    time between `since` and `until`, with nothing of mine (mail, meeting, call, note) since:
    whom Today can still show as waiting when my sent mail was not imported. Most messages
    first, then the latest."""
    p = interaction_participant.c
    rows = conn.execute(
        select(
            p.person_id,
            interaction.c.occurred_at,
            interaction.c.id,
            mail_message.c.from_address,
            mail_message.c.in_reply_to.is_not(None) | _reply_subject(mail_message.c.subject),
        )
        .select_from(
            interaction.join(interaction_participant, p.interaction_id == interaction.c.id)
            .join(mail_message, mail_message.c.interaction_id == interaction.c.id)
            .join(person, person.c.id == p.person_id)
        )
        .where(
            interaction.c.direction == "to_me",
            p.role == "from",
            mail_message.c.category == "person",
            mail_message.c.recipients <= most_recipients,
            interaction.c.occurred_at >= until - timedelta(days=within),
            interaction.c.occurred_at <= until,
            person.c.deleted_at.is_(None),
            *of_member(member_id),
        )
        .order_by(p.person_id, interaction.c.occurred_at)
    ).all()
    found: dict[int, list[tuple[datetime, int, str, bool]]] = {}
    for pid, at, iid, address, reply in rows:
        found.setdefault(int(pid), []).append((at, int(iid), address or "", bool(reply)))
    candidates = {
        pid: seen for pid, seen in found.items() if len(seen) >= 2 and seen[-1][0] >= since
    }
    if not candidates:
        return []
    touched = _touched_after(
        conn, {pid: seen[-1][0] for pid, seen in candidates.items()}, member_id
    )
    out = [
        WroteToMe(
            person_id=pid,
            count=len(seen),
            first_at=next(at for at, *_ in seen if at >= since),
            last_at=seen[-1][0],
            interaction_id=seen[-1][1],
            address=seen[-1][2],
            replies=sum(1 for *_, reply in seen if reply),
        )
        for pid, seen in candidates.items()
        if pid not in touched
    ]
    out.sort(key=lambda w: (-w.count, -w.last_at.timestamp(), w.person_id))
    return out[:limit]


def _reply_subject(subject: Any) -> Any:
    """A subject that answers: "Re:", "RE :", "AW:", "SV:" (portable SQL, no regex)."""
    lowered = func.lower(func.ltrim(subject))
    return or_(*(lowered.like(f"{prefix}%") for prefix in ("re:", "re :", "aw:", "sv:")))


def _touched_after(
    conn: Connection, last_at: dict[int, datetime], member_id: int | None = None
) -> set[int]:
    """The people among `last_at`'s with something of mine after that moment: a message I
    sent, or a meeting, call or note (which need no sent mail to be known)."""
    p = interaction_participant.c
    out: set[int] = set()
    for part in chunks(sorted(last_at)):
        for pid, at in conn.execute(
            select(p.person_id, func.max(interaction.c.occurred_at))
            .select_from(
                interaction.join(interaction_participant, p.interaction_id == interaction.c.id)
            )
            .where(
                p.person_id.in_(part),
                (interaction.c.direction.in_(("from_me", "both")))
                | interaction.c.kind.in_((*MEETING_KINDS, "note")),
                *of_member(member_id),
            )
            .group_by(p.person_id)
        ):
            if at is not None and at > last_at[int(pid)]:
                out.add(int(pid))
    return out
