"""The readers of social exports: real archives (counts checked against independent counts),
X and LinkedIn files written here, properties of the LinkedIn CSV and the tweets.js prefix,
and bad input named by file and place."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.model import SocialPost
from kithkin.sources.records import SourceProblem
from kithkin.sources.social import read_social, read_social_bytes
from kithkin.sources.twitter import strip_prefix
from tests.conftest import shared_data

MASTODON = ("social", "mastodon-dealingwith")
BLUESKY = ("social", "bluesky", "paul_staging.repo.car")


def kinds(items: list[SocialPost | SourceProblem]) -> Counter[tuple[str, str]]:
    return Counter((i.kind, i.style) for i in items if isinstance(i, SocialPost))


@pytest.mark.corpus
def test_the_mastodon_archive_counts_as_counted_independently() -> None:
    folder = shared_data(*MASTODON)
    items = list(read_social(folder))
    assert [i for i in items if isinstance(i, SourceProblem)] == []
    # An independent count, by json.loads and the activity types (SOURCE.txt: 1,260 Create
    # incl. 422 replies and 35 non-public direct/limited posts, 326 Announce boosts).
    outbox = json.loads((folder / "outbox.json").read_bytes())["orderedItems"]
    creates = [i for i in outbox if i["type"] == "Create"]
    assert len(creates) == 1260
    assert sum(1 for i in outbox if i["type"] == "Announce") == 326
    found = kinds(items)
    actor = outbox[0]["actor"]
    self_boosts = [i for i in outbox if i["type"] == "Announce" and i["object"].startswith(actor)]
    assert len(self_boosts) == 6  # boosts of my own posts: no amplification
    assert (found[("amplify", "boost")], found[("own", "boost")]) == (320, 6)
    posts = sum(n for (_, style), n in found.items() if style in ("post", "reply", "quote"))
    assert posts == 1260
    assert found[("own", "reply")] + found[("direct", "reply")] == 422
    assert sum(n for (kind, _), n in found.items() if kind == "direct") == 35
    boost = next(i for i in items if isinstance(i, SocialPost) and i.style == "boost")
    assert boost.author == "@s0mmer@mastodon.social"
    assert ("handle", "s0mmer@mastodon.social") in boost.author_keys
    assert boost.place.startswith("item ") and boost.source_file.endswith("outbox.json")


@pytest.mark.corpus
def test_the_mastodon_archive_zipped_reads_the_same() -> None:
    folder = shared_data(*MASTODON)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    items = list(read_social_bytes(buffer.getvalue(), "archive.zip"))
    assert kinds(items) == kinds(list(read_social(folder)))
    assert all(i.source_file == "archive.zip!outbox.json" for i in items)


@pytest.mark.corpus
def test_the_bluesky_repository_counts_as_its_blocks_say() -> None:
    import libipld

    path = shared_data(*BLUESKY)
    items = list(read_social(path))
    assert [i for i in items if isinstance(i, SourceProblem)] == []
    # independent: every block of the file by its $type, not walked from the commit
    header, blocks = libipld.decode_car(path.read_bytes())
    types = Counter(b.get("$type") for b in blocks.values() if isinstance(b, dict))
    assert (types["app.bsky.feed.post"], types["app.bsky.feed.repost"]) == (101, 15)
    mine = f"at://{blocks[header['roots'][0]]['did']}/"
    reposts = [b for b in blocks.values() if b.get("$type") == "app.bsky.feed.repost"]
    assert sum(b["subject"]["uri"].startswith(mine) for b in reposts) == 8  # my own reposted
    found = kinds(items)
    assert (found[("amplify", "repost")], found[("own", "repost")]) == (7, 8)
    assert found[("own", "post")] + found[("own", "reply")] + found[("amplify", "quote")] == 101
    assert found[("amplify", "quote")] >= 1
    repost = next(i for i in items if isinstance(i, SocialPost) and i.kind == "amplify")
    assert repost.author is not None and repost.author.startswith("did:plc:")
    assert repost.url is not None and repost.url.startswith("https://bsky.app/profile/did:")


def tweets_js(tweets: list[dict[str, object]], *, wrap: bool = True, part: int = 0) -> bytes:
    body = [{"tweet": t} for t in tweets] if wrap else tweets
    return f"window.YTD.tweets.part{part} = {json.dumps(body, indent=2)}".encode()


def tweet(tid: str, text: str, **more: object) -> dict[str, object]:
    return {
        "id_str": tid,
        "full_text": text,
        "created_at": "Wed Oct 10 20:19:24 +0000 2018",
        **more,
    }


ACCOUNT = b'window.YTD.account.part0 = [{"account": {"username": "alexk", "accountId": "1"}}]'
TWEETS = [
    tweet("1", "RT @dana: a great thread on supply chains"),
    tweet(
        "2",
        "This, exactly https://t.co/x",
        entities={"urls": [{"expanded_url": "https://twitter.com/sam_o/status/99"}]},
    ),
    tweet(
        "3",
        "as I said https://t.co/y",
        entities={"urls": [{"expanded_url": "https://x.com/alexk/status/1"}]},
    ),
    tweet("4", "@dana thanks!", in_reply_to_status_id_str="42"),
    tweet("5", "My own idea"),
]


def test_an_x_archive_folder_tells_retweets_quotes_replies_and_own(tmp_path: Path) -> None:
    data = tmp_path / "twitter-2024" / "data"
    data.mkdir(parents=True)
    (data / "account.js").write_bytes(ACCOUNT)
    (data / "tweets.js").write_bytes(tweets_js(TWEETS[:3]))
    (data / "tweets-part1.js").write_bytes(tweets_js(TWEETS[3:], part=1))
    (data / "like.js").write_bytes(b"window.YTD.like.part0 = []")
    items = [i for i in read_social(tmp_path / "twitter-2024") if isinstance(i, SocialPost)]
    styles = {i.source_id: (i.kind, i.style, i.author) for i in items}
    assert styles == {
        "1": ("amplify", "retweet", "@dana"),
        "2": ("amplify", "quote", "@sam_o"),
        "3": ("own", "post", None),  # a link to my own tweet is no quote
        "4": ("own", "reply", None),
        "5": ("own", "post", None),
    }
    retweet = next(i for i in items if i.source_id == "1")
    assert retweet.url == "https://x.com/alexk/status/1"
    assert ("url", "https://twitter.com/dana") in retweet.author_keys


def test_an_older_tweet_js_without_the_tweet_wrapper_is_read() -> None:
    data = tweets_js(TWEETS, wrap=False).replace(b"YTD.tweets", b"YTD.tweet")
    items = list(read_social_bytes(data, "tweet.js"))
    assert len(items) == 5 and all(isinstance(i, SocialPost) for i in items)


def test_an_x_archive_zip_is_read(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data/account.js", ACCOUNT)
        archive.writestr("data/tweets.js", tweets_js(TWEETS))
        archive.writestr("data/manifest.js", b"window.__THAR_CONFIG = {}")
    path = tmp_path / "twitter.zip"
    path.write_bytes(buffer.getvalue())
    items = list(read_social(path))
    assert len(items) == 5
    assert items[0].source_file == f"{path}!data/tweets.js"


SHARES = (
    "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"
    '2024-03-01 09:00:00,https://www.linkedin.com/feed/update/urn:li:share:1,"My thoughts,\n'
    'on two lines with ""quotes""",,,MEMBER_NETWORK\n'
    "2024-03-02 10:00:00,https://www.linkedin.com/feed/update/urn:li:share:2,,"
    "https://www.linkedin.com/posts/dana-whitfield_supply-activity-7,,MEMBER_NETWORK\n"
    "2024-03-03 11:00:00,https://www.linkedin.com/feed/update/urn:li:share:3,Worth a read,"
    "https://blog.samokafor.example/2024/03/ideas,,PUBLIC\n"
)


def test_linkedin_shares_tell_reshares_comments_and_own_posts() -> None:
    items = list(read_social_bytes(SHARES.encode(), "Shares_1234.csv"))
    assert [(i.kind, i.style, i.author) for i in items if isinstance(i, SocialPost)] == [
        ("own", "post", None),
        ("amplify", "reshare", "dana-whitfield"),
        ("amplify", "comment", "blog.samokafor.example"),
    ]
    first = items[0]
    assert isinstance(first, SocialPost)
    assert first.text == 'My thoughts, on two lines with "quotes"'
    assert first.place == "line 2"
    assert ("url", "https://www.linkedin.com/in/dana-whitfield") in items[1].author_keys  # type: ignore[union-attr]


def test_bad_input_is_named_by_file_and_place(tmp_path: Path) -> None:
    truncated = b'{"id": "outbox.json", "type": "OrderedCollection", "orderedItems": [{"type": "Cr'
    (problem,) = read_social_bytes(truncated, "outbox.json")
    assert isinstance(problem, SourceProblem)
    assert str(problem).startswith("outbox.json: line 1, column ")
    bad_date = SHARES.replace("2024-03-02 10:00:00", "yesterday-ish")
    items = list(read_social_bytes(bad_date.encode(), "Shares.csv"))
    assert [str(i) for i in items if isinstance(i, SourceProblem)] == [
        "Shares.csv: line 4: not a date: 'yesterday-ish'"
    ]
    assert sum(isinstance(i, SocialPost) for i in items) == 2
    (alone,) = read_social_bytes(b"hello", "notes.txt")
    assert isinstance(alone, SourceProblem) and alone.source_file == "notes.txt"
    car = b"\x3a\xa2eroots\x81" + b"\x00" * 80
    (broken,) = read_social_bytes(car, "repo.car")
    assert isinstance(broken, SourceProblem) and "repo.car: " in str(broken)
    (missing,) = read_social(tmp_path / "nowhere.zip")
    assert str(missing) == f"{tmp_path / 'nowhere.zip'}: file: no such file or directory"


def test_a_boost_without_its_object_is_a_problem_and_the_rest_goes_on() -> None:
    outbox = {
        "id": "https://h.example/users/me/outbox",
        "type": "OrderedCollection",
        "orderedItems": [
            {"type": "Announce", "published": "2024-01-01T00:00:00Z", "to": [], "object": None},
            {
                "type": "Create",
                "published": "2024-01-02T00:00:00Z",
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "object": {"id": "https://h.example/users/me/statuses/2", "content": "<p>hi</p>"},
            },
        ],
    }
    first, second = read_social_bytes(json.dumps(outbox).encode(), "outbox.json")
    assert str(first) == "outbox.json: item 1: a boost without the post it boosts"
    assert isinstance(second, SocialPost) and second.text == "hi"


commentary = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from('\n",;'),
    max_size=60,
)


@given(
    st.lists(
        st.tuples(commentary, st.sampled_from(["", "https://example.org/post/1"])),
        min_size=1,
        max_size=8,
    )
)
def test_any_linkedin_shares_csv_reads_back_each_row(rows: list[tuple[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"])
    for n, (text, url) in enumerate(rows):
        writer.writerow([f"2024-01-{n + 1:02d} 08:00:00", f"urn:li:share:{n}", text, url, "", ""])
    items = list(read_social_bytes(out.getvalue().encode(), "Shares.csv"))
    assert all(isinstance(i, SocialPost) for i in items)
    assert len(items) == len(rows)
    for item, (text, url) in zip(items, rows, strict=True):
        assert isinstance(item, SocialPost)
        expected = ("amplify", "comment" if text.strip() else "reshare") if url else ("own", "post")
        assert (item.kind, item.style) == expected
        assert item.text == (" ".join(text.split()) or None)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=20,
    ),
    st.sampled_from(["tweets", "tweet", "account"]),
    st.integers(0, 12),
    st.sampled_from(["", ";", "\n", ";\n"]),
)
def test_the_ytd_prefix_is_stripped_whatever_follows(
    value: object, name: str, part: int, end: str
) -> None:
    text = f"window.YTD.{name}.part{part} = {json.dumps(value)}{end}"
    assert json.loads(strip_prefix(text)) == value


ME = "https://h.example/users/me"
PUBLIC = ["https://www.w3.org/ns/activitystreams#Public"]
activity = st.sampled_from(["post", "reply", "direct", "boost", "self-boost", "like"])


@given(st.lists(activity, max_size=30), st.booleans())
def test_any_outbox_reads_back_as_generated(kinds_made: list[str], duplicate: bool) -> None:
    items: list[dict[str, object]] = []
    for n, made in enumerate(kinds_made):
        at = f"2024-01-{n % 28 + 1:02d}T10:00:00Z"
        if made in ("boost", "self-boost"):
            target = (
                f"{ME}/statuses/{n}"
                if made == "self-boost"
                else f"https://o.example/users/u{n}/statuses/1"
            )
            items.append(
                {
                    "id": f"{ME}/a/{n}",
                    "type": "Announce",
                    "actor": ME,
                    "published": at,
                    "to": PUBLIC,
                    "object": target,
                }
            )
        elif made == "like":
            items.append({"id": f"{ME}/l/{n}", "type": "Like", "actor": ME, "object": "x"})
        else:
            note = {
                "id": f"{ME}/statuses/{n}",
                "content": f"<p>post {n}</p>",
                "inReplyTo": "https://o.example/x" if made == "reply" else None,
            }
            audience = [] if made == "direct" else PUBLIC
            items.append(
                {
                    "id": f"{ME}/statuses/{n}/activity",
                    "type": "Create",
                    "actor": ME,
                    "published": at,
                    "to": audience,
                    "cc": [],
                    "object": note,
                }
            )
    body = json.dumps({"id": "outbox.json", "type": "OrderedCollection", "orderedItems": items})
    if duplicate:  # the real quirk: an empty orderedItems first, the full one after
        body = body.replace('"orderedItems"', '"orderedItems": [], "orderedItems"', 1)
    read = list(read_social_bytes(body.encode(), "outbox.json"))
    assert all(isinstance(i, SocialPost) for i in read)
    made_counts = Counter(kinds_made)
    found = kinds(read)
    assert found[("own", "post")] == made_counts["post"]
    assert found[("own", "reply")] == made_counts["reply"]
    assert found[("direct", "post")] == made_counts["direct"]
    assert found[("amplify", "boost")] == made_counts["boost"]
    assert found[("own", "boost")] == made_counts["self-boost"]
    assert len(read) == len(kinds_made) - made_counts["like"]


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


@pytest.mark.corpus
def test_a_car_without_its_commit_still_gives_its_posts_by_content() -> None:
    """A slice of a repository (a post at its root, not a commit): the records are read
    without their keys, said once as a problem (the blocks of the real file, written back)."""
    import libipld

    _, blocks = libipld.decode_car(shared_data(*BLUESKY).read_bytes())
    post = next(c for c, v in blocks.items() if v.get("$type") == "app.bsky.feed.post")
    link = b"\x00" + post  # CBOR by hand: {"roots": [tag 42 (the post's CID)], "version": 1}
    header = b"\xa2eroots\x81\xd8\x2a\x58" + bytes([len(link)]) + link + b"gversion\x01"
    body = b"".join(
        varint(len(cid) + len(data)) + cid + data
        for cid, value in blocks.items()
        if isinstance(value, dict) and str(value.get("$type", "")).startswith("app.bsky.feed.")
        for data in [libipld.encode_dag_cbor(value)]
    )
    items = list(read_social_bytes(varint(len(header)) + header + body, "slice.car"))
    problems = [i for i in items if isinstance(i, SourceProblem)]
    assert len(problems) == 1 and "not a repository commit" in str(problems[0])
    posts = [i for i in items if isinstance(i, SocialPost)]
    assert sum(p.style == "repost" for p in posts) == 15
    assert all(p.source_id.startswith("cid:bafy") for p in posts)


@given(
    st.sampled_from(
        [
            b"",
            b"PK\x03\x04",
            b"window.YTD.tweets.part0 = ",
            b'{"id": "outbox.json", "orderedItems": [{"type": "Create"',
            b"\x3a\xa2eroots\x81\xd8\x2a",
            b"Date,ShareLink,ShareCommentary,SharedUrl\n",
        ]
    ),
    st.binary(max_size=300),
)
def test_no_bytes_make_a_reader_raise(prefix: bytes, rest: bytes) -> None:
    """Whatever a file holds, the readers yield posts or problems naming the file."""
    for item in read_social_bytes(prefix + rest, "odd.bin"):
        assert isinstance(item, SocialPost | SourceProblem)
        if isinstance(item, SourceProblem):
            assert item.source_file.startswith("odd.bin") and item.message
