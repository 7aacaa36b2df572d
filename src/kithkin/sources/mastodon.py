"""Mastodon's account archive: `outbox.json`, an ActivityStreams OrderedCollection.

Each item is an activity of mine. `Create` of a Note is an own post (a reply is still own;
one that quotes someone else's post, `quoteUri`/`quoteUrl`/`_misskey_quote`, is amplification
with a comment); `Announce` is a boost of the post its `object` names, whose URI says whose
it is (`https://host/users/NAME/statuses/ID` is `@NAME@host`); a boost of my own post is no
amplification (it counts as my own). A post addressed neither to
the public nor to my followers is a direct message: read as kind "direct", no share.
Real quirk: an archive's JSON may hold `orderedItems` twice; the last one counts (as
`json.loads` keeps it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from kithkin.model import SocialPost
from kithkin.sources.records import SourceProblem
from kithkin.sources.social_common import Context, Item, excerpt, parse_time, raw_json

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_OUTBOX_ID = re.compile(rb'"id"\s*:\s*"[^"]*outbox(\.json)?"')
_TAG = re.compile(r"<[^>]+>")
_USERS = re.compile(r"^/users/([^/]+)/statuses/")
_AT = re.compile(r"^/@([^/]+)/")


def looks_like(head: bytes) -> bool:
    start = head.lstrip()[:1]
    return start == b"{" and (
        _OUTBOX_ID.search(head) is not None
        or (b'"orderedItems"' in head and (b'"Create"' in head or b'"Announce"' in head))
    )


def author_of(uri: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """Whose post a status URI is: ("@name@host", its handle and profile URL keys)."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return None, ()
    host = parts.hostname
    found = _USERS.match(parts.path) or _AT.match(parts.path)
    if not host or not found:
        return None, ()
    name = found.group(1)
    return f"@{name}@{host}", (
        ("handle", f"{name}@{host}"),
        ("url", f"https://{host}/@{name}"),
        ("url", f"https://{host}/users/{name}"),
    )


def read_outbox(data: bytes, name: str, context: Context) -> Iterator[Item]:
    try:
        outbox = json.loads(data)
    except (ValueError, RecursionError) as exc:
        yield SourceProblem(name, _json_place(exc), f"not valid JSON: {exc}")
        return
    items = outbox.get("orderedItems") if isinstance(outbox, dict) else None
    if not isinstance(items, list):
        yield SourceProblem(name, "file", "no orderedItems: not a Mastodon outbox")
        return
    for index, item in enumerate(items, 1):
        place = f"item {index}"
        if not isinstance(item, dict):
            yield SourceProblem(name, place, "not an activity (an object was expected)")
            continue
        kind = item.get("type")
        if kind not in ("Create", "Announce"):
            continue  # Like, Follow, ...: not a share
        post = _activity(item, name, place)
        yield post


def _activity(item: dict[str, object], name: str, place: str) -> Item:
    when = parse_time(item.get("published"))
    obj = item.get("object")
    if isinstance(obj, dict) and when is None:
        when = parse_time(obj.get("published"))
    if when is None:
        return SourceProblem(name, place, "no valid 'published' time")
    audience = _list(item.get("to")) + _list(item.get("cc"))
    actor = str(item.get("actor") or "")
    shared = PUBLIC in audience or "as:Public" in audience or "Public" in audience
    shared = shared or any(a.endswith("/followers") for a in audience)
    raw = raw_json(item)
    if item.get("type") == "Announce":
        target = obj.get("id") if isinstance(obj, dict) else obj
        if not isinstance(target, str) or not target:
            return SourceProblem(name, place, "a boost without the post it boosts")
        mine = bool(actor) and target.startswith(actor + "/")
        author, keys = (None, ()) if mine else author_of(target)
        return SocialPost(
            network="mastodon",
            source_id=str(item.get("id") or target),
            kind=("own" if mine else "amplify") if shared else "direct",
            style="boost",
            occurred_at=when,
            source_file=name,
            place=place,
            url=target,
            author=author,
            author_keys=keys,
            raw=raw,
        )
    if not isinstance(obj, dict):
        return SourceProblem(name, place, "a post without its object")
    text = excerpt(_TAG.sub(" ", str(obj.get("content") or "")).replace("&amp;", "&"))
    source_id = str(obj.get("id") or item.get("id") or "")
    if not source_id:
        return SourceProblem(name, place, "a post without an id")
    quoted = next(
        (
            obj[k]
            for k in ("quoteUri", "quoteUrl", "_misskey_quote", "quote")
            if isinstance(obj.get(k), str)
        ),
        None,
    )
    url = obj.get("url") if isinstance(obj.get("url"), str) else source_id
    if isinstance(quoted, str) and not (actor and quoted.startswith(actor + "/")):
        author, keys = author_of(quoted)
        return SocialPost(
            network="mastodon",
            source_id=source_id,
            kind="amplify" if shared else "direct",
            style="quote",
            occurred_at=when,
            source_file=name,
            place=place,
            url=str(url),
            author=author,
            author_keys=keys,
            text=text,
            raw=raw,
        )
    return SocialPost(
        network="mastodon",
        source_id=source_id,
        kind="own" if shared else "direct",
        style="reply" if obj.get("inReplyTo") else "post",
        occurred_at=when,
        source_file=name,
        place=place,
        url=str(url),
        text=text,
        raw=raw,
    )


def _list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _json_place(exc: Exception) -> str:
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "colno", None)
    return f"line {line}, column {column}" if line else "file"
