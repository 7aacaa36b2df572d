"""Unsubscribing by mail: the `mailto:` URI of a List-Unsubscribe field (RFC 6068, RFC 2369)
turned into one short message, sent through the user's own SMTP server.

The URI comes from a stranger's mail, so `parse_mailto` keeps only what an unsubscribe needs
(recipients, Subject, body, Cc, In-Reply-To, Keywords) and refuses any other header field
(Bcc, From, Reply-To...), any recipient that is not a plain addr-spec, and any line break in
a header value. The message carries the Message-ID the caller gives, so that a retry after a
lost reply is recognisable as the same message.

Sending: STARTTLS by default, and never in the clear unless told (`security="none"`); a
password then goes only to a loopback server (a local relay or bridge). The EHLO name is
`helo_name`, never the machine's own name. Nothing here logs; no error names the password.
Passwords come from KITHKIN_SMTP_PASSWORD or the system keyring, as for IMAP (`credentials`).
"""

from __future__ import annotations

import email.policy
import ipaddress
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Literal
from urllib.parse import unquote

from kithkin import clock
from kithkin.errors import InvalidInput, SmtpError
from kithkin.sources.mail.credentials import from_keyring

ENV_VAR = "KITHKIN_SMTP_PASSWORD"
KEYRING_SERVICE = "kithkin-smtp"
DEFAULT_SUBJECT = "unsubscribe"
DEFAULT_BODY = "unsubscribe"

_ALLOWED_FIELDS = ("subject", "body", "to", "cc", "in-reply-to", "keywords")
_SHOWN = {"cc": "Cc", "in-reply-to": "In-Reply-To", "keywords": "Keywords"}
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LOCAL = rf'(?:{_ATEXT}+(?:\.{_ATEXT}+)*|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*")'
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDR_SPEC = re.compile(rf"{_LOCAL}@{_LABEL}(?:\.{_LABEL})*")
_MESSAGE_ID = re.compile(r"<?([^\s<>@]+@[^\s<>@]+)>?")
# 7-bit output with CRLF: every server takes it, with or without 8BITMIME
_POLICY = email.policy.SMTP.clone(cte_type="7bit")


@dataclass(frozen=True)
class MailtoTarget:
    """Where and what to send: recipients, Subject, body and the few other allowed fields."""

    to: tuple[str, ...]
    subject: str
    body: str
    headers: tuple[tuple[str, str], ...] = ()  # ("Cc", "a@x, b@y"), ("In-Reply-To", "<id>")


@dataclass(frozen=True)
class SmtpSettings:
    """The user's outgoing server. `cafile` trusts a server with its own certificate (a local
    bridge); `helo_name` is what kithkin calls itself in EHLO."""

    host: str
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    from_address: str = ""
    timeout: float = 15.0
    cafile: str | None = None
    helo_name: str = "localhost"


# --- mailto: URIs -----------------------------------------------------------------------------


def parse_mailto(uri: str) -> MailtoTarget:
    """The recipients and fields of a `mailto:` URI (RFC 6068); raises `InvalidInput` on one
    that is malformed or asks for a header field an unsubscribe does not need."""
    scheme, colon, rest = uri.strip().partition(":")
    if not colon or scheme.lower() != "mailto":
        raise InvalidInput(f"{uri!r} is not a mailto: URI")
    path, _, query = rest.partition("?")
    to = _addresses(uri, _decoded(uri, path))
    fields: dict[str, str] = {}
    cc: list[str] = []
    for pair in query.split("&") if query else ():
        if not pair:
            continue
        raw_name, _, raw_value = pair.partition("=")
        name, value = _decoded(uri, raw_name).lower(), _decoded(uri, raw_value)
        if name not in _ALLOWED_FIELDS:
            raise InvalidInput(f"{uri}: the header field {name!r} is refused in a mailto URI")
        if name == "to":
            to += _addresses(uri, value)
        elif name == "cc":
            cc += _addresses(uri, value)
        elif name in fields:
            raise InvalidInput(f"{uri}: more than one {name!r} field")
        elif name != "body" and ("\r" in value or "\n" in value):
            raise InvalidInput(f"{uri}: a line break in the {name!r} field")
        else:
            fields[name] = value
    if not to:
        raise InvalidInput(f"{uri}: no recipient")
    headers = [(_SHOWN["cc"], ", ".join(cc))] if cc else []
    headers += [
        (_SHOWN[name], fields[name]) for name in ("in-reply-to", "keywords") if name in fields
    ]
    return MailtoTarget(
        to=tuple(dict.fromkeys(to)),  # an address given twice gets one message
        subject=fields.get("subject") or DEFAULT_SUBJECT,
        body=fields.get("body", ""),
        headers=tuple(headers),
    )


def _decoded(uri: str, text: str) -> str:
    """Percent-decoded as UTF-8 ("+" stays "+": mailto is not a form)."""
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{uri}: percent-encoded bytes that are not UTF-8") from exc


def _addresses(uri: str, text: str) -> list[str]:
    """The addr-specs of a comma-separated list (commas inside quotes belong to the address)."""
    found = []
    for item in _split_commas(text):
        address = item.strip()
        if not address:
            continue
        checked = _addr_spec(address)
        if checked is None:
            raise InvalidInput(f"{uri}: {address!r} is not an email address")
        found.append(checked)
    return found


def _split_commas(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if char == "," and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
    parts.append("".join(current))
    return parts


def _addr_spec(address: str) -> str | None:
    """`address` when it is a plain addr-spec (a non-ASCII domain becomes its IDNA form);
    None otherwise."""
    local, at, domain = address.rpartition("@")
    if not at or len(address) > 254:
        return None
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    candidate = f"{local}@{domain}"
    return candidate if _ADDR_SPEC.fullmatch(candidate) else None


# --- the message ------------------------------------------------------------------------------


def build_unsubscribe_message(
    target: MailtoTarget, *, from_address: str, message_id: str
) -> EmailMessage:
    """The unsubscribe message: From, To, the allowed fields, Subject, Date, the given
    Message-ID, and the body the URI asked for ("unsubscribe" when none)."""
    if not from_address.strip():
        raise InvalidInput("no sender address for the message (kithkin smtp --from ADDRESS)")
    found = _MESSAGE_ID.fullmatch(message_id.strip())
    if found is None:
        raise InvalidInput(f"{message_id!r} is not a Message-ID (id@host)")
    message = EmailMessage(policy=_POLICY)
    try:
        message["From"] = from_address
        message["To"] = ", ".join(target.to)
        for name, value in target.headers:
            message[name] = value
        message["Subject"] = target.subject
        message["Date"] = format_datetime(clock.now())
        message["Message-ID"] = f"<{found[1]}>"
    except ValueError as exc:  # a line break in a value, or a header the policy refuses
        raise InvalidInput(f"cannot build the message: {_one_line(exc)}") from exc
    message.set_content(target.body or DEFAULT_BODY)
    return message


def _recipients(target: MailtoTarget) -> list[str]:
    cc = [value for name, value in target.headers if name == _SHOWN["cc"]]
    return [*target.to, *(address.strip() for value in cc for address in _split_commas(value))]


# --- sending ----------------------------------------------------------------------------------


def send_unsubscribe(
    target: MailtoTarget, *, settings: SmtpSettings, password: str | None, message_id: str
) -> str:
    """Send the unsubscribe message; the outcome in one line ("sent to x via host:587 (250
    ...)"). Raises `SmtpError` when the server cannot be reached or refuses, `InvalidInput`
    when the settings cannot work (no sender, no password, a password in the clear)."""
    return send_mail(target, settings=settings, password=password, message_id=message_id)


def send_mail(
    target: MailtoTarget, *, settings: SmtpSettings, password: str | None, message_id: str
) -> str:
    """Send one short plain-text message (an unsubscribe, a consent request, an
    introduction) with the given Message-ID, as `send_unsubscribe` says."""
    where = f"{settings.host}:{settings.port}"
    message = build_unsubscribe_message(
        target, from_address=settings.from_address, message_id=message_id
    )
    _check_login(settings, password, where)
    sender = parseaddr(settings.from_address)[1] or settings.from_address
    recipients = _recipients(target)
    try:
        with _connect(settings) as conn:
            _secure(conn, settings, where)
            if settings.username is not None and password is not None:
                conn.login(settings.username, password)
            reply = _transfer(conn, sender, recipients, message.as_bytes(), where)
    except (OSError, smtplib.SMTPException) as exc:
        raise _failure(exc, settings, where) from exc
    return f"sent to {', '.join(recipients)} via {where} ({reply})"


def _failure(exc: OSError | smtplib.SMTPException, settings: SmtpSettings, where: str) -> SmtpError:
    """The one-line error for what went wrong while talking to the server."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SmtpError(f"{where}: login refused for {settings.username}: {_reply(exc)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        return SmtpError(f"{where}: refused: {_reply(exc)}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SmtpError(f"{where}: certificate not trusted ({exc.verify_message})")
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return SmtpError(f"{where}: no answer within {settings.timeout:g} s")
    return SmtpError(f"{where}: cannot send: {_os_error(exc)}")


def _check_login(settings: SmtpSettings, password: str | None, where: str) -> None:
    """Refuse, before connecting, a login without a password or over a plain connection to
    another machine."""
    if settings.username is None:
        return
    if password is None:
        raise InvalidInput(
            f"{where}: no password for {settings.username}: set {ENV_VAR}, or store one in the "
            f"system keyring (keyring set {KEYRING_SERVICE} {settings.username}@{settings.host})"
        )
    if settings.security == "none" and not _is_loopback(settings.host):
        raise InvalidInput(
            f"{where}: refusing to send a password over a plain connection; "
            "use security starttls or ssl"
        )


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            local_hostname=settings.helo_name,
            timeout=settings.timeout,
            context=_tls_context(settings),
        )
    return smtplib.SMTP(
        settings.host, settings.port, local_hostname=settings.helo_name, timeout=settings.timeout
    )


def _secure(conn: smtplib.SMTP, settings: SmtpSettings, where: str) -> None:
    """STARTTLS when asked for; a server that does not offer it is refused, not used plain."""
    conn.ehlo()
    if settings.security != "starttls":
        return
    if not conn.has_extn("starttls"):
        raise SmtpError(f"{where}: the server does not offer STARTTLS; refusing to send in clear")
    conn.starttls(context=_tls_context(settings))
    conn.ehlo()


def _transfer(
    conn: smtplib.SMTP, sender: str, recipients: list[str], data: bytes, where: str
) -> str:
    """MAIL, RCPT for each recipient, DATA; the server's final reply. Any refused recipient
    cancels the whole transaction, so that a retry sends to all again."""
    code, text = conn.mail(sender)
    if code != 250:
        raise SmtpError(f"{where}: sender {sender} refused: {code} {_text(text)}")
    for recipient in recipients:
        code, text = conn.rcpt(recipient)
        if code not in (250, 251):
            conn.rset()
            raise SmtpError(f"{where}: recipient {recipient} refused: {code} {_text(text)}")
    code, text = conn.data(data)
    if code != 250:
        raise SmtpError(f"{where}: message refused: {code} {_text(text)}")
    return f"{code} {_text(text)}"


def _tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=settings.cafile)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- the password -----------------------------------------------------------------------------


def smtp_password(settings: SmtpSettings) -> str | None:
    """The SMTP password: KITHKIN_SMTP_PASSWORD, else the system keyring (service
    "kithkin-smtp", account "user@host") when the `keyring` package is installed; None when
    there is none or no login is configured."""
    password = os.environ.get(ENV_VAR)
    if password:
        return password
    if settings.username is None:
        return None
    return from_keyring(KEYRING_SERVICE, f"{settings.username}@{settings.host}")


# --- one-line messages ------------------------------------------------------------------------


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def _os_error(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return _one_line(exc) or type(exc).__name__


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def password_source(settings: SmtpSettings) -> Literal["environment", "keyring"] | None:
    """Where the password of `settings` would come from (never the password itself)."""
    if os.environ.get(ENV_VAR):
        return "environment"
    if settings.username is not None and smtp_password(settings):
        return "keyring"
    return None


def keep_password(settings: SmtpSettings, password: str) -> bool:
    """Keep the SMTP password in the system keyring, where `smtp_password` finds it (service
    "kithkin-smtp", account "user@host"), as `keyring set kithkin-smtp user@host` would;
    False when there is no usable keyring. Never in the database."""
    from kithkin.sources.mail.credentials import to_keyring

    if settings.username is None:
        raise InvalidInput("a password needs a user name to log in with")
    return to_keyring(KEYRING_SERVICE, f"{settings.username}@{settings.host}", password)
