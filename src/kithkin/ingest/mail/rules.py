"""What kind of mail a message is, which way it went, and the subject a thread goes by.

Pure decisions on header values; the mail ingest applies them. Which addresses are robots'
or list servers, and what to call a correspondent, are `ingest.correspondents`'s (the
calendar import asks them too).

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

from kithkin.ingest.correspondents import is_robot_address

Category = Literal["person", "list", "bulk", "spam"]
CATEGORIES: Final[tuple[Category, ...]] = ("person", "list", "bulk", "spam")

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
# Gmail's tabs (labels of a Takeout mbox) that hold no person's mail: "Updates" and "Forums"
# do (receipts from a person, discussion lists), and are left to the rules below.
_GMAIL_BULK: Final = frozenset({"category promotions", "category social"})


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
