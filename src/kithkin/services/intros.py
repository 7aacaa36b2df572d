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

Safety by construction: every mail goes through the outbox with an idempotency key, and a
crash at any step neither loses an answer nor sends anything twice (`services.intro_mail`,
which sends, and says where an intro stands after each step).
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from email.message import Message
from typing import TYPE_CHECKING, Final

from kithkin.errors import Conflict, InvalidInput, KithkinError, NotFound
from kithkin.model import Record, record
from kithkin.practices import intros as practice
from kithkin.services.common import PersonRef, person_id
from kithkin.services.intro_mail import (
    ASK,
    FOLLOW_UP,
    crash_point,
    message_domain,
    settle,
    someone_of,
    stored_smtp,
)
from kithkin.services.intro_mail import Options as Options
from kithkin.services.intro_mail import SendStep as SendStep
from kithkin.services.intro_mail import send_ready as send_ready
from kithkin.services.intro_views import IntroView as IntroView
from kithkin.services.intro_views import PartyView as PartyView
from kithkin.services.intro_views import get_intro as get_intro
from kithkin.services.intro_views import get_style as get_style
from kithkin.services.intro_views import intro_loops as intro_loops
from kithkin.services.intro_views import intros_of as intros_of
from kithkin.services.intro_views import list_intros as list_intros
from kithkin.services.intro_views import set_style as set_style
from kithkin.services.intro_views import today_items as today_items
from kithkin.services.intro_views import view_of

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Connection

    from kithkin.model import Received
    from kithkin.store import Database
    from kithkin.store.intros import Party

REPLY_CHARS: Final = 20_000  # of a reply's text read for its answer (quotes come after)


@record
class RequestDraft(Record):
    side: str
    person_id: int
    display_name: str
    address: str
    subject: str
    body: str
    tone: float | None = None  # its tone check's score, 0 (a note) to 1 (a campaign)
    salesy: bool = False  # the score is at the threshold or past it
    tone_flags: tuple[str, ...] = ()  # what the check flagged: "kind: why"


@record
class Proposal(Record):
    """What `propose` drafted, and (with send) the intro made and what its sending did."""

    a: str
    b: str
    why: str
    requests: tuple[RequestDraft, ...]
    intro_id: int | None = None
    sent: tuple[SendStep, ...] = ()


@record
class Recognised(Record):
    """A reply read as an answer."""

    intro_id: int
    person: str
    answer: str
    text: str


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
        smtp = options.smtp or stored_smtp(conn)
        _check_pair(conn, drafts[0].person_id, drafts[1].person_id)
    drafts = tuple(_toned(db, d) for d in drafts)
    proposal = Proposal(drafts[0].display_name, drafts[1].display_name, why.strip(), drafts)
    if not send:
        return proposal
    if smtp is None:
        raise InvalidInput("no SMTP server to send with: kithkin smtp --host HOST --from ADDRESS")
    domain = message_domain(smtp, me.addresses)
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
    crash_point("queued")
    sent = send_ready(db, intro_id=made.id, options=options)
    return Proposal(proposal.a, proposal.b, proposal.why, drafts, made.id, tuple(sent))


def _toned(db: Database, draft: RequestDraft) -> RequestDraft:
    """The draft with its tone check (to its reader, with the ledger in), shown beside it."""
    from dataclasses import replace

    from kithkin.services.tone import check_tone

    tone = check_tone(db, draft.body, to=draft.person_id).tone
    flags = tuple(f"{f.kind}: {f.why}" for f in tone.flags)
    return replace(draft, tone=tone.score, salesy=tone.salesy, tone_flags=flags)


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
    someone = [someone_of(conn, pid) for pid in ids]
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


def _check_pair(conn: Connection, a_id: int, b_id: int) -> None:
    from kithkin.store import intros

    if intros.declined_before(conn, a_id, b_id) is not None:
        raise Conflict("one of them declined this introduction before: a decline is final")
    under_way = intros.open_for_pair(conn, a_id, b_id)
    if under_way is not None:
        raise Conflict(f"an introduction of these two is already under way (intro #{under_way.id})")


# -- answers -----------------------------------------------------------------------------------


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
        settle(conn, intro_id)
        return view_of(conn, intros.get(conn, intro_id))


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
    read = []
    for party, reply in found:
        try:
            text = reply_text(reader(reply.source_file, reply.source_offset))
        except KithkinError:
            continue  # its original cannot be read here: it waits for me (or the next import)
        read.append((party, reply, text[: practice.ANSWER_CHARS], practice.classify(text)))
    out = []
    # one transaction for them all: a crash before its end loses none, since the next
    # import reads the same replies again
    with db.write() as conn:
        for party, reply, text, answer in read:
            if intros.get(conn, party.intro_id).status not in ("proposed", "asked"):
                continue
            intros.set_answer(
                conn, party.id, answer=answer, source="reply", text=text,
                message_id=reply.message_id,
            )  # fmt: skip
            _reply_proves_sent(conn, party)
            settle(conn, party.intro_id)
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
_QUOTED: Final = re.compile(r"\s*>")
# the line that introduces a quote ("On Mon, Jo wrote:", "Am ... schrieb ...:")
_ATTRIBUTION: Final = re.compile(
    r".*\b(wrote|writes|schrieb|a écrit|escribió|ha scritto|schreef)\s*:\s*$", re.IGNORECASE
)


def reply_text(raw: bytes) -> str:
    """The reply's own words: its first text part (or its HTML's text), with quotes, their
    attribution lines and the signature stripped (mail-parser-reply, then any quoted line
    left between the answer's own lines)."""
    from mailparser_reply import EmailReplyParser

    text = _body(raw[: REPLY_CHARS * 4])[:REPLY_CHARS].replace("\r\n", "\n")
    parser = EmailReplyParser(languages=["en", "de", "fr", "es", "it", "nl"])
    stripped = parser.parse_reply(text=text) or ""
    # an answer written between the quotes (bottom-posting) keeps only its own lines
    return _own_lines(stripped) or _own_lines(text)


def _own_lines(text: str) -> str:
    own = [
        line
        for line in text.splitlines()
        if not _QUOTED.match(line) and not _ATTRIBUTION.match(line)
    ]
    return "\n".join(own).strip()


def _body(raw: bytes) -> str:
    """The first text/plain part that is no attachment, else the first text/html one (its
    tags dropped), decoded; "" when there is none. The stdlib's compat32 parser: the header
    registry of the default policy costs more than all the rest."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    found: dict[str, Message] = {}
    for part in message.walk():
        kind = part.get_content_type()
        if kind in ("text/plain", "text/html") and kind not in found:
            if (part.get("Content-Disposition") or "").lower().startswith("attachment"):
                continue
            found[kind] = part
    chosen = found.get("text/plain") or found.get("text/html")
    if chosen is None:
        return ""
    return _decoded(chosen)


def _decoded(part: Message) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    try:
        text = data.decode(part.get_content_charset() or "utf-8", "replace")
    except LookupError:
        text = data.decode("utf-8", "replace")
    return _TAGS.sub(" ", text) if part.get_content_type() == "text/html" else text


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
            smtp = (options.smtp if options else None) or stored_smtp(conn)
            domain = (
                message_domain(smtp, settings.get_me(conn).addresses) if smtp else "kithkin.invalid"
            )
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
        return view_of(conn, intros.get(conn, intro_id))


def introducer_reliability(db: Database, person_id: int) -> practice.Reliability:
    """How the introductions `person_id` made turned out — those I asked them to make and
    those they made for me (for ranking intro paths)."""
    from kithkin.store import intros, intros_received

    with db.read() as conn:
        made = intros.outcomes_of(conn, [person_id]).get(person_id, [])
        made += intros_received.outcomes(conn, [person_id]).get(person_id, [])
        return practice.reliability(made)


# -- introductions made for me ------------------------------------------------------------------


def record_received(
    db: Database,
    *,
    by: PersonRef,
    to: PersonRef,
    at: str | datetime | None = None,
    why: str | None = None,
    outcome: str | None = None,
) -> Received:
    """Someone (`by`) introduced me to someone (`to`): kept with how it turned out, as the
    introducer's record on intro paths."""
    from kithkin.services.common import parse_when
    from kithkin.store import intros_received

    when = parse_when(at, "--at")
    said = _outcome(outcome) if outcome else None
    with db.write() as conn:
        return intros_received.add(
            conn, introducer_id=person_id(conn, by), person_id=person_id(conn, to), at=when,
            why=why, outcome=said,
        )  # fmt: skip


def received(db: Database, *, limit: int = 200) -> list[Received]:
    """The introductions others made for me, newest first."""
    from kithkin.store import intros_received

    with db.read() as conn:
        return intros_received.every(conn, limit=limit)


def received_outcome(db: Database, *, received_id: int, outcome: str) -> Received:
    """How an introduction made for me turned out: met, not-yet or no."""
    from kithkin.store import intros_received

    with db.write() as conn:
        return intros_received.set_outcome(conn, received_id, _outcome(outcome))


def _outcome(outcome: str) -> str:
    said = outcome.strip().lower().replace("-", "_").replace(" ", "_")
    if said not in practice.OUTCOMES:
        raise InvalidInput(f"the outcome is met, not-yet or no, not {outcome!r}")
    return said
