"""`kithkin today` and `kithkin people` on an empty database: the welcome, with the commands
of the first run; once anything is kept, the usual output."""

from __future__ import annotations

from typing import Any


def test_today_on_an_empty_database_welcomes(run: Any) -> None:
    result = run("today")
    assert result.code == 0
    assert "Welcome to kithkin: nothing is kept here yet." in result.out
    for command in (
        "kithkin init --name",
        "kithkin import contacts",
        "kithkin import mail",
        "kithkin import calendar",
        "kithkin demo",
    ):
        assert command in result.out
    assert "Nothing needs you today" not in result.out


def test_people_on_an_empty_database_welcomes_and_knows_who_i_am(run: Any) -> None:
    assert run("init", "--name", "Dana W", "--email", "d@a.example").code == 0
    result = run("people")
    assert "Welcome to kithkin" in result.out
    assert "You are Dana W: d@a.example" in result.out
    assert 'kithkin init --name "Your Name"' not in result.out
    assert run("people", "nobody").out == ""  # a search that finds no one is no welcome


def test_no_welcome_once_someone_is_kept(run: Any) -> None:
    assert run("person", "add", "Dana Whitfield").code == 0
    assert "Welcome" not in run("today").out
    assert "Dana Whitfield" in run("people").out
    assert run("today", "--json").out.lstrip().startswith("{")
