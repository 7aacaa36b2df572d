"""Amplification (P7, P8): importing share histories, logging a share by hand, the ratio and
whose voices I amplify, the target, and the amplify queue (feeds of people, fetched only
when asked; "shared it" / "not for me").

`kithkin import social`, `kithkin share log`, `kithkin amplify ...`, the Amplify page and
`/api/amplify...` all call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from kithkin import clock
from kithkin.errors import InvalidInput, NoSuchLocation
from kithkin.model import (
    SOLO,
    Actor,
    Feed,
    QueueItem,
    Record,
    Share,
    SocialPost,
    count_of,
    record,
    to_jsonable,
)
from kithkin.practices.amplify import DEFAULT_DAYS, DEFAULT_TARGET
from kithkin.practices.amplify import Report as Report
from kithkin.practices.today import Item
from kithkin.services.common import PersonRef, parse_when, person_id

if TYPE_CHECKING:
    from kithkin.ingest.social import SocialSummary as SocialSummary
    from kithkin.store import Database

TARGET_SETTING: Final = "amplify_target"
MAX_DAYS: Final = 3650
MAX_NOTE: Final = 2000


def import_social(
    db: Database, *, paths: Sequence[str | Path], actor: Actor = SOLO
) -> SocialSummary:
    """Import share histories (Mastodon, Bluesky, X, LinkedIn exports; format from content):
    in team mode the acting member's shares. Re-importing adds only what is new."""
    from kithkin.ingest.social import import_social as run_import
    from kithkin.services.locations import local_path  # the mail sources: only to import

    files = [local_path(p.strip()) if isinstance(p, str) else p for p in paths if str(p).strip()]
    if not files:
        raise InvalidInput("give the path of one or more social exports")
    for path in files:
        if not path.exists():
            raise NoSuchLocation(f"{path}: no such file or folder on this computer")
    return run_import(db, files, member_id=actor.member_id)


def log_share(
    db: Database,
    *,
    kind: str,
    of: PersonRef | None = None,
    url: str | None = None,
    note: str | None = None,
    at: str | datetime | None = None,
    style: str | None = None,
    actor: Actor = SOLO,
) -> Share:
    """Log one share by hand: my own, or an amplification (of a person, when given); its
    style, unless given: a post, a comment (with a note) or a reshare. In team mode the
    acting member's."""
    import uuid

    from kithkin.store import activity
    from kithkin.store import amplify as store

    if kind not in ("own", "amplify"):
        raise InvalidInput(f"a share is own or amplify, not {kind!r}")
    if of not in (None, "") and kind == "own":
        raise InvalidInput("--of names whose voice you amplified: log it as amplify")
    when = parse_when(at)
    text = (note or "").strip()[:MAX_NOTE] or None
    link = (url or "").strip() or None
    if link is not None and not link.startswith(("http://", "https://")):
        raise InvalidInput(f"not a web address: {link!r} (it starts with https://)")
    with db.write() as conn:
        pid = person_id(conn, of) if of not in (None, "") else None
        post = SocialPost(
            network="manual",
            source_id=uuid.uuid4().hex,
            kind=kind,
            style=style or ("post" if kind == "own" else "comment" if text else "reshare"),
            occurred_at=when,
            source_file="(logged by hand)",
            place="-",
            url=link,
            text=text,
            raw="",
        )
        share = store.add_post(conn, post, pid, member_id=actor.member_id)
        activity.record(
            conn,
            "share.log",
            f"logged a share ({kind})" + (f": {link}" if link else ""),
            person_id=pid,
        )
    return share


def target(db: Database, *, percent: int | str | None = None) -> int:
    """The target share of amplification in percent (default 50), set first when given."""
    from kithkin.store import activity, settings

    if percent not in (None, ""):
        value = str(percent).strip().removesuffix("%")
        if not value.isdigit() or not 0 <= int(value) <= 100:
            raise InvalidInput(f"the target is a percentage from 0 to 100, not {percent!r}")
        with db.write() as conn:
            settings.put(conn, TARGET_SETTING, int(value))
            activity.record(conn, "setting.amplify_target", f"amplification target {value}%")
    with db.read() as conn:
        return int(settings.get(conn, TARGET_SETTING, DEFAULT_TARGET))


def report(
    db: Database,
    *,
    days: int | str | None = None,
    now: datetime | None = None,
    actor: Actor = SOLO,
) -> Report:
    """The ratio over the last `days` (default 28) per network and overall against the
    target, the last twelve months, whom I amplify most, circle members never amplified: in
    team mode of the acting member's own shares and circle."""
    from kithkin.practices.amplify import report as make
    from kithkin.store import amplify as store
    from kithkin.store import circle as store_circle
    from kithkin.store import people

    window = _days(days)
    now = now or clock.now()
    goal = target(db)
    with db.read() as conn:
        seeded = store_circle.is_seeded(conn)
    if not seeded:  # the circle is taken from the `circle` tag on first use
        with db.write() as conn:
            store_circle.seed_from_tag(conn)
    member = actor.member_id
    with db.read() as conn:
        recent = store.shares(conn, since=now - timedelta(days=window), until=now, member_id=member)
        latest = store.shares(conn, until=now, limit=1, member_id=member)
        # the chart's twelve months end with the last share (an old export's, maybe)
        anchor = min(now, latest[0].occurred_at) if latest else now
        year = store.shares(conn, since=anchor - timedelta(days=372), until=now, member_id=member)
        members = store_circle.member_ids(conn, member)
        names = people.summaries_by_id(conn, sorted(members))
        circle = sorted(
            ((pid, s.display_name) for pid, s in names.items()), key=lambda p: p[1].lower()
        )
        last = store.last_amplified(
            conn, [*members, *(s.person_id or 0 for s in recent)], member_id=member
        )
        own = store.shares(conn, until=now, kind="own", limit=1, member_id=member)
        any_shares = bool(own) or bool(latest)
    return make(
        now=now,
        months_to=anchor,
        days=window,
        target=goal,
        window=recent,
        year=year,
        circle=circle,
        last_amplified=last,
        last_own_at=own[0].occurred_at if own else None,
        any_shares=any_shares,
    )


def today_items(db: Database, *, now: datetime | None = None, actor: Actor = SOLO) -> list[Item]:
    """Today's sharing nudges: the ratio below target, nothing of my own for three weeks
    (three small reads, not the whole report); in team mode of the member's own shares."""
    from kithkin.practices.amplify import Tally, keyed_nudges
    from kithkin.practices.amplify import today_items as items
    from kithkin.store import amplify as store
    from kithkin.store import settings

    now = now or clock.now()
    with db.read() as conn:
        goal = int(settings.get(conn, TARGET_SETTING, DEFAULT_TARGET))
        member = actor.member_id
        counts = store.kinds_between(
            conn, now - timedelta(days=DEFAULT_DAYS), now, member_id=member
        )
        last_own, any_shares = store.last_own(conn, now, member_id=member)
    nudges = keyed_nudges(
        now=now,
        days=DEFAULT_DAYS,
        target=goal,
        window=Tally("all", counts.get("own", 0), counts.get("amplify", 0)),
        last_own_at=last_own,
        any_shares=any_shares,
    )
    return items(nudges, now)


@record
class AuthorLinked(Record):
    person_id: int
    display_name: str
    kind: str  # handle, url: the contact point added
    value: str


def link_author(db: Database, *, author: str, person: PersonRef) -> AuthorLinked:
    """Give an amplified author (as a network names them: @name@host, did:plc:..., @user) to
    a person: their handle or profile URL becomes the person's contact point, so every share
    of theirs, imported or to come, is the person's."""
    from kithkin.services.people import NewContact
    from kithkin.services.people import add_contact as add
    from kithkin.store import amplify as store
    from kithkin.store import people

    with db.read() as conn:
        key = store.author_key(conn, author.strip())
    if key is None:
        raise InvalidInput(f"no amplified post is by {author!r}")
    kind, value = key
    value = f"https://{value}" if kind == "url" else value
    done = add(db, person=person, contact=NewContact(kind, value))
    with db.read() as conn:
        name = people.get_person(conn, done.person_id).display_name
    return AuthorLinked(done.person_id, name, kind, done.contact.value)


def shares(db: Database, *, limit: int = 50, actor: Actor = SOLO) -> list[Share]:
    """The latest shares, newest first (in team mode, the acting member's)."""
    from kithkin.store import amplify as store

    with db.read() as conn:
        return store.shares(conn, limit=max(1, min(int(limit), 10_000)), member_id=actor.member_id)


def _days(days: int | str | None) -> int:
    if days in (None, ""):
        return DEFAULT_DAYS
    text = str(days).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
        raise InvalidInput(f"--days is a whole number of days from 1 to {MAX_DAYS}, not {days!r}")
    return int(text)


def report_json(found: Report) -> dict[str, Any]:
    def tally(t: Any) -> dict[str, Any]:
        return {"label": t.label, "own": t.own, "amplify": t.amplify, "percent": t.percent}

    return {
        "days": found.days,
        "target": found.target,
        "overall": tally(found.overall),
        "networks": [tally(t) for t in found.networks],
        "months": [tally(t) for t in found.months],
        "voices": [
            {
                "person_id": v.person_id,
                "display_name": v.display_name,
                "count": v.count,
                "last_at": to_jsonable(v.last_at),
            }
            for v in found.voices
        ],
        "unamplified": [{"person_id": p, "display_name": n} for p, n in found.unamplified],
        "unknown_authors": found.unknown_authors,
        "unknown_voices": [{"author": a, "count": n} for a, n in found.unknown_voices],
        "last_own_at": to_jsonable(found.last_own_at),
        "nudges": found.nudges,
    }


def share_json(s: Share) -> dict[str, Any]:
    return {
        "id": s.id,
        "network": s.network,
        "kind": s.kind,
        "style": s.style,
        "occurred_at": to_jsonable(s.occurred_at),
        "url": s.url,
        "author": s.author,
        "person_id": s.person_id,
        "display_name": s.display_name,
        "text": s.text,
        "source_file": s.source_file,
        "place": s.place,
    }


# -- the amplify queue ----------------------------------------------------------------------------

MAX_FEEDS_FETCHED: Final = 500
ITEMS_KEPT: Final = 50  # undecided items kept per feed


@record
class FeedAdded(Record):
    person_id: int
    display_name: str
    urls: list[tuple[str, bool]]  # (url, whether new)


@record
class Fetched(Record):
    feeds: int
    new_items: int
    lines: list[str] = field(default_factory=list)  # one per feed: how it went


@record
class Ranked(Record):
    item: QueueItem
    why: str


_SOCIAL_HOSTS: Final = ("linkedin.com", "twitter.com", "x.com", "facebook.com", "bsky.app")


def add_feed(db: Database, *, person: PersonRef, url: str | None = None) -> FeedAdded:
    """A feed (or a website, whose feed is discovered when fetched) of a person for the
    amplify queue; without `url`, their website and blog URLs (contact points) are taken."""
    from kithkin.store import activity, people
    from kithkin.store import amplify as store

    with db.write() as conn:
        pid = person_id(conn, person)
        found = people.get_person(conn, pid)
        if url is not None and url.strip():
            candidates = [url.strip()]
        else:
            candidates = [
                c.value for c in found.contact_points if c.kind == "url" and not _is_social(c.value)
            ]
            if not candidates:
                raise InvalidInput(
                    f"{found.display_name} has no website or blog URL: give the feed's URL"
                )
        done = []
        for each in candidates:
            link = each if "://" in each else f"https://{each}"
            if not link.startswith(("http://", "https://")):
                raise InvalidInput(f"not a web address: {each!r}")
            done.append((link, store.add_feed(conn, pid, link)[1]))
        activity.record(
            conn, "amplify.feed", f"feeds of {found.display_name}: {len(done)}", person_id=pid
        )
    return FeedAdded(pid, found.display_name, done)


def _is_social(url: str) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url if "://" in url else f"https://{url}").hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in _SOCIAL_HOSTS)


def feeds(db: Database) -> list[Feed]:
    from kithkin.store import amplify as store

    with db.read() as conn:
        return store.feeds(conn)


def remove_feed(db: Database, *, feed_id: int) -> bool:
    from kithkin.store import amplify as store

    with db.write() as conn:
        return store.remove_feed(conn, feed_id)


def fetch(db: Database, *, timeout: float = 10.0) -> Fetched:
    """Fetch every feed now (a conditional GET each; a website's feed is discovered from its
    page): new posts join the queue. The only network traffic of the amplify queue."""
    from kithkin.outbound.feeds import fetch_feed
    from kithkin.store import activity
    from kithkin.store import amplify as store

    with db.read() as conn:
        known = store.feeds(conn)[:MAX_FEEDS_FETCHED]
    lines, total = [], 0
    for feed in known:
        got = fetch_feed(
            feed.feed_url or feed.url,
            etag=feed.etag if feed.feed_url else None,
            last_modified=feed.last_modified if feed.feed_url else None,
            timeout=timeout,
        )
        with db.write() as conn:
            store.fetched(
                conn,
                feed.id,
                status=got.status,
                **(
                    {
                        "feed_url": got.feed_url,
                        "etag": got.etag,
                        "last_modified": got.last_modified,
                    }
                    if got.ok
                    else {}
                ),
                **({"title": got.title} if got.title else {}),
            )
            added = store.add_items(conn, feed, got.entries)
            store.trim_items(conn, feed.id, ITEMS_KEPT)
        total += added
        lines.append(f"{feed.display_name}: {got.status}" + (f", {added:,} new" if added else ""))
    with db.write() as conn:
        activity.record(
            conn,
            "amplify.fetch",
            f"fetched {count_of(len(known), 'feed')}: {count_of(total, 'new post')}",
        )
    return Fetched(len(known), total, lines)


def queue(
    db: Database, *, now: datetime | None = None, limit: int = 50, actor: Actor = SOLO
) -> list[Ranked]:
    """The amplify queue, best first: recent posts of people I (in team mode, the acting
    member) have not amplified lately."""
    from kithkin.practices.amplify import rank_queue
    from kithkin.store import amplify as store

    now = now or clock.now()
    with db.read() as conn:
        items = store.queue(conn)
        last = store.last_amplified(conn, {i.person_id for i in items}, member_id=actor.member_id)
    return [Ranked(i, why) for i, why in rank_queue(items, last, now)[: max(1, int(limit))]]


def decide(db: Database, *, item_id: int, action: str, actor: Actor = SOLO) -> QueueItem:
    """ "shared" (logs the share, an amplification of the item's author) or "dismissed"
    ("not for me": out of the queue)."""
    from kithkin.store import activity
    from kithkin.store import amplify as store

    if action not in ("shared", "dismissed"):
        raise InvalidInput(f"an item is shared or dismissed, not {action!r}")
    with db.write() as conn:
        found = store.item(conn, item_id)
    share_id = None
    if action == "shared":
        share_id = log_share(
            db,
            kind="amplify",
            of=found.person_id,
            url=found.url,
            note=found.title,
            style="reshare",
            actor=actor,
        ).id
    with db.write() as conn:
        store.decide(conn, item_id, action, share_id)
        activity.record(
            conn,
            f"amplify.{action}",
            f"{'shared' if action == 'shared' else 'not for me'}: {found.title or found.url}",
            person_id=found.person_id,
        )
        return store.item(conn, item_id)


def item_json(r: Ranked) -> dict[str, Any]:
    i = r.item
    return {
        "id": i.id,
        "person_id": i.person_id,
        "display_name": i.display_name,
        "url": i.url,
        "title": i.title,
        "summary": i.summary,
        "published_at": to_jsonable(i.published_at),
        "state": i.state,
        "why": r.why,
    }
