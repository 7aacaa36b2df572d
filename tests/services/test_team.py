"""Team mode's foundation: members with roles, and who acts (SOLO on a personal database)."""

from __future__ import annotations

import pytest

from kithkin.errors import Conflict, Forbidden, InvalidInput, NotLoggedIn
from kithkin.model import SOLO
from kithkin.services import team as team_service
from kithkin.store import Database, team


def test_a_personal_database_acts_as_its_one_user_with_every_right(db: Database) -> None:
    assert not team_service.is_team(db)
    actor = team_service.actor_for(db, None)
    assert actor == SOLO and not actor.is_team
    team_service.require(actor, "owner", "adding a user")  # no error


def test_members_have_roles_and_the_role_decides(db: Database) -> None:
    with db.write() as conn:
        ada = team.add(conn, "Ada", role="owner", name="Ada Lovelace")
        team.add(conn, "sam", role="viewer")
    assert team_service.is_team(db)
    assert [m.username for m in team_service.members(db)] == ["ada", "sam"]
    assert ada.username == "ada" and ada.role == "owner"
    owner = team_service.actor_for(db, "ADA")
    viewer = team_service.actor_for(db, "sam")
    assert owner.member_id == ada.id and owner.may("editor") and owner.may("viewer")
    assert not viewer.may("editor") and viewer.may("viewer")
    with pytest.raises(Forbidden, match="needs the editor role; sam is a viewer"):
        team_service.require(viewer, "editor", "adding a note")
    with pytest.raises(NotLoggedIn, match="say which user"):
        team_service.actor_for(db, None)
    with pytest.raises(NotLoggedIn, match="no user 'eve'"):
        team_service.actor_for(db, "eve")


def test_user_names_and_roles_are_checked(db: Database) -> None:
    with db.write() as conn:
        team.add(conn, "ada", role="editor")
        with pytest.raises(Conflict):
            team.add(conn, "ADA", role="viewer")
        with pytest.raises(InvalidInput, match="user name"):
            team.add(conn, "a b", role="viewer")
        with pytest.raises(InvalidInput, match="role 'boss'"):
            team.add(conn, "bob", role="boss")
        changed = team.set_role(conn, team.by_username(conn, "ada").id, "viewer")
    assert changed.role == "viewer"
