"""Deleting and merging people, undoing either, and the 30-day trash.

A delete only marks the person deleted; a merge moves every row of the second person onto the
first and remembers which rows it moved. Both are undoable until the trash is emptied, which
happens to rows older than `TRASH_DAYS` the next time anything is deleted.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound, NothingToUndo
from kithkin.model import Activity, PersonSummary
from kithkin.store import activity, search
from kithkin.store.people import summaries
from kithkin.store.rows import live_row
from kithkin.store.schema import (
    UTCDateTime,
    contact_point,
    duplicate_decision,
    interaction_participant,
    note,
    person,
    person_photo,
    person_tag,
    source_record,
    story_fact,
)
from kithkin.store.schema import (
    activity as activity_table,
)
from kithkin.store.schema_amplify import amplify_feed, amplify_item, share
from kithkin.store.schema_calendar import calendar_attendee
from kithkin.store.schema_gathering import gathering_person, reflection
from kithkin.store.schema_intro import intro, intro_party, intro_received
from kithkin.store.schema_knows import knows_evidence, knows_tie
from kithkin.store.schema_service import ledger_entry, need

TRASH_DAYS: Final = 30
_FILLABLE: Final = ("given_name", "family_name", "organisation", "title")
# Rows that belong to one person and move with them on a merge (undo moves them back by id).
_MOVED_BY_ID: Final = (
    contact_point, story_fact, note, source_record, person_photo,
    share, amplify_feed, amplify_item, need, ledger_entry, reflection,
)  # fmt: skip
_TIERS: Final = ("weak", "moderate", "strong")  # of a tie I stated, weakest first


def delete_person(conn: Connection, person_id: int) -> int:
    """Move a person to the trash; returns the activity id that `undo` reverses."""
    row = live_row(conn, person_id)
    conn.execute(update(person).where(person.c.id == person_id).values(deleted_at=clock.now()))
    search.reindex_person(conn, person_id)
    purge_expired(conn)
    return activity.record(
        conn,
        "person.delete",
        f"deleted {row.display_name} (in the trash for {TRASH_DAYS} days)",
        person_id=person_id,
        payload={"person_id": person_id},
        undoable=True,
    )


def restore_person(conn: Connection, person_id: int) -> None:
    row = conn.execute(select(person).where(person.c.id == person_id)).first()
    if row is None or row.deleted_at is None:
        raise NotFound(f"#{person_id} is not in the trash")
    if row.merged_into_id is not None:
        raise InvalidInput(
            f"{row.display_name} was merged into #{row.merged_into_id}; use undo to split them"
        )
    conn.execute(update(person).where(person.c.id == person_id).values(deleted_at=None))
    search.reindex_person(conn, person_id)
    # The delete is reversed: undo must not offer it again.
    conn.execute(
        update(activity_table)
        .where(
            activity_table.c.action == "person.delete",
            activity_table.c.person_id == person_id,
            activity_table.c.undone_at.is_(None),
        )
        .values(undone_at=clock.now())
    )
    activity.record(conn, "person.restore", f"restored {row.display_name}", person_id=person_id)


def merge_people(conn: Connection, keep_id: int, other_id: int) -> int:
    """Fold `other` into `keep`: every contact point, fact, note, tag, interaction, imported
    record (with its provenance), photo and "not the same person" decision moves.

    Empty name/organisation/title fields of `keep` are filled from `other`. Returns the
    activity id that `undo` reverses.
    """
    if keep_id == other_id:
        raise InvalidInput("cannot merge a person with themselves")
    keep = live_row(conn, keep_id)
    other = live_row(conn, other_id)
    moved: dict[str, list[Any]] = {}
    for table in _MOVED_BY_ID:
        ids = list(conn.scalars(select(table.c.id).where(table.c.person_id == other_id)))
        conn.execute(update(table).where(table.c.id.in_(ids)).values(person_id=keep_id))
        moved[table.name] = ids
    moved.update(_move_decisions(conn, keep_id, other_id))
    moved.update(_move_intros(conn, keep_id, other_id))
    moved.update(_move_gatherings(conn, keep_id, other_id))
    moved.update(_move_attendees(conn, keep_id, other_id))
    moved.update(_move_ties(conn, keep_id, other_id))

    keep_tags = set(
        conn.scalars(select(person_tag.c.tag_id).where(person_tag.c.person_id == keep_id))
    )
    other_tags = list(
        conn.scalars(select(person_tag.c.tag_id).where(person_tag.c.person_id == other_id))
    )
    conn.execute(delete(person_tag).where(person_tag.c.person_id == other_id))
    added = [t for t in other_tags if t not in keep_tags]
    if added:
        conn.execute(insert(person_tag), [{"person_id": keep_id, "tag_id": t} for t in added])
    moved["tags_other"] = other_tags
    moved["tags_added"] = added

    keep_parts = {
        (r.interaction_id, r.role)
        for r in conn.execute(
            select(interaction_participant).where(interaction_participant.c.person_id == keep_id)
        )
    }
    other_parts = [
        (r.interaction_id, r.role)
        for r in conn.execute(
            select(interaction_participant).where(interaction_participant.c.person_id == other_id)
        )
    ]
    conn.execute(
        delete(interaction_participant).where(interaction_participant.c.person_id == other_id)
    )
    new_parts = [p for p in other_parts if p not in keep_parts]
    if new_parts:
        conn.execute(
            insert(interaction_participant),
            [{"interaction_id": i, "person_id": keep_id, "role": r} for i, r in new_parts],
        )
    moved["participants_other"] = [list(p) for p in other_parts]
    moved["participants_added"] = [list(p) for p in new_parts]

    filled = fillable(keep, other)
    now = clock.now()
    if filled:
        conn.execute(
            update(person).where(person.c.id == keep_id).values({**filled, "updated_at": now})
        )
    conn.execute(
        update(person).where(person.c.id == other_id).values(deleted_at=now, merged_into_id=keep_id)
    )
    search.reindex_person(conn, keep_id)
    search.reindex_person(conn, other_id)
    return activity.record(
        conn,
        "person.merge",
        f"merged {other.display_name} (#{other_id}) into {keep.display_name} (#{keep_id})",
        person_id=keep_id,
        payload={"keep": keep_id, "other": other_id, "moved": moved, "filled": list(filled)},
        undoable=True,
    )


def merge_counts(conn: Connection, keep_id: int, other_id: int) -> tuple[int, int, int]:
    """What a merge would do to interactions: how many `keep` has, how many `other` has, and
    how many they share (both took part; after the merge they count once)."""
    rows = conn.execute(
        select(interaction_participant.c.person_id, interaction_participant.c.interaction_id)
        .where(interaction_participant.c.person_id.in_((keep_id, other_id)))
        .distinct()
    )
    of: dict[int, set[int]] = {keep_id: set(), other_id: set()}
    for person_id, interaction_id in rows:
        of[person_id].add(interaction_id)
    return len(of[keep_id]), len(of[other_id]), len(of[keep_id] & of[other_id])


# What else of a person moves on a merge, counted for its preview: (what, rows of `other`).
# Story facts, notes and contact points are listed one by one by the preview itself.
_ALSO_MOVED: Final = (
    ("need", "needs", need.c.person_id),
    ("ledger entry", "ledger entries", ledger_entry.c.person_id),
    ("post of theirs", "posts of theirs", share.c.person_id),
    ("feed", "feeds", amplify_feed.c.person_id),
    ("reflection", "reflections", reflection.c.person_id),
    ("gathering I met them at", "gatherings I met them at", gathering_person.c.person_id),
    ("calendar invitation", "calendar invitations", calendar_attendee.c.person_id),
    ("introduction", "introductions", intro_party.c.person_id),
    ("introduction they made", "introductions they made", intro.c.introducer_id),
    (
        "introduction they made for me",
        "introductions they made for me",
        intro_received.c.introducer_id,
    ),
    (
        "introduction made for me to them",
        "introductions made for me to them",
        intro_received.c.person_id,
    ),
    ("photo", "photos", person_photo.c.person_id),
)


def merge_also_moves(conn: Connection, other_id: int) -> dict[str, int]:
    """What a merge would move besides contacts, facts, notes, tags and interactions: how
    many rows of each kind `other` has, named in the singular or plural as the count needs
    (kinds with none left out), and the ties I stated of them."""
    counted = [
        (one, many, int(conn.execute(select(func.count()).where(column == other_id)).scalar_one()))
        for one, many, column in _ALSO_MOVED
    ]
    end = f"#{other_id}"
    ties = conn.execute(
        select(func.count()).where((knows_tie.c.a == end) | (knows_tie.c.b == end))
    ).scalar_one()
    counted.append(("tie I stated", "ties I stated", int(ties)))
    return {(one if n == 1 else many): n for one, many, n in counted if n}


def fillable(keep: Any, other: Any) -> dict[str, str]:
    """The name and work fields a merge copies from `other` because `keep` has none."""
    return {f: getattr(other, f) for f in _FILLABLE if not getattr(keep, f) and getattr(other, f)}


def last_undoable(conn: Connection) -> Activity | None:
    """The action `undo` with no argument would reverse, if any."""
    row = conn.execute(
        select(activity_table.c.id)
        .where(activity_table.c.undoable.is_(True), activity_table.c.undone_at.is_(None))
        .order_by(activity_table.c.id.desc())
        .limit(1)
    ).first()
    return activity.get(conn, int(row.id)) if row is not None else None


def undo(conn: Connection, activity_id: int | None = None) -> str:
    """Reverse the newest undoable action (or the one given); returns what was undone."""
    query = select(activity_table).where(
        activity_table.c.undoable.is_(True), activity_table.c.undone_at.is_(None)
    )
    if activity_id is not None:
        query = query.where(activity_table.c.id == activity_id)
    row = conn.execute(query.order_by(activity_table.c.id.desc()).limit(1)).first()
    if row is None:
        raise NothingToUndo(
            "nothing to undo" if activity_id is None else f"#{activity_id} cannot be undone"
        )
    payload = json.loads(row.payload)
    if row.action == "person.delete":
        _undelete(conn, payload["person_id"])
    elif row.action == "person.merge":
        _unmerge(conn, payload)
    else:  # pragma: no cover - only the actions above are ever recorded as undoable
        raise NothingToUndo(f"{row.action} cannot be undone")
    conn.execute(
        update(activity_table).where(activity_table.c.id == row.id).values(undone_at=clock.now())
    )
    activity.record(
        conn,
        "undo",
        f"undid: {row.summary}",
        person_id=row.person_id,
        payload={"activity_id": row.id},
    )
    return str(row.summary)


def trash(conn: Connection) -> list[tuple[PersonSummary, datetime]]:
    """People in the trash (deleted, not merged), newest first, with when they were deleted."""
    rows = list(
        conn.execute(
            select(
                person.c.id,
                person.c.display_name,
                person.c.organisation,
                person.c.title,
                person.c.deleted_at,
            )
            .where(person.c.deleted_at.is_not(None), person.c.merged_into_id.is_(None))
            .order_by(person.c.deleted_at.desc())
        )
    )
    deleted: list[datetime] = [r.deleted_at for r in rows]
    return list(zip(summaries(conn, rows), deleted, strict=True))


def purge_expired(conn: Connection, *, days: int = TRASH_DAYS) -> int:
    """Delete for good the people in the trash (or merged away) for more than `days` days."""
    cutoff = clock.now() - timedelta(days=days)
    ids = list(
        conn.scalars(
            select(person.c.id).where(
                and_(person.c.deleted_at.is_not(None), person.c.deleted_at < cutoff)
            )
        )
    )
    if not ids:
        return 0
    # What pointed at them can no longer be undone.
    conn.execute(
        update(activity_table)
        .where(activity_table.c.person_id.in_(ids), activity_table.c.undoable.is_(True))
        .values(undoable=False)
    )
    gone = set(ids)
    for row in conn.execute(
        select(activity_table.c.id, activity_table.c.payload).where(
            activity_table.c.action == "person.merge",
            activity_table.c.undoable.is_(True),
            activity_table.c.undone_at.is_(None),
        )
    ).all():
        if json.loads(row.payload)["other"] in gone:
            conn.execute(
                update(activity_table).where(activity_table.c.id == row.id).values(undoable=False)
            )
    conn.execute(update(person).where(person.c.merged_into_id.in_(ids)).values(merged_into_id=None))
    conn.execute(delete(person).where(person.c.id.in_(ids)))
    return len(ids)


def _undelete(conn: Connection, person_id: int) -> None:
    conn.execute(update(person).where(person.c.id == person_id).values(deleted_at=None))
    search.reindex_person(conn, person_id)


def _unmerge(conn: Connection, payload: dict[str, Any]) -> None:
    keep_id, other_id, moved = payload["keep"], payload["other"], payload["moved"]
    if conn.scalar(select(person.c.id).where(person.c.id == other_id)) is None:
        raise NothingToUndo(f"#{other_id} has been purged from the trash; the merge is final")
    for table in _MOVED_BY_ID:
        ids = moved.get(table.name, [])  # merges made before 0002 moved fewer tables
        conn.execute(update(table).where(table.c.id.in_(ids)).values(person_id=other_id))
    _restore_decisions(conn, keep_id, moved)
    _restore_intros(conn, other_id, moved)
    _restore_gatherings(conn, keep_id, other_id, moved)
    _restore_attendees(conn, other_id, moved)
    _restore_ties(conn, moved)
    added_tags = moved["tags_added"]
    conn.execute(
        delete(person_tag).where(
            person_tag.c.person_id == keep_id, person_tag.c.tag_id.in_(added_tags)
        )
    )
    if moved["tags_other"]:
        conn.execute(
            insert(person_tag), [{"person_id": other_id, "tag_id": t} for t in moved["tags_other"]]
        )
    for interaction_id, role in moved["participants_added"]:
        conn.execute(
            delete(interaction_participant).where(
                interaction_participant.c.interaction_id == interaction_id,
                interaction_participant.c.person_id == keep_id,
                interaction_participant.c.role == role,
            )
        )
    if moved["participants_other"]:
        conn.execute(
            insert(interaction_participant),
            [
                {"interaction_id": i, "person_id": other_id, "role": r}
                for i, r in moved["participants_other"]
            ],
        )
    if payload["filled"]:
        conn.execute(
            update(person).where(person.c.id == keep_id).values(dict.fromkeys(payload["filled"]))
        )
    conn.execute(
        update(person).where(person.c.id == other_id).values(deleted_at=None, merged_into_id=None)
    )
    search.reindex_person(conn, keep_id)
    search.reindex_person(conn, other_id)


def _move_decisions(conn: Connection, keep_id: int, other_id: int) -> dict[str, list[Any]]:
    """Move the user's not-the-same-person decisions about `other` over to `keep` (the one
    about the pair itself is dropped); returns what undo needs to put them back."""
    side = (duplicate_decision.c.person_a == other_id) | (duplicate_decision.c.person_b == other_id)
    rows = list(conn.execute(select(duplicate_decision).where(side)))
    conn.execute(delete(duplicate_decision).where(side))
    added: list[list[int]] = []
    for row in rows:
        third = row.person_b if row.person_a == other_id else row.person_a
        if third == keep_id:
            continue
        a, b = min(keep_id, third), max(keep_id, third)
        held = conn.scalar(
            select(func.count()).where(
                duplicate_decision.c.person_a == a, duplicate_decision.c.person_b == b
            )
        )
        if not held:
            conn.execute(
                insert(duplicate_decision).values(
                    person_a=a, person_b=b, decision=row.decision, decided_at=row.decided_at
                )
            )
            added.append([a, b])
    return {
        "decisions_other": [
            [r.person_a, r.person_b, r.decision, r.decided_at.isoformat()] for r in rows
        ],
        "decisions_added": added,
    }


def _restore_decisions(conn: Connection, keep_id: int, moved: dict[str, Any]) -> None:
    for a, b in moved.get("decisions_added", []):
        conn.execute(
            delete(duplicate_decision).where(
                duplicate_decision.c.person_a == a, duplicate_decision.c.person_b == b
            )
        )
    for a, b, decision, at in moved.get("decisions_other", []):
        conn.execute(
            insert(duplicate_decision).values(
                person_a=a, person_b=b, decision=decision, decided_at=datetime.fromisoformat(at)
            )
        )


def _move_intros(conn: Connection, keep_id: int, other_id: int) -> dict[str, Any]:
    """The introductions `other` is a party to, or made, become `keep`'s (with their parties'
    rows); an introduction between the two of them stays as it was (it would introduce
    someone to themselves)."""
    between = set(
        conn.scalars(
            select(intro.c.id).where(
                intro.c.pair_key == f"{min(keep_id, other_id)}-{max(keep_id, other_id)}"
            )
        )
    )
    out: dict[str, Any] = {}
    for column in ("a_id", "b_id", "introducer_id"):
        col = intro.c[column]
        ids = [
            i for i in conn.scalars(select(intro.c.id).where(col == other_id)) if i not in between
        ]
        if ids:
            conn.execute(update(intro).where(intro.c.id.in_(ids)).values({column: keep_id}))
        out[f"intro_{column}"] = ids
    _rekey_pairs(conn, out["intro_a_id"] + out["intro_b_id"])
    parties = [
        r.id
        for r in conn.execute(
            select(intro_party.c.id, intro_party.c.intro_id).where(
                intro_party.c.person_id == other_id
            )
        )
        if r.intro_id not in between
    ]
    if parties:
        conn.execute(
            update(intro_party).where(intro_party.c.id.in_(parties)).values(person_id=keep_id)
        )
    out["intro_parties"] = parties
    # the introductions made for me: by `other`, or of me to `other` (one between the two of
    # them stays as it was: it would have someone introduce me to themselves)
    for column, mate in (("introducer_id", "person_id"), ("person_id", "introducer_id")):
        col = intro_received.c[column]
        ids = list(
            conn.scalars(
                select(intro_received.c.id).where(
                    col == other_id, intro_received.c[mate] != keep_id
                )
            )
        )
        if ids:
            conn.execute(
                update(intro_received).where(intro_received.c.id.in_(ids)).values({column: keep_id})
            )
        out[f"received_{column}"] = ids
    return out


def _restore_intros(conn: Connection, other_id: int, moved: dict[str, Any]) -> None:
    for column in ("introducer_id", "person_id"):
        ids = moved.get(f"received_{column}", [])
        if ids:
            conn.execute(
                update(intro_received)
                .where(intro_received.c.id.in_(ids))
                .values({column: other_id})
            )
    for column in ("a_id", "b_id", "introducer_id"):
        ids = moved.get(f"intro_{column}", [])
        if ids:
            conn.execute(update(intro).where(intro.c.id.in_(ids)).values({column: other_id}))
    _rekey_pairs(conn, moved.get("intro_a_id", []) + moved.get("intro_b_id", []))
    parties = moved.get("intro_parties", [])
    if parties:
        conn.execute(
            update(intro_party).where(intro_party.c.id.in_(parties)).values(person_id=other_id)
        )


def _rekey_pairs(conn: Connection, intro_ids: list[int]) -> None:
    """The pair key of these introductions from their parties (after a party changed)."""
    for row in conn.execute(
        select(intro.c.id, intro.c.a_id, intro.c.b_id).where(intro.c.id.in_(intro_ids))
    ):
        low, high = sorted((int(row.a_id), int(row.b_id)))
        conn.execute(update(intro).where(intro.c.id == row.id).values(pair_key=f"{low}-{high}"))


def _move_gatherings(conn: Connection, keep_id: int, other_id: int) -> dict[str, Any]:
    """The gatherings where I met `other` become gatherings where I met `keep` (where I met
    both, `keep`'s day stays and `other`'s row is remembered for undo)."""
    mine = set(
        conn.scalars(
            select(gathering_person.c.gathering_id).where(gathering_person.c.person_id == keep_id)
        )
    )
    rows = list(
        conn.execute(select(gathering_person).where(gathering_person.c.person_id == other_id))
    )
    moved = [int(r.gathering_id) for r in rows if r.gathering_id not in mine]
    dropped = [
        [int(r.gathering_id), r.on_day.isoformat(), r.at.isoformat()]
        for r in rows
        if r.gathering_id in mine
    ]
    if dropped:
        conn.execute(
            delete(gathering_person).where(
                gathering_person.c.person_id == other_id,
                gathering_person.c.gathering_id.in_([d[0] for d in dropped]),
            )
        )
    if moved:
        conn.execute(
            update(gathering_person)
            .where(
                gathering_person.c.person_id == other_id,
                gathering_person.c.gathering_id.in_(moved),
            )
            .values(person_id=keep_id)
        )
    return {"gatherings_moved": moved, "gatherings_dropped": dropped}


def _restore_gatherings(
    conn: Connection, keep_id: int, other_id: int, moved: dict[str, Any]
) -> None:
    ids = moved.get("gatherings_moved", [])
    if ids:
        conn.execute(
            update(gathering_person)
            .where(
                gathering_person.c.person_id == keep_id, gathering_person.c.gathering_id.in_(ids)
            )
            .values(person_id=other_id)
        )
    dropped = moved.get("gatherings_dropped", [])
    if dropped:
        conn.execute(
            insert(gathering_person),
            [
                {
                    "gathering_id": g,
                    "person_id": other_id,
                    "on_day": date.fromisoformat(day),
                    "at": datetime.fromisoformat(at),
                }
                for g, day, at in dropped
            ],
        )


def _move_attendees(conn: Connection, keep_id: int, other_id: int) -> dict[str, Any]:
    """The calendar attendees that were `other` are `keep`."""
    keys = [
        [int(r.event_id), str(r.address)]
        for r in conn.execute(
            select(calendar_attendee.c.event_id, calendar_attendee.c.address).where(
                calendar_attendee.c.person_id == other_id
            )
        )
    ]
    if keys:
        conn.execute(
            update(calendar_attendee)
            .where(calendar_attendee.c.person_id == other_id)
            .values(person_id=keep_id)
        )
    return {"attendees": keys}


def _restore_attendees(conn: Connection, other_id: int, moved: dict[str, Any]) -> None:
    for event_id, address in moved.get("attendees", []):
        conn.execute(
            update(calendar_attendee)
            .where(calendar_attendee.c.event_id == event_id, calendar_attendee.c.address == address)
            .values(person_id=other_id)
        )


def _move_ties(conn: Connection, keep_id: int, other_id: int) -> dict[str, Any]:
    """The ties I stated of `other` (`#other` ends; ties of addresses follow the contact
    points) become `keep`'s: a tie to someone `keep` has a tie to already merges into it (the
    stronger tier stays), a tie between the two of them is dropped. Undo puts back every tie
    as it was from the rows remembered here."""
    old, new = f"#{other_id}", f"#{keep_id}"
    rows = list(
        conn.execute(select(knows_tie).where((knows_tie.c.a == old) | (knows_tie.c.b == old)))
    )
    if not rows:
        return {}
    ids = [int(r.id) for r in rows]
    pieces = list(conn.execute(select(knows_evidence).where(knows_evidence.c.tie_id.in_(ids))))
    saved: dict[str, Any] = {
        "ties": [_dump(knows_tie, r) for r in rows],
        "evidence": [_dump(knows_evidence, r) for r in pieces],
        "tiers": [],  # [tie id, its tier before] of the ties others merged into
    }
    gone = []
    for row in rows:
        x = new if row.a == old else str(row.a)
        y = new if row.b == old else str(row.b)
        if x == y:  # a tie between the two of them
            gone.append(int(row.id))
            continue
        a, b = min(x, y), max(x, y)
        held = conn.execute(
            select(knows_tie.c.id, knows_tie.c.stated).where(knows_tie.c.a == a, knows_tie.c.b == b)
        ).first()
        if held is None:
            conn.execute(update(knows_tie).where(knows_tie.c.id == row.id).values(a=a, b=b))
            continue
        gone.append(int(row.id))
        tier = max((held.stated, row.stated), key=lambda t: _TIERS.index(t) if t in _TIERS else -1)
        if tier != held.stated:
            saved["tiers"].append([int(held.id), held.stated])
            conn.execute(update(knows_tie).where(knows_tie.c.id == held.id).values(stated=tier))
    if gone:
        conn.execute(delete(knows_evidence).where(knows_evidence.c.tie_id.in_(gone)))
        conn.execute(delete(knows_tie).where(knows_tie.c.id.in_(gone)))
    return {"knows": saved}


def _restore_ties(conn: Connection, moved: dict[str, Any]) -> None:
    saved = moved.get("knows")
    if not saved:
        return
    for tie_id, tier in saved["tiers"]:
        conn.execute(update(knows_tie).where(knows_tie.c.id == tie_id).values(stated=tier))
    ids = [t["id"] for t in saved["ties"]]
    conn.execute(delete(knows_evidence).where(knows_evidence.c.tie_id.in_(ids)))
    conn.execute(delete(knows_tie).where(knows_tie.c.id.in_(ids)))
    conn.execute(insert(knows_tie), [_load(knows_tie, t) for t in saved["ties"]])
    if saved["evidence"]:
        conn.execute(insert(knows_evidence), [_load(knows_evidence, e) for e in saved["evidence"]])


def _dump(table: Any, row: Any) -> dict[str, Any]:
    """A row as JSON for an undo payload (times as ISO text)."""
    out = {}
    for c in table.columns:
        value = getattr(row, c.name)
        out[c.name] = value.isoformat() if isinstance(value, datetime) else value
    return out


def _load(table: Any, saved: dict[str, Any]) -> dict[str, Any]:
    """A row of `_dump` back as values to insert."""
    out = {}
    for c in table.columns:
        value = saved.get(c.name)
        if value is not None and isinstance(c.type, UTCDateTime):
            value = datetime.fromisoformat(value)
        out[c.name] = value
    return out
