"""Whether a message may be unsubscribed from with one click: RFC 8058 section 4 asks for a
valid DKIM signature that covers both List-Unsubscribe and List-Unsubscribe-Post, so that the
URL kithkin would POST to is the one the sender signed, not one added on the way.

Both fields must be in the message (without them there is nothing to click), and "covers" is
read strictly: the signature's h= tag names each of the two fields at least as many times as
the message holds it (DKIM signs a field's instances from the bottom up, so an instance added
above the signed ones would otherwise go unchecked).

dkimpy does the cryptography. It logs rather than warns or raises on a bad key; its log goes
to a private logger whose errors become the verdict's reason, never to the root logger.
Keys are looked up through `dns` (a dkimpy dnsfunc); without one, dkimpy asks the real DNS
(dnspython). Old messages may no longer verify: senders rotate their keys, and signatures
can expire.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DnsTxt = Callable[..., bytes | None]  # dnsfunc(name: bytes, timeout=...) -> TXT record | None

_COVERED = (b"list-unsubscribe", b"list-unsubscribe-post")
_SHOWN = {
    b"list-unsubscribe": "List-Unsubscribe",
    b"list-unsubscribe-post": "List-Unsubscribe-Post",
}
_H_SEPARATOR = re.compile(rb"\s*:\s*")
_DETAIL = re.compile(r" \(got .*", re.DOTALL)  # dkimpy appends both hashes to a mismatch
_BYTES_REPR = re.compile(r"\bb'([^'\n]*)'")  # dkimpy puts b'...' reprs in its messages


@dataclass(frozen=True)
class DkimVerdict:
    """`ok` when a one-click POST may go ahead; `reason` says why, in one line; `domain` is
    the signing domain (d=) the reason is about."""

    ok: bool
    reason: str
    domain: str | None = None
    # The signer's key was found and no signature verifies with it: the message was altered
    # or forged — authentication failed, unlike a key that cannot be had (offline, rotated).
    forged: bool = False


def verify_one_click(raw: bytes, *, dns: DnsTxt | None = None) -> DkimVerdict:
    """Whether a DKIM signature of `raw` verifies and covers both unsubscribe fields."""
    import dkim  # dkimpy and dnspython load only when a message is checked

    errors = _ErrorLog()
    try:
        checker = dkim.DKIM(raw, logger=errors.logger)
    except Exception as exc:  # dkimpy raises its own and plain errors on malformed input
        return DkimVerdict(False, f"the message cannot be read for DKIM: {_one_line(exc)}")
    headers: list[tuple[bytes, bytes]] = list(checker.headers)
    signatures = [value for name, value in headers if name.lower() == b"dkim-signature"]
    if not signatures:
        return DkimVerdict(False, "no DKIM signature")
    counts = {name: sum(1 for key, _ in headers if key.lower() == name) for name in _COVERED}
    absent = [_SHOWN[name] for name in _COVERED if not counts[name]]
    if absent:
        return DkimVerdict(False, f"the message has no {' and no '.join(absent)} field")
    verdicts = []
    for index, value in enumerate(signatures):
        verdict = _check(checker, index, value, counts, dns, errors)
        if verdict.ok:
            return verdict
        verdicts.append(verdict)
    if len(verdicts) == 1:
        return verdicts[0]
    return DkimVerdict(
        False,
        "; ".join(v.reason for v in verdicts),
        verdicts[0].domain,
        forged=all(v.forged for v in verdicts),
    )


def _check(
    checker: Any,
    index: int,
    value: bytes,
    counts: dict[bytes, int],
    dns: DnsTxt | None,
    errors: _ErrorLog,
) -> DkimVerdict:
    """The verdict on the signature at `index` (its header value is `value`)."""
    from dkim.util import parse_tag_value

    try:
        tags = parse_tag_value(value)
    except Exception as exc:
        return DkimVerdict(False, f"a DKIM signature cannot be read: {_one_line(exc)}")
    domain = _text(tags.get(b"d", b"")) or None
    by = f"the DKIM signature by {domain or 'an unnamed domain'}"
    errors.clear()
    lookup = _Lookup(dns)
    try:
        verified = checker.verify(idx=index, dnsfunc=lookup)
    except Exception as exc:
        return DkimVerdict(False, f"{by} does not verify ({_one_line(exc)})", domain)
    if not verified:
        why = (
            f"no DKIM key published at {lookup.missing}"
            if lookup.missing
            else errors.last() or "the signature does not match the signed fields"
        )
        return DkimVerdict(
            False, f"{by} does not verify ({why})", domain, forged=not lookup.missing
        )
    missing = _uncovered(tags.get(b"h", b""), counts)
    if missing:
        return DkimVerdict(False, f"{by} verifies but does not cover {missing}", domain)
    return DkimVerdict(
        True,
        f"DKIM signature by {domain} verifies and covers {' and '.join(_SHOWN.values())}",
        domain,
    )


def _uncovered(signed: bytes, counts: dict[bytes, int]) -> str:
    """What the h= tag leaves unsigned of the two fields, in words; "" when nothing."""
    names = [name.lower() for name in _H_SEPARATOR.split(signed.strip())]
    gaps = []
    for field in _COVERED:
        if field not in names:
            gaps.append(_SHOWN[field])
        elif names.count(field) < counts[field]:
            gaps.append(f"every {_SHOWN[field]} field ({counts[field]} in the message)")
    return " and ".join(gaps)


class _Lookup:
    """The key lookup, remembering a name that has no key."""

    def __init__(self, dns: DnsTxt | None) -> None:
        self.dns = dns
        self.missing: str | None = None

    def __call__(self, name: bytes, timeout: float = 5) -> bytes | None:
        if self.dns is None:
            from dkim.dnsplug import get_txt

            found: bytes | None = get_txt(name, timeout=timeout)
        else:
            found = self.dns(name, timeout=timeout)
        if not found:
            self.missing = name.decode("ascii", "replace").rstrip(".")
        return found


class _ErrorLog(logging.Handler):
    """A private logger for dkimpy whose error lines are kept as reasons."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []
        self.logger = logging.Logger("kithkin.outbound.dkim", logging.ERROR)  # no parent
        self.logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(_one_line(record.getMessage()))

    def clear(self) -> None:
        self.messages.clear()

    def last(self) -> str | None:
        return self.messages[-1] if self.messages else None


def _one_line(error: BaseException | str) -> str:
    """An error or log message on one line, without the hashes dkimpy adds to a mismatch."""
    text = error if isinstance(error, str) else str(error) or type(error).__name__
    return " ".join(_BYTES_REPR.sub(r"\1", _DETAIL.sub("", text)).split())


def _text(value: bytes) -> str:
    return "".join(value.decode("ascii", "replace").split())
