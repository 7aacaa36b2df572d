"""The Inbox page, the unsubscribe dry run and its confirmation, the keep/digest forms and the
JSON API, in-process, over a small mailbox imported with the real importer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kithkin.services.inbox import short_id
from kithkin.store import Database, people
from kithkin.store import hygiene as store
from tests.builders.inbox import mail_of
from tests.ingest.mailbox import message, write_maildir
from tests.web.conftest import JSON, post_form, token_of

ME = "ana@kithkin.example"
XSS = "<script>alert(1)</script>"
DAILY_KEY = "list:daily.lists.example"
PROMO_KEY = "unsub:shop.example/leave"
SPAM_KEY = "unsub:prizes.example/stop"
DAILY, PROMO, SPAM = short_id(DAILY_KEY), short_id(PROMO_KEY), short_id(SPAM_KEY)
PROMO_LINK = "https://shop.example/leave?u=77"
DAILY_HEADERS = {
    "List_Id": "Daily Digest <daily.lists.example>",
    "List_Unsubscribe": "<mailto:daily-off@lists.example>, <https://lists.example/leave/daily>",
}


def mailbox(root: Path) -> Path:
    """A list sending daily and twelve posts on day 10 (mailto and web link, no one-click),
    a bulk sender whose name carries a script tag (a web link only), Dana's unanswered mail
    on the heavy day, and a sender found only in the Spam folder."""
    inbox: list[tuple[bytes, str]] = []
    for i in range(20):
        inbox.append(
            (
                message(
                    f"d{i}@daily",
                    "Daily <bot@lists.example>",
                    ["daily@lists.example"],
                    f"Issue {i}",
                    day=i,
                    **DAILY_HEADERS,
                ),
                "",
            )
        )
    for i in range(12):
        inbox.append(
            (
                message(
                    f"h{i}@daily",
                    f"P{i} <p{i}@lists.example>",
                    ["daily@lists.example"],
                    f"Busy {i}",
                    day=10 + i / 100,
                    **DAILY_HEADERS,
                ),
                "",
            )
        )
    for i in range(3):
        inbox.append(
            (
                message(
                    f"p{i}@promo",
                    f'"Promo {XSS}" <promo@shop.example>',
                    [ME],
                    f"Deal {i}",
                    day=i * 5,
                    Precedence="bulk",
                    List_Unsubscribe=f"<{PROMO_LINK}>",
                ),
                "",
            )
        )
    inbox.append(
        (
            message("x1@acme", "Dana Whitfield <dana@acme.example>", [ME], "Board seat?", day=10.2),
            "",
        )
    )
    write_maildir(root / "INBOX", inbox)
    write_maildir(
        root / "Spam",
        [(message(f"x{k}@prizes", "Prize Desk <win@prizes.example>", [ME], "You won", day=k,
                  List_Unsubscribe="<https://prizes.example/stop>"), "") for k in range(3)],
        start=100,
    )  # fmt: skip
    return root


@pytest.fixture
def imported(client: Any, db_url: str, tmp_path: Path) -> Iterator[Database]:
    db = Database(db_url)
    mail_of(db, mailbox(tmp_path / "mail"), name="Ana", addresses=[ME])
    yield db
    db.dispose()


def outbox(db: Database) -> list[store.OutboxEntry]:
    with db.read() as conn:
        return store.actions(conn)


def item(html: str, sub_id: str) -> str:
    """The <li> of one subscription on the Inbox page."""
    found = re.search(rf'<li [^>]*data-id="{sub_id}".*?</li>', html, re.S)
    assert found, f"{sub_id} is not on the page"
    return found.group(0)


def section(html: str, name: str) -> str:
    found = re.search(rf'<section class="card" id="{name}".*?</section>', html, re.S)
    assert found, f"no section {name}"
    return found.group(0)


def test_the_inbox_ranks_subscriptions_and_explains_them(client: Any, imported: Database) -> None:
    page = client.get("/inbox")
    assert page.status_code == 200
    html = page.text
    assert '<a href="/inbox" aria-current="page">Inbox</a>' in html
    ranked = section(html, "subscriptions")
    assert ranked.index(f'data-id="{DAILY}"') < ranked.index(f'data-id="{PROMO}"')
    daily = item(html, DAILY)
    for text in (
        "Daily Digest",
        "30 a month, none read, you never replied; 1 message from real people arrived the "
        "same days and is still unanswered",
        "can be left by a mail",
        f'href="/inbox/unsubscribe/{DAILY}"',
        "Unsubscribe…",
        'name="rule" value="keep"',
        'name="rule" value="digest"',
    ):
        assert text in daily, text
    assert XSS not in html and "Promo &lt;script&gt;alert(1)&lt;/script&gt;" in html
    # what looks like spam: no unsubscribe, told to report it
    spam = section(html, "spam")
    assert "Prize Desk" in spam and "report as spam instead" in spam
    assert f"/inbox/unsubscribe/{SPAM}" not in html and f'data-id="{SPAM}"' not in ranked
    # the mail it buries, linked to the person
    with imported.read() as conn:
        dana = people.resolve(conn, "dana@acme.example")
    buried = section(html, "buried")
    assert "Board seat?" in buried and f'href="/people/{dana}">Dana Whitfield</a>' in buried
    assert "among 14 list and bulk messages that day" in buried
    assert "Empty: every unsubscribe you confirm" in section(html, "outbox")


def test_an_empty_inbox_says_to_import_mail(client: Any) -> None:
    html = client.get("/inbox").text
    assert (
        "No subscriptions yet" in html and '<a href="/import/mail#mail-form">Import it</a>' in html
    )
    assert "kithkin import" not in html  # the web UI never asks for a command


def test_keep_digest_and_clear_need_the_csrf_token(client: Any, imported: Database) -> None:
    client.get("/inbox")
    refused = client.post("/inbox/rules", data={"sub_id": DAILY, "rule": "keep"})
    assert refused.status_code == 403
    foreign = client.post(
        "/inbox/rules",
        data={"csrf_token": token_of(client.get("/inbox").text), "sub_id": DAILY, "rule": "keep"},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    with imported.read() as conn:
        assert store.rules(conn) == {}

    kept = post_form(client, "/inbox", "/inbox/rules", sub_id=DAILY, rule="keep", next="/inbox")
    assert "Daily Digest: kept: never proposed for unsubscribing again." in kept.text
    assert f'data-id="{DAILY}"' in section(kept.text, "kept")
    assert f'data-id="{DAILY}"' not in section(kept.text, "subscriptions")
    assert "Clear rule" in section(kept.text, "kept")
    digest = post_form(client, "/inbox", "/inbox/rules", sub_id=PROMO, rule="digest")
    assert "read as a digest" in digest.text
    with imported.read() as conn:
        assert {k: r.rule for k, r in store.rules(conn).items()} == {
            DAILY_KEY: "keep",
            PROMO_KEY: "digest",
        }
    cleared = post_form(client, "/inbox", "/inbox/rules", sub_id=DAILY, rule="clear")
    assert "Daily Digest: no rule any more" in cleared.text
    assert f'data-id="{DAILY}"' in section(cleared.text, "subscriptions")
    unknown = post_form(client, "/inbox", "/inbox/rules", sub_id="szzzzzz", rule="keep")
    assert "no subscription matches" in unknown.text and "flash-error" in unknown.text
    odd = post_form(client, "/inbox", "/inbox/rules", sub_id=DAILY, rule="mute")
    assert "unknown rule" in odd.text


def test_the_dry_run_shows_the_link_or_refuses(client: Any, imported: Database) -> None:
    page = client.get(f"/inbox/unsubscribe/{DAILY}")
    assert page.status_code == 200
    html = page.text
    assert "Dry run" in html and "Nothing has been sent yet" in html
    assert "give you the link to open yourself: https://lists.example/leave/daily" in html
    assert "mailto: no SMTP server set" in html  # the way passed over, and why
    assert (
        '<a class="button small" href="https://lists.example/leave/daily" '
        'rel="noopener noreferrer" target="_blank">'
    ) in html
    assert f'action="/inbox/unsubscribe/{DAILY}"' in html and 'name="csrf_token"' in html
    assert 'name="retry"' not in html  # no attempt was left unfinished

    spam = client.get(f"/inbox/unsubscribe/{SPAM}").text
    assert "Nothing will be done" in spam and "report as spam instead" in spam
    assert "<form" not in spam.split("<main", 1)[1].split("</main>")[0]
    promo = client.get(f"/inbox/unsubscribe/{PROMO}").text
    assert XSS not in promo and "&lt;script&gt;" in promo
    assert client.get("/inbox/unsubscribe/szzzzzz").status_code == 404
    assert outbox(imported) == []  # a dry run records nothing


def test_an_unfinished_attempt_is_said_on_the_dry_run(client: Any, imported: Database) -> None:
    with imported.write() as conn:
        entry = store.record_action(
            conn, action="unsubscribe", subscription_key=DAILY_KEY, method="web",
            target="https://lists.example/leave/daily",
        )  # fmt: skip
        store.start_attempt(conn, entry.id)
    html = client.get(f"/inbox/unsubscribe/{DAILY}").text
    assert f"an unsubscribe is under way (outbox #{entry.id})" in html
    assert "never finished" in html


def test_confirming_a_web_link_records_it_once(client: Any, imported: Database) -> None:
    client.get(f"/inbox/unsubscribe/{PROMO}")
    assert client.post(f"/inbox/unsubscribe/{PROMO}", data={}).status_code == 403
    done = post_form(client, f"/inbox/unsubscribe/{PROMO}", f"/inbox/unsubscribe/{PROMO}")
    assert done.status_code == 200
    html = done.text
    assert f"open this link yourself to leave: {PROMO_LINK}" in html
    assert 'href="https://shop.example/leave?u=77" rel="noopener noreferrer"' in html
    [entry] = outbox(imported)
    assert (entry.status, entry.method, entry.subscription_key) == ("done", "web", PROMO_KEY)
    assert PROMO_LINK in (entry.outcome or "")
    assert f"as #{entry.id}" in html and 'badge-done">done<' in html

    token = token_of(client.get("/inbox").text)  # the form sent again (a reload, a double click)
    again = client.post(f"/inbox/unsubscribe/{PROMO}", data={"csrf_token": token})
    assert again.status_code == 200 and "you were given its link on" in again.text
    assert len(outbox(imported)) == 1  # never twice

    page = client.get("/inbox").text
    assert "you were given its link on" in item(page, PROMO)
    assert f"/inbox/unsubscribe/{PROMO}" not in page  # no longer offered
    box = section(page, "outbox")
    assert f"#{entry.id}" in box and "Promo &lt;script&gt;" in box and PROMO_LINK in box


def test_the_json_api(client: Any, imported: Database) -> None:
    subs = client.get("/api/inbox/subscriptions").json()
    assert [(s["id"], s["key"]) for s in subs] == [
        (DAILY, DAILY_KEY),
        (PROMO, PROMO_KEY),
        (SPAM, SPAM_KEY),
    ]
    daily = subs[0]
    assert daily["label"] == "Daily Digest" and daily["offerable"] is True
    assert daily["methods"][0] == {"kind": "mailto", "target": "mailto:daily-off@lists.example"}
    assert daily["explanation"].startswith("30 a month") and daily["cost"] > subs[1]["cost"]
    assert subs[2]["looks_like_spam"] is True and subs[2]["offerable"] is False
    [buried] = client.get("/api/inbox/buried").json()
    assert (buried["name"], buried["subject"], buried["tier"]) == (
        "Dana Whitfield",
        "Board seat?",
        "other",
    )

    dry = client.post("/api/inbox/unsubscribe", json={"ids": [DAILY, SPAM]}, headers=JSON)
    assert dry.status_code == 200
    body = dry.json()
    assert body["applied"] is False
    assert [(s["id"], s["method"], s["allowed"], s["status"]) for s in body["steps"]] == [
        (DAILY, "web", True, "planned"),
        (SPAM, None, False, "refused"),
    ]
    assert body["steps"][0]["notes"] == [
        "mailto: no SMTP server set (kithkin inbox smtp --host HOST --from ADDRESS)"
    ]
    assert client.get("/api/inbox/outbox").json() == []  # a dry run changes nothing

    applied = client.post(
        "/api/inbox/unsubscribe", json={"ids": [PROMO], "apply": True}, headers=JSON
    ).json()
    assert applied["applied"] is True
    [step] = applied["steps"]
    assert step["status"] == "shown" and PROMO_LINK in step["outcome"]
    [entry] = client.get("/api/inbox/outbox").json()
    assert (entry["id"], entry["status"], entry["subscription_key"]) == (
        step["outbox_id"],
        "done",
        PROMO_KEY,
    )

    kept = client.put(f"/api/inbox/rules/{DAILY}", json={"rule": "keep"}, headers=JSON)
    assert kept.status_code == 200
    assert (kept.json()["id"], kept.json()["rule"], kept.json()["offerable"]) == (
        DAILY,
        "keep",
        False,
    )
    cleared = client.put(f"/api/inbox/rules/{DAILY}", json={"rule": None}, headers=JSON).json()
    assert cleared["rule"] is None and cleared["offerable"] is True
    odd = client.put(f"/api/inbox/rules/{DAILY}", json={"rule": "mute"}, headers=JSON)
    assert odd.status_code == 422

    # unknown ids, and the guard every API write goes through
    missing = client.put("/api/inbox/rules/szzzzzz", json={"rule": "keep"}, headers=JSON)
    assert missing.status_code == 404 and "no subscription matches" in missing.json()["error"]
    gone = client.post("/api/inbox/unsubscribe", json={"ids": ["szzzzzz"]}, headers=JSON)
    assert gone.status_code == 404
    assert client.post("/api/inbox/unsubscribe", json={"ids": []}, headers=JSON).status_code == 422
    form = client.post("/api/inbox/unsubscribe", data={"ids": DAILY, "apply": "true"})
    assert form.status_code == 415
    foreign = client.post(
        "/api/inbox/unsubscribe",
        json={"ids": [DAILY], "apply": True},
        headers={**JSON, "Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    assert len(client.get("/api/inbox/outbox").json()) == 1

    paths = client.get("/openapi.json").json()["paths"]
    for path, method in (
        ("/api/inbox/subscriptions", "get"),
        ("/api/inbox/buried", "get"),
        ("/api/inbox/unsubscribe", "post"),
        ("/api/inbox/rules/{sub_id}", "put"),
        ("/api/inbox/outbox", "get"),
    ):
        assert method in paths[path], path
    assert not [p for p in paths if p.startswith("/inbox")]
