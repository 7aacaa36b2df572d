"""Inbox hygiene in the store (practice P11): what subscriptions are made of, the person mail
they bury, the user's keep/digest rules, and the outbox every unsubscribe goes through.

Reads. `mail_atoms` reads the list, bulk and spam mail once, in one narrow select, and sums it
per *atom*: one List-Id, or (mail without one) one sender address — the natural columns a
subscription is made of; `practices.hygiene` joins atoms into subscriptions (by unsubscribe
target, by domain). Measured on 200,000 messages (130,000 of them list, bulk or spam, from
10,000 senders): the narrow select and one Python pass take 0.6 s, of which SQLite's scan of
the table is 0.35 s; SQLite's GROUP BY on the same keys and the day takes 0.75 s before any
Python runs (it sorts). `unanswered` finds the person mail to me that no message of mine
answered (later in its thread, or by In-Reply-To), with the indexes on (thread, date) and
In-Reply-To (0.17 s there).

Writes. Every one appends an activity row in its transaction. The outbox is written in three
steps, each its own transaction (the caller's `db.write()`): `record_action` before anything
is tried (or the row recorded before, found by its idempotency key), `start_attempt` as the
attempt begins (a crash from there leaves the row "trying", visible as such, and never tried
again without being asked to), `finish_attempt` with the outcome. A done or refused row is
never tried again.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Row,
    String,
    and_,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    type_coerce,
)
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError

from kithkin import clock
from kithkin.errors import Conflict, InvalidInput, NotFound
from kithkin.model import Atom as Atom
from kithkin.model import OutboxEntry as OutboxEntry
from kithkin.model import PersonMail as PersonMail
from kithkin.model import SubscriptionRule as Rule
from kithkin.model import Unanswered as Unanswered
from kithkin.store import activity
from kithkin.store.bulk import among, chunks
from kithkin.store.schema import contact_point, interaction, interaction_participant, person
from kithkin.store.schema_circle import member_key
from kithkin.store.schema_hygiene import outbox, subscription_rule
from kithkin.store.schema_mail import mail_file, mail_message, mail_source

RULES: Final = ("keep", "digest")
METHODS: Final = ("one-click", "mailto", "web")
STATUSES: Final = ("pending", "trying", "done", "failed", "refused")
FINISHED: Final = ("done", "failed", "refused")
OUTCOME_CHARS: Final = 500
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

m = mail_message

# -- what subscriptions are made of ---------------------------------------------------------------


_MINE: Final = ("from_me", "both")  # my messages: engagement, not mail received
_Key = tuple[str | None, str | None]  # (List-Id, None) or (None, sender)


def own_mail(member_id: int | None, table: Any = mail_message) -> list[Any]:
    """The condition on `mail_message` (or an alias of it) of a member's own mail: read from
    the mailboxes they imported (team mode); none for the one user of a personal database."""
    if member_id is None:
        return []
    mine = select(mail_source.c.id).where(mail_source.c.member_id == member_id)
    return [table.c.source_id.in_(mine)]


def mail_atoms(conn: Connection, *, member_id: int | None = None) -> list[Atom]:
    """Every atom of list, bulk and spam mail, and my messages to each (see `Atom`); in team
    mode of the member's own mailboxes."""
    keeps_flags = flagged_sources(conn)
    # flags read as plain integers, dates as stored (see _when): 130,000 rows come a third
    # faster without SQLAlchemy converting each value
    has_unsub = type_coerce(m.c.list_unsubscribe.is_not(None), Integer)
    named = type_coerce(m.c.list_name.is_not(None), Integer)
    rows = conn.execute(
        select(
            m.c.id, m.c.category, m.c.direction, type_coerce(m.c.date, String),
            m.c.from_address, m.c.list_id, has_unsub, m.c.flags,
            type_coerce(m.c.has_dkim, Integer), m.c.source_id, named,
        ).where(m.c.category != "person", *own_mail(member_id))
    ).all()  # fmt: skip
    sums: dict[_Key, _Sum] = {}
    lower: dict[str, _Key] = {}
    text_dates = conn.dialect.name == "sqlite"  # the seam: see _when
    for mid, category, direction, raw, sender, list_id, unsub, flags, dkim, source, name in rows:
        if list_id is not None:
            key = lower.get(list_id)
            if key is None:
                key = lower[list_id] = (normal_list_id(list_id), None)
        else:
            key = (None, sender)
        acc = sums.get(key)
        if acc is None:
            acc = sums[key] = _Sum()
        if direction == "from_me" or direction == "both":
            acc.mine.add(mid)
            continue
        if sender is not None:
            acc.senders[sender] = acc.senders.get(sender, 0) + 1
        if name and raw is not None and (acc.named is None or (raw, mid) > acc.named):
            acc.named = (raw, mid)
        if category == "spam":
            acc.spam += 1
            if raw is not None:
                acc.spam_dates.append((raw, mid, unsub))
            continue
        acc.received += 1
        if category == "bulk":
            acc.bulk += 1
        if dkim:
            acc.dkim += 1
        if source in keeps_flags:
            acc.flagged += 1
            if "S" in flags:
                acc.seen += 1
        if raw is not None:
            day = raw[:10] if text_dates else raw.date()
            acc.days[day] = acc.days.get(day, 0) + 1
            stamp = (raw, mid)
            if acc.last is None or stamp > acc.last:
                acc.last = stamp
            if acc.first is None or raw < acc.first:
                acc.first = raw
            if unsub and (acc.unsub is None or stamp > acc.unsub):
                acc.unsub = stamp
    _add_answers(conn, sums, lower, member_id)
    return _atoms(conn, sums)


class _Sum:
    """An atom being summed: raw dates (see `_when`), and the (raw date, id) of the messages
    whose name and List-Unsubscribe it takes."""

    __slots__ = (
        "bulk", "days", "dkim", "first", "flagged", "last", "mine", "named", "received", "seen",
        "senders", "spam", "spam_dates", "unsub",
    )  # fmt: skip

    def __init__(self) -> None:
        self.received = self.bulk = self.spam = self.seen = self.flagged = self.dkim = 0
        self.first: Any = None
        self.last: tuple[Any, int] | None = None
        self.unsub: tuple[Any, int] | None = None
        self.named: tuple[Any, int] | None = None  # the latest message naming its list
        self.days: dict[Any, int] = {}
        self.senders: dict[str, int] = {}
        self.spam_dates: list[tuple[Any, int, bool]] = []
        self.mine: set[int] = set()


def _add_answers(
    conn: Connection, sums: dict[_Key, _Sum], lower: dict[str, _Key], member_id: int | None
) -> None:
    """My messages later in a thread where an atom's received mail is: my answers to it."""
    me = m.alias("mine")
    rows = conn.execute(
        select(me.c.id, m.c.list_id, m.c.from_address)
        .distinct()
        .join(m, and_(m.c.thread_id == me.c.thread_id, m.c.date < me.c.date))
        .where(
            me.c.direction == "from_me",
            me.c.thread_id.is_not(None),
            m.c.category.in_(("list", "bulk")),
            m.c.direction != "from_me",
            *own_mail(member_id, me),
            *own_mail(member_id),
        )
    )
    for mid, list_id, sender in rows:
        key = lower.get(list_id) if list_id is not None else (None, sender)
        found = sums.get(key) if key is not None else None
        if found is not None:
            found.mine.add(mid)


def _atoms(conn: Connection, sums: dict[_Key, _Sum]) -> list[Atom]:
    # the messages it takes its sender's name, unsubscribe header (from spam?) and list name from
    picks: dict[_Key, tuple[int | None, int | None, bool, int | None]] = {}
    for key, s in sums.items():
        named = s.named[1] if s.named else None
        if s.received:
            last, unsub = s.last[1] if s.last else None, s.unsub[1] if s.unsub else None
            picks[key] = (last, unsub, False, named)
        elif s.spam_dates:
            top = max(s.spam_dates)
            signed_off = max((d for d in s.spam_dates if d[2]), default=None)
            unsub = signed_off[1] if signed_off else None
            picks[key] = (top[1], unsub, signed_off is not None, named)
    # (spam only: no sender's name is read, the address is enough; its List-Unsubscribe, if
    # any, is read to group it)
    wanted = {
        i
        for (key, pick) in picks.items()
        for i in (pick[0] if sums[key].received else None, pick[1], pick[3])
        if i is not None
    }
    details: dict[int, Any] = {}
    for part in chunks(sorted(wanted)):
        for row in conn.execute(
            select(m.c.id, m.c.list_name, m.c.from_name, m.c.list_unsubscribe,
                   m.c.list_unsubscribe_post).where(among(conn, m.c.id, part))
        ):  # fmt: skip
            details[int(row.id)] = row
    out: list[Atom] = []
    for (list_id, sender), s in sums.items():
        if not s.received and not s.spam:
            continue  # only my own messages
        latest_id, unsub_id, unsub_from_spam, named_id = picks.get(
            (list_id, sender), (None, None, False, None)
        )
        latest = details.get(latest_id) if latest_id is not None else None
        naming = details.get(named_id) if named_id is not None else None
        list_name = _clean(naming.list_name) if naming is not None else None
        name = _clean(latest.from_name) if latest is not None else None
        unsub = details.get(unsub_id) if unsub_id is not None else None
        if s.received:
            first, last = s.first, (s.last[0] if s.last else None)
        else:
            first = min((d[0] for d in s.spam_dates), default=None)
            last = max((d[0] for d in s.spam_dates), default=None)
        out.append(
            Atom(
                list_id=list_id,
                sender=sender,
                received=s.received,
                bulk=s.bulk,
                spam=s.spam,
                first_at=_when(first),
                last_at=_when(last),
                seen=s.seen,
                flagged=s.flagged,
                dkim=s.dkim,
                replies=len(s.mine),
                days={_date(k): v for k, v in s.days.items()},
                senders=dict(sorted(s.senders.items(), key=lambda kv: (-kv[1], kv[0]))),
                list_name=list_name,
                name=name,
                unsubscribe=unsub.list_unsubscribe if unsub is not None else None,
                unsubscribe_post=unsub.list_unsubscribe_post if unsub is not None else None,
                unsubscribe_from_spam=unsub_from_spam,
            )
        )
    return out


def _clean(text: str | None) -> str | None:
    return " ".join(text.split()) or None if text else None


def normal_list_id(value: str) -> str:
    """A List-Id as a key: the id between angle brackets if given with a name, lower-case."""
    text = value.strip()
    if "<" in text and ">" in text:
        text = text[text.rindex("<") + 1 : text.rindex(">")]
    return text.strip().lower()


def flagged_sources(conn: Connection) -> set[int]:
    """Mailboxes that keep read flags: IMAP folders, Maildirs, and any mailbox where some
    message carries a flag (an mbox with Status headers). In the others an empty flag says
    nothing: a read rate is only computed over messages from these."""
    found = {
        int(i) for i in conn.scalars(select(mail_source.c.id).where(mail_source.c.kind == "imap"))
    }
    found |= {
        int(i)
        for i in conn.scalars(select(m.c.source_id).where(m.c.flags != "").distinct())
        if i is not None
    }
    found |= {
        int(i)
        for i in conn.scalars(
            select(mail_file.c.source_id)
            .where(or_(mail_file.c.path.contains("/cur/"), mail_file.c.path.contains("/new/")))
            .distinct()
        )
    }
    return found


# Raw dates (the seam): read without their type's conversion, the 130,000 dates of a large
# mailbox cost a string slice each on SQLite (where UTCDateTime stores naive UTC text,
# "2024-03-04 09:30:00.000000", which sorts as it reads); PostgreSQL hands back datetimes.


def _date(day: Any) -> date:
    return date.fromisoformat(day) if isinstance(day, str) else day


def _when(raw: Any) -> datetime | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        return datetime.fromisoformat(raw + "+00:00")  # naive UTC text: one C call
    assert isinstance(raw, datetime)
    return raw.replace(tzinfo=UTC) if raw.tzinfo is None else raw.astimezone(UTC)


# -- person mail left unanswered -----------------------------------------------------------------


def unanswered(
    conn: Connection, *, since: datetime | None = None, member_id: int | None = None
) -> list[Unanswered]:
    """Person mail to me (dated, from `since`) with no later message of mine in its thread,
    no message of mine answering it (In-Reply-To) and no "answered" flag, oldest first; in
    team mode of the member's own mailboxes (and answered by them)."""
    reply = m.alias("reply")
    later_in_thread = exists().where(
        reply.c.thread_id == m.c.thread_id,
        reply.c.date > m.c.date,
        reply.c.direction == "from_me",
        *own_mail(member_id, reply),
    )
    answering = exists().where(
        reply.c.in_reply_to == m.c.message_id,
        reply.c.direction == "from_me",
        *own_mail(member_id, reply),
    )
    query = (
        select(m.c.id, type_coerce(m.c.date, String), m.c.from_address, contact_point.c.person_id)
        .outerjoin(
            contact_point,
            and_(contact_point.c.kind == "email", contact_point.c.normalized == m.c.from_address),
        )
        .where(
            m.c.category == "person",
            m.c.direction == "to_me",
            m.c.date.is_not(None),
            ~m.c.flags.contains("R"),
            ~later_in_thread,
            ~answering,
            *own_mail(member_id),
        )
    )
    if since is not None:
        query = query.where(m.c.date >= since)
    rows = conn.execute(query).all()
    trashed = _trashed(conn, {pid for *_, pid in rows if pid is not None})
    out = [
        Unanswered(mid, _when(raw) or _EPOCH, sender, None if pid in trashed else pid)
        for mid, raw, sender, pid in rows  # (raw is never None: see the query)
    ]
    return sorted(out, key=lambda u: (u.date, u.id))


def _trashed(conn: Connection, person_ids: set[int]) -> set[int]:
    out: set[int] = set()
    for part in chunks(sorted(person_ids)):
        out |= {
            int(pid)
            for pid, deleted in conn.execute(
                select(person.c.id, person.c.deleted_at).where(among(conn, person.c.id, part))
            )
            if deleted is not None
        }
    return out


def person_mail(conn: Connection, ids: Iterable[int]) -> dict[int, PersonMail]:
    """Messages by id, with the name of the person who sent each."""
    out: dict[int, PersonMail] = {}
    for part in chunks(sorted(set(ids))):
        for row in conn.execute(
            select(
                m.c.id, m.c.date, m.c.from_address, m.c.from_name, m.c.subject,
                person.c.id.label("person_id"), person.c.display_name, person.c.deleted_at,
            )
            .outerjoin(
                contact_point,
                and_(contact_point.c.kind == "email",
                     contact_point.c.normalized == m.c.from_address),
            )
            .outerjoin(person, person.c.id == contact_point.c.person_id)
            .where(among(conn, m.c.id, part))
        ):  # fmt: skip
            alive = row.person_id is not None and row.deleted_at is None
            out[int(row.id)] = PersonMail(
                id=row.id,
                date=row.date,
                from_address=row.from_address,
                from_name=row.from_name,
                subject=row.subject,
                person_id=row.person_id if alive else None,
                display_name=row.display_name if alive else None,
            )
    return out


def first_written(conn: Connection, person_ids: Iterable[int]) -> dict[int, datetime]:
    """When I first wrote to each of these people (a message of mine they were on), if ever."""
    ip, i = interaction_participant, interaction
    out: dict[int, datetime] = {}
    for part in chunks(sorted(set(person_ids))):
        for pid, at in conn.execute(
            select(ip.c.person_id, func.min(i.c.occurred_at))
            .join(i, i.c.id == ip.c.interaction_id)
            .where(among(conn, ip.c.person_id, part), i.c.direction == "from_me")
            .group_by(ip.c.person_id)
        ):
            out[int(pid)] = at
    return out


def known_addresses(conn: Connection, addresses: Iterable[str]) -> set[str]:
    """Which of these addresses belong to a person in kithkin (a correspondent or a contact)."""
    out: set[str] = set()
    for part in chunks(sorted(set(addresses))):
        out |= {
            str(a)
            for a in conn.scalars(
                select(contact_point.c.normalized).where(
                    contact_point.c.kind == "email", among(conn, contact_point.c.normalized, part)
                )
            )
        }
    return out


# -- keep and digest rules -----------------------------------------------------------------------


def rules(conn: Connection, member_id: int | None = None) -> dict[str, Rule]:
    """The rules on subscriptions of the one user, or in team mode of a member."""
    mine = subscription_rule.c.member_id == member_key(member_id)
    return {
        row.subscription_key: Rule(row.subscription_key, row.rule, row.set_at, row.note)
        for row in conn.execute(select(subscription_rule).where(mine))
    }


def set_rule(
    conn: Connection,
    key: str,
    rule: str | None,
    *,
    note: str | None = None,
    label: str = "",
    member_id: int | None = None,
) -> Rule | None:
    """Keep a subscription (never proposed for unsubscribing again), read it as a digest,
    or (None) drop the rule: the one user's, or in team mode the member's own. `label` names
    it in the activity log."""
    key = key.strip()
    if not key:
        raise InvalidInput("which subscription? give its key")
    if rule is not None and rule not in RULES:
        raise InvalidInput(f"unknown rule {rule!r}; use keep or digest")
    whose = member_key(member_id)
    conn.execute(
        delete(subscription_rule).where(
            subscription_rule.c.member_id == whose, subscription_rule.c.subscription_key == key
        )
    )
    about = label or key
    if rule is None:
        activity.record(conn, "hygiene.rule", f"no rule for {about} any more", payload={"key": key})
        return None
    made = Rule(key, rule, clock.now(), note.strip() if note and note.strip() else None)
    conn.execute(
        insert(subscription_rule).values(
            member_id=whose, subscription_key=key, rule=rule, set_at=made.set_at, note=made.note
        )
    )
    said = "keep (never proposed again)" if rule == "keep" else "read as a digest"
    activity.record(conn, "hygiene.rule", f"{about}: {said}", payload={"key": key, "rule": rule})
    return made


# -- the outbox --------------------------------------------------------------------------------


def idempotency_key(action: str, subscription_key: str, method: str, target: str) -> str:
    text = "\n".join((action, subscription_key, method, target))
    return hashlib.sha256(text.encode()).hexdigest()


def record_action(
    conn: Connection,
    *,
    action: str,
    subscription_key: str,
    method: str,
    target: str,
    domain: str = "kithkin.invalid",
    message_id: str | None = None,
    member_id: int | None = None,
) -> OutboxEntry:
    """Record an action before it is tried (status pending); the same action (action,
    subscription, method, target) recorded before is returned as it stands, whatever its
    status. A mailto action gets its Message-ID now (`<random@domain>`), for every attempt.
    In team mode the action is the member's (`member_id`): another member's same action is
    theirs, recorded apart."""
    if not action.strip() or len(action) > 16:
        raise InvalidInput(f"not an action: {action!r}")
    if method not in METHODS:
        raise InvalidInput(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if not target.strip() or not subscription_key.strip():
        raise InvalidInput("an outbox action needs a subscription and a target")
    ikey = idempotency_key(action, subscription_key, method, target)
    if member_id is not None:
        ikey = idempotency_key(action, f"member {member_id}\n{subscription_key}", method, target)
    found = _entry_by(conn, outbox.c.idempotency_key == ikey)
    if found is not None:
        return found
    values = {
        "action": action,
        "subscription_key": subscription_key,
        "method": method,
        "target": target,
        "idempotency_key": ikey,
        "status": "pending",
        "created_at": clock.now(),
        "attempts": 0,
        "message_id": (message_id or f"<{uuid.uuid4().hex}@{domain}>")
        if method == "mailto"
        else None,
        "member_id": member_id,
    }
    try:
        with conn.begin_nested():  # another writer (PostgreSQL) may have recorded it meanwhile
            conn.execute(insert(outbox).values(**values))
    except IntegrityError:
        again = _entry_by(conn, outbox.c.idempotency_key == ikey)
        if again is None:
            raise
        return again
    made = _entry_by(conn, outbox.c.idempotency_key == ikey)
    assert made is not None
    activity.record(
        conn, "outbox.record", f"{action} {subscription_key} by {method}: recorded",
        payload={"outbox_id": made.id, "target": target},
    )  # fmt: skip
    return made


def start_attempt(conn: Connection, entry_id: int, *, resume: bool = False) -> OutboxEntry:
    """Mark an attempt begun (status trying, attempts + 1). A done or refused action is never
    tried again; one left "trying" (a crash mid-attempt) only with `resume`."""
    entry = entry_of(conn, entry_id)
    if entry.status in ("done", "refused"):
        raise Conflict(f"outbox #{entry_id} is {entry.status} already: it is never tried twice")
    if entry.status == "trying" and not resume:
        raise Conflict(
            f"outbox #{entry_id}: an attempt began {entry.tried_at:%Y-%m-%d %H:%M} and never "
            "finished; check whether it went out, then resume it on purpose"
        )
    result = conn.execute(
        sql_update(outbox)
        .where(outbox.c.id == entry_id, outbox.c.status == entry.status)
        .values(status="trying", tried_at=clock.now(), attempts=outbox.c.attempts + 1)
    )
    if not result.rowcount:
        raise Conflict(f"outbox #{entry_id} changed meanwhile; look at it again")
    activity.record(
        conn, "outbox.try", f"{entry.action} {entry.subscription_key} by {entry.method}: "
        f"attempt {entry.attempts + 1}", payload={"outbox_id": entry_id},
    )  # fmt: skip
    return entry_of(conn, entry_id)


def finish_attempt(conn: Connection, entry_id: int, status: str, outcome: str) -> OutboxEntry:
    """The outcome of an attempt: done, failed (may be tried again) or refused (never; also
    for an action refused before any attempt), with a one-line outcome."""
    if status not in FINISHED:
        raise InvalidInput(f"unknown outcome status {status!r}; use done, failed or refused")
    entry = entry_of(conn, entry_id)
    allowed = ("trying", "pending") if status == "refused" else ("trying",)
    if entry.status not in allowed:
        raise Conflict(f"outbox #{entry_id} is {entry.status}: no attempt to finish")
    line = " ".join(outcome.split())[:OUTCOME_CHARS]
    result = conn.execute(
        sql_update(outbox)
        .where(outbox.c.id == entry_id, outbox.c.status == entry.status)
        .values(status=status, finished_at=clock.now(), outcome=line)
    )
    if not result.rowcount:
        raise Conflict(f"outbox #{entry_id} changed meanwhile; look at it again")
    activity.record(
        conn, "outbox.finish", f"{entry.action} {entry.subscription_key} by {entry.method}: "
        f"{status}: {line}", payload={"outbox_id": entry_id, "status": status},
    )  # fmt: skip
    return entry_of(conn, entry_id)


def entry_of(conn: Connection, entry_id: int) -> OutboxEntry:
    found = _entry_by(conn, outbox.c.id == entry_id)
    if found is None:
        raise NotFound(f"no outbox entry #{entry_id}")
    return found


def entries_of(conn: Connection, entry_ids: Sequence[int]) -> dict[int, OutboxEntry]:
    """The outbox entries of these ids, in one query ({id: entry}; an unknown id is left
    out)."""
    if not entry_ids:
        return {}
    rows = conn.execute(select(outbox).where(outbox.c.id.in_(sorted(set(entry_ids)))))
    return {int(row.id): _entry(row) for row in rows}


def actions(
    conn: Connection,
    *,
    subscription_key: str | None = None,
    status: str | Sequence[str] | None = None,
    action: str | None = None,
    member_id: int | None = None,
) -> list[OutboxEntry]:
    """Outbox entries, oldest first, of one subscription, status(es) or action; in team mode
    the member's own (`member_id`; None: every entry, as on a personal database)."""
    query = select(outbox).order_by(outbox.c.id)
    if member_id is not None:
        query = query.where(outbox.c.member_id == member_id)
    if subscription_key is not None:
        query = query.where(outbox.c.subscription_key == subscription_key)
    if status is not None:
        query = query.where(outbox.c.status.in_([status] if isinstance(status, str) else status))
    if action is not None:
        query = query.where(outbox.c.action == action)
    return [_entry(row) for row in conn.execute(query)]


def _entry_by(conn: Connection, where: ColumnElement[bool]) -> OutboxEntry | None:
    row = conn.execute(select(outbox).where(where)).first()
    return _entry(row) if row is not None else None


def _entry(row: Row[Any]) -> OutboxEntry:
    return OutboxEntry(**{c.name: getattr(row, c.name) for c in outbox.columns})


# -- the original of an unsubscribe header -----------------------------------------------------


def unsubscribe_original(conn: Connection, uri: str) -> tuple[str, int] | None:
    """Where the latest message (not from a spam folder) whose List-Unsubscribe carries `uri`
    and a List-Unsubscribe-Post lives: (source file, offset), for checking its DKIM signature
    before a one-click unsubscribe. A scan of the table: it runs once per unsubscribe."""
    escaped = uri.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    m = mail_message.c
    row = conn.execute(
        select(m.source_file, m.source_offset)
        .where(
            m.list_unsubscribe.like(f"%{escaped}%", escape="\\"),
            m.list_unsubscribe_post.is_not(None),
            m.category != "spam",
        )
        .order_by(m.date.desc(), m.id.desc())
        .limit(1)
    ).first()
    return None if row is None else (str(row.source_file), int(row.source_offset))
