"""The Settings page (`/settings`) and `/api/settings`: every setting the CLI can set, each
with its form: who I am and my addresses, the circle's cap and cadences, the phone region,
the SMTP server (and its password, kept in the system keyring), the calendar window.

A form that saves comes back to its section with what it saved; one that cannot says why
beside the form, with what was typed, and stores nothing. Every write goes through the use
case the CLI calls for the same setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import HTMLResponse, Response

from kithkin.errors import KithkinError
from kithkin.services import calendar
from kithkin.services import me as myself
from kithkin.services import settings as service
from kithkin.web import circle as circle_page
from kithkin.web.guard import actor
from kithkin.web.render import Form, checked_form, database, read_flash, redirect, render
from kithkin.web.schemas import API_RESPONSES, MeOut
from kithkin.web.today import In

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["settings"], responses=API_RESPONSES)
Posted = Annotated[Form, Depends(checked_form)]

SECTIONS: Final = ("me", "circle", "region", "smtp", "calendar")
SECURITY: Final = (
    ("starttls", "STARTTLS (port 587)"),
    ("ssl", "TLS from the start (port 465)"),
    ("none", "None (a relay on this computer only)"),
)


# -- the JSON ----------------------------------------------------------------------------------


class SmtpServerOut(BaseModel):
    host: str
    port: int
    security: Literal["starttls", "ssl", "none"]
    username: str | None
    from_address: str


class SmtpOut(BaseModel):
    server: SmtpServerOut | None = Field(description="null: no SMTP server set")
    password_from: Literal["environment", "keyring"] | None = Field(
        description="Where the password comes from; it is never shown nor stored in the database"
    )
    keyring: bool = Field(description="Whether a system keyring can keep a password given here")


class CalendarWindowOut(BaseModel):
    past_days: int
    future_days: int
    max_occurrences: int


class SettingsOut(BaseModel):
    """Every setting (`services.settings.read`)."""

    me: MeOut
    cap: int
    default_cadence: int
    tag_cadences: dict[str, int]
    region: str
    smtp: SmtpOut
    calendar: CalendarWindowOut


class RegionIn(In):
    region: str = Field(description="Two-letter code (ISO 3166), such as US or GB")


class SmtpIn(In):
    host: str
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    from_address: str | None = Field(None, description="Default: my first address")
    password: str | None = Field(
        None, description="Kept in the system keyring (never in the database); null: unchanged"
    )


class CalendarWindowIn(In):
    past_days: int | None = Field(None, ge=0)
    future_days: int | None = Field(None, ge=0)
    max_occurrences: int | None = Field(None, ge=1)


def settings_out(request: Request) -> SettingsOut:
    found = service.read(database(request), actor=actor(request))
    server = found.smtp.server
    return SettingsOut(
        me=MeOut.model_validate(asdict(found.me)),
        cap=found.cap,
        default_cadence=found.default_cadence,
        tag_cadences=found.tag_cadences,
        region=found.region,
        smtp=SmtpOut(
            server=None
            if server is None
            else SmtpServerOut(
                host=server.host,
                port=server.port,
                security=server.security,
                username=server.username,
                from_address=server.from_address,
            ),
            password_from=found.smtp.password_from,
            keyring=found.smtp.keyring,
        ),
        calendar=CalendarWindowOut.model_validate(vars(found.calendar)),
    )


@api.get("/settings", summary="Every setting: me, the circle, the phone region, SMTP, calendar")
def get_settings(request: Request) -> SettingsOut:
    return settings_out(request)


@api.put("/settings/region", summary="The region phone numbers without a country code are in")
def put_region(request: Request, body: RegionIn) -> SettingsOut:
    service.set_region(database(request), region=body.region)
    return settings_out(request)


@api.put("/settings/smtp", summary="The SMTP server every outbound mail is sent through")
def put_smtp(request: Request, body: SmtpIn) -> SettingsOut:
    service.set_smtp(
        database(request),
        host=body.host,
        port=body.port,
        security=body.security,
        username=body.username,
        from_address=body.from_address,
        password=body.password,
    )
    return settings_out(request)


@api.put("/settings/calendar", summary="The window later calendar imports read")
def put_calendar(request: Request, body: CalendarWindowIn) -> SettingsOut:
    calendar.set_window(
        database(request),
        past_days=body.past_days,
        future_days=body.future_days,
        max_occurrences=body.max_occurrences,
    )
    return settings_out(request)


# -- the page ----------------------------------------------------------------------------------


def settings_page_of(
    request: Request,
    *,
    section: str | None = None,
    error: str | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    """The page; with `error`, the form of `section` says it and keeps what was `typed`."""
    flash = read_flash(request)
    saved = request.query_params.get("saved")
    context: dict[str, Any] = {
        "s": service.read(database(request), actor=actor(request)),
        "security_choices": SECURITY,
        "error_in": section if error else None,
        "error": error,
        "typed": typed or {},
        # the confirmation is said beside the form it is about, not at the top of the page
        "saved_in": saved if saved in SECTIONS and flash is not None else None,
        "saved": flash.message if flash is not None and saved in SECTIONS else None,
        "flash": flash if saved not in SECTIONS else None,
    }
    return render(request, "settings.html", context, status=400 if error else 200)


@pages.get("/settings")
def settings_page(request: Request) -> HTMLResponse:
    return settings_page_of(request)


def save(request: Request, section: str, form: Form, action: Callable[[], str]) -> Response:
    """Run a form's use case: back to its section with what it saved, or the page again with
    the error beside the form and what was typed (the password never)."""
    try:
        message = action()
    except KithkinError as exc:
        typed = {k: v for k, v in form.values().items() if k != "password"}
        return settings_page_of(request, section=section, error=str(exc), typed=typed)
    return redirect(f"/settings?saved={section}#{section}", message)


@pages.post("/settings/me")
def save_name(request: Request, form: Posted) -> Response:
    def action() -> str:
        me = myself.set_name(database(request), actor=actor(request), name=form.optional("name"))
        return f"Saved: you are {me.name}." if me.name else "Saved: no name."

    return save(request, "me", form, action)


@pages.post("/settings/me/addresses")
def add_address(request: Request, form: Posted) -> Response:
    def action() -> str:
        me = myself.add_address(
            database(request), actor=actor(request), address=form.text("address")
        )
        return f"Added {me.addresses[-1]}: mail from it is mail you sent."

    return save(request, "me", form, action)


@pages.post("/settings/me/addresses/remove")
def remove_address(request: Request, form: Posted) -> Response:
    def action() -> str:
        address = form.text("address")
        myself.remove_address(database(request), actor=actor(request), address=address)
        return f"Removed {address}."

    return save(request, "me", form, action)


@pages.post("/settings/circle")
def save_circle(request: Request, form: Posted) -> Response:
    return save(request, "circle", form, lambda: circle_page.save_settings(request, form))


@pages.post("/settings/region")
def save_region(request: Request, form: Posted) -> Response:
    def action() -> str:
        code = service.set_region(database(request), region=form.text("region"))
        return f"Saved: phone numbers without a country code are read as in {code}."

    return save(request, "region", form, action)


@pages.post("/settings/smtp")
def save_smtp(request: Request, form: Posted) -> Response:
    def action() -> str:
        password = form.values().get("password") or None  # as typed: not stripped
        found = service.set_smtp(
            database(request),
            host=form.text("host"),
            port=form.text("port") or "587",
            security=form.text("security") or "starttls",
            username=form.optional("username"),
            from_address=form.optional("from_address"),
            password=password,
        )
        assert found.server is not None
        kept = " The password is in the system keyring." if password else ""
        return f"Saved: mail goes through {found.server.host}.{kept}"

    return save(request, "smtp", form, action)


@pages.post("/settings/calendar")
def save_calendar(request: Request, form: Posted) -> Response:
    def action() -> str:
        number = service.number_or_none
        chosen = calendar.set_window(
            database(request),
            past_days=number(form.text("past_days"), "days back"),
            future_days=number(form.text("future_days"), "days ahead"),
            max_occurrences=number(form.text("max_occurrences"), "occurrences"),
        )
        return (
            f"Saved: calendars are read {chosen.past_days} days back and "
            f"{chosen.future_days} days ahead, at most {chosen.max_occurrences} of an event."
        )

    return save(request, "calendar", form, action)
