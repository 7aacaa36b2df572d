"""Which binds the web server may take, and with which host names and token."""

from __future__ import annotations

import pytest

from kithkin.errors import UnsafeServe
from kithkin.services import access
from kithkin.services.access import LOOPBACK_NAMES, serve_access, token_digest
from kithkin.store import Database, settings

TOKEN = "a-long-enough-token-for-tests"
EVERYWHERE = "0.0.0.0"  # noqa: S104 - a name here, no bind


@pytest.mark.parametrize("bind", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_needs_neither_names_nor_token(db: Database, bind: str) -> None:
    checks = serve_access(db, bind=bind)
    assert checks.hosts == LOOPBACK_NAMES
    assert checks.token_sha256 is None


@pytest.mark.parametrize("bind", [EVERYWHERE, "::", "192.168.1.5", "kithkin.lan"])
def test_beyond_loopback_without_names_and_token_is_refused(db: Database, bind: str) -> None:
    with pytest.raises(UnsafeServe, match=r"--allow-host NAME.* and a token \(--token"):
        serve_access(db, bind=bind)
    with pytest.raises(UnsafeServe, match=r"it needs a token") as refused:
        serve_access(db, bind=bind, allow_hosts=["kithkin.lan"])
    assert "--allow-host" not in str(refused.value)
    with pytest.raises(
        UnsafeServe, match=r"it needs the host names .*--allow-host NAME, repeatable\)$"
    ):
        serve_access(db, bind=bind, token=TOKEN)


def test_names_and_a_token_open_it_and_the_host_check_keeps_loopback(db: Database) -> None:
    checks = serve_access(
        db, bind=EVERYWHERE, allow_hosts=["Kithkin.LAN.", "192.168.1.5"], token=TOKEN
    )
    assert checks.hosts == (*LOOPBACK_NAMES, "kithkin.lan", "192.168.1.5")
    assert checks.token_sha256 == token_digest(TOKEN)
    assert checks.new_token is None


@pytest.mark.parametrize(
    "name", ["*", "*.lan", "http://kithkin.lan", "kithkin.lan:8765", "a b", ""]
)
def test_an_allowed_host_is_a_name_or_an_address(db: Database, name: str) -> None:
    with pytest.raises(UnsafeServe, match="--allow-host"):
        serve_access(db, bind=EVERYWHERE, allow_hosts=[name], token=TOKEN)


def test_a_short_token_is_refused(db: Database) -> None:
    with pytest.raises(UnsafeServe, match="at least 16 characters"):
        serve_access(db, bind=EVERYWHERE, allow_hosts=["kithkin.lan"], token="secret")


def test_a_new_token_is_kept_hashed_and_used_by_the_next_server(db: Database) -> None:
    first = serve_access(db, bind=EVERYWHERE, allow_hosts=["kithkin.lan"], new_token=True)
    assert first.new_token is not None and len(first.new_token) >= 40
    with db.read() as conn:
        kept = settings.get(conn, access.DIGEST_SETTING)
    assert kept == token_digest(first.new_token) == first.token_sha256
    assert first.new_token not in kept
    again = serve_access(db, bind=EVERYWHERE, allow_hosts=["kithkin.lan"])
    assert again.token_sha256 == kept and again.new_token is None
    # loopback keeps asking for nothing, even with a token kept
    assert serve_access(db, bind="127.0.0.1").token_sha256 is None


def test_token_and_new_token_together_are_refused(db: Database) -> None:
    with pytest.raises(UnsafeServe, match="not both"):
        serve_access(db, bind="127.0.0.1", token=TOKEN, new_token=True)


@pytest.mark.usefixtures("cheap_passwords")
def test_a_team_database_needs_names_beyond_loopback_but_no_token(db: Database) -> None:
    from kithkin.model import SOLO
    from kithkin.services import accounts

    accounts.add_user(db, actor=SOLO, username="ada", password="long enough pass", role="owner")
    local = serve_access(db, bind="127.0.0.1")
    assert local.team and local.token_sha256 is None
    with pytest.raises(UnsafeServe, match=r"it needs the host names"):
        serve_access(db, bind=EVERYWHERE)
    lan = serve_access(db, bind=EVERYWHERE, allow_hosts=["kithkin.lan"], token=TOKEN)
    assert lan.team and lan.token_sha256 is None  # accounts, not the token
    assert lan.hosts == (*LOOPBACK_NAMES, "kithkin.lan")
