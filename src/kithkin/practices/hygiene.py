"""Inbox hygiene (practice P11): "aggressively unsubscribe from email lists so colleagues'
emails don't get lost".

Every subscription found in the imported mail, with how much it sends, how much I engage with
it, how it can be left, and a cost that ranks it; the person mail it buries; and whether an
unsubscribe may be offered at all — never for what looks like spam (unsubscribing from spam
only confirms the address to the sender: it is reported instead).

- A **subscription** is the list and bulk mail of one List-Id; without one, of one
  unsubscribe target (the mailto address, or the link's host and path, tokens left out); else
  of one sender address; bulk senders writing from several addresses of one domain
  (news@x, notifications@x) and with no better key are one subscription of the domain.
  Person mail is never a subscription. Messages that sat in a spam folder count apart: a
  real list some spam came through is a subscription, judged on its other messages; one made
  only of spam is never offered an unsubscribe.
- Its **cost** (0-100) is volume × low engagement × burial: how many a month (on a log scale,
  300 a month is the top), how little I read (flags, where the mailbox keeps them) or answer
  it, and how many messages from real people — my circle counting most, then people I write
  to — arrived on the same days and are still unanswered. It is explained in one line.
- **Buried** mail: person mail to me, unanswered, that arrived on a day of heavy list and bulk
  traffic; my circle first, then colleagues (people I had written to before), then others.
- After an unsubscribe is done, a subscription whose mail is dated more than `GRACE` after it
  is flagged "unsubscribe ignored".

Pure: the functions decide on a `Reads` snapshot (`services.inbox.read` takes it from the
store) and touch no database. Days are UTC days.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field
from datetime import UTC, date, datetime, timedelta
from typing import Final
from urllib.parse import unquote, urlsplit

from kithkin import clock
from kithkin.model import (
    Atom,
    OutboxEntry,
    PersonMail,
    Record,
    SubscriptionRule,
    Unanswered,
    count_of,
    record,
)

GRACE: Final = timedelta(days=2)  # a list may send for this long after an unsubscribe
TOP_PER_MONTH: Final = 300.0  # the volume that counts fully
TOP_BURIED: Final = 20.0  # the weight of buried person mail that counts fully
BURIED_FLOOR: Final = 0.4  # the share of the cost left when nothing is buried
WEIGHTS: Final = {"circle": 3, "colleague": 2, "other": 1}
TIERS: Final = ("circle", "colleague", "other")
TIER_LABELS: Final = {
    "circle": "circle",
    "colleague": "you wrote to them",
    "other": "never written to",
}
HEAVY_MIN: Final = 8  # list and bulk messages in a day that make it heavy, at the least
DAYS_PER_MONTH: Final = 30.44
TRIM: Final = 0.025  # of the messages, the earliest and latest left out of a rate
_ONE_CLICK: Final = "list-unsubscribe=one-click"
_SPLIT: Final = re.compile(r"[-+._=]")
_URI: Final = re.compile(r"<([^<>]+)>|([^\s,<>]+)")
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


@record
class Method(Record):
    kind: str  # one-click (RFC 8058 POST), mailto, web (a link for the user to open)
    target: str  # the URI


@record
class Subscription(Record):
    key: str  # "list:<list-id>", "unsub:<target>", "from:<address>", "domain:<domain>"
    kind: str  # list, unsubscribe, sender, domain (what it is grouped by)
    label: str  # the list's or sender's name, else its key's value
    list_id: str | None
    sender: str | None  # the address that sent most of it
    domain: str | None  # that address's domain
    messages: int  # received, not counting those in a spam folder
    spam_messages: int  # those in a spam folder
    per_month: float  # received per month, from the first to the last (at least a month)
    first_at: datetime | None
    last_at: datetime | None
    replies_sent: int  # my posts to it and my answers in its threads
    read_rate: float | None  # None when its mailboxes keep no flags
    methods: tuple[Method, ...]  # how it can be left, best first (from mail not in spam)
    how: str  # the best of them: one-click, mailto, web, none
    dkim_share: float | None  # of its received messages, those with a DKIM signature
    spam_only: bool  # every message sat in a spam folder
    looks_like_spam: bool  # that, or a one-off unsolicited sender
    spam_reason: str | None
    rule: str | None  # keep, digest (the user's)
    state: str  # unsubscribe: none, pending, trying, done, failed, refused, ignored, shown
    # (shown: its web link was given to the user to open)
    state_at: datetime | None  # when the latest unsubscribe was recorded, or finished
    received_since: int  # messages dated after the grace period of a done unsubscribe
    outbox_id: int | None  # the latest unsubscribe in the outbox
    buried: int  # person messages to me, unanswered, that arrived on the same days
    buried_circle: int  # of them, from my circle
    buried_colleagues: int  # of them, from people I had written to
    cost: int  # 0-100
    aliases: tuple[str, ...] = ()  # other keys its rules and unsubscribes may be under
    # computed from the above when made:
    explanation: str = field(init=False)  # the cost in one line
    offerable: bool = field(init=False)  # whether an unsubscribe may be offered
    offer_note: str = field(init=False)  # why not (or how it would be done)

    def __post_init__(self) -> None:
        ok, note = offerable(self)
        object.__setattr__(self, "explanation", explain(self))
        object.__setattr__(self, "offerable", ok)
        object.__setattr__(self, "offer_note", note)


@record
class Buried(Record):
    message: int  # the mail_message row
    at: datetime
    day: date
    person_id: int | None
    name: str
    address: str | None
    subject: str | None
    tier: str  # circle, colleague, other
    traffic: int  # list and bulk messages received that day
    reason: str

    @property
    def tier_label(self) -> str:
        """The tier as the user reads it: "colleague" means someone I had written to."""
        return TIER_LABELS[self.tier]


@record
class Reads(Record):
    """What the decisions need: a snapshot of the mail and the user's choices, which
    `services.inbox.read` takes from the store."""

    atoms: Sequence[Atom]
    unanswered: Sequence[Unanswered]
    circle: frozenset[int]
    first_written: Mapping[int, datetime]  # person id -> when I first wrote to them
    known: frozenset[str]  # one-off senders that are people in kithkin
    rules: Mapping[str, SubscriptionRule]
    outbox: Sequence[OutboxEntry]  # unsubscribe actions, oldest first
    mail: Mapping[int, PersonMail] = field(default_factory=dict)  # buried candidates' details


# -- subscriptions -----------------------------------------------------------------------------


def subscriptions(reads: Reads, *, now: datetime | None = None) -> list[Subscription]:
    """Every subscription, ranked: unsubscribe proposals by cost first, then what looks like
    spam (report it instead), then those the user keeps or reads as a digest (flagged by
    `rule`, listed last rather than left out)."""
    now = now or clock.now()
    tiers = _tiers_by_day(reads)
    senders_seen = _sender_atoms(reads.atoms)
    latest = _latest_actions(reads.outbox)
    out = [
        _subscription(key, kind, atoms, reads, tiers, senders_seen, latest, now)
        for key, kind, atoms in group(reads.atoms)
    ]
    return sorted(out, key=_rank)


def _rank(s: Subscription) -> tuple[int, int, int, str]:
    bucket = 2 if s.rule else 1 if s.looks_like_spam else 0
    return (bucket, -s.cost, -(s.messages + s.spam_messages), s.key)


def group(atoms: Iterable[Atom]) -> list[tuple[str, str, list[Atom]]]:
    """Atoms joined into subscriptions: (key, kind, atoms), by the rules of the module."""
    keyed: dict[tuple[str, str], list[Atom]] = {}
    by_sender: list[Atom] = []
    for atom in atoms:
        if atom.list_id:
            keyed.setdefault((f"list:{atom.list_id}", "list"), []).append(atom)
            continue
        target = unsubscribe_target(atom.unsubscribe) if atom.unsubscribe else None
        if target:
            keyed.setdefault((f"unsub:{target}", "unsubscribe"), []).append(atom)
        else:
            by_sender.append(atom)
    domains: dict[str, list[Atom]] = {}
    for atom in by_sender:
        if atom.sender and not atom.spam and atom.bulk == atom.received > 0:
            domains.setdefault(domain_of(atom.sender), []).append(atom)
    merged = {id(a) for found in domains.values() if len(found) > 1 for a in found}
    for name, found in domains.items():
        if len(found) > 1:
            keyed[(f"domain:{name}", "domain")] = found
    for atom in by_sender:
        if id(atom) not in merged:
            keyed.setdefault((f"from:{atom.sender or '?'}", "sender"), []).append(atom)
    return [(key, kind, found) for (key, kind), found in keyed.items()]


def _subscription(
    key: str,
    kind: str,
    atoms: list[Atom],
    reads: Reads,
    tiers: Mapping[date, tuple[int, int, int]],
    senders_seen: Mapping[str, int],
    latest: Mapping[str, OutboxEntry],
    now: datetime,
) -> Subscription:
    a = atoms[0] if len(atoms) == 1 else combine(atoms)
    received, days, senders = a.received, a.days, a.senders
    sender = max(senders, key=lambda s: (senders[s], s)) if senders else None
    ham_unsub = a.unsubscribe is not None and not a.unsubscribe_from_spam
    found = methods(a.unsubscribe, a.unsubscribe_post) if ham_unsub else ()
    per_month = rate_per_month(days)
    read_rate = a.seen / a.flagged if a.flagged else None
    buried = [0, 0, 0]  # other, colleague, circle
    for day in days.keys() & tiers.keys():
        other, colleague, circled = tiers[day]
        buried[0] += other
        buried[1] += colleague
        buried[2] += circled
    aliases = tuple(sorted({f"from:{x.sender}" for x in atoms if x.sender} - {key}))
    rule: str | None = None
    action: OutboxEntry | None = None
    for name in (key, *aliases):
        if rule is None and name in reads.rules:
            rule = reads.rules[name].rule
        action = action or latest.get(name)
    state, state_at, since = unsubscribe_state(action, a.last_at, days, now)
    list_id = a.list_id if kind == "list" else None
    looks, why = _spam_verdict(a, list_id, reads, senders_seen)
    return Subscription(
        key=key,
        kind=kind,
        label=(a.list_name if kind == "list" else a.name or sender) or key[key.index(":") + 1 :],
        list_id=list_id,
        sender=sender,
        domain=domain_of(sender) if sender else None,
        messages=received,
        spam_messages=a.spam,
        per_month=round(per_month, 2),
        first_at=a.first_at,
        last_at=a.last_at,
        replies_sent=a.replies,
        read_rate=round(read_rate, 3) if read_rate is not None else None,
        methods=found,
        how=found[0].kind if found else "none",
        dkim_share=round(a.dkim / received, 3) if received else None,
        spam_only=received == 0,
        looks_like_spam=looks,
        spam_reason=why,
        rule=rule,
        state=state,
        state_at=state_at,
        received_since=since,
        outbox_id=action.id if action else None,
        buried=sum(buried),
        buried_circle=buried[2],
        buried_colleagues=buried[1],
        cost=0 if looks else cost_score(per_month, read_rate, a.replies, received, buried),
        aliases=aliases,
    )


def combine(atoms: Sequence[Atom]) -> Atom:
    """Atoms as one: counts summed; names from the latest, the unsubscribe header from the
    latest that has one (mail not in spam first)."""
    days: dict[date, int] = {}
    senders: dict[str, int] = {}
    for x in atoms:
        for day, n in x.days.items():
            days[day] = days.get(day, 0) + n
        for address, n in x.senders.items():
            senders[address] = senders.get(address, 0) + n
    firsts = [x.first_at for x in atoms if x.first_at]
    lasts = [x.last_at for x in atoms if x.last_at]
    newest = max(atoms, key=lambda x: (x.last_at is not None, x.last_at or _EPOCH))
    headed = [x for x in atoms if x.unsubscribe]
    unsub = (
        max(headed, key=lambda x: (not x.unsubscribe_from_spam, x.last_at or _EPOCH))
        if headed
        else None
    )
    return Atom(
        list_id=newest.list_id,
        sender=None,
        received=sum(x.received for x in atoms),
        bulk=sum(x.bulk for x in atoms),
        spam=sum(x.spam for x in atoms),
        first_at=min(firsts, default=None),
        last_at=max(lasts, default=None),
        seen=sum(x.seen for x in atoms),
        flagged=sum(x.flagged for x in atoms),
        dkim=sum(x.dkim for x in atoms),
        replies=sum(x.replies for x in atoms),
        days=days,
        senders=senders,
        list_name=newest.list_name,
        name=newest.name,
        unsubscribe=unsub.unsubscribe if unsub else None,
        unsubscribe_post=unsub.unsubscribe_post if unsub else None,
        unsubscribe_from_spam=unsub.unsubscribe_from_spam if unsub else False,
    )


def _spam_verdict(
    a: Atom, list_id: str | None, reads: Reads, senders_seen: Mapping[str, int]
) -> tuple[bool, str | None]:
    """Whether the subscription looks like spam, and why (None when it does not)."""
    if a.received == 0:
        return True, "every message sat in the spam folder"
    if list_id or a.replies:
        return False, None  # a real list (spam may come through it too), or I answered it
    if a.spam > a.received:
        return (
            True,
            f"{a.spam} of its {count_of(a.spam + a.received, 'message')} sat in the spam folder",
        )
    if a.received + a.spam == 1:
        sender = next(iter(a.senders), None)
        if sender is None or (senders_seen.get(sender, 0) <= 1 and sender not in reads.known):
            unsigned = "" if a.dkim else " (no DKIM signature)"
            return True, f"the sender wrote only once and you never answered{unsigned}"
    return False, None


def offerable(sub: Subscription) -> tuple[bool, str]:
    """Whether an unsubscribe may be offered; if not, why (one line); if so, how."""
    if sub.spam_only:
        return False, "report as spam instead: every message sat in the spam folder"
    if sub.looks_like_spam:
        return False, f"report as spam instead: {sub.spam_reason}"
    if sub.rule == "keep":
        return False, "kept by you"
    if sub.rule == "digest":
        return False, "read as a digest by you"
    when = f" on {sub.state_at:%Y-%m-%d}" if sub.state_at else ""
    if sub.state == "ignored":
        n = sub.received_since
        return False, (
            f"unsubscribe ignored: {n} message{'s' if n != 1 else ''} since you unsubscribed"
            f"{when}; report as spam instead"
        )
    if sub.state == "shown":
        still = f"; it still sends ({sub.received_since} since)" if sub.received_since else ""
        return False, (
            f"you were given its link{when}: open it to leave (kithkin never does){still}"
        )
    if sub.state == "done":
        return False, f"unsubscribed{when}; checking that it stops"
    if sub.state in ("pending", "trying"):
        return False, f"an unsubscribe is under way (outbox #{sub.outbox_id})"
    if sub.state == "refused":
        return False, f"the unsubscribe was refused (outbox #{sub.outbox_id})"
    if not sub.methods:
        return False, "no way to leave it: its mail has no List-Unsubscribe; filter it instead"
    how = {"one-click": "one-click (RFC 8058)", "mailto": "a mail", "web": "a link to open"}
    again = f"the last attempt failed (outbox #{sub.outbox_id}); " if sub.state == "failed" else ""
    return True, f"{again}can be left by {how[sub.how]}"


def cost_score(
    per_month: float,
    read_rate: float | None,
    replies: int,
    received: int,
    buried: Sequence[int],
) -> int:
    """0-100: volume (log scale) × low engagement × burial (`buried`: other, colleague,
    circle messages unanswered on the same days)."""
    if not received:
        return 0
    volume = min(1.0, math.log1p(per_month) / math.log1p(TOP_PER_MONTH))
    answered = 0.0 if not replies else min(1.0, 0.5 + 5 * replies / received)
    engagement = max(answered, read_rate or 0.0)
    low = 1 - 0.9 * engagement
    weight = sum(
        n * WEIGHTS[t] for n, t in zip(buried, ("other", "colleague", "circle"), strict=True)
    )
    burial = BURIED_FLOOR + (1 - BURIED_FLOOR) * min(
        1.0, math.log1p(weight) / math.log1p(TOP_BURIED)
    )
    return round(100 * volume * low * burial)


def explain(sub: Subscription) -> str:
    """The cost in one line: "31 a month, none read, you never replied; 4 messages from real
    people arrived the same days and are still unanswered (2 from your circle)"."""
    if sub.spam_only:
        n = sub.spam_messages
        return f"{n} message{'s' if n != 1 else ''}, all in the spam folder: report as spam"
    if sub.looks_like_spam:
        return f"looks like spam: {sub.spam_reason}"
    parts = [f"{_rate(sub.per_month)} a month"]
    if sub.read_rate is not None:
        parts.append(
            "none read" if sub.read_rate == 0 else "all read" if sub.read_rate == 1
            else f"{round(100 * sub.read_rate)}% read"
        )  # fmt: skip
    parts.append(
        "you never replied" if not sub.replies_sent
        else f"you replied {sub.replies_sent} time{'s' if sub.replies_sent != 1 else ''}"
    )  # fmt: skip
    line = ", ".join(parts)
    if sub.buried:
        n = sub.buried
        who = [f"{sub.buried_circle} from your circle"] if sub.buried_circle else []
        who += (
            [f"{sub.buried_colleagues} from people you write to"] if sub.buried_colleagues else []
        )
        line += (
            f"; {n} message{'s' if n != 1 else ''} from real people arrived the same days and "
            f"{'are' if n != 1 else 'is'} still unanswered"
            + (f" ({', '.join(who)})" if who else "")
        )
    else:
        line += "; no mail from people left unanswered on the same days"
    if sub.state == "ignored":
        line += f"; still sending after your unsubscribe ({sub.received_since} since)"
    return line


def _rate(per_month: float) -> str:
    if per_month >= 10:
        return f"{per_month:.0f}"
    return f"{per_month:.1f}".rstrip("0").rstrip(".") or "0"


def rate_per_month(days: Mapping[date, int]) -> float:
    """Messages a month over the days they came on, from the first to the last (a month at
    least), leaving out the earliest and latest `TRIM` of them (one each, from ten messages):
    a message dated years off (there are some) does not make a busy list look quiet."""
    total = sum(days.values())
    if not total:
        return 0.0
    cut = max(int(total * TRIM), 1 if total >= 10 else 0)
    ordered = sorted(days.items())
    low = high = ordered[0][0]
    seen = 0
    for day, n in ordered:
        if seen <= cut < seen + n:
            low = day
        if seen <= total - 1 - cut < seen + n:
            high = day
        seen += n
    inside = sum(n for day, n in ordered if low <= day <= high)
    return inside / max(1.0, ((high - low).days + 1) / DAYS_PER_MONTH)


def _sender_atoms(atoms: Iterable[Atom]) -> dict[str, int]:
    """How many messages each address sent, over all the list, bulk and spam mail."""
    out: dict[str, int] = {}
    for atom in atoms:
        for address, n in atom.senders.items():
            out[address] = out.get(address, 0) + n
    return out


# -- unsubscribing -----------------------------------------------------------------------------


def _latest_actions(entries: Iterable[OutboxEntry]) -> dict[str, OutboxEntry]:
    out: dict[str, OutboxEntry] = {}
    for entry in entries:
        known = out.get(entry.subscription_key)
        if known is None or entry.id > known.id:
            out[entry.subscription_key] = entry
    return out


def unsubscribe_state(
    action: OutboxEntry | None,
    last_at: datetime | None,
    days: Mapping[date, int],
    now: datetime,
) -> tuple[str, datetime | None, int]:
    """(state, when, messages since the grace period ended): "ignored" when a done
    unsubscribe was followed, more than `GRACE` later, by more of its mail."""
    if action is None:
        return "none", None, 0
    if action.status != "done":
        return action.status, action.finished_at or action.created_at, 0
    done = action.finished_at or action.created_at
    ends = done + GRACE
    since = 0
    if last_at is not None and last_at > ends and now > ends:
        since = sum(n for d, n in days.items() if d > ends.date()) or 1
    if action.method == "web":  # a link given to the user: whether they opened it is theirs
        return "shown", done, since
    return ("ignored" if since else "done"), done, since


def unsubscribe_target(header: str) -> str | None:
    """What an unsubscribe header points at, as a key: the mailto address, else the first
    link's host and path without its query; tokens (long or numeric parts) become "*"."""
    uris = uris_of(header)
    for uri in uris:
        if uri.lower().startswith("mailto:"):
            address = unquote(uri[7:].split("?", 1)[0]).strip().lower()
            local, at, host = address.rpartition("@")
            if at and local and host:
                return f"mailto:{_untoken(local)}@{host}"
    for uri in uris:
        if uri.lower().startswith(("http://", "https://")):
            parts = urlsplit(uri)
            if parts.hostname:
                path = "/".join(_untoken(p) for p in parts.path.split("/"))
                return f"{parts.hostname.lower()}{path.rstrip('/')}"
    return None


def methods(header: str | None, post: str | None) -> tuple[Method, ...]:
    """How a List-Unsubscribe header lets me leave, best first: one-click (an https URI and
    "List-Unsubscribe=One-Click" in List-Unsubscribe-Post, RFC 8058), mailto, web links."""
    if not header:
        return ()
    one_click = post is not None and _ONE_CLICK in "".join(post.split()).lower()
    found: list[Method] = []
    for uri in uris_of(header):
        low = uri.lower()
        if low.startswith("https://") and one_click:
            found.append(Method("one-click", uri))
        if low.startswith("mailto:"):
            found.append(Method("mailto", uri))
        elif low.startswith(("http://", "https://")):
            found.append(Method("web", uri))
    order = {"one-click": 0, "mailto": 1, "web": 2}
    return tuple(sorted(dict.fromkeys(found), key=lambda m: order[m.kind]))


def uris_of(header: str) -> list[str]:
    """The URIs of a List-Unsubscribe value (one per line as stored, or "<a>, <b>")."""
    out = []
    for match in _URI.finditer(header):
        uri = (match.group(1) or match.group(2) or "").strip()
        if ":" in uri:
            out.append(uri)
    return out


def domain_of(address: str) -> str:
    """The domain an address belongs to: its host's last two labels (three under a
    two-letter country's second-level domain: shop.co.uk)."""
    host = address.rpartition("@")[2].lower().strip(".")
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])


def _untoken(text: str) -> str:
    """A path segment or local part with its per-recipient tokens as "*"."""
    pieces = _SPLIT.split(text)
    if not any(_is_token(p) for p in pieces):
        return text
    out, at = [], 0
    for piece in pieces:
        out.append("*" if _is_token(piece) else piece)
        at += len(piece)
        if at < len(text):
            out.append(text[at])
            at += 1
    return "".join(out)


def _is_token(piece: str) -> bool:
    """Long, all digits, or six characters or more with digits among them ("a8f3k2")."""
    digits = sum(c.isdigit() for c in piece)
    return len(piece) >= 16 or (digits > 0 and (digits == len(piece) or len(piece) >= 6))


# -- buried mail -------------------------------------------------------------------------------


def heavy_days(atoms: Iterable[Atom]) -> dict[date, int]:
    """Days of heavy list and bulk traffic, with how many such messages came: at least
    `HEAVY_MIN`, and at least as many as on a typical day (the median day that had any)."""
    traffic: dict[date, int] = {}
    for atom in atoms:
        for day, n in atom.days.items():
            traffic[day] = traffic.get(day, 0) + n
    if not traffic:
        return {}
    floor = max(HEAVY_MIN, statistics.median(traffic.values()))
    return {day: n for day, n in traffic.items() if n >= floor}


def tier_of(u: Unanswered, reads: Reads) -> str:
    """circle, colleague (someone I had written to before this message) or other."""
    if u.person_id is None:
        return "other"
    if u.person_id in reads.circle:
        return "circle"
    first = reads.first_written.get(u.person_id)
    return "colleague" if first is not None and first < u.date else "other"


def _tiers_by_day(reads: Reads) -> dict[date, tuple[int, int, int]]:
    """Unanswered person mail per day: (other, colleague, circle)."""
    counts: dict[date, list[int]] = {}
    index = {"other": 0, "colleague": 1, "circle": 2}
    for u in reads.unanswered:
        counts.setdefault(u.date.date(), [0, 0, 0])[index[tier_of(u, reads)]] += 1
    return {day: (c[0], c[1], c[2]) for day, c in counts.items()}


def buried(
    reads: Reads, *, since: datetime | None = None, limit: int | None = None
) -> list[Buried]:
    """Person mail to me, unanswered, that arrived on a day of heavy list and bulk traffic
    (from `since`): my circle first, then colleagues, then others; within each, the most
    buried (the heaviest day) first, then the latest."""
    heavy = heavy_days(reads.atoms)
    found: list[Buried] = []
    for u in reads.unanswered:
        day = u.date.date()
        if day not in heavy or (since is not None and u.date < since):
            continue
        tier = tier_of(u, reads)
        mail = reads.mail.get(u.id)
        name = (
            ((mail.display_name or mail.from_name) if mail is not None else None)
            or u.from_address
            or "someone"
        )
        who = {"circle": "from your circle", "colleague": "someone you write to", "other": ""}
        found.append(
            Buried(
                message=u.id,
                at=u.date,
                day=day,
                person_id=u.person_id,
                name=name,
                address=u.from_address,
                subject=mail.subject if mail is not None else None,
                tier=tier,
                traffic=heavy[day],
                reason=(
                    f"{name}{f' ({who[tier]})' if who[tier] else ''} wrote on {day:%Y-%m-%d}, "
                    f"among {heavy[day]} list and bulk messages that day; still unanswered"
                ),
            )
        )
    order = {t: i for i, t in enumerate(TIERS)}
    found.sort(key=lambda b: (order[b.tier], -b.traffic, -b.at.timestamp(), b.message))
    return found[:limit] if limit is not None else found
