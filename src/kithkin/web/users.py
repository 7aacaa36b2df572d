"""The users of a team database (owners only): the Users page (`/users`) and `/api/users`:
add a user with a role and a first password, change a role, remove a user. On a personal
database the page explains team mode and adds its first user (an owner), which turns logins
on. Every write goes through `services.accounts`, which checks the role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kithkin.errors import KithkinError
from kithkin.model import ROLES, Actor, TeamMember
from kithkin.services import accounts
from kithkin.web import guard
from kithkin.web.render import Form, checked_form, database, redirect, render
from kithkin.web.schemas import api_errors
from kithkin.web.today import In

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["accounts"], responses=api_errors(conflict="The last owner"))
Posted = Annotated[Form, Depends(checked_form)]
Acting = Annotated[Actor, Depends(guard.actor)]
Username = Annotated[str, Path(max_length=64)]
Role = Literal["owner", "editor", "viewer"]
PATH = "/users"


class UserOut(BaseModel):
    id: int
    username: str
    name: str | None
    role: Role
    person_id: int | None
    created_at: datetime


class UserIn(In):
    username: str = Field(max_length=64, description="A login name: letters, digits, . _ -")
    password: str = Field(description=f"At least {accounts.MIN_PASSWORD} characters")
    role: Role = "editor"
    name: str | None = Field(None, max_length=200)
    person: str | None = Field(None, description="Who they are among the people: #id or name")


class RoleIn(In):
    role: Role


def user_out(member: TeamMember) -> UserOut:
    return UserOut(
        id=member.id,
        username=member.username,
        name=member.name,
        role=member.role,  # type: ignore[arg-type]
        person_id=member.person_id,
        created_at=member.created_at,
    )


@api.get("/users", summary="Every user and their role (owners)")
def get_users(request: Request, actor: Acting) -> list[UserOut]:
    return [user_out(m) for m in accounts.users(database(request), actor=actor)]


@api.post("/users", status_code=201, summary="Add a user (owners; the first: turns team mode on)")
def post_user(request: Request, actor: Acting, body: UserIn) -> UserOut:
    added = accounts.add_user(
        database(request),
        actor=actor,
        username=body.username,
        password=body.password,
        role=body.role,
        name=body.name,
        person=body.person,
    )
    if added.team_began:
        request.app.state.team.began()
    return user_out(added.member)


@api.put("/users/{username}/role", summary="Change a user's role (owners)")
def put_role(request: Request, actor: Acting, username: Username, body: RoleIn) -> UserOut:
    changed = accounts.set_role(database(request), actor=actor, username=username, role=body.role)
    return user_out(changed)


@api.delete("/users/{username}", summary="Remove a user, their sessions and tokens (owners)")
def delete_user(request: Request, actor: Acting, username: Username) -> UserOut:
    return user_out(accounts.remove_user(database(request), actor=actor, username=username))


# -- the page ----------------------------------------------------------------------------------


@pages.get(PATH)
def users_page(request: Request, actor: Acting) -> HTMLResponse:
    found = accounts.users(database(request), actor=actor)
    context = {"users": found, "roles": ROLES, "me": actor, "min_password": accounts.MIN_PASSWORD}
    return render(request, "users.html", context)


@pages.post(PATH)
def add_user(request: Request, actor: Acting, form: Posted) -> Response:
    fields = form.values()
    if fields.get("password", "") != fields.get("repeat", ""):
        return redirect(PATH, "The two passwords differ; no user was added.", kind="error")
    try:
        added = accounts.add_user(
            database(request),
            actor=actor,
            username=form.text("username"),
            password=fields.get("password", ""),
            role=form.text("role") or "editor",
            name=form.optional("name"),
            person=form.optional("person"),
        )
    except KithkinError as exc:
        return redirect(PATH, str(exc), kind="error")
    who = added.member.username
    if added.team_began:
        request.app.state.team.began()
        return redirect(
            guard.LOGIN_PATH,
            f"Team mode is on: {who} is the first owner. Log in as {who} to go on.",
        )
    return redirect(PATH, f"Added {who} ({added.member.role}).")


@pages.post(PATH + "/{username}/role")
def change_role(request: Request, actor: Acting, username: Username, form: Posted) -> Response:
    def action() -> str:
        changed = accounts.set_role(
            database(request), actor=actor, username=username, role=form.text("role")
        )
        return f"{changed.username} is now {changed.role}."

    return _attempt(action)


@pages.post(PATH + "/{username}/remove")
def remove(request: Request, actor: Acting, username: Username, form: Posted) -> Response:
    def action() -> str:
        gone = accounts.remove_user(database(request), actor=actor, username=username)
        return f"Removed {gone.username}, their sessions and API tokens."

    return _attempt(action)


def _attempt(action: Callable[[], str]) -> RedirectResponse:
    try:
        message = action()
    except KithkinError as exc:
        return redirect(PATH, str(exc), kind="error")
    return redirect(PATH, message)
