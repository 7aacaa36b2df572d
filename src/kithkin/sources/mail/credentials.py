"""Where an IMAP password comes from: never the command line (it would sit in shell history
and in every process listing).

In order: the environment variable KITHKIN_IMAP_PASSWORD; the system keyring, when the
optional `keyring` package is installed (service "kithkin-imap", account "user@host":
`keyring set kithkin-imap ana@mail.example`); a prompt on the terminal when allowed.
"""

from __future__ import annotations

import getpass
import importlib
import os

from kithkin.errors import ImapError
from kithkin.sources.mail.imap import parse_imap_url

ENV_VAR = "KITHKIN_IMAP_PASSWORD"
KEYRING_SERVICE = "kithkin-imap"


def imap_password(url: str, *, prompt: bool) -> str:
    """The password for the account an IMAP URL names; raises `ImapError` when there is none."""
    parsed = parse_imap_url(url)
    account = f"{parsed.user}@{parsed.host}"
    password = os.environ.get(ENV_VAR)
    if password:
        return password
    password = _from_keyring(account)
    if password:
        return password
    if prompt:
        password = getpass.getpass(f"IMAP password for {account}: ")
        if password:
            return password
        raise ImapError(f"{parsed}: no password given")
    raise ImapError(
        f"{parsed}: no password: set {ENV_VAR}, or store one in the system keyring "
        f"(keyring set {KEYRING_SERVICE} {account})"
    )


def _from_keyring(account: str) -> str | None:
    return from_keyring(KEYRING_SERVICE, account)


def from_keyring(service: str, account: str) -> str | None:
    """The password the system keyring keeps for `account` of `service`, when the optional
    `keyring` package is installed and has a usable backend; else None."""
    try:
        keyring = importlib.import_module("keyring")  # optional: not a dependency of kithkin
    except ImportError:
        return None
    try:
        password = keyring.get_password(service, account)
    except Exception:  # no usable backend (a server without a desktop session), a locked store
        return None
    return password if isinstance(password, str) and password else None


def keyring_usable() -> bool:
    """Whether a system keyring can keep a password here: the optional `keyring` package is
    installed and its backend is not the one that refuses everything."""
    try:
        keyring = importlib.import_module("keyring")
    except ImportError:
        return False
    try:
        backend = keyring.get_keyring()
    except Exception:
        return False
    return "fail" not in type(backend).__module__  # keyring.backends.fail: no keyring at all


def to_keyring(service: str, account: str, password: str) -> bool:
    """Keep `password` for `account` of `service` in the system keyring (where `from_keyring`
    and `keyring get` find it); False when there is no usable keyring."""
    if not keyring_usable():
        return False
    keyring = importlib.import_module("keyring")
    try:
        keyring.set_password(service, account, password)
    except Exception:  # a locked store, a backend that refuses writes
        return False
    return True
