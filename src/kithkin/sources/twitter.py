"""X/Twitter's "Download your data" archive: `data/tweets.js` (older archives `tweet.js`,
large ones split as `tweets-part1.js`, ...), each `window.YTD.tweets.partN = [...]`.

A tweet whose text starts "RT @user:" is a retweet (amplification of @user); one that links
to someone else's status (`twitter.com/USER/status/ID` or `x.com/...`) is a quote tweet
(amplification with a comment); a reply or any other tweet is my own. My user name comes from
the archive's `account.js` when it is there (so a link to my own tweet is no quote).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from kithkin.model import SocialPost
from kithkin.sources.records import SourceProblem
from kithkin.sources.social_common import Context, Item, excerpt, parse_time, raw_json

_PREFIX = re.compile(rb"^\s*window\.YTD\.(tweets?)\.part\d+\s*=\s*")
_ACCOUNT = re.compile(rb"^\s*window\.YTD\.account\.part\d+\s*=\s*")
_RT = re.compile(r"^RT @(\w{1,50}):?")
_STATUS = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(\w{1,50})/status(?:es)?/\d+"
)


def looks_like(head: bytes) -> bool:
    return _PREFIX.match(head) is not None


def looks_like_account(head: bytes) -> bool:
    return _ACCOUNT.match(head) is not None


def strip_prefix(text: str) -> str:
    """The JSON of a `window.YTD.x.partN = [...]` file: what follows the first "=" (a
    trailing ";" dropped)."""
    _, sep, rest = text.partition("=")
    return (rest if sep else text).strip().removesuffix(";")


def username(data: bytes) -> str | None:
    """My user name from account.js, or None."""
    try:
        found = json.loads(strip_prefix(data.decode("utf-8", "replace")))
        account = found[0]["account"]
        return str(account["username"]) or None
    except (ValueError, LookupError, TypeError):
        return None


def author_keys(user: str) -> tuple[tuple[str, str], ...]:
    return (
        ("handle", user),
        ("url", f"https://x.com/{user}"),
        ("url", f"https://twitter.com/{user}"),
    )


def parse_created(text: object) -> datetime | None:
    """X's "Wed Oct 10 20:19:24 +0000 2018" (or an ISO time), as aware UTC."""
    if not isinstance(text, str):
        return None
    try:
        return datetime.strptime(text.strip(), "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
    except ValueError:
        return parse_time(text)


def read_tweets(data: bytes, name: str, context: Context) -> Iterator[Item]:
    try:
        tweets = json.loads(strip_prefix(data.decode("utf-8-sig")))
    except UnicodeDecodeError as exc:
        yield SourceProblem(name, f"byte {exc.start}", "not UTF-8 text")
        return
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        place = f"line {line}, column {getattr(exc, 'colno', '?')}" if line else "file"
        yield SourceProblem(name, place, f"not valid JSON after the window.YTD prefix: {exc}")
        return
    if not isinstance(tweets, list):
        yield SourceProblem(name, "file", "not a list of tweets")
        return
    me = (context.x_username or "").lower()
    for index, entry in enumerate(tweets, 1):
        place = f"tweet {index}"
        tweet = entry.get("tweet", entry) if isinstance(entry, dict) else None
        if not isinstance(tweet, dict):
            yield SourceProblem(name, place, "not a tweet (an object was expected)")
            continue
        yield _tweet(tweet, me, context.x_username, name, place)


def _tweet(tweet: dict[str, Any], me: str, my_name: str | None, name: str, place: str) -> Item:
    tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
    when = parse_created(tweet.get("created_at"))
    if not tweet_id or when is None:
        return SourceProblem(name, place, "a tweet without its id or a valid created_at")
    text = str(tweet.get("full_text") or tweet.get("text") or "")
    url = f"https://x.com/{my_name or 'i/web'}/status/{tweet_id}"
    common: dict[str, Any] = {
        "network": "x",
        "source_id": tweet_id,
        "occurred_at": when,
        "source_file": name,
        "place": place,
        "text": excerpt(text),
        "raw": raw_json(tweet),
    }
    retweet = _RT.match(text)
    if retweet and retweet.group(1).lower() != me:
        user = retweet.group(1)
        return SocialPost(
            kind="amplify",
            style="retweet",
            url=url,
            author=f"@{user}",
            author_keys=author_keys(user),
            **common,
        )
    entities = tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, dict) else None
    for link in urls if isinstance(urls, list) else []:
        expanded = link.get("expanded_url") if isinstance(link, dict) else None
        found = _STATUS.match(expanded) if isinstance(expanded, str) else None
        if found and found.group(1).lower() != me:
            user = found.group(1)
            return SocialPost(
                kind="amplify",
                style="quote",
                url=url,
                author=f"@{user}",
                author_keys=author_keys(user),
                **common,
            )
    replied = tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")
    return SocialPost(kind="own", style="reply" if replied else "post", url=url, **common)
