"""RSS and Atom feeds for the amplify queue, read by feedparser (a well-kept parser, not one of
our own), and feed autodiscovery: the `<link rel="alternate" type="application/rss+xml">`
(or Atom) of a website's page.

Pure: bytes in, entries out; fetching is `outbound.feeds`'.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, Final
from urllib.parse import urljoin

from kithkin.sources.social_common import excerpt

MAX_ENTRIES: Final = 100  # entries read from one feed, newest first
FEED_TYPES: Final = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: list[dict[str, Any]] = field(default_factory=list)  # guid, url, title, ...
    problem: str | None = None  # why nothing could be read


def looks_like_html(data: bytes, content_type: str | None = None) -> bool:
    if content_type and "html" in content_type.lower():
        return True
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def parse_feed(data: bytes, base_url: str) -> ParsedFeed:
    """The entries of an RSS or Atom document, newest first, at most `MAX_ENTRIES`."""
    import feedparser

    parsed = feedparser.parse(data, response_headers={"content-location": base_url})
    version = getattr(parsed, "version", "")
    if not version and not parsed.entries:
        reason = parsed.get("bozo_exception")
        return ParsedFeed(None, [], f"not an RSS or Atom feed ({reason or 'unknown format'})")
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        guid = entry.get("id") or link or entry.get("title")
        if not guid:
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime.fromtimestamp(calendar.timegm(when), UTC) if when else None
        summary = entry.get("summary")
        entries.append(
            {
                "guid": str(guid)[:2000],
                "url": web_address(urljoin(base_url, str(link))) if link else None,
                "title": excerpt(str(entry.get("title") or "")) or None,
                "summary": excerpt(_text(str(summary))) if summary else None,
                "published_at": published,
            }
        )
    entries.sort(key=lambda e: e["published_at"] or datetime.min.replace(tzinfo=UTC), reverse=True)
    title = parsed.feed.get("title") if hasattr(parsed, "feed") else None
    return ParsedFeed(excerpt(str(title)) if title else None, entries[:MAX_ENTRIES])


def web_address(url: str) -> str | None:
    """`url` if it is an http(s) address (a feed's `javascript:` or `data:` link is not)."""
    return url if url.lower().startswith(("https://", "http://")) and len(url) < 4000 else None


def discover(html: str, base_url: str) -> list[str]:
    """The feeds a web page links to (`rel="alternate"` of an RSS/Atom type), in page order."""
    finder = _Links()
    try:
        finder.feed(html)
        finder.close()
    except (ValueError, AssertionError):
        pass
    found = (web_address(urljoin(base_url, href)) for href in finder.found)
    return list(dict.fromkeys(url for url in found if url))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "a") or len(self.found) >= 20:
            return
        values = {k.lower(): (v or "") for k, v in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href"):
            self.found.append(values["href"].strip())


def _text(html: str) -> str:
    class Strip(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    strip = Strip()
    try:
        strip.feed(html)
        strip.close()
    except (ValueError, AssertionError):
        return html
    return " ".join(strip.parts)
