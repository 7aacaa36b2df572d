"""My account in team mode: the Account page (`/account`) and `/api/me/account`, `/api/tokens`:
change my password, see my sessions (end one, or log out everywhere) and my API tokens (make
one, shown once; revoke). Every write goes through `services.accounts` or `services.sessions`.
On a personal database there is no account: the page says so and points to Users."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kithkin.errors import KithkinError, NotFound
from kithkin.model import Actor, ApiToken, WebSession
from kithkin.services import accounts, sessions
from kithkin.web import guard
from kithkin.web.render import Form, checked_form, database, redirect, render
from kithkin.web.schemas import Id, api_errors
from kithkin.web.today import In

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["accounts"], responses=api_errors(conflict=None))
Posted = Annotated[Form, Depends(checked_form)]
Acting = Annotated[Actor, Depends(guard.actor)]
PATH = "/account"


# -- the JSON ----------------------------------------------------------------------------------


class SessionOut(BaseModel):
    id: int
    client: str | None = Field(description="The browser, as it named itself")
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime = Field(description="When it ends at the latest")
    current: bool = Field(description="The session this request came with")


class TokenOut(BaseModel):
    id: int
    username: str
    label: str | None
    created_at: datetime
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The token itself: shown this once, kept only as its SHA-256")


class AccountOut(BaseModel):
    username: str
    name: str | None
    role: str
    sessions: list[SessionOut]
    tokens: list[TokenOut]


class PasswordIn(In):
    current: str = Field(description="The password now")
    new: str = Field(description=f"At least {accounts.MIN_PASSWORD} characters")


class EverywhereIn(In):
    tokens: bool = Field(False, description="Revoke my API tokens too")


class LoggedOutOut(BaseModel):
    sessions: int
    tokens: int


class TokenIn(In):
    label: str | None = Field(None, max_length=200, description="What the token is for")


def session_out(found: WebSession) -> SessionOut:
    return SessionOut(
        id=found.id,
        client=found.client,
        created_at=found.created_at,
        last_seen_at=found.last_seen_at,
        expires_at=found.expires_at,
        current=found.current,
    )


def token_out(found: ApiToken) -> TokenOut:
    return TokenOut(
        id=found.id,
        username=found.username,
        label=found.label,
        created_at=found.created_at,
        last_used_at=found.last_used_at,
    )


def _member(actor: Actor) -> Actor:
    if not actor.is_team or actor.username is None:
        raise NotFound("this is a personal database: it has no accounts")
    return actor


@api.get("/me/account", summary="Me: my user, my sessions and my API tokens (team mode)")
def get_account(request: Request, actor: Acting) -> AccountOut:
    db, me = database(request), _member(actor)
    found = accounts.user(db, actor=me, username=me.username or "")
    return AccountOut(
        username=found.username,
        name=found.name,
        role=found.role,
        sessions=[
            session_out(s)
            for s in sessions.sessions(db, actor=me, current=guard.session_key(request))
        ],
        tokens=[token_out(t) for t in accounts.tokens(db, actor=me, username=me.username)],
    )


@api.put("/me/password", summary="Change my password (ends my other sessions)")
def put_password(request: Request, actor: Acting, body: PasswordIn) -> LoggedOutOut:
    me = _member(actor)
    ended = accounts.set_password(
        database(request),
        actor=me,
        username=me.username or "",
        password=body.new,
        current=body.current,
        keep_session=guard.session_key(request),
    )
    return LoggedOutOut(sessions=ended, tokens=0)


@api.post("/me/logout-everywhere", summary="End all my sessions (and my API tokens)")
def post_everywhere(request: Request, actor: Acting, body: EverywhereIn) -> LoggedOutOut:
    done = sessions.log_out_everywhere(database(request), actor=_member(actor), tokens=body.tokens)
    return LoggedOutOut(sessions=done.sessions, tokens=done.tokens)


@api.get("/tokens", summary="API tokens: mine (an owner's: everyone's), never the tokens")
def get_tokens(request: Request, actor: Acting) -> list[TokenOut]:
    return [token_out(t) for t in accounts.tokens(database(request), actor=_member(actor))]


@api.post("/tokens", status_code=201, summary="Make an API token for me, shown this once")
def post_token(request: Request, actor: Acting, body: TokenIn) -> NewTokenOut:
    made = accounts.add_token(database(request), actor=_member(actor), label=body.label)
    return NewTokenOut(token=made.token, **token_out(made.info).model_dump())


@api.delete("/tokens/{token_id}", summary="Revoke an API token (mine; an owner: any)")
def delete_token(request: Request, actor: Acting, token_id: Id) -> TokenOut:
    return token_out(
        accounts.revoke_token(database(request), actor=_member(actor), token_id=token_id)
    )


# -- the page ----------------------------------------------------------------------------------


@pages.get(PATH)
def account_page(request: Request, actor: Acting) -> HTMLResponse:
    return _page(request, actor)


@pages.post(f"{PATH}/password")
def change_password(request: Request, actor: Acting, form: Posted) -> Response:
    fields = form.values()
    if fields.get("new", "") != fields.get("repeat", ""):
        return redirect(PATH, "The two new passwords differ; nothing was changed.", kind="error")

    def action() -> str:
        me = _member(actor)
        ended = accounts.set_password(
            database(request),
            actor=me,
            username=me.username or "",
            password=fields.get("new", ""),
            current=fields.get("current", ""),
            keep_session=guard.session_key(request),
        )
        other = f"; {ended} other session{'s' * (ended != 1)} ended" if ended else ""
        return f"Your password is changed{other}."

    return _attempt(action)


@pages.post(PATH + "/sessions/{session_id}/end")
def end_session(request: Request, actor: Acting, session_id: Id, form: Posted) -> Response:
    ended = sessions.end_session(database(request), actor=_member(actor), session_id=session_id)
    return redirect(PATH, "That session is ended." if ended else "That session had ended.")


@pages.post(f"{PATH}/logout-everywhere")
def everywhere(request: Request, actor: Acting, form: Posted) -> RedirectResponse:
    sessions.log_out_everywhere(
        database(request), actor=_member(actor), tokens=form.text("tokens") == "yes"
    )
    response = RedirectResponse(guard.LOGIN_PATH, status_code=303)
    guard.end_session_cookie(response)
    return response


@pages.post(f"{PATH}/tokens")
def make_token(request: Request, actor: Acting, form: Posted) -> Response:
    try:
        made = accounts.add_token(
            database(request), actor=_member(actor), label=form.optional("label")
        )
    except KithkinError as exc:
        return redirect(PATH, str(exc), kind="error")
    return _page(request, actor, new_token=made)


@pages.post(PATH + "/tokens/{token_id}/revoke")
def revoke(request: Request, actor: Acting, token_id: Id, form: Posted) -> Response:
    def action() -> str:
        gone = accounts.revoke_token(database(request), actor=_member(actor), token_id=token_id)
        return f"Token #{gone.id}{f' ({gone.label})' if gone.label else ''} is revoked."

    return _attempt(action)


def _attempt(action: Any) -> RedirectResponse:
    try:
        message = action()
    except KithkinError as exc:
        return redirect(PATH, str(exc), kind="error")
    return redirect(PATH, message)


_BROWSERS: Final = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                    ("Safari/", "Safari"))  # fmt: skip
_SYSTEMS: Final = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"),
                   ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux"))  # fmt: skip


def browser_of(client: str | None) -> str:
    """A session's browser in a few words ("Firefox on Linux"), from its User-Agent."""
    if not client:
        return "a browser"
    name = next((n for key, n in _BROWSERS if key in client), None)
    system = next((n for key, n in _SYSTEMS if key in client), None)
    if name is None:
        return client[:60]
    return f"{name} on {system}" if system else name


def _page(
    request: Request, actor: Actor, new_token: accounts.NewToken | None = None
) -> HTMLResponse:
    db = database(request)
    if not actor.is_team:
        return render(request, "account.html", {"me": None})
    me = accounts.user(db, actor=actor, username=actor.username or "")
    context = {
        "me": me,
        "sessions": sessions.sessions(db, actor=actor, current=guard.session_key(request)),
        "tokens": accounts.tokens(db, actor=actor, username=me.username),
        "new_token": new_token,
        "min_password": accounts.MIN_PASSWORD,
        "idle_days": sessions.IDLE.days,
        "lifetime_days": sessions.LIFETIME.days,
        "browser_of": browser_of,
    }
    return render(request, "account.html", context)
