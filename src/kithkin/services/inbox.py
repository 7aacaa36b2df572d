"""Inbox hygiene (practice P11) as the user does it: the subscriptions ranked by cost, the
person mail they bury, the keep/digest rules, and the outbox every unsubscribe goes through.

The store is read here, once per use case, into a `hygiene.Reads` snapshot; the practice
decides on it. Leaving a subscription (the dry run, the doing) is `services.unsubscribe`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from kithkin.errors import InvalidInput, NotFound
from kithkin.model import SOLO, Actor, Record, record
from kithkin.model import OutboxEntry as OutboxEntry
from kithkin.practices.hygiene import Buried as Buried
from kithkin.practices.hygiene import Method as Method
from kithkin.practices.hygiene import Reads as Reads
from kithkin.practices.hygiene import Subscription as Subscription

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.store import Database

ACTION: Final = "unsubscribe"  # the outbox action an unsubscribe is recorded as
RULES: Final = ("keep", "digest")


def read(conn: Connection, *, details: bool = False, member_id: int | None = None) -> Reads:
    """The snapshot `hygiene.subscriptions` (and, with `details`, `hygiene.buried`) decide on,
    read in the caller's transaction (in team mode of the member's own mailboxes, with their
    own outbox)."""
    from kithkin.practices import hygiene
    from kithkin.store import circle, people
    from kithkin.store import hygiene as store

    atoms = store.mail_atoms(conn, member_id=member_id)
    waiting = store.unanswered(conn, member_id=member_id)
    members = circle.member_ids(conn, member_id)
    if member_id is None and not circle.is_seeded(conn):  # the tagged people until seeded
        tagged = people.list_people(conn, tag_name=circle.CIRCLE_TAG, limit=10_000)
        members |= {p.id for p in tagged}
    written = store.first_written(conn, {u.person_id for u in waiting if u.person_id})
    singles = {
        s for a in atoms if a.received == 1 and not a.spam and not a.list_id for s in a.senders
    }
    mail = {}
    if details:
        heavy = hygiene.heavy_days(atoms)
        mail = store.person_mail(conn, [u.id for u in waiting if u.date.date() in heavy])
    return Reads(
        atoms=atoms,
        unanswered=waiting,
        circle=frozenset(members),
        first_written=written,
        known=frozenset(store.known_addresses(conn, singles)),
        rules=store.rules(conn, member_id),
        outbox=store.actions(conn, action=ACTION, member_id=member_id),
        mail=mail,
    )


def ranked(conn: Connection, member_id: int | None = None) -> list[Subscription]:
    """Every subscription, ranked, in the caller's transaction."""
    from kithkin.practices import hygiene

    return hygiene.subscriptions(read(conn, member_id=member_id))


# -- naming a subscription --------------------------------------------------------------------


def short_id(key: str) -> str:
    """A subscription's id as the user types it: stable, since its key is."""
    return "s" + hashlib.sha256(key.encode()).hexdigest()[:6]


def find(subs: Sequence[Subscription], ref: str) -> Subscription:
    """A subscription by short id, key, the value of its key, or a unique piece of its key
    or label (case-insensitive)."""
    wanted = ref.strip().lower()
    if not wanted:
        raise InvalidInput("which subscription? give its id (kithkin inbox subscriptions)")
    for exact in (
        lambda s: short_id(s.key) == wanted,
        lambda s: s.key.lower() == wanted,
        lambda s: s.key.split(":", 1)[-1].lower() == wanted,
    ):
        found = [s for s in subs if exact(s)]
        if len(found) == 1:
            return found[0]
    found = [s for s in subs if wanted in s.key.lower() or wanted in s.label.lower()]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(f"no subscription matches {ref!r} (kithkin inbox subscriptions)")
    shown = ", ".join(f"{short_id(s.key)} {s.label}" for s in found[:6])
    more = f" and {len(found) - 6} more" if len(found) > 6 else ""
    raise InvalidInput(f"{ref!r} matches {len(found)} subscriptions ({shown}{more}): use an id")


# -- the reads --------------------------------------------------------------------------------


class _Sorted:
    """How ranked subscriptions are shown: the proposals (to leave or not), what looks like
    spam (report it instead), what the user keeps or reads as a digest."""

    subscriptions: tuple[Subscription, ...]

    @property
    def proposals(self) -> list[Subscription]:
        return [s for s in self.subscriptions if not s.looks_like_spam and not s.rule]

    @property
    def spam(self) -> list[Subscription]:
        return [s for s in self.subscriptions if s.looks_like_spam and not s.rule]

    @property
    def kept(self) -> list[Subscription]:
        return [s for s in self.subscriptions if s.rule]

    @property
    def offerable(self) -> int:
        """How many may be left now."""
        return sum(1 for s in self.subscriptions if s.offerable)


@record
class Ranked(_Sorted, Record):
    """Every subscription, ranked (see `subscriptions`)."""

    subscriptions: tuple[Subscription, ...]
    warnings: tuple[str, ...] = ()


@record
class Overview(_Sorted, Record):
    """The Inbox page: every subscription ranked, the buried mail, the unsubscribes."""

    subscriptions: tuple[Subscription, ...]
    buried: tuple[Buried, ...]
    outbox: tuple[OutboxEntry, ...]  # unsubscribes, oldest first
    warnings: tuple[str, ...] = ()

    @property
    def labels(self) -> dict[str, str]:
        """Subscription keys (and the aliases outbox entries may be under) to their labels."""
        out = {s.key: s.label for s in self.subscriptions}
        for s in self.subscriptions:
            for alias in s.aliases:
                out.setdefault(alias, s.label)
        return out


def overview(db: Database, *, buried_limit: int | None = None, actor: Actor = SOLO) -> Overview:
    """Everything the Inbox page shows, in one read of the mail (in team mode, of the acting
    member's own mailboxes)."""
    from kithkin.practices import hygiene

    with db.read() as conn:
        reads = read(conn, details=True, member_id=actor.member_id)
    return Overview(
        subscriptions=tuple(hygiene.subscriptions(reads)),
        buried=tuple(hygiene.buried(reads, limit=buried_limit)),
        outbox=tuple(reads.outbox),
    )


def subscriptions(db: Database, *, actor: Actor = SOLO) -> Ranked:
    """Every subscription, ranked: unsubscribe proposals by cost, what looks like spam, then
    what the user keeps or reads as a digest (in team mode, of the member's own mail)."""
    with db.read() as conn:
        return Ranked(subscriptions=tuple(ranked(conn, actor.member_id)))


def buried(db: Database, *, limit: int | None = None, actor: Actor = SOLO) -> list[Buried]:
    """Unanswered person mail that arrived among heavy list traffic, my circle first (in
    team mode, of the member's own mail)."""
    from kithkin.practices import hygiene

    with db.read() as conn:
        reads = read(conn, details=True, member_id=actor.member_id)
    return hygiene.buried(reads, limit=limit)


def outbox(
    db: Database,
    *,
    subscription_key: str | None = None,
    status: str | None = None,
    actor: Actor = SOLO,
) -> list[OutboxEntry]:
    """Outbox entries, oldest first (of one subscription, or one status); in team mode the
    acting member's own."""
    from kithkin.store import hygiene as store

    with db.read() as conn:
        return store.actions(
            conn,
            subscription_key=subscription_key,
            status=status,
            action=ACTION,
            member_id=actor.member_id,
        )


def outbox_entry(db: Database, *, entry_id: int) -> OutboxEntry:
    from kithkin.store import hygiene as store

    with db.read() as conn:
        return store.entry_of(conn, entry_id)


# -- keep and digest --------------------------------------------------------------------------


@record
class RuleSet(Record):
    """Subscriptions as they stand after a rule was set (or cleared) on them."""

    rule: str | None  # keep, digest; None: cleared
    subscriptions: tuple[Subscription, ...]
    warnings: tuple[str, ...] = ()


def set_rule(
    db: Database, *, subscriptions: Sequence[str], rule: str | None, actor: Actor = SOLO
) -> RuleSet:
    """Keep subscriptions (never proposed for unsubscribing again), read them as a digest,
    or (None) drop their rule; `subscriptions` are ids, keys or unique pieces of them."""
    from kithkin.practices import hygiene
    from kithkin.store import hygiene as store

    if rule is not None and rule not in RULES:
        raise InvalidInput(f"unknown rule {rule!r}: use keep, digest or clear")
    from kithkin.services import team

    with team.writing(db, actor, "setting a rule on a subscription") as conn:
        reads = read(conn, member_id=actor.member_id)
        subs = hygiene.subscriptions(reads)
        chosen = [find(subs, ref) for ref in subscriptions]
        for sub in chosen:
            store.set_rule(conn, sub.key, rule, label=sub.label, member_id=actor.member_id)
        reads = replace(reads, rules=store.rules(conn, actor.member_id))
    again = {s.key: s for s in hygiene.subscriptions(reads)}
    return RuleSet(rule=rule, subscriptions=tuple(again[s.key] for s in chosen))
