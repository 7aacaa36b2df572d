"""Fetching a feed for the amplify queue, only when the user asks (`kithkin amplify fetch`).

One conditional GET (If-None-Match / If-Modified-Since from the last fetch), with a timeout on
each phase, at most `MAX_BYTES` read in at most `MAX_SECONDS`, at most five redirects, no
cookies, proxies or netrc from the environment. A URL that answers with a web page is a
website: its feed is discovered from the page's `<link rel="alternate">` and fetched in turn
(once).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Final

from kithkin.model import count_of
from kithkin.sources.feeds import discover, looks_like_html, parse_feed

MAX_BYTES: Final = 5 * 1024 * 1024
MAX_SECONDS: Final = 60.0  # one response, however slowly it trickles in
USER_AGENT: Final = "kithkin (feed reader; fetched when its user asks)"


@dataclass(frozen=True)
class FeedResult:
    ok: bool
    status: str  # in a few words: "12 posts", "not modified", "HTTP 404", "timed out", ...
    feed_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)


def fetch_feed(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 10.0,
) -> FeedResult:
    import httpx

    if not url.startswith(("http://", "https://")):
        return FeedResult(False, f"not a web address: {url}")
    with httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=5,
        trust_env=False,
        headers={"User-Agent": USER_AGENT},
    ) as client:
        first = _get(client, url, etag, last_modified)
        if isinstance(first, FeedResult):
            return first
        final_url, body, content_type, headers = first
        if looks_like_html(body, content_type):
            found = discover(body.decode("utf-8", "replace"), final_url)
            if not found:
                return FeedResult(False, "a web page that links to no RSS or Atom feed")
            second = _get(client, found[0], None, None)
            if isinstance(second, FeedResult):
                return second
            final_url, body, content_type, headers = second
            if looks_like_html(body, content_type):
                return FeedResult(False, f"{found[0]} is a web page, not a feed")
    parsed = parse_feed(body, final_url)
    if parsed.problem:
        return FeedResult(False, parsed.problem)
    return FeedResult(
        True,
        count_of(len(parsed.entries), "post"),
        feed_url=final_url,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        title=parsed.title,
        entries=parsed.entries,
    )


def _get(
    client: Any, url: str, etag: str | None, last_modified: str | None
) -> FeedResult | tuple[str, bytes, str | None, dict[str, str]]:
    import httpx

    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304:
                return FeedResult(
                    True, "not modified", feed_url=url, etag=etag, last_modified=last_modified
                )
            if response.status_code != 200:
                return FeedResult(False, f"HTTP {response.status_code} from {url}")
            chunks, size = [], 0
            started = time.monotonic()
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    return FeedResult(False, f"{url}: larger than {MAX_BYTES // 1024 // 1024} MB")
                if time.monotonic() - started > MAX_SECONDS:
                    return FeedResult(False, f"{url}: still sending after {MAX_SECONDS:.0f} s")
                chunks.append(chunk)
            kept = {k.lower(): v for k, v in response.headers.items()}
            return str(response.url), b"".join(chunks), kept.get("content-type"), kept
    except httpx.TimeoutException:
        return FeedResult(False, f"timed out: {url}")
    except httpx.TooManyRedirects:
        return FeedResult(False, f"too many redirects: {url}")
    except httpx.HTTPError as exc:
        return FeedResult(False, f"cannot fetch {url}: {exc}")
