"""`kithkin import social`, `kithkin share ...` and `kithkin amplify ...` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_data

SHARES = (
    "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"
    "2024-03-01 09:00:00,urn:li:share:1,Mine,,,PUBLIC\n"
    "2024-03-02 09:00:00,urn:li:share:2,,https://www.linkedin.com/posts/dana-w_x-activity-1,,PUBLIC\n"
    "not a date,urn:li:share:3,Broken,,,PUBLIC\n"
)


def test_import_log_and_the_ratio(run: Any, tmp_path: Path) -> None:
    csv = tmp_path / "Shares_99.csv"
    csv.write_text(SHARES, encoding="utf-8")
    done = run("import", "social", str(csv))
    assert done.code == 0
    assert "linkedin        1 own       1 amplified" in done.out
    assert "2 shares read, 2 new, 0 already there, 1 problem" in done.out
    assert f"warning: {csv}: line 4: not a date: 'not a date'" in done.err
    again = json.loads(run("import", "social", str(csv), "--json").out)
    assert (again["added"], again["unchanged"]) == (0, 2)

    assert run("person", "add", "Dana W", "--url", "https://linkedin.com/in/dana-w").code == 0
    report = json.loads(run("amplify", "--days", "3650", "--json").out)
    assert report["overall"]["percent"] == 50
    assert report["voices"][0]["display_name"] == "Dana W"

    logged = run("share", "log", "amplify", "--of", "Dana", "--url", "https://e.example/x")
    assert logged.code == 0 and "amplify of Dana W" in logged.out
    listed = run("share", "list", "--limit", "1")
    assert "manual" in listed.out and "Dana W" in listed.out
    assert run("amplify", "target", "70").out.strip() == "target: 70% of what you share"
    text = run("amplify", "--days", "3650").out
    assert "67% amplification (2 of 3 shares); target 70%" in text
    assert "below your target of 70%" in text


def test_bad_arguments_are_one_line(run: Any, tmp_path: Path) -> None:
    missing = run("import", "social", str(tmp_path / "nope.zip"))
    assert missing.code == 1 and missing.err.startswith("error: ") and "no such file" in missing.err
    assert run("share", "log", "own", "--of", "Someone").code == 1
    assert "--days" in run("amplify", "--days", "0").err
    assert run("amplify", "target", "abc").code == 1
    queue = run("amplify", "queue")
    assert queue.code == 0 and "the queue is empty" in queue.out


@pytest.mark.corpus
def test_the_real_archives_through_the_cli(run: Any) -> None:
    done = run(
        "import",
        "social",
        str(shared_data("social", "mastodon-dealingwith")),
        str(shared_data("social", "bluesky", "paul_staging.repo.car")),
        "--json",
    )
    found = json.loads(done.out)
    assert found["networks"] == {
        "mastodon": {"own": 1231, "amplify": 320},
        "bluesky": {"own": 107, "amplify": 9},
    }
    assert (found["direct_left_out"], found["problems"]) == (35, [])


def test_follow_fetch_and_decide_from_the_cli(run: Any) -> None:
    from tests.services.test_amplify import Server

    feeds = Server()
    try:
        assert run("person", "add", "Sam Okafor", "--url", f"{feeds.url}/sam/").code == 0
        added = run("amplify", "feed", "add", "Sam")
        assert added.out.strip() == f"added Sam Okafor: {feeds.url}/sam/"
        fetched = run("amplify", "fetch", "--timeout", "5")
        assert "Sam Okafor: 1 post, 1 new" in fetched.out
        assert "1 feed fetched, 1 new post" in fetched.out
        queue = json.loads(run("amplify", "queue", "--json").out)
        assert [q["title"] for q in queue] == ["Sam's essay"]
        skipped = run("amplify", "skip", str(queue[0]["id"]))
        assert skipped.out.strip() == "not for me: Sam's essay"
        assert "the queue is empty" in run("amplify", "queue").out
        listed = run("amplify", "feed", "list").out
        assert f"{feeds.url}/feed.atom" in listed and "1 post)" in listed
    finally:
        feeds.httpd.shutdown()
        feeds.httpd.server_close()
