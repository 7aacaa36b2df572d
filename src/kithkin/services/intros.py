"""Introductions with double opt-in: propose, ask both, read their answers, introduce once.

The pipeline: proposed → asked → consented / declined → introduced → outcome.

- `propose` drafts a consent request to each party separately (who the other is and why, in
  my voice, easy to decline); a dry run unless `send`, which records the intro and both
  requests in the outbox (each with its own Message-ID) and sends them.
- `send` sends what is ready and nothing else: requests not yet gone, an introduction both
  consented to, a follow-up I asked for.
- `recognise_replies` (run by every mail import and IMAP sync) finds the answers to the
  requests by In-Reply-To / References, strips the quoted text (mail-parser-reply) and reads
  yes / no / unclear; `record_consent` is the same by hand.
- Only when both said yes is the introduction drafted (one mail to both) and queued; it is
  never sent without both consents, never twice, never to someone who declined. A decline is
  final for the pair, and nothing about it is ever sent to the other party.

Safety by construction: every mail is an outbox entry with an idempotency key, recorded
before it is tried (pending), marked before the server is contacted (trying) and finished
after (done / failed). A crash between any two steps loses nothing (answers are written in
their own transactions) and sends nothing twice: an entry a crash left "trying" is sent again
only when asked (`retry`, the same Message-ID), or settled as sent when its reply or its copy
in my sent mail turns up. `KITHKIN_CRASH_AT` (tests only) kills the process at a named step.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from typing import TYPE_CHECKING, Final

from kithkin import clock
from kithkin.errors import Conflict, InvalidInput, KithkinError, NotFound
from kithkin.model import Record
from kithkin.practices import intros as practice
from kithkin.services.common import PersonRef, person_id

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Connection

    from kithkin.model import OutboxEntry
    from kithkin.outbound.smtp import SmtpSettings
    from kithkin.practices.brief import Loop
    from kithkin.practices.today import Item
    from kithkin.store import Database
    from kithkin.store.intros import Intro, Party

ASK: Final = "intro-ask"
FOLLOW_UP: Final = "intro-followup"
INTRODUCE: Final = "introduce"
ACTIONS: Final = (ASK, FOLLOW_UP, INTRODUCE)
CRASH_ENV: Final = "KITHKIN_CRASH_AT"  # tests: "STEP" or "STEP#N" (the N-th time it is reached)
STYLE_KEY: Final = "style"
STYLES: Final = ("connector", "gatherer", "both")
REPLY_CHARS: Final = 20_000  # of a reply's text read for its answer (quotes come after)
_crash_counts: dict[str, int] = {}


@dataclass(frozen=True, eq=False, repr=False)
class Options(Record):
    """How mail goes out; tests replace the seams."""

    smtp: SmtpSettings | None = None  # None: the settings stored (`kithkin smtp`)
    password: Callable[[SmtpSettings], str | None] | None = None  # None: env var or keyring


@dataclass(frozen=True, eq=False, repr=False)
class RequestDraft(Record):
    side: str
    person_id: int
    display_name: str
    address: str
    subject: str
    body: str


@dataclass(frozen=True, eq=False, repr=False)
class Proposal(Record):
    """What `propose` drafted, and (with send) the intro made and what its sending did."""

    a: str
    b: str
    why: str
    requests: tuple[RequestDraft, ...]
    intro_id: int | None = None
    sent: tuple[SendStep, ...] = ()


@dataclass(frozen=True, eq=False, repr=False)
class SendStep(Record):
    """One mail of an intro and what became of it."""

    intro_id: int
    kind: str  # request, follow-up, introduction
    to: str
    status: str  # done, failed, skipped, refused
    outcome: str
    outbox_id: int | None = None
    message_id: str | None = None


@dataclass(frozen=True, eq=False, repr=False)
class Recognised(Record):
    """A reply read as an answer."""

    intro_id: int
    person: str
    answer: str
    text: str


@dataclass(frozen=True, eq=False, repr=False)
class PartyView(Record):
    side: str
    person_id: int
    name: str
    address: str
    request_status: str  # drafted, queued, trying, sent, failed, refused
    asked_at: str | None
    answer: str | None
    answer_source: str | None
    answer_text: str | None  # shown to me only; never to the other party
    followed_up: bool
    follow_up_due: bool


@dataclass(frozen=True, eq=False, repr=False)
class IntroView(Record):
    id: int
    a: str
    b: str
    why: str
    stage: str
    status: str
    created_at: str
    introduced_at: str | None
    outcome: str | None
    parties: tuple[PartyView, ...]
    waiting_for: str  # one line: what happens next
    ready_to_send: int = 0  # outbox entries ready (pending or failed)
    check_due: bool = False
    introduction_status: str | None = None  # drafted, queued, trying, sent, failed


# -- the crash hook (tests) --------------------------------------------------------------------


def _step(name: str) -> None:
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


# -- proposing ---------------------------------------------------------------------------------


def propose(
    db: Database,
    *,
    a: PersonRef,
    b: PersonRef,
    why: str,
    send: bool = False,
    options: Options | None = None,
) -> Proposal:
    """Draft the two consent requests (a dry run); with `send`, record the intro, queue both
    requests in the outbox and send them."""
    from kithkin.store import hygiene, intros, settings

    options = options or Options()
    with db.read() as conn:
        drafts = _drafts(conn, a, b, why)
        me = settings.get_me(conn)
        smtp = options.smtp or _smtp(conn)
        _check_pair(conn, drafts[0].person_id, drafts[1].person_id)
    proposal = Proposal(drafts[0].display_name, drafts[1].display_name, why.strip(), drafts)
    if not send:
        return proposal
    if smtp is None:
        raise InvalidInput("no SMTP server to send with: kithkin smtp --host HOST --from ADDRESS")
    domain = _domain(smtp, me.addresses)
    with db.write() as conn:
        made = intros.create(
            conn,
            a_id=drafts[0].person_id,
            b_id=drafts[1].person_id,
            why=why,
            parties=[(d.side, d.person_id, d.address, d.subject, d.body) for d in drafts],
        )
        for party in made.parties:
            entry = hygiene.record_action(
                conn,
                action=ASK,
                subscription_key=f"intro:{made.id}:{party.side}",
                method="mailto",
                target=f"mailto:{party.address}",
                domain=domain,
            )
            intros.queue_request(conn, party.id, entry.id, entry.message_id or "")
    _step("queued")
    sent = send_ready(db, intro_id=made.id, options=options)
    return Proposal(proposal.a, proposal.b, proposal.why, drafts, made.id, tuple(sent))


def _drafts(conn: Connection, a: PersonRef, b: PersonRef, why: str) -> tuple[RequestDraft, ...]:
    from kithkin.store import intros, settings

    if not why.strip():
        raise InvalidInput("say why they should meet (--why)")
    ids = (person_id(conn, a), person_id(conn, b))
    if ids[0] == ids[1]:
        raise InvalidInput("an introduction needs two different people")
    me = settings.get_me(conn)
    if me.person_id is not None and me.person_id in ids:
        raise InvalidInput("an introduction is of two other people, not of you")
    someone = [_someone(conn, pid) for pid in ids]
    addresses = []
    for pid, who in zip(ids, someone, strict=True):
        found = intros.emails_of(conn, pid)
        if not found:
            raise InvalidInput(f"{who.display_name} has no email address to ask: add one first")
        addresses.append(found[0])
    out = []
    for index, side in enumerate(("a", "b")):
        draft = practice.request(someone[index], someone[1 - index], why, me.name)
        out.append(
            RequestDraft(
                side,
                ids[index],
                someone[index].display_name,
                addresses[index],
                draft.subject,
                draft.body,
            )
        )
    return tuple(out)


def _someone(conn: Connection, pid: int) -> practice.Someone:
    from kithkin.store import intros, people

    found = people.get_person(conn, pid)
    return practice.Someone(
        display_name=found.display_name,
        given_name=found.given_name,
        organisation=found.organisation,
        title=found.title,
        facts=tuple(intros.person_facts(conn, pid)),
    )


def _check_pair(conn: Connection, a_id: int, b_id: int) -> None:
    from kithkin.store import intros

    if intros.declined_before(conn, a_id, b_id) is not None:
        raise Conflict("one of them declined this introduction before: a decline is final")
    under_way = intros.open_for_pair(conn, a_id, b_id)
    if under_way is not None:
        raise Conflict(f"an introduction of these two is already under way (intro #{under_way.id})")


# -- sending -----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
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
        smtp = options.smtp or _smtp(conn)
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
                _someone(conn, party.person_id), _someone(conn, other.person_id),
                party.request_subject, _my_name(conn),
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
    _step("trying")
    ok, outcome = _deliver(mail, entry.message_id or "", smtp, options)
    _step("sent")
    _finish(db, mail, entry, ok, outcome)
    _step("finished")
    return _replace(step, status="done" if ok else "failed", outcome=outcome)


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
            _settle(conn, mail.intro_id)
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


def _smtp(conn: Connection) -> SmtpSettings | None:
    from kithkin.services.unsubscribe import _smtp as stored

    return stored(conn)


def _domain(smtp: SmtpSettings, mine: Sequence[str]) -> str:
    sender = parseaddr(smtp.from_address)[1] or (mine[0] if mine else "")
    return sender.rpartition("@")[2] or "kithkin.invalid"


def _my_name(conn: Connection) -> str | None:
    from kithkin.store import settings

    return settings.get_me(conn).name


# -- answers -----------------------------------------------------------------------------------


def _settle(conn: Connection, intro_id: int) -> Intro:
    """An intro's status after an answer or a request sent: declined (final; what was not
    sent yet never goes), consented (the introduction drafted and queued, once), asked."""
    from kithkin.store import hygiene, intros, settings

    found = intros.get(conn, intro_id)
    if found.status in ("declined", "introduced"):
        return found
    states = [_state(p) for p in found.parties]
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
        a, b = (_someone(conn, p.person_id) for p in found.parties)
        draft = practice.introduction(a, b, found.why, settings.get_me(conn).name)
        intros.draft_introduction(conn, intro_id, draft.subject, draft.body)
        smtp = _smtp(conn)
        domain = _domain(smtp, settings.get_me(conn).addresses) if smtp else "kithkin.invalid"
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


def _state(party: Party) -> practice.PartyState:
    return practice.PartyState(
        side=party.side,
        person_id=party.person_id,
        display_name=party.display_name,
        asked_at=party.asked_at,
        answer=party.answer,
        followed_up=party.followup_outbox_id is not None,
    )


def record_consent(db: Database, *, intro_id: int, person: PersonRef, answer: str) -> IntroView:
    """My record of a party's answer (yes or no), by hand: an unclear reply settled, or an
    answer given on the phone. A no is final."""
    from kithkin.store import intros

    if answer not in practice.ANSWERS:
        raise InvalidInput(f"answer yes or no, not {answer!r}")
    with db.write() as conn:
        found = intros.get(conn, intro_id)
        pid = person_id(conn, person)
        party = next((p for p in found.parties if p.person_id == pid), None)
        if party is None:
            raise NotFound(f"intro #{intro_id} is not about {person}")
        if found.status == "introduced":
            raise Conflict(f"intro #{intro_id}: the introduction went out already")
        if found.status == "declined" and answer == "yes":
            raise Conflict("this introduction was declined: a decline is final")
        intros.set_answer(conn, party.id, answer=answer, source="manual")
        _settle(conn, intro_id)
        return _view(conn, intros.get(conn, intro_id))


def recognise_replies(
    db: Database, *, raw: Callable[[str, int], bytes] | None = None
) -> list[Recognised]:
    """Read the answers to consent requests among the mail imported: by In-Reply-To /
    References to a request's Message-ID, from the party's own address. `raw(source_file,
    offset)` gives a message's bytes (default: from the file it was imported from)."""
    from kithkin.store import intros

    with db.read() as conn:
        waiting = intros.awaiting_replies(conn)
        if not waiting:
            return []
        found = []
        for party in waiting:
            addresses = {party.address, *intros.emails_of(conn, party.person_id)}
            replies = intros.replies_to(conn, party, sorted(addresses))
            if replies:
                found.append((party, replies[-1]))
    reader = raw or _read_raw
    out = []
    for party, reply in found:
        try:
            text = reply_text(reader(reply.source_file, reply.source_offset))
        except KithkinError:
            continue  # its original cannot be read here: it waits for me (or the next import)
        answer = practice.classify(text)
        with db.write() as conn:
            current = intros.get(conn, party.intro_id)
            if current.status not in ("proposed", "asked"):
                continue
            intros.set_answer(
                conn, party.id, answer=answer, source="reply",
                text=text[: practice.ANSWER_CHARS], message_id=reply.message_id,
            )  # fmt: skip
            _reply_proves_sent(conn, party)
            _settle(conn, party.intro_id)
        out.append(Recognised(party.intro_id, party.display_name, answer, text[:200]))
    return out


def _reply_proves_sent(conn: Connection, party: Party) -> None:
    """A request answered went out: an attempt a crash left "trying" is settled as done."""
    from kithkin.store import hygiene, intros

    if party.request_outbox_id is None:
        return
    entry = hygiene.entry_of(conn, party.request_outbox_id)
    if entry.status == "trying":
        hygiene.finish_attempt(conn, entry.id, "done", "answered, so it went out")
        intros.mark_asked(conn, party.id)


def _read_raw(source_file: str, offset: int) -> bytes:
    from kithkin.sources.mail.raw import read_raw

    return read_raw(source_file, offset)


_TAGS: Final = re.compile(r"<[^>]*>")


def reply_text(raw: bytes) -> str:
    """The reply's own words: its text part (or its HTML's text), quotes and signature
    stripped by mail-parser-reply."""
    from mailparser_reply import EmailReplyParser

    message = email.message_from_bytes(raw[: REPLY_CHARS * 4], policy=email.policy.default)
    text = ""
    if isinstance(message, EmailMessage):
        part = message.get_body(preferencelist=("plain", "html"))
        if part is not None:
            try:
                text = str(part.get_content())
            except (LookupError, ValueError):
                text = ""
            if part.get_content_subtype() == "html":
                text = _TAGS.sub(" ", text)
    text = text[:REPLY_CHARS].replace("\r\n", "\n")
    parser = EmailReplyParser(languages=["en", "de", "fr", "es", "it", "nl"])
    stripped = parser.parse_reply(text=text) or ""
    # an answer written between the quotes (bottom-posting) keeps only its own lines
    own = [line for line in (stripped or text).splitlines() if not _QUOTED.match(line)]
    return "\n".join(own).strip()


_QUOTED: Final = re.compile(r"\s*>")


# -- follow-ups and outcomes -------------------------------------------------------------------


def follow_up(
    db: Database,
    *,
    intro_id: int,
    person: PersonRef,
    send: bool = True,
    options: Options | None = None,
) -> list[SendStep]:
    """The one polite follow-up to a party who has not answered: queued (and sent). Asked
    twice, it is the same one: never a second."""
    from kithkin.store import hygiene, intros, settings

    with db.write() as conn:
        found = intros.get(conn, intro_id)
        pid = person_id(conn, person)
        party = next((p for p in found.parties if p.person_id == pid), None)
        if party is None:
            raise NotFound(f"intro #{intro_id} is not about {person}")
        if found.status != "asked" or party.answer in ("yes", "no"):
            raise Conflict(f"intro #{intro_id}: nothing to follow up with {party.display_name}")
        if party.asked_at is None:
            raise Conflict(f"the request to {party.display_name} has not gone out yet")
        if party.followup_outbox_id is None:
            smtp = (options.smtp if options else None) or _smtp(conn)
            domain = _domain(smtp, settings.get_me(conn).addresses) if smtp else "kithkin.invalid"
            entry = hygiene.record_action(
                conn,
                action=FOLLOW_UP,
                subscription_key=f"intro:{intro_id}:{party.side}",
                method="mailto",
                target=f"mailto:{party.address}",
                domain=domain,
            )
            intros.set_followup(conn, party.id, entry.id)
    if not send:
        return []
    return send_ready(db, intro_id=intro_id, options=options)


def record_outcome(db: Database, *, intro_id: int, outcome: str) -> IntroView:
    """How the introduction turned out: met, not_yet or no ("are you connected?")."""
    from kithkin.store import intros

    outcome = outcome.strip().lower().replace("-", "_").replace(" ", "_")
    if outcome not in practice.OUTCOMES:
        raise InvalidInput(f"the outcome is met, not-yet or no, not {outcome!r}")
    with db.write() as conn:
        intros.set_outcome(conn, intro_id, outcome)
        return _view(conn, intros.get(conn, intro_id))


def introducer_reliability(db: Database, person_id: int) -> practice.Reliability:
    """How the introductions `person_id` made turned out (for ranking intro paths)."""
    from kithkin.store import intros

    with db.read() as conn:
        return practice.reliability(intros.outcomes_by(conn, person_id))


# -- reading -----------------------------------------------------------------------------------


def list_intros(db: Database, *, person: PersonRef | None = None) -> list[IntroView]:
    """Every intro, newest first (of one person), where it stands and what it waits for."""
    from kithkin.store import intros

    with db.read() as conn:
        pid = person_id(conn, person) if person is not None else None
        return [_view(conn, i) for i in intros.list_intros(conn, person_id=pid)]


def get_intro(db: Database, *, intro_id: int) -> IntroView:
    from kithkin.store import intros

    with db.read() as conn:
        return _view(conn, intros.get(conn, intro_id))


def open_intros(conn: Connection, pid: int) -> list[IntroView]:
    """The intros of a person still open (an open loop on their page and brief)."""
    from kithkin.store import intros

    found = intros.list_intros(
        conn, person_id=pid, status=("proposed", "asked", "consented", "introduced")
    )
    views = [_view(conn, i) for i in found]
    return [v for v in views if v.status != "introduced" or v.outcome is None]


def _view(conn: Connection, found: Intro) -> IntroView:
    from kithkin.store import hygiene

    now = clock.now()
    entries = {}
    for entry_id in _entry_ids(found):
        entries[entry_id] = hygiene.entry_of(conn, entry_id)
    parties = []
    for party in found.parties:
        state = _state(party)
        status = _entry_status(entries.get(party.request_outbox_id or -1))
        parties.append(
            PartyView(
                side=party.side,
                person_id=party.person_id,
                name=party.display_name,
                address=party.address,
                request_status=status,
                asked_at=party.asked_at.isoformat() if party.asked_at else None,
                answer=party.answer,
                answer_source=party.answer_source,
                answer_text=party.answer_text,
                followed_up=party.followup_outbox_id is not None,
                follow_up_due=practice.follow_up_due(state, found.status, now),
            )
        )
    ready = sum(1 for e in entries.values() if e.status in ("pending", "failed"))
    intro_status = (
        _entry_status(entries.get(found.intro_outbox_id))
        if found.intro_outbox_id is not None
        else None
    )
    from kithkin.store import people

    names = people.summaries_by_id(conn, [found.a_id, found.b_id])
    a, b = (names[i].display_name if i in names else f"#{i}" for i in (found.a_id, found.b_id))
    return IntroView(
        id=found.id,
        a=a,
        b=b,
        why=found.why,
        stage=practice.stage(found.status, found.outcome),
        status=found.status,
        created_at=found.created_at.isoformat(),
        introduced_at=found.introduced_at.isoformat() if found.introduced_at else None,
        outcome=found.outcome,
        parties=tuple(parties),
        waiting_for=_waiting_for(found, parties, entries),
        ready_to_send=ready if found.status != "declined" else 0,
        check_due=practice.check_due(found.status, found.introduced_at, found.outcome, now),
        introduction_status=intro_status,
    )


def _entry_ids(found: Intro) -> list[int]:
    ids = [found.intro_outbox_id]
    for party in found.parties:
        ids += [party.request_outbox_id, party.followup_outbox_id]
    return [i for i in ids if i is not None]


def _entry_status(entry: OutboxEntry | None) -> str:
    if entry is None:
        return "drafted"
    return {"pending": "queued", "done": "sent"}.get(entry.status, entry.status)


def _waiting_for(found: Intro, parties: list[PartyView], entries: dict[int, OutboxEntry]) -> str:
    if found.status == "declined":
        return "declined: final for this pair; the other party is never told"
    if found.status == "introduced":
        if found.outcome:
            return f"introduced; outcome: {found.outcome.replace('_', ' ')}"
        if practice.check_due(found.status, found.introduced_at, None, clock.now()):
            return "introduced over two weeks ago: are they connected?"
        return "introduced: in two weeks, ask whether they connected"
    if found.status == "consented":
        return "both said yes: the introduction is ready to send"
    unclear = [p.name for p in parties if p.answer == "unclear"]
    if unclear:
        return f"{', '.join(unclear)} answered unclearly: yes or no?"
    unsent = [p.name for p in parties if p.request_status in ("queued", "failed", "drafted")]
    if unsent:
        return f"the request to {', '.join(unsent)} is ready to send"
    stuck = [p.name for p in parties if p.request_status == "trying"]
    if stuck:
        return f"the request to {', '.join(stuck)} may not have gone: check, then send --retry"
    waiting = [p.name for p in parties if p.answer is None]
    return f"waiting for {' and '.join(waiting)} to answer" if waiting else "settling"


def intro_loops(conn: Connection, pid: int) -> list[Loop]:
    """A person's open intros as open loops of their brief: who with, and what it waits for."""
    from kithkin.practices.brief import Loop

    out = []
    for view in open_intros(conn, pid):
        party = next((p for p in view.parties if p.person_id == pid), None)
        other = (view.b if party.side == "a" else view.a) if party else f"{view.a} and {view.b}"
        out.append(Loop("intro", f"introduction to {other}: {view.waiting_for}"))
    return out


def intros_of(db: Database, *, person: PersonRef) -> list[IntroView]:
    """A person's open intros (their page shows them)."""
    with db.read() as conn:
        return open_intros(conn, person_id(conn, person))


# -- Today -------------------------------------------------------------------------------------


def today_items(conn: Connection, now: datetime) -> tuple[list[Item], str]:
    """What Today asks of me about intros (an unclear answer to settle, the one follow-up due,
    an introduction ready to send, "are they connected?"), and my style, which orders Today."""
    from kithkin.practices.today import Item, fingerprint
    from kithkin.store import intros

    items = []
    for found in intros.list_intros(conn, status=("asked", "consented", "introduced")):
        if found.status == "introduced" and found.outcome is not None:
            continue
        view = _view(conn, found)
        pair = ((found.a_id, view.a), (found.b_id, view.b))
        for p in view.parties:
            other = view.b if p.side == "a" else view.a
            if p.answer == "unclear":
                said = " ".join((p.answer_text or "").split())[:120]
                items.append(
                    Item(
                        f"intro:{found.id}:{p.person_id}",
                        "intros",
                        "unclear",
                        f"{p.name} answered unclearly about meeting {other}"
                        + (f": “{said}”" if said else "")
                        + " — yes or no?",
                        fingerprint(p.answer, p.answer_text),
                        pair,
                        at=now,
                    )
                )
            elif p.follow_up_due:
                items.append(
                    Item(
                        f"intro:{found.id}:{p.person_id}",
                        "intros",
                        "follow-up",
                        f"{p.name} has not answered about meeting {other} in 5 days: send one "
                        "gentle follow-up?",
                        fingerprint(p.asked_at),
                        pair,
                        at=now,
                    )
                )
        if view.status == "consented" and view.ready_to_send:
            items.append(
                Item(
                    f"intro:{found.id}",
                    "intros",
                    "ready",
                    "both said yes: the introduction is ready to send",
                    fingerprint("ready", found.consented_at),
                    pair,
                    at=now,
                )
            )
        if view.check_due:
            items.append(
                Item(
                    f"intro:{found.id}",
                    "intros",
                    "check",
                    f"introduced {found.introduced_at:%d %b}: are they connected?",
                    fingerprint("check", found.introduced_at),
                    pair,
                    at=now,
                )
            )
    return items, _style(conn)


# -- style -------------------------------------------------------------------------------------


def get_style(db: Database) -> str:
    """connector, gatherer or both (the default): what Today shows first."""
    with db.read() as conn:
        return _style(conn)


def _style(conn: Connection) -> str:
    from kithkin.store import settings

    value = settings.get(conn, STYLE_KEY, "both")
    return value if value in STYLES else "both"


def set_style(db: Database, *, style: str) -> str:
    from kithkin.store import activity, settings

    style = style.strip().lower()
    if style not in STYLES:
        raise InvalidInput(f"the style is connector, gatherer or both, not {style!r}")
    with db.write() as conn:
        settings.put(conn, STYLE_KEY, style)
        activity.record(conn, "setting.style", f"networking style: {style}")
    return style
