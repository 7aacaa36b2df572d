"""`kithkin user ...`: users, passwords (never on the command line), roles and API tokens."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("cheap_passwords")

PASSWORD = "correct horse battery"


def _team(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADA_PW", PASSWORD)
    first = run(
        "user", "add", "ada", "--role", "owner", "--name", "Ada L", "--password-env", "ADA_PW"
    )
    assert first.code == 0, first.err
    assert "team mode is on" in first.out and "--user ada" in first.out


def test_the_first_user_makes_a_team_and_asks_for_the_password_twice(run: Any) -> None:
    mismatch = run("user", "add", "ada", input=f"{PASSWORD}\nsomething else\n")
    assert mismatch.code == 1 and "added" not in mismatch.out
    added = run("user", "add", "ada", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.code == 0, added.err
    assert "added ada (owner)" in added.out and "team mode is on" in added.out
    assert PASSWORD not in added.out
    # now every command says who acts
    who = run("user", "list")
    assert who.code == 1 and "--user" in who.err
    listed = run("--user", "ada", "user", "list", "--json")
    assert [(u["username"], u["role"]) for u in json.loads(listed.out)] == [("ada", "owner")]


def test_a_short_password_and_a_missing_variable_are_refused_clearly(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHORT", "short")
    short = run("user", "add", "ada", "--password-env", "SHORT")
    assert short.code == 1 and "at least 12 characters" in short.err
    missing = run("user", "add", "ada", "--password-env", "NOT_SET_ANYWHERE")
    assert missing.code != 0 and "NOT_SET_ANYWHERE" in missing.err
    first = run("user", "add", "ada", "--role", "viewer", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert first.code == 1 and "must be an owner" in first.err
    assert "no users" in run("user", "list").out


def test_owners_manage_users_and_the_last_owner_stays(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _team(run, monkeypatch)
    monkeypatch.setenv("KITHKIN_USER", "ada")
    bo = run("user", "add", "bo", "--password-env", "ADA_PW")
    assert bo.code == 0 and "added bo (editor)" in bo.out
    denied = run("--user", "bo", "user", "add", "cy", "--password-env", "ADA_PW")
    assert denied.code == 1 and "needs the owner role; bo is a editor" in denied.err
    last = run("user", "remove", "ada", "--yes")
    assert last.code == 1 and "last owner" in last.err
    demote = run("user", "role", "ada", "viewer")
    assert demote.code == 1 and "last owner" in demote.err
    assert run("user", "role", "bo", "viewer").out.strip() == "bo is now viewer"
    kept = run("user", "remove", "bo", input="n\n")
    assert kept.code == 1 and "bo" in run("user", "list").out
    gone = run("user", "remove", "bo", input="y\n")
    assert gone.code == 0 and "removed bo" in gone.out
    assert "bo" not in run("user", "list").out


def test_passwd_sets_a_new_password(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from kithkin.services import sessions
    from kithkin.store import Database

    _team(run, monkeypatch)
    monkeypatch.setenv("NEW_PW", "another fine password")
    changed = run("--user", "ada", "user", "passwd", "ada", "--password-env", "NEW_PW")
    assert changed.code == 0 and "password changed for ada" in changed.out
    from kithkin.config import database_url

    db = Database(database_url(os.environ["KITHKIN_DB"]))
    try:
        sessions.log_in(db, username="ada", password="another fine password", address="t")
    finally:
        db.dispose()


def test_tokens_are_shown_once_listed_and_revoked(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _team(run, monkeypatch)
    monkeypatch.setenv("KITHKIN_USER", "ada")
    made = run("user", "token", "add", "ada", "--label", "backup script")
    assert made.code == 0, made.err
    token = made.out.strip()
    assert token.startswith("kk_") and "shown this once" in made.err
    listed = run("user", "token", "list", "--json")
    (row,) = json.loads(listed.out)
    assert row["label"] == "backup script" and row["username"] == "ada"
    assert token not in listed.out
    assert "backup script" in run("user", "token", "list", "ada").out
    assert "revoked token" in run("user", "token", "revoke", str(row["id"])).out
    assert "no API tokens" in run("user", "token", "list").out
    nothing = run("user", "token", "revoke", "999")
    assert nothing.code == 1 and "no API token #999" in nothing.err


def test_a_user_can_be_someone_among_the_people(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("person", "add", "Ada Lovelace", "--org", "Analytical").code == 0
    monkeypatch.setenv("ADA_PW", PASSWORD)
    nobody = run("user", "add", "ada", "--person", "Grace Hopper", "--password-env", "ADA_PW")
    assert nobody.code == 1 and "Grace Hopper" in nobody.err
    assert "no users" in run("user", "list").out  # nothing was stored
    added = run("user", "add", "ada", "--person", "Ada Lovelace", "--password-env", "ADA_PW")
    assert added.code == 0, added.err
    (user,) = json.loads(run("--user", "ada", "user", "list", "--json").out)
    people = json.loads(run("--user", "ada", "people", "--json").out)
    assert user["person_id"] == people[0]["id"]


def test_a_bad_or_taken_name_is_refused_before_the_password_is_asked(
    run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = run("user", "add", "not a name")  # no input: a prompt would abort instead
    assert bad.code == 1 and "user name 'not a name'" in bad.err
    _team(run, monkeypatch)
    taken = run("--user", "ada", "user", "add", "ADA")
    assert taken.code == 1 and "already a user 'ada'" in taken.err
