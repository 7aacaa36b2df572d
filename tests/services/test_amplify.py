"""Amplification end to end through the use cases: importing share histories (idempotent),
authors linked to people by their handles, the ratio against the target, Today's nudges, the
share log by hand, and the amplify queue fetched from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kithkin import clock
from kithkin.errors import InvalidInput
from kithkin.services import amplify, circle, people
from kithkin.services.people import NewContact
from kithkin.store import Database
from tests.conftest import shared_data

NOW = datetime(2024, 7, 25, 12, tzinfo=UTC)


def person(db: Database, name: str, *contacts: tuple[str, str]) -> int:
    made = people.add_person(
        db, display_name=name, contacts=[NewContact(k, v) for k, v in contacts]
    )
    return made.person.id


@pytest.mark.corpus
def test_importing_the_mastodon_archive_twice_adds_nothing_the_second_time(db: Database) -> None:
    folder = shared_data("social", "mastodon-dealingwith")
    first = amplify.import_social(db, paths=[folder])
    assert (first.read, first.added, first.direct) == (1551, 1551, 35)
    assert first.by_network == {"mastodon": {"own": 1231, "amplify": 320}}
    again = amplify.import_social(db, paths=[str(folder)])
    assert (again.read, again.added, again.unchanged) == (1551, 0, 1551)
    assert len(amplify.shares(db, limit=10_000)) == 1551
    later = amplify.report(db, now=datetime(2026, 12, 7, tzinfo=UTC))
    assert later.overall.total == 0  # nothing in the last 28 days, yet the chart shows
    last = later.months[-1]  # the twelve months up to the archive's last share
    assert (last.label, last.own, last.amplify) == ("2024-07", 81, 18)
    assert later.months[0].label == "2023-08"


@pytest.mark.corpus
def test_an_author_becomes_a_person_by_their_handle_even_after_the_import(db: Database) -> None:
    amplify.import_social(db, paths=[shared_data("social", "mastodon-dealingwith")])
    before = amplify.report(db, days=3650, now=NOW)
    assert before.voices == [] and before.unknown_authors == 320
    assert len(before.unknown_voices) == 10
    assert all(a.startswith("@") and n >= 1 for a, n in before.unknown_voices)
    pid = person(db, "S. Sommer", ("handle", "@s0mmer@mastodon.social"))
    after = amplify.report(db, days=3650, now=NOW)
    voice = next(v for v in after.voices if v.person_id == pid)
    assert voice.display_name == "S. Sommer" and voice.count >= 1
    assert after.unknown_authors == 320 - voice.count


def test_the_ratio_per_network_against_the_target_and_the_nudges(db: Database) -> None:
    clock.freeze(NOW)
    dana = person(db, "Dana Whitfield", ("url", "https://dana.example"))
    sam = person(db, "Sam Okafor")
    circle.add_members(db, people=[dana, sam])
    for days in (1, 2, 3):
        amplify.log_share(db, kind="own", note="mine", at=NOW - timedelta(days=days))
    amplify.log_share(db, kind="amplify", of=dana, at=NOW - timedelta(days=4))
    amplify.log_share(db, kind="own", at=NOW - timedelta(days=40))  # outside the window
    found = amplify.report(db, now=NOW)
    assert (found.overall.own, found.overall.amplify, found.overall.percent) == (3, 1, 25)
    assert [(t.label, t.percent) for t in found.networks] == [("manual", 25)]
    assert [(v.person_id, v.count) for v in found.voices] == [(dana, 1)]
    assert found.unamplified == [(sam, "Sam Okafor")]
    assert found.target == 50
    assert len(found.nudges) == 1 and "25%" in found.nudges[0]
    assert "target of 50%" in found.nudges[0]
    assert amplify.target(db, percent="20") == 20
    assert amplify.report(db, now=NOW).nudges == []
    quiet = amplify.report(db, now=NOW + timedelta(days=25))
    assert any("Nothing of your own since" in n for n in quiet.nudges)
    assert [m.label for m in found.months][-2:] == ["2024-06", "2024-07"]
    assert (found.months[-1].own, found.months[-1].amplify) == (3, 1)


def test_today_nudges_below_the_target_and_after_three_quiet_weeks(db: Database) -> None:
    from kithkin.services import today

    clock.freeze(NOW)
    assert today.agenda(db, now=NOW).section("share") == []  # no share log: no nagging
    amplify.log_share(db, kind="own", at=NOW - timedelta(days=2))
    agenda = today.agenda(db, now=NOW)
    [ratio] = agenda.section("share")
    assert ratio.key == "share:ratio" and "0%" in ratio.reason
    shown = {s["name"]: s for s in today.to_json(agenda)["sections"]}
    assert [i["key"] for i in shown["share"]["items"]] == ["share:ratio"]
    today.dismiss(db, key="share:ratio", now=NOW)
    assert today.agenda(db, now=NOW).section("share") == []
    later = NOW + timedelta(days=22)  # another week, and three weeks without my own
    keys = [i.key for i in today.agenda(db, now=later).section("share")]
    assert keys == ["share:ratio", "share:own"]


def test_a_share_logged_by_hand_is_checked(db: Database) -> None:
    pid = person(db, "Dana Whitfield")
    with pytest.raises(InvalidInput, match="own or amplify"):
        amplify.log_share(db, kind="boost")
    with pytest.raises(InvalidInput, match="not a web address"):
        amplify.log_share(db, kind="own", url="javascript:alert(1)")
    with pytest.raises(InvalidInput, match="--of"):
        amplify.log_share(db, kind="own", of=pid)
    with pytest.raises(InvalidInput, match="target"):
        amplify.target(db, percent="150")
    with pytest.raises(InvalidInput, match="--days"):
        amplify.report(db, days="0")
    made = amplify.log_share(db, kind="amplify", of="Dana", url="https://e.example/p")
    assert (made.person_id, made.display_name, made.style) == (pid, "Dana Whitfield", "reshare")


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Dana's notes</title><link>http://x/</link>
<item><title>Old post</title><link>http://x/old</link><guid>old</guid>
<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>
<item><title>A trap</title><link>javascript:alert(1)</link><guid>trap</guid>
<pubDate>Mon, 01 Jan 2024 09:00:00 GMT</pubDate></item>
<item><title>Fresh post</title><link>http://x/fresh</link><guid>fresh</guid>
<pubDate>Tue, 23 Jul 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Supply &amp;amp; demand&lt;/p&gt;</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Sam writes</title><id>urn:sam</id>
<updated>2024-07-20T09:00:00Z</updated>
<entry><title>Sam's essay</title><id>urn:sam:1</id><link href="/essay"/>
<updated>2024-07-20T09:00:00Z</updated></entry></feed>"""

PAGE = """<!doctype html><html><head><title>Sam</title>
<link rel="alternate" type="application/atom+xml" href="/feed.atom"></head><body>hi</body></html>"""


class Server:
    def __init__(self) -> None:
        self.files = {
            "/dana.rss": ("application/rss+xml", RSS),
            "/sam/": ("text/html; charset=utf-8", PAGE),
            "/feed.atom": ("application/atom+xml", ATOM),
            "/nothing/": ("text/html", "<html><body>no feed here</body></html>"),
            "/huge.rss": ("application/rss+xml", "<rss>" + "x" * (6 * 1024 * 1024)),
        }
        self.requests: list[tuple[str, int]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                kind, body = server.files.get(self.path, ("text/plain", ""))
                etag = f'"{hash(body) & 0xFFFF:x}"'
                if self.path not in server.files:
                    code = 404
                elif self.headers.get("If-None-Match") == etag:
                    code = 304
                else:
                    code = 200
                server.requests.append((self.path, code))
                self.send_response(code)
                if code == 200:
                    data = body.encode()
                    self.send_header("Content-Type", kind)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                else:
                    self.send_header("Content-Length", "0")
                    self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()


@pytest.fixture
def feeds() -> Iterator[Server]:
    server = Server()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_the_amplify_queue_from_feeds_on_a_local_server(db: Database, feeds: Server) -> None:
    clock.freeze(NOW)
    dana = person(db, "Dana Whitfield")
    sam = person(db, "Sam Okafor", ("url", f"{feeds.url}/sam/"), ("url", "linkedin.com/in/sam"))
    amplify.add_feed(db, person=dana, url=f"{feeds.url}/dana.rss")
    added = amplify.add_feed(db, person=sam)  # the website; LinkedIn is no blog
    assert [u for u, _ in added.urls] == [f"{feeds.url}/sam/"]
    assert feeds.requests == []  # nothing is read until asked
    done = amplify.fetch(db, timeout=5)
    assert (done.feeds, done.new_items) == (2, 4)
    assert ("/feed.atom", 200) in feeds.requests  # found from Sam's page
    queue = amplify.queue(db, now=NOW)
    assert [r.item.title for r in queue] == ["Fresh post", "Sam's essay", "Old post", "A trap"]
    assert queue[3].item.url is None  # a javascript: link is no web address
    assert queue[0].item.summary == "Supply & demand"
    assert queue[1].item.url == f"{feeds.url}/essay"
    assert "never amplified Sam Okafor" in queue[1].why

    feeds.requests.clear()
    again = amplify.fetch(db, timeout=5)
    assert again.new_items == 0
    assert sorted(feeds.requests) == [("/dana.rss", 304), ("/feed.atom", 304)]

    shared = amplify.decide(db, item_id=queue[0].item.id, action="shared")
    assert shared.state == "shared"
    log = amplify.shares(db)
    assert (log[0].kind, log[0].person_id, log[0].url) == ("amplify", dana, "http://x/fresh")
    amplify.decide(db, item_id=queue[2].item.id, action="dismissed")
    amplify.decide(db, item_id=queue[3].item.id, action="dismissed")
    assert [r.item.title for r in amplify.queue(db, now=NOW)] == ["Sam's essay"]


def test_fetch_problems_are_told_per_feed_and_bounded(db: Database, feeds: Server) -> None:
    pid = person(db, "Pat")
    for path in ("/nothing/", "/huge.rss", "/gone.rss"):
        amplify.add_feed(db, person=pid, url=f"{feeds.url}{path}")
    done = amplify.fetch(db, timeout=5)
    assert done.new_items == 0
    said = " | ".join(done.lines)
    assert "links to no RSS or Atom feed" in said
    assert "larger than 5 MB" in said
    assert "HTTP 404" in said
    assert [f.status for f in amplify.feeds(db)] == [
        "a web page that links to no RSS or Atom feed",
        f"{feeds.url}/huge.rss: larger than 5 MB",
        f"HTTP 404 from {feeds.url}/gone.rss",
    ]


def test_importing_a_path_that_is_not_there_says_so(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        amplify.import_social(db, paths=[tmp_path / "missing.zip"])


def test_a_merge_moves_shares_and_feeds_and_undo_moves_them_back(db: Database) -> None:
    from kithkin.services import people as people_service
    from kithkin.services.trash import undo

    keep = person(db, "Dana Whitfield")
    other = person(db, "D. Whitfield")
    amplify.log_share(db, kind="amplify", of=other, at=NOW)
    amplify.add_feed(db, person=other, url="https://dana.example/feed.xml")
    people_service.merge_people(db, keep=keep, other=other)
    assert amplify.shares(db)[0].person_id == keep
    assert [f.person_id for f in amplify.feeds(db)] == [keep]
    undo(db)
    assert amplify.shares(db)[0].person_id == other
    assert [f.person_id for f in amplify.feeds(db)] == [other]


@pytest.mark.corpus
def test_an_unknown_author_given_to_a_person_links_their_shares(db: Database) -> None:
    amplify.import_social(db, paths=[shared_data("social", "bluesky", "paul_staging.repo.car")])
    (did, n), *_ = amplify.report(db, days=3650, now=NOW).unknown_voices
    assert did.startswith("did:plc:")
    pid = person(db, "Paul's friend")
    done = amplify.link_author(db, author=did, person=pid)
    assert (done.kind, done.value) == ("handle", did)
    found = amplify.report(db, days=3650, now=NOW)
    assert [(v.person_id, v.count) for v in found.voices] == [(pid, n)]
    with pytest.raises(InvalidInput, match="no amplified post"):
        amplify.link_author(db, author="@nobody@nowhere.example", person=pid)
