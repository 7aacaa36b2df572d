"""Every error kithkin raises on purpose, in one place.

The CLI turns each into a one-line message (no traceback); the web UI and the API turn
them into an error page or a JSON body with the matching HTTP status.
"""

from __future__ import annotations

from collections.abc import Sequence


class KithkinError(Exception):
    """Base of every error meant for the user."""

    http_status = 400


class NotFound(KithkinError):
    """A person, fact, note or other record that does not exist."""

    http_status = 404


class Ambiguous(KithkinError):
    """A name that fits several people; carries the candidates so the user can pick one."""

    http_status = 409

    def __init__(self, query: str, candidates: Sequence[tuple[int, str]]) -> None:
        self.query = query
        self.candidates = list(candidates)
        listed = "; ".join(f"#{pid} {name}" for pid, name in self.candidates[:10])
        more = f" and {len(self.candidates) - 10} more" if len(self.candidates) > 10 else ""
        super().__init__(f"{query!r} fits {len(self.candidates)} people: {listed}{more}")


class InvalidInput(KithkinError):
    """A value the user gave that cannot be stored (bad field name, empty name, ...)."""


class Conflict(KithkinError):
    """A write that would break an invariant (an address already on another person, ...)."""

    http_status = 409


class NothingToUndo(KithkinError):
    """`undo` with no undoable action left."""


class BadBackup(KithkinError):
    """A backup file that cannot be restored: names the file and the place."""


class DatabaseError(KithkinError):
    """The database cannot be opened or is of an unknown kind."""


class RecordSkipped(KithkinError):
    """An imported record that is not stored, with the reason (reported with its file and
    place while the rest of the import goes on)."""


class SmtpError(KithkinError):
    """An SMTP server that cannot be reached or trusted, or refuses the login, the sender or
    a recipient; the message names the server and its reply, never the password."""

    http_status = 502


class UnsafeTarget(InvalidInput):
    """An unsubscribe URL kithkin will not send a request to; says why in one line."""


class ImapError(KithkinError):
    """An IMAP server that cannot be reached or trusted, refuses the login, or has no such
    folder; the message names the URL, never the password."""


class OriginalUnavailable(NotFound):
    """The original of a stored message cannot be read: its file is gone or was rewritten, or
    it lives on an IMAP server."""


class NoSuchLocation(InvalidInput):
    """A mailbox or calendar path to import that is not on this computer."""


class UnknownTimeZone(InvalidInput):
    """A time zone name (for a calendar's floating times) that this computer does not know."""


class UnsafeServe(InvalidInput):
    """A web server that would answer beyond this computer without the host names it may be
    reached by (`--allow-host`) or without a token; says what is missing and how to give it."""


class Forbidden(KithkinError):
    """A member acting beyond their role, or on another member's private rows (team mode)."""

    http_status = 403


class NotLoggedIn(KithkinError):
    """Team mode asks who is acting: no session, token or user was given, or it is not valid."""

    http_status = 401


class TooManyAttempts(KithkinError):
    """Too many failed logins for a user name or from one address in the last minutes (team
    mode): says when to try again (`retry_after`, in seconds)."""

    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class MoveRefused(KithkinError):
    """`kithkin move-to` that cannot move this database there: a source that is not a personal
    database at this kithkin's schema, a row the target refuses (named: table, id, reason), or
    a copy that does not verify. Nothing is written to the target."""
