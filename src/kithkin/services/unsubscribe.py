"""Leaving a subscription: a dry run that says exactly what would be done, and the doing of it
through the outbox.

For each subscription asked for, the first way out that is safe wins:

1. **one-click** (RFC 8058): only when its mail says `List-Unsubscribe-Post:
   List-Unsubscribe=One-Click` with an https URI, the latest such message is on disk, and
   (on `--apply`, since it asks DNS for the sender's key) its DKIM signature verifies and
   covers both headers; then one POST, checked and pinned by `oneclick`;
2. **mailto**: a mail sent by the SMTP server in the settings (`kithkin inbox smtp`);
3. **web link**: given to the user to open; never fetched (fetching links is how mail
   software unsubscribed people by accident).

Never for what looks like spam (`practices.hygiene.offerable`), nor when the signature of the
message offering one-click fails with its signer's key (authentication failed): "report as
spam instead". A key that cannot be had (offline, rotated) only rules one-click out.

With `apply`, every action is recorded in the outbox before it is tried and finished with its
outcome; the same action asked again is the same row, so a done one is never sent twice. An
attempt a crash left "trying" is not repeated unless asked (`retry`): a mailto may have gone,
and a retry sends the same Message-ID, so the list can tell.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any, Final, Literal

from kithkin.errors import InvalidInput, KithkinError, NotFound
from kithkin.model import SOLO, Actor, Record, record
from kithkin.outbound.smtp import SmtpSettings as SmtpSettings
from kithkin.services.inbox import ACTION as ACTION
from kithkin.services.inbox import Method, Subscription, ranked
from kithkin.services.inbox import find as find
from kithkin.services.inbox import short_id as short_id

if TYPE_CHECKING:
    import ssl

    from sqlalchemy import Connection

    from kithkin.outbound.dkim import DnsTxt
    from kithkin.outbound.oneclick import PostOutcome
    from kithkin.store import Database

ENV_ALLOW_LOOPBACK: Final = "KITHKIN_UNSUBSCRIBE_ALLOW_LOOPBACK"  # tests and local relays only
SMTP_SETTING: Final = "smtp"


@record
class Options(Record):
    """How the outside world is reached; tests replace the seams."""

    allow_loopback: bool = False  # one-click to 127.0.0.1 / ::1 (and plain http there)
    dns: DnsTxt | None = None  # DKIM key lookups (None: the system's resolver)
    verify: bool | ssl.SSLContext = True  # TLS verification of the one-click POST
    timeout: float = 10.0
    smtp: SmtpSettings | None = None  # None: the settings stored in the database
    password: Callable[[SmtpSettings], str | None] | None = None  # None: env var or keyring


def options_from_env() -> Options:
    """The options of the CLI and the web UI: loopback only when the environment says so."""
    return Options(allow_loopback=os.environ.get(ENV_ALLOW_LOOPBACK) == "1")


@record
class Step(Record):
    """What is (or would be) done for one subscription."""

    id: str  # the subscription's short id
    key: str
    label: str
    method: str | None  # one-click, mailto, web; None when nothing may be done
    target: str | None  # the URI
    plan: str  # one line: what would be done, or why nothing may be
    allowed: bool
    status: str = "planned"  # planned; on apply: done, failed, shown, skipped, refused
    outcome: str | None = None  # one line, on apply
    outbox_id: int | None = None
    notes: tuple[str, ...] = ()  # ways out passed over, and why


def plan(
    db: Database,
    *,
    subscriptions: Sequence[str],
    options: Options | None = None,
    retry: bool = False,
    actor: Actor = SOLO,
) -> list[Step]:
    """The dry run: for each subscription (id, key or unique piece of one), what would be
    done and how (no network). With `retry`, an attempt a crash left unfinished is planned
    again. In team mode the acting member's outbox decides what they did already."""
    return _planned(db, subscriptions, options or options_from_env(), retry, actor)[0]


def apply(
    db: Database,
    *,
    subscriptions: Sequence[str],
    options: Options | None = None,
    retry: bool = False,
    actor: Actor = SOLO,
) -> list[Step]:
    """Do what `plan` says, each action through the outbox (the acting member's, in team
    mode); one step's failure does not stop the others."""
    options = options or options_from_env()
    steps, subs, smtp = _planned(db, subscriptions, options, retry, actor)
    return [
        _apply_one(db, step, subs[step.key], options, smtp, retry, actor.member_id)
        for step in steps
    ]


def _planned(
    db: Database, refs: Sequence[str], options: Options, retry: bool, actor: Actor = SOLO
) -> tuple[list[Step], dict[str, Subscription], SmtpSettings | None]:
    """The steps, the subscriptions they are for (by key) and the SMTP settings, in one read."""
    with db.read() as conn:
        subs = ranked(conn, actor.member_id)
        chosen = {s.key: s for s in (find(subs, ref) for ref in refs)}
        smtp = options.smtp or _smtp(conn)
        steps = [_plan_one(conn, sub, smtp, retry) for sub in chosen.values()]
    return steps, chosen, smtp


def ignored(db: Database, *, actor: Actor = SOLO) -> list[Subscription]:
    """Subscriptions left (an unsubscribe done, or its link given) that kept sending past the
    grace period: what an import reports, so "did it work?" is answered by the next mail that
    arrives. Reads nothing more when no unsubscribe was ever done."""
    from kithkin.store import hygiene as store

    with db.read() as conn:
        if not store.actions(conn, action=ACTION, status="done", member_id=actor.member_id):
            return []
        subs = ranked(conn, actor.member_id)
    return [s for s in subs if s.state == "ignored" or (s.state == "shown" and s.received_since)]


def ignored_json(subs: list[Subscription]) -> list[dict[str, Any]]:
    """`ignored`'s subscriptions as an import's summary lists them (`unsubscribe_ignored`)."""
    return [{"id": short_id(s.key), "label": s.label, "since": s.received_since} for s in subs]


# -- the dry run ------------------------------------------------------------------------------


def _plan_one(
    conn: Connection, sub: Subscription, smtp: SmtpSettings | None, retry: bool = False
) -> Step:
    from kithkin.store import hygiene as store

    base = Step(short_id(sub.key), sub.key, sub.label, None, None, "", False)
    if sub.state == "trying" and not retry:
        return replace(
            base,
            status="refused",
            plan=f"nothing will be done: {sub.offer_note}; if a crash interrupted it, check "
            "whether it went out, then --retry",
        )
    # recorded but never begun (a crash in between): nothing went out, so go on with it
    resumable = sub.state == "pending" or (sub.state == "trying" and retry)
    if not sub.offerable and not resumable:
        return replace(base, plan=f"nothing will be done: {sub.offer_note}", status="refused")
    notes: list[str] = []
    for method in sub.methods:
        if method.kind == "one-click":
            original = store.unsubscribe_original(conn, method.target)
            if original is None:
                notes.append("one-click: the message offering it is not in the database")
                continue
            return replace(
                base,
                method="one-click",
                target=method.target,
                allowed=True,
                notes=tuple(notes),
                plan=(
                    f"check the DKIM signature of its latest message (a DNS lookup of the "
                    f"sender's key), then POST List-Unsubscribe=One-Click to {method.target} "
                    "(no cookies, no redirects followed)"
                ),
            )
        if method.kind == "mailto":
            if smtp is None:
                notes.append(
                    "mailto: no SMTP server set (kithkin inbox smtp --host HOST --from ADDRESS)"
                )
                continue
            return replace(
                base,
                method="mailto",
                target=method.target,
                allowed=True,
                notes=tuple(notes),
                plan=f"send a mail to {_mail_to(method)} from {smtp.from_address} via "
                f"{smtp.host}:{smtp.port}",
            )
        if method.kind == "web":
            return replace(
                base,
                method="web",
                target=method.target,
                allowed=True,
                notes=tuple(notes),
                plan=f"give you the link to open yourself: {method.target} "
                "(kithkin never opens it)",
            )
    why = "; ".join(notes) or "no way to leave it"
    return replace(base, plan=f"nothing can be done: {why}", notes=tuple(notes), status="refused")


def _mail_to(method: Method) -> str:
    from kithkin.outbound.smtp import parse_mailto

    try:
        return ", ".join(parse_mailto(method.target).to)
    except InvalidInput:
        return method.target


# -- the doing --------------------------------------------------------------------------------


def _apply_one(
    db: Database,
    step: Step,
    sub: Subscription,
    options: Options,
    smtp: SmtpSettings | None,
    retry: bool,
    member_id: int | None = None,
) -> Step:
    from kithkin.store import hygiene as store

    if not step.allowed or step.method is None or step.target is None:
        return step
    if step.method == "one-click":
        refused, forged = _dkim_refusal(db, step.target, options)
        if forged:  # failing authentication: it looks like spam, whatever way out it offers
            return replace(step, status="refused", outcome=f"report as spam instead: {refused}")
        if refused is not None:
            fallback = _fallback(db, step, sub, smtp, refused)
            if fallback is None:
                return replace(step, status="refused", outcome=refused)
            return _apply_one(db, fallback, sub, options, smtp, retry, member_id)
    sender = parseaddr(smtp.from_address)[1] if smtp else ""
    domain = sender.rpartition("@")[2] or "kithkin.invalid"  # of the mailto's Message-ID
    with db.write() as conn:
        entry = store.record_action(
            conn,
            action=ACTION,
            subscription_key=step.key,
            method=step.method,
            target=step.target,
            domain=domain,
            member_id=member_id,
        )
    step = replace(step, outbox_id=entry.id)
    if entry.status in ("done", "refused"):
        when = f" on {entry.finished_at:%Y-%m-%d %H:%M}" if entry.finished_at else ""
        return replace(
            step, status="skipped", outcome=f"already {entry.status}{when}: {entry.outcome}"
        )
    if entry.status == "trying" and not retry:
        return replace(
            step,
            status="skipped",
            outcome=(
                f"an attempt began {entry.tried_at:%Y-%m-%d %H:%M} and never finished (outbox "
                f"#{entry.id}): check whether it went out; --retry tries again"
            ),
        )
    with db.write() as conn:
        entry = store.start_attempt(conn, entry.id, resume=entry.status == "trying")
    ok, outcome = _do(step, entry.message_id, options, smtp)
    status = "done" if ok else "failed"
    with db.write() as conn:
        store.finish_attempt(conn, entry.id, status, outcome)
    return replace(step, status="shown" if ok and step.method == "web" else status, outcome=outcome)


def _dkim_refusal(db: Database, uri: str, options: Options) -> tuple[str | None, bool]:
    """Why one-click must not be used for `uri` (None: it may), and whether that is because
    the signature failed with the signer's own key (the message was altered or forged)."""
    from kithkin.outbound.dkim import verify_one_click
    from kithkin.sources.mail.raw import read_raw
    from kithkin.store import hygiene as store

    with db.read() as conn:
        original = store.unsubscribe_original(conn, uri)
    if original is None:
        return "one-click refused: the message offering it is not in the database", False
    try:
        raw = read_raw(*original)
    except NotFound as exc:
        return f"one-click refused: {exc}", False
    verdict = verify_one_click(raw, dns=options.dns)
    if verdict.ok:
        return None, False
    return f"one-click refused: {verdict.reason}", verdict.forged


def _fallback(
    db: Database, step: Step, sub: Subscription, smtp: SmtpSettings | None, why: str
) -> Step | None:
    """The next way out once one-click is refused: mailto, else the web link."""
    rest = replace(sub, methods=tuple(m for m in sub.methods if m.kind != "one-click"))
    with db.read() as conn:
        again = _plan_one(conn, rest, smtp, retry=True)
    if not again.allowed:
        return None
    return replace(again, notes=(*step.notes, why))


def _do(
    step: Step, message_id: str | None, options: Options, smtp: SmtpSettings | None
) -> tuple[bool, str]:
    """Try the action once: (worked, one-line outcome)."""
    assert step.target is not None
    try:
        if step.method == "one-click":
            result: PostOutcome = _post(step.target, options)
            return result.ok, result.detail
        if step.method == "mailto":
            from kithkin.outbound.smtp import parse_mailto, send_unsubscribe, smtp_password

            assert smtp is not None
            password = (options.password or smtp_password)(smtp)
            sent = send_unsubscribe(
                parse_mailto(step.target),
                settings=smtp,
                password=password,
                message_id=message_id or "",
            )
            return True, sent
        return True, f"open this link yourself to leave: {step.target}"
    except KithkinError as exc:
        return False, str(exc)


def _post(url: str, options: Options) -> PostOutcome:
    from kithkin.outbound.oneclick import post_one_click

    return post_one_click(
        url, allow_loopback=options.allow_loopback, timeout=options.timeout, verify=options.verify
    )


# -- SMTP settings ----------------------------------------------------------------------------


def smtp_settings(db: Database) -> SmtpSettings | None:
    """The SMTP server mailto unsubscribes go through, if the user set one."""
    with db.read() as conn:
        return _smtp(conn)


def _smtp(conn: Connection) -> SmtpSettings | None:
    from kithkin.store import settings

    raw = settings.get(conn, SMTP_SETTING)
    if not raw or not raw.get("host"):
        return None
    return SmtpSettings(
        host=str(raw["host"]),
        port=int(raw.get("port", 587)),
        security=_security(raw.get("security", "starttls")),
        username=raw.get("username"),
        from_address=str(raw.get("from_address", "")),
    )


def set_smtp(
    db: Database,
    *,
    host: str,
    port: int,
    security: str,
    username: str | None,
    from_address: str | None,
) -> SmtpSettings:
    """Store the SMTP server for mailto unsubscribes (the password stays in the environment
    or the system keyring, never in the database); without `from_address`, my first
    address sends."""
    from kithkin.store import activity, settings

    if not from_address:
        with db.read() as conn:
            mine = settings.get_me(conn).addresses
        from_address = mine[0] if mine else ""
    if security not in ("starttls", "ssl", "none"):
        raise InvalidInput(f"unknown security {security!r}: use starttls, ssl or none")
    if not host.strip():
        raise InvalidInput("an SMTP server needs a host")
    if "@" not in from_address:
        raise InvalidInput(f"not an address to send from: {from_address!r}")
    if not 0 < port < 65536:
        raise InvalidInput(f"not a port: {port}")
    value = {
        "host": host.strip(),
        "port": port,
        "security": security,
        "username": username or None,
        "from_address": from_address.strip(),
    }
    with db.write() as conn:
        settings.put(conn, SMTP_SETTING, value)
        activity.record(conn, "setting.smtp", f"outbound mail goes through {host}:{port}")
        made = _smtp(conn)
    assert made is not None
    return made


def _security(value: object) -> Literal["starttls", "ssl", "none"]:
    if value == "ssl":
        return "ssl"
    return "none" if value == "none" else "starttls"
