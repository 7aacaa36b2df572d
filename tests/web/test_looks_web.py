"""The looks of the pages, in-process: Today's top items and "Show all", one primary action
per row, strength bars with their tier, initials avatars, and the collapsing navigation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from kithkin import clock
from kithkin.model import count_of
from kithkin.practices.hygiene import Buried
from kithkin.store import Database, interactions, people
from kithkin.web.render import initials, person_links, strength_parts
from kithkin.web.today import TOP
from tests.web.conftest import add_person, post_form

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def _waiting(db_url: str, n: int) -> list[int]:
    """`n` people who each wrote to me (after a two-way exchange) and wait for my answer."""
    db = Database(db_url)
    clock.freeze(NOW - timedelta(days=30))
    ids = []
    with db.write() as conn:
        for i in range(n):
            pid = people.add_person(conn, display_name=f"Writer {i} Number")
            ids.append(pid)
            log = interactions.log_interaction
            log(conn, kind="coffee", direction="both", participants=[pid],
                occurred_at=NOW - timedelta(days=20))  # fmt: skip
            log(conn, kind="email", direction="to_me", participants=[(pid, "from")],
                occurred_at=NOW - timedelta(days=1 + i), subject=f"Question {i}")  # fmt: skip
    db.dispose()
    clock.freeze(NOW)
    return ids


def _section(html: str, name: str) -> str:
    found = re.search(rf'<section class="card agenda-section" id="{name}".*?</section>', html, re.S)
    assert found, name
    return found.group(0)


def test_today_shows_the_top_items_and_the_rest_behind_show_all(client: Any, db_url: str) -> None:
    _waiting(db_url, TOP + 2)
    waiting = _section(client.get("/").text, "waiting")
    shown, _, rest = waiting.partition('<details class="show-all">')
    assert shown.count('class="agenda-item') == TOP
    assert f"Show all {TOP + 2}</summary>" in rest
    assert rest.count('class="agenda-item') == 2
    # in the service's ranking (the API's order): its top shown, the rest behind
    ranked = [i["key"] for i in client.get("/api/today").json()["sections"][1]["items"]]
    assert re.findall(r'data-key="([^"]+)"', shown) == ranked[:TOP]
    assert re.findall(r'data-key="([^"]+)"', rest) == ranked[TOP:]


def test_a_short_section_has_no_show_all(client: Any, db_url: str) -> None:
    _waiting(db_url, TOP)
    assert "show-all" not in _section(client.get("/").text, "waiting")


def test_each_row_shows_one_primary_action_and_the_rest_behind_more(
    client: Any, db_url: str
) -> None:
    _waiting(db_url, 1)
    item = _section(client.get("/").text, "waiting")
    visible, _, menu = item.partition('<details class="more">')
    assert visible.count('class="button') == 1 and ">Brief</a>" in visible
    for control in ("Log a touch", "Snooze", "Dismiss"):
        assert control in menu, control
    assert '<option value="1">1 day</option>' in menu and ">7 days</option>" in menu


def test_strength_lines_are_read_into_a_bar_with_the_tier() -> None:
    parts = strength_parts("strong (82/100): last two-way contact 3 days ago")
    assert parts is not None
    assert (parts.tier, parts.score, parts.rest) == (
        "strong",
        82.0,
        "last two-way contact 3 days ago",
    )
    assert strength_parts("no relationship yet") is None


def test_initials() -> None:
    assert initials("Dana Whitfield") == "DW"
    assert initials("Ji-woo Kang") == "JK"
    assert initials("madonna") == "M"
    assert initials("Jean-Luc de la Tour, PhD") == "JP"
    assert initials("  ") == "?"


def test_the_navigation_collapses_without_script(client: Any) -> None:
    html = client.get("/").text
    assert 'type="checkbox" id="nav-toggle"' in html and 'for="nav-toggle"' in html
    assert "<script" not in html


def test_counts_say_one_thing_in_the_singular() -> None:
    assert count_of(1, "message") == "1 message"
    assert count_of(0, "message") == "0 messages"
    assert count_of(12345, "message") == "12,345 messages"
    assert count_of(1, "new person", "new people") == "1 new person"
    assert count_of(2, "new person", "new people") == "2 new people"


def test_already_belongs_to_links_to_the_owner_and_escapes_the_rest() -> None:
    html = str(person_links("email dana@x.example already belongs to Dana <b> (#12); left there"))
    assert 'already belongs to <a href="/people/12">Dana &lt;b&gt;</a>; left there' in html
    assert str(person_links("<i>no owner</i>")) == "&lt;i&gt;no owner&lt;/i&gt;"


def test_a_contact_that_belongs_to_someone_else_links_to_them(client: Any) -> None:
    dana = add_person(client, display_name="Dana Whitfield", contacts=[
        {"kind": "email", "value": "dana@acme.example"}])  # fmt: skip
    sam = add_person(client, display_name="Sam Okafor")
    page = post_form(client, f"/people/{sam}", f"/people/{sam}/contacts",
                     kind="email", value="dana@acme.example")  # fmt: skip
    assert f'already belongs to <a href="/people/{dana}">Dana Whitfield</a>' in page.text


def test_search_snippets_keep_story_facts_apart(client: Any) -> None:
    pid = add_person(client, display_name="Ryan Pembroke")
    for text in ("Sails at weekends", "Sails in winter regattas too"):
        client.post(f"/api/people/{pid}/story", json={"field": "passions", "text": text})
    html = client.get("/people?q=sails").text
    found = re.search(r'<ul class="snippet">(.*?)</ul>', html, re.S)
    assert found, html
    assert found.group(1).count("<li>") == 2
    assert "<li><mark>Sails</mark> at weekends</li>" in found.group(1)
    (hit,) = client.get("/api/search?q=sails").json()
    assert hit["snippet"].splitlines() == ["[Sails] at weekends", "[Sails] in winter regattas too"]


def test_the_inbox_says_what_colleague_means() -> None:
    buried = Buried(1, NOW, NOW.date(), 2, "Cole", None, "Budget", "colleague", 40, "")
    assert buried.tier_label == "you wrote to them"


def test_strength_is_a_bar_with_its_tier_and_the_formula_is_behind_a_disclosure(
    client: Any, db_url: str
) -> None:
    (pid,) = _waiting(db_url, 1)
    report = client.get(f"/api/strength/{pid}").json()
    score, tier = round(report["score"]), report["tier"]
    bar = f'value="{score}" aria-label="Strength {score} of 100: {tier}"'
    page = client.get(f"/people/{pid}").text
    assert bar in page and f'<span class="strength-word">{tier}</span>' in page
    explain = re.search(r'<details class="explain">(.*?)</details>', page, re.S)
    assert explain and "recency:" in explain.group(1) and "reciprocity:" in explain.group(1)
    assert "recency:" not in page.replace(explain.group(0), "")  # only behind the disclosure
    assert bar in client.get("/people").text  # the list shows it too
