"""The share log and the amplify queue: writes and reads of `share`, `share_author_key`,
`amplify_feed` and `amplify_item`.

An amplified post's author is a person when the post was logged with one, else when one of
the author's keys (a handle, a profile URL, normalised as contact points are) is a contact
point of a person not in the trash: found when read, so a handle added later links the
shares already imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from kithkin import clock
from kithkin.errors import InvalidInput, NotFound
from kithkin.model import Feed, QueueItem, Share, SocialPost
from kithkin.store.contacts import normalize
from kithkin.store.schema import contact_point, of_member, person
from kithkin.store.schema_amplify import amplify_feed, amplify_item, share, share_author_key

BATCH = 500


def _linked() -> Any:
    """The person an amplified share's author keys point to (the lowest id, if several)."""
    return (
        select(contact_point.c.person_id)
        .select_from(
            share_author_key.join(
                contact_point,
                and_(
                    contact_point.c.kind == share_author_key.c.kind,
                    contact_point.c.normalized == share_author_key.c.normalized,
                ),
            ).join(person, person.c.id == contact_point.c.person_id)
        )
        .where(share_author_key.c.share_id == share.c.id, person.c.deleted_at.is_(None))
        .order_by(contact_point.c.person_id)
        .limit(1)
        .scalar_subquery()
    )


def whose() -> ColumnElement[Any]:
    return func.coalesce(share.c.person_id, _linked())


def keys_of(post: SocialPost) -> set[tuple[str, str]]:
    """The author's keys as contact points normalise them (malformed ones left out)."""
    found = set()
    for kind, value in post.author_keys:
        try:
            found.add((kind, normalize(kind, value)))
        except InvalidInput:
            continue
    return found


def add_posts(
    conn: Connection, posts: Sequence[SocialPost], *, member_id: int | None = None
) -> int:
    """Store the posts not stored yet (by network and id; in team mode the member's), a
    batch of rows per statement; how many were new."""
    if not posts:
        return 0
    now = clock.now()
    added = 0
    for start in range(0, len(posts), BATCH):
        chunk = posts[start : start + BATCH]
        known = _known(conn, chunk)
        new: dict[tuple[str, str], SocialPost] = {}
        for post in chunk:
            key = (post.network, post.source_id)
            if key not in known and key not in new:
                new[key] = post
        if not new:
            continue
        conn.execute(
            insert(share),
            [
                {
                    "network": p.network,
                    "source_id": p.source_id,
                    "kind": p.kind,
                    "style": p.style,
                    "occurred_at": p.occurred_at,
                    "url": p.url,
                    "author": p.author,
                    "text": p.text,
                    "source_file": p.source_file,
                    "place": p.place,
                    "raw": p.raw,
                    "imported_at": now,
                    "member_id": member_id,
                }
                for p in new.values()
            ],
        )
        authored = {k: p for k, p in new.items() if p.author_keys}
        ids = _ids(conn, list(authored)) if authored else {}
        rows = [
            {"share_id": ids[k], "kind": kind, "normalized": value}
            for k, p in authored.items()
            for kind, value in sorted(keys_of(p))
        ]
        if rows:
            conn.execute(insert(share_author_key), rows)
        added += len(new)
    return added


def _ids(conn: Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for network in {n for n, _ in keys}:
        wanted = [i for n, i in keys if n == network]
        rows = conn.execute(
            select(share.c.id, share.c.source_id).where(
                share.c.network == network, share.c.source_id.in_(wanted)
            )
        )
        found.update(((network, r.source_id), int(r.id)) for r in rows)
    return found


def add_post(
    conn: Connection,
    post: SocialPost,
    person_id: int | None = None,
    *,
    member_id: int | None = None,
) -> Share:
    """Store one post (logged by hand), of `person_id` when given; the share stored."""
    add_posts(conn, [post], member_id=member_id)
    found = conn.scalar(
        select(share.c.id).where(
            share.c.network == post.network, share.c.source_id == post.source_id
        )
    )
    assert found is not None
    if person_id is not None:
        set_person(conn, int(found), person_id)
    return shares(conn, share_id=int(found))[0]


def _known(conn: Connection, posts: Sequence[SocialPost]) -> set[tuple[str, str]]:
    pairs = {(p.network, p.source_id) for p in posts}
    networks = {n for n, _ in pairs}
    found: set[tuple[str, str]] = set()
    for network in networks:
        ids = [i for n, i in pairs if n == network]
        rows = conn.execute(
            select(share.c.network, share.c.source_id).where(
                share.c.network == network, share.c.source_id.in_(ids)
            )
        )
        found.update((r.network, r.source_id) for r in rows)
    return found


def author_key(conn: Connection, author: str) -> tuple[str, str] | None:
    """The first key (kind, normalised value) of an amplified author, as their shares name
    them: a handle before a URL."""
    row = conn.execute(
        select(share_author_key.c.kind, share_author_key.c.normalized)
        .join(share, share.c.id == share_author_key.c.share_id)
        .where(share.c.author == author)
        .order_by(share_author_key.c.kind, share_author_key.c.normalized)
        .limit(1)
    ).first()
    return (str(row.kind), str(row.normalized)) if row is not None else None


def set_person(conn: Connection, share_id: int, person_id: int | None) -> None:
    conn.execute(update(share).where(share.c.id == share_id).values(person_id=person_id))


def shares(
    conn: Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    kind: str | None = None,
    share_id: int | None = None,
    limit: int | None = None,
    member_id: int | None = None,
) -> list[Share]:
    """The shares in [since, until) (of one `kind`, or the one `share_id`), newest first,
    each with whose voice it amplified; in team mode the member's own."""
    who = whose().label("who")
    inner = select(share, who).where(*of_member(member_id, share))
    if kind is not None:
        inner = inner.where(share.c.kind == kind)
    if share_id is not None:
        inner = inner.where(share.c.id == share_id)
    if since is not None:
        inner = inner.where(share.c.occurred_at >= since)
    if until is not None:
        inner = inner.where(share.c.occurred_at < until)
    sub = inner.subquery()
    query = (
        select(sub, person.c.display_name)
        .select_from(sub.outerjoin(person, person.c.id == sub.c.who))
        .order_by(sub.c.occurred_at.desc(), sub.c.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        Share(
            id=r.id,
            network=r.network,
            kind=r.kind,
            style=r.style,
            occurred_at=r.occurred_at,
            url=r.url,
            author=r.author,
            person_id=r.who,
            display_name=r.display_name,
            text=r.text,
            source_file=r.source_file,
            place=r.place,
        )
        for r in conn.execute(query)
    ]


def kinds_between(
    conn: Connection, since: datetime, until: datetime, *, member_id: int | None = None
) -> dict[str, int]:
    """How many shares of each kind in [since, until) (in team mode, the member's)."""
    mine = of_member(member_id, share)
    rows = conn.execute(
        select(share.c.kind, func.count())
        .where(share.c.occurred_at >= since, share.c.occurred_at < until, *mine)
        .group_by(share.c.kind)
    )
    return {str(r[0]): int(r[1]) for r in rows}


def last_own(
    conn: Connection, until: datetime, *, member_id: int | None = None
) -> tuple[datetime | None, bool]:
    """When I last shared something of my own before `until`, and whether I shared anything
    (in team mode, the member)."""
    mine = of_member(member_id, share)
    row = conn.execute(
        select(share.c.occurred_at)
        .where(share.c.kind == "own", share.c.occurred_at < until, *mine)
        .order_by(share.c.occurred_at.desc())
        .limit(1)
    ).first()
    if row is not None:
        return row.occurred_at, True
    anything = select(share.c.id).where(share.c.occurred_at < until, *mine).limit(1)
    return None, conn.scalar(anything) is not None


def counts(conn: Connection) -> dict[tuple[str, str], int]:
    """How many shares of each (network, kind) are stored."""
    rows = conn.execute(
        select(share.c.network, share.c.kind, func.count()).group_by(share.c.network, share.c.kind)
    )
    return {(r[0], r[1]): int(r[2]) for r in rows}


def last_amplified(
    conn: Connection, people: Iterable[int], *, member_id: int | None = None
) -> dict[int, datetime]:
    """When I (in team mode, the member) last amplified each of `people` (those never
    amplified are absent)."""
    wanted = set(people)
    if not wanted:
        return {}
    who = whose().label("who")
    sub = (
        select(who, share.c.occurred_at)
        .where(share.c.kind == "amplify", *of_member(member_id, share))
        .subquery()
    )
    rows = conn.execute(
        select(sub.c.who, func.max(sub.c.occurred_at))
        .where(sub.c.who.in_(wanted))
        .group_by(sub.c.who)
    )
    from kithkin.store.schema import UTCDateTime

    kind = UTCDateTime()
    return {
        int(r[0]): value
        for r in rows
        if (value := kind.process_result_value(r[1], conn.dialect)) is not None
    }


# -- the amplify queue ----------------------------------------------------------------------------


def add_feed(conn: Connection, person_id: int, url: str) -> tuple[int, bool]:
    """A person's feed (or website) URL; (its id, whether it is new)."""
    found = conn.scalar(
        select(amplify_feed.c.id).where(
            amplify_feed.c.person_id == person_id, amplify_feed.c.url == url
        )
    )
    if found is not None:
        return int(found), False
    result = conn.execute(
        insert(amplify_feed).values(person_id=person_id, url=url, added_at=clock.now())
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0]), True


def remove_feed(conn: Connection, feed_id: int) -> bool:
    return conn.execute(delete(amplify_feed).where(amplify_feed.c.id == feed_id)).rowcount > 0


def feeds(conn: Connection, *, person_id: int | None = None) -> list[Feed]:
    query = (
        select(amplify_feed, person.c.display_name)
        .join(person, person.c.id == amplify_feed.c.person_id)
        .where(person.c.deleted_at.is_(None))
        .order_by(person.c.display_name, amplify_feed.c.id)
    )
    if person_id is not None:
        query = query.where(amplify_feed.c.person_id == person_id)
    return [
        Feed(
            id=r.id,
            person_id=r.person_id,
            display_name=r.display_name,
            url=r.url,
            feed_url=r.feed_url,
            title=r.title,
            etag=r.etag,
            last_modified=r.last_modified,
            fetched_at=r.fetched_at,
            status=r.status,
        )
        for r in conn.execute(query)
    ]


def fetched(conn: Connection, feed_id: int, **values: Any) -> None:
    """What a fetch of the feed learnt: feed_url, title, etag, last_modified, status."""
    conn.execute(
        update(amplify_feed)
        .where(amplify_feed.c.id == feed_id)
        .values(fetched_at=clock.now(), **values)
    )


def add_items(conn: Connection, feed: Feed, entries: Sequence[dict[str, Any]]) -> int:
    """Entries read from `feed` that are new to it (by guid); how many were added."""
    if not entries:
        return 0
    guids = [e["guid"] for e in entries]
    known = set(
        conn.scalars(
            select(amplify_item.c.guid).where(
                amplify_item.c.feed_id == feed.id, amplify_item.c.guid.in_(guids)
            )
        )
    )
    now = clock.now()
    rows = []
    for entry in entries:
        if entry["guid"] in known:
            continue
        known.add(entry["guid"])
        rows.append(
            {
                "feed_id": feed.id,
                "person_id": feed.person_id,
                "fetched_at": now,
                "state": "new",
                **entry,
            }
        )
    if rows:
        conn.execute(insert(amplify_item), rows)
    return len(rows)


def queue(
    conn: Connection, *, states: Sequence[str] = ("new",), limit: int = 200
) -> list[QueueItem]:
    query = (
        select(amplify_item, person.c.display_name)
        .join(person, person.c.id == amplify_item.c.person_id)
        .where(amplify_item.c.state.in_(states), person.c.deleted_at.is_(None))
        .order_by(amplify_item.c.published_at.desc(), amplify_item.c.id.desc())
        .limit(limit)
    )
    return [_item(r) for r in conn.execute(query)]


def item(conn: Connection, item_id: int) -> QueueItem:
    row = conn.execute(
        select(amplify_item, person.c.display_name)
        .join(person, person.c.id == amplify_item.c.person_id)
        .where(amplify_item.c.id == item_id)
    ).first()
    if row is None:
        raise NotFound(f"no item #{item_id} in the amplify queue")
    return _item(row)


def decide(conn: Connection, item_id: int, state: str, share_id: int | None = None) -> None:
    conn.execute(
        update(amplify_item)
        .where(amplify_item.c.id == item_id)
        .values(state=state, decided_at=clock.now(), share_id=share_id)
    )


def _item(r: Any) -> QueueItem:
    return QueueItem(
        id=r.id,
        feed_id=r.feed_id,
        person_id=r.person_id,
        display_name=r.display_name,
        url=r.url,
        title=r.title,
        summary=r.summary,
        published_at=r.published_at,
        state=r.state,
    )


def trim_items(conn: Connection, feed_id: int, keep: int) -> None:
    """Keep the `keep` newest undecided items of a feed: the queue cannot grow without bound."""
    newest = (
        select(amplify_item.c.id)
        .where(amplify_item.c.feed_id == feed_id, amplify_item.c.state == "new")
        .order_by(amplify_item.c.published_at.desc(), amplify_item.c.id.desc())
        .limit(keep)
    )
    conn.execute(
        delete(amplify_item).where(
            amplify_item.c.feed_id == feed_id,
            amplify_item.c.state == "new",
            or_(amplify_item.c.id.not_in(newest)),
        )
    )
