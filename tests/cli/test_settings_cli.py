"""`kithkin settings`: every setting shown (as text and as JSON), and the phone region set."""

from __future__ import annotations

import json
from typing import Any


def test_settings_show_what_the_other_commands_set(run: Any) -> None:
    assert run("init", "--name", "Dana W", "--email", "d@a.example").code == 0
    assert run("circle", "cap", "8").code == 0
    assert run("circle", "cadence", "--tag", "board", "30").code == 0
    assert run("inbox", "smtp", "--host", "smtp.a.example", "--user", "dana").code == 0
    out = run("settings").out
    assert "me               Dana W: d@a.example" in out
    assert "circle cap       8 people, every 14 days by default" in out
    assert "tag board        every 30 days" in out
    assert "smtp.a.example:587 (starttls, as dana), from d@a.example" in out
    assert "phone region     US" in out
    assert "730 days back, 365 days ahead" in out


def test_the_phone_region(run: Any) -> None:
    result = run("settings", "region", "gb")
    assert (result.code, result.out) == (0, "phone region: GB\n")
    refused = run("settings", "region", "ZZ")
    assert refused.code == 1 and "unknown region 'ZZ'" in refused.err
    found = json.loads(run("settings", "--json").out)
    assert found["region"] == "GB"
    assert (found["smtp"]["server"], found["smtp"]["password_from"]) == (None, None)
    assert set(found) == {
        "me",
        "cap",
        "default_cadence",
        "tag_cadences",
        "region",
        "smtp",
        "calendar",
    }
