"""Introductions: the mail of the double opt-in pipeline and where an intro stands.

Every mail (a consent request, the one follow-up, the introduction) is an outbox entry with an
idempotency key, recorded before it is tried (pending), marked before the server is contacted
(trying) and finished after (done / failed). A crash between any two steps loses nothing (the
answers are written in their own transactions) and sends nothing twice: an entry a crash left
"trying" is sent again only when asked (`retry`, the same Message-ID), or settled as sent when
its reply or its copy in my sent mail turns up. `settle` says where an intro stands after a
request went out or an answer came: declined (final; what was not sent never goes), consented
(the introduction drafted and queued, once), asked. `KITHKIN_CRASH_AT` (tests only) kills the
process at a named step: "queued", "trying", "sent", "finished" ("STEP#N": the N-th time).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Final

from kithkin import clock
from kithkin.errors import KithkinError
from kithkin.model import Record, record
from kithkin.practices import intros as practice

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.model import OutboxEntry
    from kithkin.outbound.smtp import SmtpSettings
    from kithkin.store import Database
    from kithkin.store.intros import Intro

ASK: Final = "intro-ask"
FOLLOW_UP: Final = "intro-followup"
INTRODUCE: Final = "introduce"
ACTIONS: Final = (ASK, FOLLOW_UP, INTRODUCE)
CRASH_ENV: Final = "KITHKIN_CRASH_AT"  # tests: "STEP" or "STEP#N" (the N-th time it is reached)
_crash_counts: dict[str, int] = {}


@record
class Options(Record):
    """How mail goes out; tests replace the seams."""

    smtp: SmtpSettings | None = None  # None: the settings stored (`kithkin smtp`)
    password: Callable[[SmtpSettings], str | None] | None = None  # None: env var or keyring


@record
class SendStep(Record):
    """One mail of an intro and what became of it."""

    intro_id: int
    kind: str  # request, follow-up, introduction
    to: str
    status: str  # done, failed, skipped, refused
    outcome: str
    outbox_id: int | None = None
    message_id: str | None = None


# -- the crash hook (tests) --------------------------------------------------------------------


def crash_point(name: str) -> None:
    """Kill this process (SIGKILL: no cleanup, like a power cut) at the step the environment
    names: how the tests check that a crash at any step loses and repeats nothing."""
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    step, _, nth = wanted.partition("#")
    if step != name:
        return
    _crash_counts[name] = _crash_counts.get(name, 0) + 1
    if _crash_counts[name] >= (int(nth) if nth.isdigit() else 1):
        os.kill(os.getpid(), signal.SIGKILL)


def someone_of(conn: Connection, pid: int) -> practice.Someone:
    """What the drafts tell of a person: a fact of their story the tone check would read as a
    pitch or as pressure ("writes a newsletter") is left out, so the drafts stay notes."""
    from kithkin.practices import tone
    from kithkin.services.tone import rules_in_use
    from kithkin.store import intros, people

    found = people.get_person(conn, pid)
    rules = rules_in_use()
    return practice.Someone(
        display_name=found.display_name,
        given_name=found.given_name,
        organisation=found.organisation,
        title=found.title,
        facts=tuple(f for f in intros.person_facts(conn, pid) if not tone.trips(f[1], rules)),
    )


# -- sending -----------------------------------------------------------------------------------


@record
class _Mail(Record):
    intro_id: int
    kind: str
    entry_id: int
    to: tuple[str, ...]
    subject: str
    body: str
    headers: tuple[tuple[str, str], ...] = ()
    party_id: int | None = None
    refused: str | None = None  # why it must not go (any more)
    extra: dict[str, str] = field(default_factory=dict)


def send_ready(
    db: Database,
    *,
    intro_id: int | None = None,
    retry: bool = False,
    options: Options | None = None,
) -> list[SendStep]:
    """Send what is ready (of one intro, or of all) and nothing else: queued requests, an
    introduction both consented to, a follow-up asked for; a failed one again. One left
    "trying" by a crash only with `retry` (it may have gone; the same Message-ID goes again)."""
    from kithkin.store import hygiene, intros

    options = options or Options()
    with db.read() as conn:
        smtp = options.smtp or stored_smtp(conn)
        found = [intros.get(conn, intro_id)] if intro_id is not None else intros.list_intros(conn)
        mails = [m for i in found for m in _mails(conn, i)]
        entries = {m.entry_id: hygiene.entry_of(conn, m.entry_id) for m in mails}
    steps = []
    for mail in mails:
        entry = entries[mail.entry_id]
        if entry.status == "trying" and _went_out(db, entry):
            entry = _finish(db, mail, entry, True, "its copy is in my sent mail")
        steps.append(_send_one(db, mail, entry, smtp, options, retry))
    return [s for s in steps if s is not None]


def _mails(conn: Connection, found: Intro) -> list[_Mail]:
    """The outbox mails of an intro, with why one may not go any more."""
    out: list[_Mail] = []
    declined = found.status == "declined"
    for party in found.parties:
        if party.request_outbox_id is not None:
            out.append(
                _Mail(
                    found.id,
                    "request",
                    party.request_outbox_id,
                    (party.address,),
                    party.request_subject,
                    party.request_body,
                    party_id=party.id,
                    refused="the introduction was declined" if declined else None,
                )
            )
        if party.followup_outbox_id is not None:
            other = found.party("b" if party.side == "a" else "a")
            draft = practice.follow_up(
                someone_of(conn, party.person_id), someone_of(conn, other.person_id),
                party.request_subject, my_name(conn),
            )  # fmt: skip
            mid = party.request_message_id or ""
            refused = None
            if declined:
                refused = "the introduction was declined"
            elif party.answer in ("yes", "no"):
                refused = f"they answered already ({party.answer})"
            out.append(
                _Mail(
                    found.id,
                    "follow-up",
                    party.followup_outbox_id,
                    (party.address,),
                    draft.subject,
                    draft.body,
                    (("In-Reply-To", mid), ("References", mid)),
                    party_id=party.id,
                    refused=refused,
                )
            )
    if found.intro_outbox_id is not None:
        both = len(found.parties) == 2 and all(p.answer == "yes" for p in found.parties)
        out.append(
            _Mail(
                found.id,
                "introduction",
                found.intro_outbox_id,
                tuple(p.address for p in found.parties),
                found.intro_subject or "",
                found.intro_body or "",
                refused=None if both and not declined else "not both consented",
            )
        )
    return out


def _send_one(
    db: Database,
    mail: _Mail,
    entry: OutboxEntry,
    smtp: SmtpSettings | None,
    options: Options,
    retry: bool,
) -> SendStep | None:
    from kithkin.store import hygiene

    to = ", ".join(mail.to)
    step = SendStep(
        mail.intro_id, mail.kind, to, entry.status, entry.outcome or "", entry.id,
        entry.message_id,
    )  # fmt: skip
    if entry.status in ("done", "refused"):
        return None  # nothing to do: it went, or it never will
    if mail.refused is not None:
        if entry.status == "trying":
            return _replace(step, status="skipped", outcome=_trying_note(entry))
        with db.write() as conn:
            hygiene.finish_attempt(conn, entry.id, "refused", mail.refused)
        return _replace(step, status="refused", outcome=mail.refused)
    if entry.status == "trying" and not retry:
        return _replace(step, status="skipped", outcome=_trying_note(entry))
    if entry.status == "failed" and _unanswered(entry) and not retry:
        return _replace(
            step, status="skipped",
            outcome=f"the server did not answer the last attempt (outbox #{entry.id}): it may "
            "have taken the mail; send it again with --retry (the same Message-ID)",
        )  # fmt: skip
    if smtp is None:
        return _replace(
            step, status="skipped",
            outcome="no SMTP server set: kithkin smtp --host HOST --from ADDRESS",
        )  # fmt: skip
    with db.write() as conn:
        # looked at again in the transaction that marks the attempt: a decline or a send by
        # another process since the read above wins
        current = hygiene.entry_of(conn, entry.id)
        if current.status in ("done", "refused") or (current.status == "trying" and not retry):
            return _replace(step, status="skipped", outcome=f"already {current.status}")
        again = _mail_refusal(conn, mail)
        if again is not None:
            if current.status != "trying":
                hygiene.finish_attempt(conn, entry.id, "refused", again)
            return _replace(step, status="refused", outcome=again)
        entry = hygiene.start_attempt(conn, entry.id, resume=current.status == "trying")
    crash_point("trying")
    ok, outcome = _deliver(mail, entry.message_id or "", smtp, options)
    crash_point("sent")
    _finish(db, mail, entry, ok, outcome)
    crash_point("finished")
    return _replace(step, status="done" if ok else "failed", outcome=outcome)


def _unanswered(entry: OutboxEntry) -> bool:
    """An attempt that timed out waiting for the server: the mail may have been taken (a
    refusal or an unreachable server is sure not to have sent it, and is tried again)."""
    return "no answer within" in (entry.outcome or "")


def _trying_note(entry: OutboxEntry) -> str:
    began = f" {entry.tried_at:%Y-%m-%d %H:%M}" if entry.tried_at else ""
    return (
        f"an attempt began{began} and never finished (outbox #{entry.id}): it may have gone; "
        "it is settled when its answer or its copy in your sent mail is imported, or send it "
        "again with --retry (the same Message-ID)"
    )


def _mail_refusal(conn: Connection, mail: _Mail) -> str | None:
    """Why `mail` must not go, read in the transaction that would mark it tried."""
    from kithkin.store import intros

    found = intros.get(conn, mail.intro_id)
    if found.status == "declined":
        return "the introduction was declined"
    both = len(found.parties) == 2 and all(p.answer == "yes" for p in found.parties)
    if mail.kind == "introduction" and not both:
        return "not both consented"
    if mail.kind == "follow-up" and mail.party_id is not None:
        party = next(p for p in found.parties if p.id == mail.party_id)
        if party.answer in ("yes", "no"):
            return f"they answered already ({party.answer})"
    return None


def _finish(db: Database, mail: _Mail, entry: OutboxEntry, ok: bool, outcome: str) -> OutboxEntry:
    """The outcome of an attempt, and what it means for the intro, in one transaction."""
    from kithkin.store import hygiene, intros

    with db.write() as conn:
        done = hygiene.finish_attempt(conn, entry.id, "done" if ok else "failed", outcome)
        if ok and mail.kind == "request" and mail.party_id is not None:
            intros.mark_asked(conn, mail.party_id)
            settle(conn, mail.intro_id)
        if ok and mail.kind == "introduction":
            intros.set_status(conn, mail.intro_id, "introduced", introduced_at=clock.now())
    return done


def _went_out(db: Database, entry: OutboxEntry) -> bool:
    """Whether a message a crash left "trying" is in my imported mail (my sent copy)."""
    from kithkin.store import mail as mail_store

    mid = (entry.message_id or "").strip("<>")
    if not mid:
        return False
    with db.read() as conn:
        return mid in mail_store.stored_messages(conn, [mid])


def _deliver(
    mail: _Mail, message_id: str, smtp: SmtpSettings, options: Options
) -> tuple[bool, str]:
    from kithkin.outbound.smtp import MailtoTarget, send_mail, smtp_password

    target = MailtoTarget(to=mail.to, subject=mail.subject, body=mail.body, headers=mail.headers)
    try:
        password = (options.password or smtp_password)(smtp)
        return True, send_mail(target, settings=smtp, password=password, message_id=message_id)
    except KithkinError as exc:
        return False, str(exc)


def _replace(step: SendStep, **changes: object) -> SendStep:
    from dataclasses import replace

    return replace(step, **changes)  # type: ignore[arg-type]


def stored_smtp(conn: Connection) -> SmtpSettings | None:
    from kithkin.services.unsubscribe import _smtp as stored

    return stored(conn)


def message_domain(smtp: SmtpSettings, mine: Sequence[str]) -> str:
    from email.utils import parseaddr

    sender = parseaddr(smtp.from_address)[1] or (mine[0] if mine else "")
    return sender.rpartition("@")[2] or "kithkin.invalid"


def my_name(conn: Connection) -> str | None:
    from kithkin.store import settings

    return settings.get_me(conn).name


def settle(conn: Connection, intro_id: int) -> Intro:
    """An intro's status after an answer or a request sent: declined (final; what was not
    sent yet never goes), consented (the introduction drafted and queued, once), asked."""
    from kithkin.services.intro_views import party_state
    from kithkin.store import hygiene, intros, settings

    found = intros.get(conn, intro_id)
    if found.status in ("declined", "introduced"):
        return found
    states = [party_state(p) for p in found.parties]
    status = practice.status_after(states, introduced=False)
    if status == found.status:
        return found
    if status == "declined":
        intros.set_status(conn, intro_id, "declined", declined_at=clock.now())
        for party in found.parties:
            for entry_id in (party.request_outbox_id, party.followup_outbox_id):
                if entry_id is None:
                    continue
                if hygiene.entry_of(conn, entry_id).status in ("pending", "failed"):
                    hygiene.finish_attempt(
                        conn, entry_id, "refused", "the introduction was declined"
                    )
        return intros.get(conn, intro_id)
    if status == "consented":
        a, b = (someone_of(conn, p.person_id) for p in found.parties)
        draft = practice.introduction(a, b, found.why, settings.get_me(conn).name)
        intros.draft_introduction(conn, intro_id, draft.subject, draft.body)
        smtp = stored_smtp(conn)
        domain = (
            message_domain(smtp, settings.get_me(conn).addresses) if smtp else "kithkin.invalid"
        )
        entry = hygiene.record_action(
            conn,
            action=INTRODUCE,
            subscription_key=f"intro:{intro_id}",
            method="mailto",
            target="mailto:" + ",".join(p.address for p in found.parties),
            domain=domain,
        )
        intros.set_intro_outbox(conn, intro_id, entry.id)
        intros.set_status(conn, intro_id, "consented", consented_at=clock.now())
        return intros.get(conn, intro_id)
    intros.set_status(conn, intro_id, status)
    return intros.get(conn, intro_id)
