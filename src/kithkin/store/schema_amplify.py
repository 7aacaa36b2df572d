"""The tables of amplification (migration 0009), on the shared `metadata`.

- `share`: one row per thing I shared, my own or someone else's amplified, imported from a
  network's export (keyed by network and the post's id there, so re-importing changes nothing)
  or logged by hand; it keeps where it came from (file, place, the item as read).
- `share_author_key`: the handles and profile URLs of an amplified post's author, normalised
  as contact points are, so the author is a person as soon as someone has one of them.
- `amplify_feed`: an RSS/Atom feed (or a website whose feed is discovered) of a person, with
  what a conditional GET needs (ETag, Last-Modified) and how the last fetch went.
- `amplify_item`: the recent posts read from those feeds: the amplify queue, each new, shared
  (with the share it became) or not for me.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from kithkin.store.schema import UTCDateTime, metadata

share = Table(
    "share",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("network", String(16), nullable=False),  # mastodon, bluesky, x, linkedin, manual
    Column("source_id", Text, nullable=False),
    Column("kind", String(8), nullable=False),  # own, amplify
    Column("style", String(16), nullable=False),  # post, reply, boost, quote, reshare, ...
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("url", Text),
    Column("author", Text),  # the amplified voice as the network names them
    Column("person_id", Integer, ForeignKey("person.id", ondelete="SET NULL")),  # said by hand
    Column("text", Text),
    Column("source_file", Text, nullable=False),
    Column("place", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("imported_at", UTCDateTime, nullable=False),
    # who shared it (migration 0021; None: the one user of a personal database): in team mode
    # each member's ratio, nudges and review count their own shares
    Column("member_id", Integer),  # no foreign key, as the owned rows of migration 0018
    UniqueConstraint("network", "source_id", name="uq_share_source"),
)
Index("ix_share_occurred_at", share.c.occurred_at)
Index("ix_share_member", share.c.member_id)
Index("ix_share_person", share.c.person_id)

share_author_key = Table(
    "share_author_key",
    metadata,
    Column("share_id", Integer, ForeignKey("share.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # handle, url
    Column("normalized", Text, primary_key=True),
)
Index("ix_share_author_key", share_author_key.c.kind, share_author_key.c.normalized)

amplify_feed = Table(
    "amplify_feed",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),  # as given: a feed, or a website to discover it from
    Column("feed_url", Text),  # the feed itself, once known
    Column("title", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("fetched_at", UTCDateTime),
    Column("status", Text),  # how the last fetch went, in a few words
    Column("added_at", UTCDateTime, nullable=False),
)
# Not unique by (person, url): a merge moves the other person's feeds, whatever they follow.
Index("ix_amplify_feed_person", amplify_feed.c.person_id)

amplify_item = Table(
    "amplify_item",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("amplify_feed.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
    Column("guid", Text, nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("summary", Text),
    Column("published_at", UTCDateTime),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("state", String(12), nullable=False),  # new, shared, dismissed
    Column("decided_at", UTCDateTime),
    Column("share_id", Integer, ForeignKey("share.id", ondelete="SET NULL")),
    UniqueConstraint("feed_id", "guid", name="uq_amplify_item"),
)
Index("ix_amplify_item_state", amplify_item.c.state, amplify_item.c.published_at)
Index("ix_amplify_item_person", amplify_item.c.person_id)
