"""Bluesky (AT Protocol) repository exports: a CAR v1 file of DAG-CBOR blocks, decoded by
libipld (not by a decoder of our own).

The repository's records are found the way the protocol defines them: from the commit the
CAR names as its root, down the Merkle search tree of `collection/rkey` keys, so that old
versions a full-history export also carries are not counted. Read: `app.bsky.feed.post` (own;
a reply is still own; an embedded record of another account, `app.bsky.embed.record` or
`recordWithMedia`, is a quote: amplification with a comment) and `app.bsky.feed.repost`
(amplification of the post its subject names; a repost of my own post counts as my own).
Authors are DIDs: kept as they are (handle `did:plc:...` and the profile URL
`https://bsky.app/profile/DID`), never resolved over the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kithkin.model import SocialPost
from kithkin.sources.records import SourceProblem
from kithkin.sources.social_common import Context, Item, excerpt, parse_time, raw_json

MAX_NODES = 1_000_000  # tree nodes walked at most: a malformed tree cannot loop for ever


def looks_like(head: bytes) -> bool:
    if len(head) < 12 or head[0] == 0 or (head[0] > 0x7F and len(head) < 2):
        return False
    start = 1 if head[0] < 0x80 else 2
    return head[start] in (0xA1, 0xA2) and b"roots" in head[:64] and b"version" in head[:64]


def _did_keys(did: str) -> tuple[tuple[str, str], ...]:
    return (("handle", did), ("url", f"https://bsky.app/profile/{did}"))


def split_uri(uri: object) -> tuple[str, str, str] | None:
    """An at:// URI's (did, collection, rkey), or None."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def post_url(did: str, rkey: str) -> str:
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def read_car(data: bytes, name: str, context: Context) -> Iterator[Item]:
    import libipld

    try:
        header, blocks = libipld.decode_car(data)
    except (ValueError, TypeError, OverflowError) as exc:
        yield SourceProblem(name, "file", f"not a readable CAR repository: {exc}")
        return
    roots = header.get("roots") if isinstance(header, dict) else None
    commit = blocks.get(roots[0]) if isinstance(roots, list) and roots else None
    if not isinstance(commit, dict) or "data" not in commit or "did" not in commit:
        yield SourceProblem(
            name, "root", "the CAR's root is not a repository commit: its records are read "
            "without their keys (ids by content, no links to the posts)",
        )  # fmt: skip
        yield from _loose(blocks, name)
        return
    did = str(commit["did"])
    for key, cid, problem in _walk(blocks, commit["data"]):
        if problem:
            yield SourceProblem(name, f"tree node {key}", problem)
            continue
        collection, _, rkey = key.partition("/")
        if collection not in ("app.bsky.feed.post", "app.bsky.feed.repost"):
            continue
        record = blocks.get(cid)
        place = f"record {key}"
        if not isinstance(record, dict):
            yield SourceProblem(name, place, "the record's block is missing from the file")
            continue
        found = _record(did, collection, rkey, record, name, place)
        if found is not None:
            yield found


def _record(
    did: str, collection: str, rkey: str, record: dict[str, Any], name: str, place: str
) -> Item | None:
    when = parse_time(record.get("createdAt"))
    if when is None:
        return SourceProblem(name, place, "no valid createdAt time")
    uri = f"at://{did}/{collection}/{rkey}"
    raw = raw_json({k: v for k, v in record.items() if not isinstance(v, bytes)})
    if collection == "app.bsky.feed.repost":
        subject = record.get("subject")
        target = split_uri(subject.get("uri") if isinstance(subject, dict) else None)
        if target is None:
            return SourceProblem(name, place, "a repost without the post it reposts")
        mine = target[0] == did  # a repost of my own post is no amplification
        return SocialPost(
            network="bluesky",
            source_id=uri,
            kind="own" if mine else "amplify",
            style="repost",
            occurred_at=when,
            source_file=name,
            place=place,
            url=post_url(target[0], target[2]),
            author=None if mine else target[0],
            author_keys=() if mine else _did_keys(target[0]),
            raw=raw,
        )
    text = excerpt(record.get("text") if isinstance(record.get("text"), str) else None)
    quoted = _quoted(record.get("embed"))
    if quoted is not None and quoted[0] != did:
        return SocialPost(
            network="bluesky",
            source_id=uri,
            kind="amplify",
            style="quote",
            occurred_at=when,
            source_file=name,
            place=place,
            url=post_url(did, rkey),
            author=quoted[0],
            author_keys=_did_keys(quoted[0]),
            text=text,
            raw=raw,
        )
    return SocialPost(
        network="bluesky",
        source_id=uri,
        kind="own",
        style="reply" if record.get("reply") else "post",
        occurred_at=when,
        source_file=name,
        place=place,
        url=post_url(did, rkey),
        text=text,
        raw=raw,
    )


def _loose(blocks: dict[bytes, Any], name: str) -> Iterator[Item]:
    """The posts and reposts of a CAR without a commit (a slice of a repository): identified
    by their content (CID), whose they are unknown but for what they name."""
    from libipld import encode_cid

    for cid, record in blocks.items():
        if not isinstance(record, dict):
            continue
        collection = record.get("$type")
        if collection not in ("app.bsky.feed.post", "app.bsky.feed.repost"):
            continue
        key = encode_cid(cid)
        found = _record("", str(collection), key, record, name, f"block {key}")
        if isinstance(found, SocialPost):
            found = SocialPost(**{**vars_of(found), "source_id": f"cid:{key}", "url": (
                found.url if collection == "app.bsky.feed.repost" else None
            )})  # fmt: skip
        if found is not None:
            yield found


def vars_of(post: SocialPost) -> dict[str, Any]:
    from dataclasses import fields

    return {f.name: getattr(post, f.name) for f in fields(post)}


def _quoted(embed: object) -> tuple[str, str, str] | None:
    if not isinstance(embed, dict):
        return None
    kind = embed.get("$type")
    if kind == "app.bsky.embed.record":
        inner = embed.get("record")
        return split_uri(inner.get("uri") if isinstance(inner, dict) else None)
    if kind == "app.bsky.embed.recordWithMedia":
        return _quoted(embed.get("record"))
    return None


def _walk(blocks: dict[bytes, Any], root: object) -> Iterator[tuple[str, bytes, str | None]]:
    """(key, record CID, None) for every entry of the tree at `root`; a node that is missing
    or malformed is (place, b"", the problem), and the walk goes on with the others."""
    stack: list[object] = [root]
    seen: set[bytes] = set()
    while stack:
        cid = stack.pop()
        if cid is None:
            continue
        if not isinstance(cid, bytes) or cid in seen:
            continue
        seen.add(cid)
        if len(seen) > MAX_NODES:
            yield "", b"", f"more than {MAX_NODES:,} tree nodes: the rest is not read"
            return
        node = blocks.get(cid)
        if not isinstance(node, dict) or not isinstance(node.get("e"), list):
            yield str(len(seen)), b"", "a tree node is missing or malformed"
            continue
        stack.append(node.get("l"))
        previous = b""
        for entry in node["e"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("k"), bytes):
                yield str(len(seen)), b"", "a tree entry is malformed"
                break
            prefix = entry.get("p") if isinstance(entry.get("p"), int) else 0
            key = previous[:prefix] + entry["k"]
            previous = key
            value = entry.get("v")
            if isinstance(value, bytes):
                yield key.decode("utf-8", "replace"), value, None
            stack.append(entry.get("t"))
