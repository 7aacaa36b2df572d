"""IMAP: the headers of a mailbox's messages, read without changing anything on the server.

The folder is opened with EXAMINE (read-only) and headers are fetched with BODY.PEEK, so no
message is marked as read; nothing is ever stored, expunged or appended. Messages come in
UID order, in UID ranges of `batch` messages. An import resumes where the last one stopped
by passing back the folder's UIDVALIDITY and the highest UID it saw (`ImapSession.state`);
when the server's UIDVALIDITY differs, its UIDs mean other messages now and all is re-read.

Each record points back at its message with an RFC 5092 URL in `source_file`
("imaps://ana@mail.example/INBOX;UIDVALIDITY=7/;UID=42"). URLs and folder names: `imap_url`.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from types import TracebackType
from typing import Any

from kithkin.errors import ImapError
from kithkin.sources.mail.headers import FIELD_START, header_end
from kithkin.sources.mail.imap_url import (
    ImapUrl,
    decode_folder,
    encode_folder,
    parse_imap_url,
)
from kithkin.sources.mail.records import MessageRecord, build_record
from kithkin.sources.records import SourceProblem

__all__ = [
    "ImapSession",
    "ImapState",
    "ImapUrl",
    "decode_folder",
    "encode_folder",
    "list_folders",
    "parse_imap_url",
    "read_imap",
]

FETCH_ITEMS = "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER])"
_SEARCH_WINDOW = 10_000  # messages per UID SEARCH: keeps each answer line far below imaplib's cap
# IMAP system flags as Maildir letters
_FLAG_LETTERS = {
    "\\seen": "S",
    "\\answered": "R",
    "\\flagged": "F",
    "\\deleted": "T",
    "\\draft": "D",
}


def _quoted(folder: str) -> str:
    encoded = encode_folder(folder).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{encoded}"'


# --- sessions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImapState:
    """Where a read stopped: pass both back (`since_uid=last_uid`) to read only what is new.

    `reset` is True when the server's UIDVALIDITY was not the one given, so the whole
    folder was read again and records already imported from it should be matched by
    Message-ID, not by UID."""

    folder: str
    uidvalidity: int
    last_uid: int
    reset: bool = False


class ImapSession:
    """One logged-in connection; use as a context manager.

    >>> with ImapSession(url, password=pw) as session:    # doctest: +SKIP
    ...     records = list(session.read(since_uid=state.last_uid, uidvalidity=state.uidvalidity))
    ...     state = session.state

    `starttls`: for `imap://` URLs; by default upgraded with STARTTLS unless the host is a
    loopback address, where plain IMAP (a local bridge, a test server) is allowed.
    """

    def __init__(
        self,
        url: str | ImapUrl,
        *,
        password: str,
        ssl_context: ssl.SSLContext | None = None,
        starttls: bool | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.url = url if isinstance(url, ImapUrl) else parse_imap_url(url)
        self._password = password
        self._ssl_context = ssl_context
        self._starttls = (not self.url.is_loopback) if starttls is None else starttls
        self._timeout = timeout
        self._conn: imaplib.IMAP4 | None = None
        self.state: ImapState | None = None

    def __enter__(self) -> ImapSession:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        if self._conn is not None:
            return
        conn = self._connect()
        try:
            self._login(conn)
        except BaseException:
            _logout(conn)
            raise
        self._conn = conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            _logout(conn)

    def folders(self) -> list[str]:
        """The names of the folders that can be opened, decoded, in the server's order."""
        conn = self._connected()
        typ, data = self._call(conn.list, "LIST")
        if typ != "OK":
            raise ImapError(f"{self.url}: cannot list folders: {_text(data)}")
        names = []
        for item in data:
            parsed = _list_entry(item)
            if parsed is not None:
                flags, name = parsed
                if not {"\\noselect", "\\nonexistent"} & flags:
                    names.append(decode_folder(name))
        return names

    def read(
        self,
        folder: str | None = None,
        *,
        since_uid: int = 0,
        uidvalidity: int | None = None,
        batch: int = 500,
    ) -> Iterator[MessageRecord | SourceProblem]:
        """The records of the messages with a UID above `since_uid` (all of them when the
        folder's UIDVALIDITY is not `uidvalidity`), in UID order. `self.state` follows the
        messages handed out, so a caller that stops early can still resume from it."""
        if batch < 1:
            raise ValueError("batch must be positive")
        conn = self._connected()
        url = self.url.with_folder(folder) if folder is not None else self.url
        typ, data = self._call(
            partial(conn.select, _quoted(url.folder), readonly=True), "EXAMINE", url
        )
        if typ != "OK":
            raise ImapError(f"{url}: cannot open the folder: {_text(data)}")
        exists = _number(data[-1] if data else None)
        current = _number(conn.response("UIDVALIDITY")[1][-1])
        if current is None:
            raise ImapError(f"{url}: the server gave the folder no UIDVALIDITY")
        reset = uidvalidity is not None and uidvalidity != current
        since_uid = 0 if reset else max(since_uid, 0)
        self.state = ImapState(url.folder, current, since_uid, reset)
        uids = self._uids_after(conn, url, exists or 0, since_uid)
        prefix = f"{url};UIDVALIDITY={current}/;UID="
        for start in range(0, len(uids), batch):
            chunk = uids[start : start + batch]
            wanted = set(chunk)
            span = f"{chunk[0]}:{chunk[-1]}"
            typ, data = self._call(partial(conn.uid, "FETCH", span, FETCH_ITEMS), "FETCH", url)
            if typ != "OK":
                yield SourceProblem(str(url), f"uids {span}", f"not fetched: {_text(data)}")
            for fetched in sorted(_fetched(data), key=lambda f: f.uid):
                if fetched.uid not in wanted:
                    continue  # an unsolicited update, or a message outside the range asked for
                yield _record(fetched, url, prefix)
                self.state = replace(self.state, last_uid=max(self.state.last_uid, fetched.uid))

    def message(self, uid: int, folder: str | None = None, *, limit: int = 1 << 20) -> bytes:
        """The raw message of `uid` (its first `limit` bytes), without marking it seen."""
        conn = self._connected()
        url = self.url.with_folder(folder) if folder is not None else self.url
        typ, data = self._call(
            partial(conn.select, _quoted(url.folder), readonly=True), "EXAMINE", url
        )
        if typ != "OK":
            raise ImapError(f"{url}: cannot open the folder: {_text(data)}")
        typ, data = self._call(
            partial(conn.uid, "FETCH", str(uid), f"(BODY.PEEK[]<0.{limit}>)"), "FETCH", url
        )
        for item in data:
            if typ == "OK" and isinstance(item, tuple) and len(item) > 1:
                return bytes(item[1])
        raise ImapError(f"{url}: no message with UID {uid}")

    def flags(self, up_to_uid: int, folder: str | None = None) -> dict[int, str]:
        """The flags (Maildir letters) of the messages with UIDs up to `up_to_uid`, in one
        FETCH: what changed on the server since they were read (read, answered, flagged).
        Call after `read` of the same folder (the folder stays selected, read-only)."""
        if up_to_uid < 1:
            return {}
        conn = self._connected()
        url = self.url.with_folder(folder) if folder is not None else self.url
        typ, data = self._call(
            partial(conn.uid, "FETCH", f"1:{up_to_uid}", "(UID FLAGS)"), "FETCH", url
        )
        if typ != "OK":
            raise ImapError(f"{url}: cannot read the flags: {_text(data)}")
        return {f.uid: f.flags for f in _fetched(data) if f.uid <= up_to_uid}

    def _uids_after(self, conn: imaplib.IMAP4, url: ImapUrl, exists: int, since: int) -> list[int]:
        uids: list[int] = []
        for first in range(1, exists + 1, _SEARCH_WINDOW):
            last = min(first + _SEARCH_WINDOW - 1, exists)
            span = f"{first}:{last}"
            typ, data = self._call(
                partial(conn.uid, "SEARCH", span, f"UID {since + 1}:*"), "SEARCH", url
            )
            if typ != "OK":
                raise ImapError(f"{url}: cannot list the messages: {_text(data)}")
            # "n:*" always matches the highest UID, even one below n: filter.
            uids.extend(
                uid for line in data if line for word in line.split() if (uid := int(word)) > since
            )
        return sorted(set(uids))

    def _connected(self) -> imaplib.IMAP4:
        if self._conn is None:
            raise RuntimeError("ImapSession used outside `with` (or before open())")
        return self._conn

    def _call(
        self, command: Callable[[], tuple[str, Any]], name: str, url: ImapUrl | None = None
    ) -> tuple[str, list[Any]]:
        try:
            typ, data = command()
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(f"{url or self.url}: {name} failed: {_text(exc)}") from exc
        return typ, list(data)

    def _connect(self) -> imaplib.IMAP4:
        url = self.url
        try:
            if url.tls:
                context = self._ssl_context or ssl.create_default_context()
                return imaplib.IMAP4_SSL(
                    url.host, url.port, ssl_context=context, timeout=self._timeout
                )
            conn = imaplib.IMAP4(url.host, url.port, timeout=self._timeout)
        except ssl.SSLCertVerificationError as exc:
            raise ImapError(
                f"{url}: the server's certificate is not trusted: {_cert(exc)}"
            ) from exc
        except ssl.SSLError as exc:
            reason = exc.reason or str(exc)
            if reason == "WRONG_VERSION_NUMBER":
                reason = "the server does not speak TLS on this port (plain IMAP: imap://)"
            raise ImapError(f"{url}: TLS failed: {reason}") from exc
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(f"{url}: cannot connect: {_text(exc)}") from exc
        if self._starttls:
            try:
                conn.starttls(self._ssl_context or ssl.create_default_context())
            except ssl.SSLCertVerificationError as exc:
                _shutdown(conn)
                message = f"{url}: the server's certificate is not trusted: {_cert(exc)}"
                raise ImapError(message) from exc
            except (imaplib.IMAP4.error, OSError) as exc:
                _logout(conn)
                raise ImapError(f"{url}: STARTTLS failed: {_text(exc)}") from exc
        return conn

    def _login(self, conn: imaplib.IMAP4) -> None:
        user, password = self.url.user, self._password
        try:
            if (user + password).isascii():
                conn.login(user, password)
            else:  # LOGIN is ASCII only; SASL PLAIN carries UTF-8
                plain = f"\0{user}\0{password}".encode()
                conn.authenticate("PLAIN", lambda _challenge: plain)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(f"{self.url}: login refused: {_text(exc)}") from None


def read_imap(
    url: str,
    *,
    password: str,
    since_uid: int = 0,
    uidvalidity: int | None = None,
    ssl_context: ssl.SSLContext | None = None,
    batch: int = 500,
) -> Iterator[MessageRecord | SourceProblem]:
    """The records of a folder's messages (see `ImapSession.read`); for the UIDVALIDITY and
    last UID to resume from, use an `ImapSession` and its `state`."""
    with ImapSession(url, password=password, ssl_context=ssl_context) as session:
        yield from session.read(since_uid=since_uid, uidvalidity=uidvalidity, batch=batch)


def fetch_message(
    source_file: str, *, password: str, ssl_context: ssl.SSLContext | None = None
) -> bytes:
    """The raw message an import stored as `source_file` (`<folder URL>;UIDVALIDITY=n/;UID=m`),
    fetched again from the server (at most 1 MiB)."""
    base, _, rest = source_file.partition(";UIDVALIDITY=")
    uid = _number(rest.rpartition(";UID=")[2].encode()) if rest else None
    if not uid:
        raise ImapError(f"{source_file}: not the place of an IMAP message")
    with ImapSession(base, password=password, ssl_context=ssl_context) as session:
        return session.message(uid)


def list_folders(
    url: str, password: str, *, ssl_context: ssl.SSLContext | None = None
) -> list[str]:
    """The folders of the account the URL names (its folder part is ignored)."""
    with ImapSession(url, password=password, ssl_context=ssl_context) as session:
        return session.folders()


# --- responses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fetched:
    uid: int
    flags: str
    size: int | None
    internal_date: datetime | None
    header: bytes | None


_UID = re.compile(rb"\bUID (\d+)")
_FLAGS = re.compile(rb"\bFLAGS \(([^)]*)\)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_INTERNALDATE = re.compile(rb'\bINTERNALDATE "([^"]*)"')
_HEADER_LITERAL = re.compile(rb"\bBODY\[HEADER\] \{\d+\}$")
_HEADER_QUOTED = re.compile(rb'\bBODY\[HEADER\] "((?:[^"\\]|\\.)*)"')
_MESSAGE_START = re.compile(rb"\d+ \(")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def _fetched(data: list[Any]) -> Iterator[_Fetched]:
    """The messages of a FETCH answer as imaplib returns it: a message whose header came as
    a literal is a (text before it, literal) pair followed by the rest of its line."""
    at = 0
    while at < len(data):
        item = data[at]
        at += 1
        header: bytes | None = None
        if isinstance(item, tuple):
            meta = item[0]
            if _HEADER_LITERAL.search(meta):
                header = item[1]
            rest = data[at] if at < len(data) else None
            if isinstance(rest, bytes) and not _MESSAGE_START.match(rest):
                meta += rest
                at += 1
        elif isinstance(item, bytes):
            meta = item
            quoted = _HEADER_QUOTED.search(meta)
            if quoted is not None:
                header = re.sub(rb"\\(.)", rb"\1", quoted[1])
        else:
            continue
        uid = _bounded(_UID.search(meta), MAX_UID)
        if not uid:
            continue  # no UID, or one past what IMAP allows: nothing to ask for again
        flags = _FLAGS.search(meta)
        date = _INTERNALDATE.search(meta)
        yield _Fetched(
            uid=uid,
            flags=_letters(flags[1]) if flags else "",
            size=_bounded(_SIZE.search(meta), MAX_SIZE),
            internal_date=_internal_date(date[1]) if date else None,
            header=header,
        )


MAX_UID = 2**32 - 1  # RFC 3501: UIDs are 32-bit numbers
MAX_SIZE = 2**63 - 1  # what the store holds


def _bounded(match: re.Match[bytes] | None, limit: int) -> int | None:
    """The number a server sent, when it is one the protocol and the store allow."""
    value = _number(match[1]) if match is not None else None
    return value if value is not None and value <= limit else None


def _letters(flags: bytes) -> str:
    names = flags.decode("ascii", "replace").lower().split()
    return "".join(sorted({_FLAG_LETTERS[n] for n in names if n in _FLAG_LETTERS}))


def _internal_date(raw: bytes) -> datetime | None:
    """`17-Jul-1996 02:44:25 -0700` as an aware UTC moment."""
    match = re.fullmatch(
        rb" ?(\d{1,2})-(\w{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)", raw
    )
    if match is None:
        return None
    day, month, year, hour, minute, second, sign, off_h, off_m = (
        g.decode("ascii") for g in match.groups()
    )
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == "-" else 1)
    try:
        moment = datetime(
            int(year), _MONTHS[month.title()], int(day), int(hour), int(minute), int(second),
            tzinfo=timezone(offset),
        )  # fmt: skip
    except (KeyError, ValueError):
        return None
    return moment.astimezone(UTC)


def _record(fetched: _Fetched, url: ImapUrl, prefix: str) -> MessageRecord | SourceProblem:
    place = f"uid {fetched.uid}"
    data = fetched.header
    if data is None:
        return SourceProblem(str(url), place, "the server sent no header for this message")
    if FIELD_START.match(data) is None:
        return SourceProblem(
            str(url), place, "not a mail message: its first line is not a header field"
        )
    size = fetched.size if fetched.size is not None else len(data)
    block = b"\n" + data[: header_end(data)]
    moment = fetched.internal_date
    try:
        return build_record(
            block,
            source_file=f"{prefix}{fetched.uid}",
            offset=0,
            length=size,
            size=size,
            folder=url.folder,
            flags=fetched.flags,
            estimate=lambda: (moment, "the server's arrival time (INTERNALDATE)"),
        )
    except Exception as exc:  # the reader goes on whatever one message holds
        return SourceProblem(str(url), place, f"unreadable header: {exc!r}")


_LIST = re.compile(rb'\(([^)]*)\) (?:"(?:[^"\\]|\\.)*"|NIL) ?(.*)$', re.IGNORECASE)


def _list_entry(item: Any) -> tuple[set[str], str] | None:
    """(lower-case flags, raw name) of one LIST answer line; the name may come as a literal."""
    if isinstance(item, tuple):
        line, name = item[0], item[1]
    elif isinstance(item, bytes):
        line, name = item, None
    else:
        return None
    match = _LIST.match(line)
    if match is None:
        return None
    flags = set(match[1].decode("ascii", "replace").lower().split())
    if name is None:
        name = match[2]
        if name.startswith(b'"') and name.endswith(b'"') and len(name) >= 2:
            name = re.sub(rb"\\(.)", rb"\1", name[1:-1])
    return flags, name.decode("utf-8", "replace")


# --- errors and closing ----------------------------------------------------------------------


def _text(value: Any) -> str:
    """A server answer or an imaplib / socket error as one line of text."""
    if isinstance(value, OSError) and value.strerror:
        return value.strerror
    if isinstance(value, BaseException):
        value = value.args[0] if len(value.args) == 1 else str(value)
    if isinstance(value, list):
        value = b" ".join(v if isinstance(v, bytes) else str(v).encode() for v in value if v)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    value = _TIMINGS.sub("", str(value))
    return " ".join(value.split()) or "no reason given"


_TIMINGS = re.compile(r" \([\d.]+ \+ [\d.]+ \+ [\d.]+ secs\)")  # Dovecot's "(0.001 + 0 + 0 secs)"


def _cert(exc: ssl.SSLCertVerificationError) -> str:
    return exc.verify_message or exc.reason or "certificate verify failed"


def _number(value: Any) -> int | None:
    """A count or UIDVALIDITY the server sent, when it is a number the store can hold."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= MAX_SIZE else None


def _logout(conn: imaplib.IMAP4) -> None:
    """LOGOUT, then close the socket whatever happens (imaplib's logout always shuts down)."""
    try:
        conn.logout()
    except (imaplib.IMAP4.error, OSError):
        _shutdown(conn)


def _shutdown(conn: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError):
        conn.shutdown()
