"""LinkedIn's `Shares.csv` (also named `Shares_<id>.csv`): one row per post of mine, with the
columns `Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility` (commentary runs over
several lines, in quotes).

A row with a shared URL and no commentary of mine is a reshare (amplification); commentary on
a shared URL is amplification with a comment, whose author is found by the URL: a LinkedIn
post `linkedin.com/posts/NAME_...` is NAME's (`linkedin.com/in/NAME`), any other link is the
site's (its host, which a person's website URL matches). Commentary alone is my own post.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

from kithkin.model import SocialPost
from kithkin.sources.csvfile import BadRow, find_table
from kithkin.sources.rawtext import decode_text, stable_id
from kithkin.sources.records import SourceProblem
from kithkin.sources.social_common import Context, Item, excerpt, parse_time

_REQUIRED = {"date", "sharelink", "sharecommentary"}
_POSTS = re.compile(r"^/posts/([A-Za-z0-9\-%]+?)_")
_PROFILE = re.compile(r"^/in/([^/?#]+)")


def is_shares_header(fields: Sequence[str]) -> bool:
    return {f.strip().lower() for f in fields} >= _REQUIRED


def looks_like(head: bytes) -> bool:
    first = decode_text(head).lstrip().split("\n", 1)[0].lower()
    return all(name in first.replace(" ", "") for name in _REQUIRED)


def author_of(url: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """Whose a shared link is: a LinkedIn member's post or profile, else the site's."""
    try:
        parts = urlsplit(url if "://" in url else f"https://{url}")
    except ValueError:
        return None, ()
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return None, ()
    if host.endswith("linkedin.com"):
        found = _POSTS.match(parts.path) or _PROFILE.match(parts.path)
        if found:
            member = found.group(1)
            return member, (("url", f"https://www.linkedin.com/in/{member}"),)
        return None, ()
    return host, (("url", f"https://{host}"),)


def parse_date(text: str) -> datetime | None:
    """LinkedIn's "2023-05-01 12:34:56" (UTC), or an ISO time."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return parse_time(text)


def read_shares(data: bytes, name: str, context: Context) -> Iterator[Item]:
    table = find_table(decode_text(data), is_shares_header)
    if table is None:
        yield SourceProblem(
            name, "line 1", "not a LinkedIn Shares.csv: no Date,ShareLink,ShareCommentary header"
        )
        return
    columns = {h.strip().lower(): h for h in table.header}
    for row in table.rows:
        place = f"line {row.line}"
        if isinstance(row, BadRow):
            yield SourceProblem(name, place, row.message)
            continue

        def cell(key: str, fields: dict[str, str] = row.fields) -> str:
            column = columns.get(key)
            return fields.get(column, "").strip() if column else ""

        when = parse_date(cell("date"))
        if when is None:
            yield SourceProblem(name, place, f"not a date: {cell('date')!r}")
            continue
        link, commentary, shared = cell("sharelink"), cell("sharecommentary"), cell("sharedurl")
        common = {
            "network": "linkedin",
            "source_id": link or stable_id(row.raw),
            "occurred_at": when,
            "source_file": name,
            "place": place,
            "text": excerpt(commentary),
            "raw": row.raw,
        }
        if shared:
            author, keys = author_of(shared)
            yield SocialPost(
                kind="amplify",
                style="comment" if commentary else "reshare",
                url=shared,
                author=author,
                author_keys=keys,
                **common,  # type: ignore[arg-type]
            )
        else:
            yield SocialPost(kind="own", style="post", url=link or None, **common)  # type: ignore[arg-type]
