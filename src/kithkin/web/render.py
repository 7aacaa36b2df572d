"""HTML rendering: the Jinja2 environment, flash messages, redirects and posted forms."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final, cast
from urllib.parse import urlencode

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin.errors import KithkinError
from kithkin.model import (
    CONTACT_KINDS,
    DIRECTIONS,
    INTERACTION_KINDS,
    SOLO,
    STORY_FIELDS,
    STORY_QUESTIONS,
    Actor,
    FooterCounts,
    count_of,
)
from kithkin.services import relationships, search
from kithkin.store import Database
from kithkin.web import guard
from kithkin.web.hints import no_commands

FLASH_COOKIE: Final = "kithkin_flash"
TEMPLATES: Final = Path(__file__).parent / "templates"
DIRECTION_LABELS: Final = {
    "from_me": "I reached out",
    "to_me": "They reached out",
    "both": "Both ways / together",
    "neither": "Neither (I was copied)",
}


@dataclass(frozen=True)
class Flash:
    message: str
    kind: str = "ok"  # "ok" or "error"
    undo: bool = False  # offer an Undo button beside the message


def database(request: Request) -> Database:
    return cast(Database, request.app.state.db)


def when(value: datetime | date | None) -> str:
    """A date, or a date and time in the machine's local time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def safe_next(value: str | None, default: str) -> str:
    """Where to go back to after a form: a path within this app, never another site."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return default


def contact_href(kind: str, value: str) -> str | None:
    """A safe link for a contact point (never a javascript: or other odd scheme)."""
    if kind == "email":
        return f"mailto:{value}"
    if kind == "phone":
        return "tel:" + re.sub(r"[^\d+]", "", value)
    if kind == "url":
        if re.match(r"^https?://", value, re.IGNORECASE):
            return value
        if not re.match(r"^[a-z][a-z0-9+.-]*:", value, re.IGNORECASE):
            return f"https://{value}"
    return None


def snippet_parts(snippet: str) -> list[list[tuple[str, bool]]]:
    """A search snippet as its lines (one story fact or note each, which a page keeps apart),
    each split into (text, highlighted) runs; the store marks hits as [..]."""
    lines: list[list[tuple[str, bool]]] = []
    for line in snippet.strip().splitlines():
        parts: list[tuple[str, bool]] = []
        for match in re.finditer(r"\[([^\[\]]*)\]|([^\[]+|\[)", line.strip()):
            if match.group(1) is not None:
                parts.append((match.group(1), True))
            else:
                parts.append((match.group(2), False))
        if parts:
            lines.append(parts)
    return lines


@dataclass(frozen=True)
class StrengthParts:
    tier: str
    score: float
    rest: str


_STRENGTH: Final = re.compile(r"^(\w+) \((\d+(?:\.\d+)?)/100\):?\s*(.*)$", re.DOTALL)


def strength_parts(text: str) -> StrengthParts | None:
    """The tier, score and the rest of a strength line such as `strong (82/100): last two-way
    contact 3 days ago` (a brief's), to draw it as a bar; None for any other text."""
    found = _STRENGTH.match(text.strip())
    if found is None:
        return None
    return StrengthParts(found.group(1), float(found.group(2)), found.group(3))


def initials(name: str) -> str:
    """Up to two letters for an avatar: the first letters of the first and last words."""
    words = [w for w in re.split(r"[\s,.]+", name) if w and w[0].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


_BELONGS: Final = re.compile(r"already belongs to (.+?) \(#(\d+)\)")


def person_links(message: str) -> Markup:
    """A message, escaped, whose "already belongs to Dana (#12)" links to Dana's page and
    whose commands link to the pages that do them (`no_commands`)."""
    out, start = [], 0
    for found in _BELONGS.finditer(message):
        out.append(no_commands(message[start : found.start()]))
        name, pid = found.group(1), found.group(2)
        out.append(Markup('already belongs to <a href="/people/{}">{}</a>').format(pid, name))
        start = found.end()
    out.append(no_commands(message[start:]))
    return Markup("").join(out)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["count_of"] = count_of
    env.filters["person_links"] = person_links
    env.filters["percent"] = lambda share: f"{round(share * 100)} %"
    env.filters["no_commands"] = no_commands
    env.globals.update(
        contact_href=contact_href,
        snippet_parts=snippet_parts,
        strength_parts=strength_parts,
        initials=initials,
        tier_of=relationships.tier,
        CONTACT_KINDS=CONTACT_KINDS,
        DIRECTIONS=DIRECTIONS,
        DIRECTION_LABELS=DIRECTION_LABELS,
        INTERACTION_KINDS=INTERACTION_KINDS,
        STORY_FIELDS=STORY_FIELDS,
        STORY_QUESTIONS=STORY_QUESTIONS,
    )
    return env


ENV: Final = _environment()


def read_flash(request: Request) -> Flash | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        message, kind, undo = data["m"], data["k"], data["u"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(message, str) or kind not in ("ok", "error") or not isinstance(undo, bool):
        return None
    return Flash(message=message[:1000], kind=kind, undo=undo)


def _footer_stats(request: Request) -> FooterCounts | None:
    return search.footer_stats(database(request), actor=guard.actor(request))


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    public: bool = False,
) -> HTMLResponse:
    """A page from `template`, with the CSRF token, the pending flash message and counts;
    a `public` page (the login) shows neither the counts nor the menu."""
    token, fresh = guard.csrf_token(request)
    flash = read_flash(request)
    # a public page (the login page) is shown to whoever asks: no one acts yet
    found = getattr(request.state, "actor", None)
    acting = found if isinstance(found, Actor) else guard.actor(request) if not public else SOLO
    account = acting if not public and acting.is_team else None
    html = ENV.get_template(template).render(
        {
            "team": acting.is_team,  # team mode: privacy badges and "shared" checkboxes
            "actor_id": acting.member_id,
            "path": request.url.path,
            "csrf_token": token,
            "csrf_field": guard.CSRF_FIELD,
            "flash": flash,
            "public": public,
            "logged_in": not public and request.app.state.token_sha256 is not None,
            "account": account,  # the member logged in (team mode), for the header
            "footer": None if public else _footer_stats(request),
            "photo_ids": frozenset(),
            **context,
        }
    )
    response = HTMLResponse(html, status_code=status)
    if fresh:
        guard.set_csrf_cookie(response, token)
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, path="/", httponly=True, samesite="strict")
    return response


def redirect(
    path: str,
    message: str | None = None,
    *,
    kind: str = "ok",
    undo: bool = False,
    query: dict[str, str] | None = None,
) -> RedirectResponse:
    """POST-redirect-GET: a 303 to `path`, carrying a one-time flash message in a cookie."""
    url = f"{path}?{urlencode(query)}" if query else path
    response = RedirectResponse(url, status_code=303)
    if message:
        payload = json.dumps({"m": message, "k": kind, "u": undo}).encode()
        response.set_cookie(
            FLASH_COOKIE,
            base64.urlsafe_b64encode(payload).decode("ascii").rstrip("="),
            max_age=60,
            httponly=True,
            samesite="strict",
            path="/",
        )
    return response


def attempt(back: str, action: Callable[[], str], *, undo: bool = False) -> RedirectResponse:
    """Run a form's use case; flash the message it returns (or its error) on `back` (PRG)."""
    try:
        message = action()
    except KithkinError as exc:
        return redirect(back, str(exc), kind="error")
    return redirect(back, message, undo=undo)


class Form:
    """The text fields of a posted form (file fields are ignored)."""

    def __init__(self, fields: dict[str, str]) -> None:
        self._fields = fields

    def text(self, name: str) -> str:
        return self._fields.get(name, "").strip()

    def optional(self, name: str) -> str | None:
        return self.text(name) or None

    def values(self) -> dict[str, str]:
        return dict(self._fields)


def shared_box(form: Form) -> bool:
    """Whether a form's "shared with the team" checkbox (team mode) was ticked."""
    return form.text("shared") in ("on", "1", "true")


async def checked_form(request: Request) -> Form:
    """A FastAPI dependency: the posted form, after the CSRF and origin checks (403 if not)."""
    form = await request.form()
    guard.check_form_token(request, form.get(guard.CSRF_FIELD))
    fields = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    return Form(fields)
