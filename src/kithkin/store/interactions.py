"""Interactions (email, meeting, call, ...) with their participants, and a person's timeline."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Connection, func, insert, select

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.model import (
    DIRECTIONS,
    INTERACTION_KINDS,
    SOLO,
    Actor,
    Interaction,
    Participant,
    Record,
    TimelineEntry,
    record,
)
from kithkin.store import activity
from kithkin.store.bulk import Bulk, chunks
from kithkin.store.privacy import activity_visible
from kithkin.store.rows import by_name, clean, live_row
from kithkin.store.schema import activity as activity_table
from kithkin.store.schema import interaction, interaction_participant, person


def log_interaction(
    conn: Connection,
    *,
    kind: str,
    direction: str,
    occurred_at: datetime,
    participants: Sequence[int] | Iterable[tuple[int, str]],
    subject: str | None = None,
    summary: str | None = None,
    source: str = "manual",
    source_id: str | None = None,
    thread_key: str | None = None,
    record_activity: bool = True,
    member_id: int | None = None,
) -> tuple[int, bool]:
    """Store one interaction; returns (id, created).

    `participants` are person ids (role "with") or (id, role) pairs. The same (source,
    source_id) is stored once: a second call returns the first row and changes nothing.
    `member_id`: whose it is in team mode (None: the one user of a personal database).
    """
    if kind not in INTERACTION_KINDS:
        raise InvalidInput(f"unknown kind {kind!r}; use one of {', '.join(INTERACTION_KINDS)}")
    if direction not in DIRECTIONS:
        raise InvalidInput(f"unknown direction {direction!r}; use one of {', '.join(DIRECTIONS)}")
    pairs = sorted({(p, "with") if isinstance(p, int) else (int(p[0]), p[1]) for p in participants})
    if not pairs:
        raise InvalidInput("an interaction needs at least one other person")
    sid = source_id or uuid.uuid4().hex
    existing = conn.scalar(
        select(interaction.c.id).where(
            interaction.c.source == source, interaction.c.source_id == sid
        )
    )
    if existing is not None:
        return int(existing), False
    names = [live_row(conn, person_id).display_name for person_id, _ in pairs]
    key = conn.execute(
        insert(interaction).values(
            kind=kind,
            direction=direction,
            occurred_at=occurred_at,
            subject=clean(subject),
            summary=summary.strip() if summary else None,
            thread_key=thread_key,
            source=source,
            source_id=sid,
            created_at=clock.now(),
            member_id=member_id,
        )
    ).inserted_primary_key
    assert key is not None
    interaction_id = int(key[0])
    conn.execute(
        insert(interaction_participant),
        [{"interaction_id": interaction_id, "person_id": p, "role": r} for p, r in pairs],
    )
    if record_activity:
        about = f": {subject}" if subject else ""
        for (person_id, _), _name in zip(pairs, names, strict=True):
            activity.record(
                conn,
                "interaction.log",
                f"{kind} with {', '.join(dict.fromkeys(names))}{about}",
                person_id=person_id,
                payload={"interaction_id": interaction_id},
            )
    return interaction_id, True


def interactions_of(
    conn: Connection, person_id: int, *, limit: int = 200, viewer: int | None = None
) -> list[Interaction]:
    ids = list(
        conn.scalars(
            select(interaction.c.id)
            .join(
                interaction_participant,
                interaction_participant.c.interaction_id == interaction.c.id,
            )
            .where(interaction_participant.c.person_id == person_id)
            .group_by(interaction.c.id)
            .order_by(func.max(interaction.c.occurred_at).desc())
            .limit(limit)
        )
    )
    return get_interactions(conn, ids, viewer=viewer)


def get_interactions(
    conn: Connection, ids: Sequence[int], *, viewer: int | None = None
) -> list[Interaction]:
    """These interactions with their participants. `viewer`: the member reading them (team
    mode): a teammate's interaction shows as much as its mailbox lets the team see (its
    `team_sees`: metadata only, subjects, everything); one not from a mailbox (logged by
    hand, a meeting of a calendar) as metadata only."""
    if not ids:
        return []
    parts: dict[int, list[Participant]] = {}
    found = conn.execute(
        select(interaction_participant, person.c.display_name)
        .join(person, person.c.id == interaction_participant.c.person_id)
        .where(interaction_participant.c.interaction_id.in_(ids))
    ).all()
    for row in sorted(found, key=by_name):
        parts.setdefault(row.interaction_id, []).append(
            Participant(person_id=row.person_id, display_name=row.display_name, role=row.role)
        )
    rows = list(
        conn.execute(
            select(interaction)
            .where(interaction.c.id.in_(ids))
            .order_by(interaction.c.occurred_at.desc())
        )
    )
    theirs = {r.id for r in rows if viewer is not None and r.member_id not in (None, viewer)}
    sees = team_sees(conn, list(theirs))
    out = []
    for r in rows:
        level = sees.get(r.id, "metadata") if r.id in theirs else "everything"
        out.append(
            Interaction(
                id=r.id,
                kind=r.kind,
                direction=r.direction,
                occurred_at=r.occurred_at,
                subject=r.subject if level != "metadata" else None,
                summary=r.summary if level == "everything" else None,
                source=r.source,
                source_id=r.source_id,
                participants=tuple(parts.get(r.id, ())),
                member_id=r.member_id,
            )
        )
    return out


def team_sees(conn: Connection, interaction_ids: Sequence[int]) -> dict[int, str]:
    """What the team sees of each of these interactions that came from a mailbox: its
    mailbox's `team_sees` (metadata, subjects or everything)."""
    from kithkin.store.schema_mail import mail_message, mail_source

    out: dict[int, str] = {}
    for part in chunks(sorted(set(interaction_ids))):
        for iid, level in conn.execute(
            select(mail_message.c.interaction_id, mail_source.c.team_sees)
            .join(mail_source, mail_source.c.id == mail_message.c.source_id)
            .where(mail_message.c.interaction_id.in_(part))
        ):
            out[int(iid)] = str(level)
    return out


def timeline(
    conn: Connection,
    person_id: int,
    *,
    limit: int = 100,
    actor: Actor = SOLO,
    viewer: int | None = None,
) -> list[TimelineEntry]:
    """What happened with and about a person, newest first, from the activity log.

    Interactions logged by hand appear through their activity rows; imported interactions,
    which do not write one row each, are read from the interaction table directly. A
    teammate's interactions show as much as they let the team see (`viewer`, team mode).
    """
    live_row(conn, person_id)
    entries: list[TimelineEntry] = []
    for row in conn.execute(
        select(activity_table)
        .where(activity_table.c.person_id == person_id, activity_table.c.undone_at.is_(None))
        .where(activity_visible(actor))  # not another member's private notes' doings
        .order_by(activity_table.c.id.desc())
        .limit(limit)
    ):
        if row.action == "interaction.log":
            continue
        entries.append(
            TimelineEntry(at=row.at, kind=row.action, summary=row.summary, activity_id=row.id)
        )
    for item in interactions_of(conn, person_id, limit=limit, viewer=viewer):
        who = ", ".join(p.display_name for p in item.participants if p.person_id != person_id)
        arrow = {"from_me": "→", "to_me": "←", "both": "↔"}.get(item.direction, "·")
        text = f"{item.kind} {arrow} {item.subject or item.summary or ''}".rstrip()
        if who:
            text += f" (with {who})"
        entries.append(
            TimelineEntry(
                at=item.occurred_at, kind="interaction", summary=text, interaction_id=item.id
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


# -- in bulk: mail and calendar imports, the demo ---------------------------------------------

_ADD_INTERACTION = Bulk.insert(
    interaction,
    (
        "kind",
        "direction",
        "occurred_at",
        "subject",
        "thread_key",
        "source",
        "source_id",
        "created_at",
        "member_id",
    ),
)
_ADD_PARTICIPANT = Bulk.insert(interaction_participant, ("interaction_id", "person_id", "role"))


@record
class NewInteraction(Record):
    kind: str
    direction: str
    occurred_at: datetime
    subject: str | None
    thread_key: str | None
    source_id: str
    participants: tuple[tuple[int, str], ...]  # (person id, role), one role per person


def add_interactions(
    conn: Connection,
    items: Sequence[NewInteraction],
    *,
    source: str,
    member_id: int | None = None,
) -> dict[str, int]:
    """Insert interactions and their participants (the member's, in team mode); returns
    {source_id: interaction id}."""
    if not items:
        return {}
    at = clock.now()
    made = _ADD_INTERACTION.insert_ids(
        conn,
        [
            (
                i.kind,
                i.direction,
                i.occurred_at,
                i.subject,
                i.thread_key,
                source,
                i.source_id,
                at,
                member_id,
            )
            for i in items
        ],
        "source_id",
        interaction.c.source == source,
    )
    ids = {i.source_id: made_id for i, made_id in zip(items, made, strict=True)}
    _ADD_PARTICIPANT.execute(
        conn,
        [(ids[i.source_id], pid, role) for i in items for pid, role in i.participants],
    )
    return ids
