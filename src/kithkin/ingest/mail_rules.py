"""What kind of mail a message is, which way it went, and the subject a thread goes by.

Pure decisions on header values; the mail ingest applies them.

- **person**: a human writing to people (the mail relationships are made of);
- **list**: a discussion list (List-Id) where humans write and answer each other — a reply
  between a list member and me counts, but weaker than direct mail;
- **bulk**: newsletters, notifications, marketing, no-reply senders, Auto-Submitted, bulk
  precedence without a list, a robot posting to a list. Never a relationship by itself;
- **spam**: whatever sits in a Spam or Junk folder (or carries Gmail's Spam label, in a
  Takeout mbox, or Apple Mail's junk flag). Never a relationship, and never unsubscribed
  from (that only confirms the address to the sender).

What the corpora taught: list copies without a List-Id (Yahoo Groups, old vger) still say
"Precedence: bulk" and carry a "[list]" tag or a reply subject, and are discussions, not
newsletters; RSS-to-mail gateways ("rssfeeds@") are robots whatever name they put in From.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Sequence
from typing import Final, Literal, Protocol

Category = Literal["person", "list", "bulk", "spam"]
CATEGORIES: Final[tuple[Category, ...]] = ("person", "list", "bulk", "spam")

_ROBOT_LOCAL: Final = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply\w*|mailer[-_]daemon|postmaster"
    r"|bounces?|bounce[-+.].*|notifications?|notify|alerts?|newsletters?|news|marketing|mailer"
    r"|automated|auto[-_]?confirm|jenkins|builds?|ci|lava|robot|bot|daemon|system|updates?"
    r"|digest|announce(?:ments?)?|info[-_]?mail|mail[-_]?er|reply[-_]?to"
    r"|rss(?:[-_]?feeds?)?|feeds?|no[-_.]?address)(?:[-+._].*)?$",
    re.IGNORECASE,
)
_PREFIX: Final = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|ref|tr|rif|r)\s*(?:\[\d+\])?\s*[:：]\s*|\[[^\]]{1,60}\]\s*)",
    re.IGNORECASE,
)
_REPLY: Final = re.compile(
    r"^\s*(?:\[[^\]]{1,60}\]\s*)?(?:re|aw|sv|antw)\s*(?:\[\d+\])?\s*[:：]", re.IGNORECASE
)
_LIST_TAG: Final = re.compile(
    r"^\s*(?:(?:re|fwd?|aw)\s*:\s*)*\[[^\]\s][^\]]{0,40}\]", re.IGNORECASE
)
_SPAM_FOLDER: Final = re.compile(r"(?:spam|junk|bulk mail)\b", re.IGNORECASE)
# Hosts of list servers: an address there is a list, not a person.
_LIST_HOST: Final = re.compile(
    r"^(?:lists?\.|.*\.lists?\.|googlegroups\.com$|groups\.io$|.*\.groups\.io$|yahoogroups\.com$)",
    re.IGNORECASE,
)
# "'Ana Lima' via Kernel Dev": the name a list gives a sender when it rewrites From (DMARC).
_VIA: Final = re.compile(r"^\s*'?(.*?)'?\s+via\s+\S+$")
_LOCAL_WORDS: Final = re.compile(r"[._\-+]+")
# Gmail's tabs (labels of a Takeout mbox) that hold no person's mail: "Updates" and "Forums"
# do (receipts from a person, discussion lists), and are left to the rules below.
_GMAIL_BULK: Final = frozenset({"category promotions", "category social"})
_QUOTES: Final = "\"' "


class MailHeaders(Protocol):
    """The header values these rules read (a MessageRecord has them all)."""

    @property
    def from_(self) -> Sequence[tuple[str, str]]: ...
    @property
    def list_id(self) -> str | None: ...
    @property
    def precedence(self) -> str | None: ...
    @property
    def auto_submitted(self) -> str | None: ...
    @property
    def list_unsubscribe(self) -> Sequence[str]: ...
    @property
    def list_unsubscribe_post(self) -> str | None: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def in_reply_to(self) -> Sequence[str]: ...
    @property
    def references(self) -> Sequence[str]: ...
    @property
    def folder(self) -> str: ...
    @property
    def labels(self) -> Sequence[str]: ...


@functools.lru_cache(maxsize=1 << 16)
def is_robot_address(address: str) -> bool:
    """A sender address that no human answers (noreply@, notifications@, bounces+...@)."""
    local = address.rsplit("@", 1)[0]
    return bool(_ROBOT_LOCAL.match(local))


@functools.lru_cache(maxsize=1024)
def is_spam_folder(folder: str) -> bool:
    """A folder mail programs put spam in: "Spam", "Junk", "[Gmail]/Spam", "Junk E-mail"."""
    last = folder.rstrip("/").rsplit("/", 1)[-1]
    return bool(_SPAM_FOLDER.match(last))


def classify(message: MailHeaders) -> Category:
    labels = {label.lower() for label in message.labels} if message.labels else set()
    if is_spam_folder(message.folder) or "spam" in labels or "junk" in labels:
        return "spam"
    if labels & _GMAIL_BULK:
        return "bulk"  # Gmail sorted it with the marketing or the social networks' mail
    senders = [address for _, address in message.from_ if address]
    auto = (message.auto_submitted or "").strip().lower()
    if auto and auto != "no":
        return "bulk"
    if senders and all(is_robot_address(address) for address in senders):
        return "bulk"
    precedence = (message.precedence or "").strip().lower()
    if message.list_id:
        # Discussion lists often say "Precedence: bulk" too; a robot sender was caught above.
        return "list"
    listed = precedence in ("bulk", "junk", "list")
    if listed or message.list_unsubscribe or message.list_unsubscribe_post:
        # A list copy without a List-Id (Yahoo Groups, old vger): people answering each
        # other, with a "[list]" tag or a reply's subject and references.
        subject = message.subject or ""
        replying = bool(message.in_reply_to or message.references) or _REPLY.match(subject)
        if precedence != "junk" and (replying or _LIST_TAG.match(subject)):
            return "list"
        return "bulk"
    return "person"


def list_address(list_id: str | None) -> str | None:
    """The posting address a List-Id stands for: "ksummit.lists.linux.dev" is
    ksummit@lists.linux.dev (the common convention of mailman, mlmmj, groups.io, Google)."""
    if not list_id:
        return None
    name, dot, host = list_id.strip().strip("<>").partition(".")
    if not dot or not name or "." not in host or " " in list_id.strip():
        return None
    return f"{name}@{host}".lower()


def is_list_address(address: str, known: Collection[str] = ()) -> bool:
    """An address that is a mailing list (never a person): one a List-Id named, or one on a
    list server's host (lists.example.org, googlegroups.com, groups.io)."""
    if address in known:
        return True
    host = address.rpartition("@")[2]
    return bool(_LIST_HOST.match(host))


def person_name(name: str | None, address: str) -> str:
    """The name to call a correspondent by: the one their mail gives, cleaned ("Smith, Bob"
    is Bob Smith; "'Ana' via Kernel Dev" is Ana), else one made from the address."""
    text = " ".join((name or "").split()).strip(_QUOTES)
    via = _VIA.match(text)
    if via is not None:
        text = via.group(1).strip(_QUOTES)
    if text.count(",") == 1 and "@" not in text:
        family, given = (part.strip() for part in text.split(","))
        text = f"{given} {family}".strip() if given and family else family or given
    if text and "@" not in text and text.lower() != address.lower():
        return text
    local = address.partition("@")[0]
    words = [w for w in _LOCAL_WORDS.split(local) if w]
    if not words:
        return address
    return " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in words)


def direction(
    senders: Collection[str], recipients: Collection[str], me: Collection[str]
) -> Literal["from_me", "to_me", "both", "neither"]:
    """From me, to me, both (a note to self) or neither (I was not on it: a list post)."""
    sent = any(address in me for address in senders)
    received = any(address in me for address in recipients)
    if sent and received:
        return "both" if all(a in me for a in (*senders, *recipients)) else "from_me"
    if sent:
        return "from_me"
    if received:
        return "to_me"
    return "neither"


@functools.lru_cache(maxsize=1 << 14)
def thread_subject(subject: str | None) -> str:
    """The subject without Re:/Fwd:/[list] prefixes, case and spacing: what a thread shares."""
    text = subject or ""
    while True:
        stripped = _PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return " ".join(text.lower().split())
