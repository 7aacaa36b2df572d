"""The demo's share history (practices P7 and P8): a year of posts of my own and of
other people's amplified, on Mastodon and LinkedIn, with the amplification ratio climbing
towards the target and the last weeks just below it; and an amplify queue of recent posts by
circle members who keep a blog (fictional feeds, never fetched: the posts are written here).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Connection

from kithkin.demo.people import Person
from kithkin.model import SocialPost
from kithkin.store import amplify

WEEKS: Final = 52
OWN_TOPICS: Final = (
    "what we learned moving our warehouse planning to a shared forecast",
    "three questions I ask before any vendor demo",
    "notes from the logistics leaders' roundtable",
    "why our best hires came from referrals",
    "a short video on the port congestion numbers",
    "my talk on resilient supply chains, slides inside",
)
AMPLIFY_NOTES: Final = (
    "Worth reading.",
    "This matches what we saw last quarter.",
    "A clear take on a messy problem.",
    "",
    "",
)
BLOG_POSTS: Final = (
    "What a year of four-day weeks taught our team",
    "The hidden cost of one more dashboard",
    "Hiring for curiosity, not keywords",
    "Notes on negotiating multi-year contracts",
    "Small data, good decisions",
    "How we run blameless incident reviews",
)


def write_shares(
    conn: Connection, rng: random.Random, end: datetime, people: Sequence[tuple[Person, int]]
) -> int:
    """Write the share log and the queue; how many shares."""
    circle = [(p, pid) for p, pid in people if "circle" in p.tags]
    others = [(p, pid) for p, pid in people if p.tier in ("moderate", "rising", "team")]
    if not circle:
        return 0
    never = circle[-1][1]  # one circle member is never amplified
    voices = [(p, pid) for p, pid in [*circle, *others[:12]] if pid != never]
    n = 0
    for week in range(WEEKS):
        start = end - timedelta(weeks=WEEKS - week)
        share = 0.3 + 0.25 * week / WEEKS if week < WEEKS - 4 else 0.42
        own = rng.randint(2, 3)
        amplified = max(1, round(own * share / (1 - share) + rng.uniform(-0.4, 0.4)))
        for _ in range(own):
            n += 1
            at = start + timedelta(hours=rng.randrange(8, 24 * 7 - 8))
            network = rng.choice(("linkedin", "mastodon"))
            amplify.add_post(conn, _post(n, network, "own", "post", at, rng.choice(OWN_TOPICS)))
        for _ in range(amplified):
            n += 1
            at = start + timedelta(hours=rng.randrange(8, 24 * 7 - 8))
            person, pid = rng.choice(voices)
            handle = next((v for k, v in person.contacts if k == "handle"), None)
            network = "mastodon" if handle else "linkedin"
            note = rng.choice(AMPLIFY_NOTES)
            style = ("boost" if not note else "quote") if handle else "reshare"
            post = _post(n, network, "amplify", style, at, note or None, author=handle)
            amplify.add_post(conn, post, pid)
    _queue(conn, rng, end, circle)
    return n


def _post(
    n: int,
    network: str,
    kind: str,
    style: str,
    at: datetime,
    text: str | None,
    author: str | None = None,
) -> SocialPost:
    return SocialPost(
        network=network,
        source_id=f"demo-share-{n}",
        kind=kind,
        style=style,
        occurred_at=at.replace(microsecond=0),
        source_file="(demo)",
        place=f"share {n}",
        url=f"https://{network}.example/posts/demo-{n}",
        author=author,
        text=text,
    )


def _queue(
    conn: Connection, rng: random.Random, end: datetime, circle: Sequence[tuple[Person, int]]
) -> None:
    bloggers = list(circle[:3])
    titles = list(BLOG_POSTS)
    rng.shuffle(titles)
    for person, pid in bloggers:
        site = next(
            (v for k, v in person.contacts if k == "url"),
            f"https://{_slug(person.given)}-{_slug(person.family)}.example",
        )
        feed_id, _ = amplify.add_feed(conn, pid, f"{site}/feed.xml")
        feed = amplify.feeds(conn, person_id=pid)[0]
        amplify.fetched(conn, feed_id, feed_url=f"{site}/feed.xml", status="2 posts", title=None)
        entries = []
        for i in range(2):
            title = titles.pop() if titles else f"Post {i}"
            slug = _slug(title)
            entries.append(
                {
                    "guid": f"{site}/{slug}",
                    "url": f"{site}/{slug}",
                    "title": title,
                    "summary": None,
                    "published_at": end - timedelta(days=rng.randrange(1, 20)),
                }
            )
        amplify.add_items(conn, feed, entries)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
