"""The web never tells the user to type a command: a message of a use case that names one for
the CLI (`raise the cap (kithkin circle cap N)`) is shown with a link to the page that does
the same instead (`raise the cap (Settings)`), as the `no_commands` template filter."""

from __future__ import annotations

import re
from typing import Final

from markupsafe import Markup, escape

PAGES: Final[tuple[tuple[tuple[str, ...], str | None, str], ...]] = (
    # the command's first words -> the page that does it (None: no one page; the message
    # says what to do without it), and how the link reads
    (("circle", "cap"), "/settings#circle", "Settings"),
    (("circle", "cadence"), "/settings#circle", "Settings"),
    (("circle", "add"), "/circle", "add them on the Circle page"),
    (("person", "merge"), None, ""),
    (("circle",), "/circle", "Circle"),
    (("init",), "/settings#me", "Settings"),
    (("me",), "/settings#me", "Settings"),
    (("inbox", "smtp"), "/settings#smtp", "Settings"),
    (("smtp",), "/settings#smtp", "Settings"),
    (("intro",), "/intros", "Intros"),
    (("inbox",), "/inbox", "Inbox"),
    (("import", "mail"), "/import/mail#mail-form", "Import mail"),
    (("import", "calendar"), "/import/mail#calendar-form", "Import a calendar"),
    (("import", "contacts"), "/import", "Import contacts"),
    (("people", "duplicates"), "/duplicates", "Duplicates"),
    (("people",), "/people", "People"),
    (("today",), "/", "Today"),
    (("trash",), "/trash", "Trash"),
    (("person",), "/people", "People"),
    (("search",), "/people", "People"),
    (("undo",), "/trash", "Trash"),
    (("activity",), "/trash", "Trash"),
    (("gathering",), "/gatherings", "Gatherings"),
    (("review",), "/review", "Review"),
)
_WORDS: Final = frozenset(w for words, _, _ in PAGES for w in words) | {
    "add",
    "subscriptions",
    "suggest",
    "list",
    "unsubscribe",
    "keep",
    "digest",
    "show",
    "brief",
    "briefs",
    "log",
    "story",
    "note",
    "strength",
    "fading",
    "stats",
    "export",
    "demo",
    "serve",
    "snooze",
    "dismiss",
    "remove",
    "merge",
    "outbox",
    "buried",
    "propose",
    "send",
    "consent",
    "follow-up",
    "outcome",
}  # fmt: skip: every command word, so that one no page does is left out, not shown
_ARGUMENT: Final = re.compile(
    r"""(--?[\w-]+(=\S+)?|[A-Z][A-Z_.|]*(\.\.\.)?|\.\.\.|\d+|N|[^\s()]+@[^\s()]+|'[^']*'|"[^"]*")$"""
)
_COMMAND: Final = re.compile(r"`?\bkithkin (?=[a-z])")


def no_commands(message: object) -> Markup:
    """`message`, escaped, with each CLI command it names replaced by a link to the page that
    does it (a command no page does is left out, with its parentheses)."""
    text = str(message)
    out: list[str] = []
    at = 0
    for found in _COMMAND.finditer(text):
        if found.start() < at:
            continue
        tail = re.split(r"[()`]", text[found.end() :], maxsplit=1)[0]
        words, used = _command(tail)
        if not words:
            continue  # "kithkin never opens it": prose, not a command
        before, end = text[at : found.start()], found.end() + used
        if text[end : end + 1] == "`" and found.group(0).startswith("`"):
            end += 1
        page = _page(words)
        if page is None:  # no page does it: say nothing of it
            if before.endswith("(") and text[end : end + 1] == ")":
                before, end = before[:-1].rstrip(), end + 1
            out.append(str(escape(before)))
        else:
            href, label = page
            out.append(f'{escape(before)}<a href="{href}">{escape(label)}</a>')
        at = end
    out.append(str(escape(text[at:])))
    return Markup("".join(out))  # noqa: S704 - every part of it is escaped above


def _command(tail: str) -> tuple[tuple[str, ...], int]:
    """The command words at the start of `tail` (what follows "kithkin "), at most two, and
    the length they take with their arguments; no words when it reads as prose."""
    words: list[str] = []
    used = 0
    for i, match in enumerate(re.finditer(r"\S+", tail)):
        raw = match.group(0)
        token = raw if set(raw) == {"."} else raw.rstrip(",.;:")
        if len(words) == i < 2 and token in _WORDS:
            words.append(token)
        elif not words or not _ARGUMENT.match(token):
            break
        used = match.start() + len(token)
    return tuple(words), used


def _page(words: tuple[str, ...]) -> tuple[str, str] | None:
    for prefix, href, label in PAGES:
        if words[: len(prefix)] == prefix:
            return (href, label) if href is not None else None
    return None
