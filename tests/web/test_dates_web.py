"""The person page's date fields read the same phrases as the CLI ("yesterday 3pm", "2 weeks
ago"), against kithkin's clock; a bad one is the same clear message, nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kithkin import clock
from tests.web.conftest import add_person, post_form


def test_story_and_log_forms_take_natural_dates(client: Any) -> None:
    clock.freeze(datetime(2026, 12, 7, 12, 30, tzinfo=UTC))
    pid = add_person(client, display_name="Dana Whitfield")
    page = f"/people/{pid}"
    form = client.get(page).text
    assert 'type="date"' not in form and "yesterday" in form  # a text field, with examples

    added = post_form(
        client, page, f"{page}/story", field="origin", text="Porto", learned_on="2 weeks ago"
    )
    assert "learned on 2026-11-23" in added.text

    logged = post_form(client, page, f"{page}/interactions", kind="coffee", date="last friday 3pm")
    assert "Logged the coffee." in logged.text and "2026-12-04 15:00" in logged.text

    bad = post_form(client, page, f"{page}/interactions", kind="call", date="whenever")
    assert "When: &#39;whenever&#39; is not a date" in bad.text
    assert client.get(page).text.count("2026-12-04 15:00") == logged.text.count("2026-12-04 15:00")
