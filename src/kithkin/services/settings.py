"""Every setting in one place, read and written: the Settings page, `GET /api/settings` and
`kithkin settings` show them; each is changed by the use case the CLI calls for it (`me`,
`circle cap`, `circle cadence`, `inbox smtp`, `import calendar --remember`) or by one here
(the phone region, the SMTP password)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from kithkin.model import SOLO, Actor, Record, record

if TYPE_CHECKING:
    from kithkin.model import Me
    from kithkin.outbound.smtp import SmtpSettings
    from kithkin.services.calendar import CalendarWindow
    from kithkin.store import Database

PasswordSource = Literal["environment", "keyring"]


@record
class Smtp(Record):
    """The SMTP server, if set, and where its password comes from (never the password)."""

    server: SmtpSettings | None
    password_from: PasswordSource | None
    keyring: bool  # whether a system keyring can keep a password typed in a form


@record
class Settings(Record):
    me: Me
    cap: int
    default_cadence: int
    tag_cadences: dict[str, int]
    region: str
    smtp: Smtp
    calendar: CalendarWindow


def read(db: Database, *, actor: Actor = SOLO) -> Settings:
    """Every setting, with its default where none was set."""
    from kithkin.services.calendar import window
    from kithkin.store import circle, settings

    with db.read() as conn:
        me = settings.get_me(conn, actor.member_id)
        cap, default = circle.cap(conn), circle.default_cadence(conn)
        tags = circle.tag_cadences(conn)
        region = settings.default_region(conn)
    return Settings(
        me=me,
        cap=cap,
        default_cadence=default,
        tag_cadences=tags,
        region=region,
        smtp=smtp(db),
        calendar=window(db),
    )


def smtp(db: Database) -> Smtp:
    from kithkin.outbound.smtp import password_source
    from kithkin.services.unsubscribe import smtp_settings
    from kithkin.sources.mail.credentials import keyring_usable

    server = smtp_settings(db)
    source = password_source(server) if server is not None else None
    return Smtp(server=server, password_from=source, keyring=keyring_usable())


def set_region(db: Database, *, region: str) -> str:
    """The region (ISO 3166 code) phone numbers without a country code are read in, from now
    on; InvalidInput for a code no one knows."""
    from kithkin.store import settings

    with db.write() as conn:
        return settings.set_default_region(conn, region)


def set_smtp(
    db: Database,
    *,
    host: str,
    port: int | str,
    security: str,
    username: str | None,
    from_address: str | None,
    password: str | None = None,
) -> Smtp:
    """The SMTP server (as `kithkin inbox smtp` sets it) and, when given, its password kept
    in the system keyring, never in the database; InvalidInput, nothing stored, when the
    password cannot be kept or a value is wrong."""
    from kithkin.errors import InvalidInput
    from kithkin.outbound.smtp import SmtpSettings, keep_password
    from kithkin.services import unsubscribe
    from kithkin.sources.mail.credentials import keyring_usable

    number = port if isinstance(port, int) else _number(port, "port")
    user = (username or "").strip() or None
    if password:
        if user is None:
            raise InvalidInput("a password needs a user name to log in with")
        if not keyring_usable():
            raise InvalidInput(
                "there is no system keyring on this computer to keep the password: give it "
                "to kithkin in the KITHKIN_SMTP_PASSWORD environment variable instead"
            )
    server = unsubscribe.set_smtp(
        db,
        host=host,
        port=number,
        security=security,
        username=user,
        from_address=(from_address or "").strip() or None,
    )
    if password and not keep_password(SmtpSettings(host=server.host, username=user), password):
        raise InvalidInput("the system keyring refused the password; the server was saved")
    return smtp(db)


def _number(text: str, what: str) -> int:
    from kithkin.errors import InvalidInput

    if not text.strip().isdigit():
        raise InvalidInput(f"{what}: {text!r} is not a whole number")
    return int(text)


def number_or_none(text: str | None, what: str) -> int | None:
    """A whole number typed in a form, or None when left blank."""
    if text is None or not text.strip():
        return None
    return _number(text, what)
