"""`kithkin serve` beyond loopback: refused, with one clear line, until it has the host names
it is reached by and a token; then it serves them (the server itself: tests/web)."""

from __future__ import annotations

from typing import Any

import pytest

from kithkin.services.access import LOOPBACK_NAMES, token_digest
from tests.cli.test_cli import Run

TOKEN = "correct-horse-battery-staple"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What `kithkin serve` would have served (recorded here, so no port is bound)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("kithkin.web.app.serve", lambda url, **kw: calls.append(kw))
    return calls


def test_everywhere_without_names_and_token_is_refused(run: Run, served: list[Any]) -> None:
    result = run("serve", "--host", "0.0.0.0")  # noqa: S104
    assert result.code == 1
    assert result.err.strip() == (
        "error: serving on 0.0.0.0 reaches beyond this computer: it needs the host names it is "
        "reached by (--allow-host NAME, repeatable) and a token (--token, KITHKIN_TOKEN or "
        "--new-token)"
    )
    assert run("serve", "--host", "0.0.0.0", "--allow-host", "kithkin.lan").code == 1  # noqa: S104
    assert served == []


def test_names_and_a_token_from_the_environment_serve(
    run: Run, served: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KITHKIN_TOKEN", TOKEN)
    result = run("serve", "--host", "0.0.0.0", "--allow-host", "kithkin.lan", "--port", "9")  # noqa: S104
    assert result.code == 0, result.err
    [call] = served
    assert call["host"] == "0.0.0.0"  # noqa: S104
    assert call["allowed_hosts"] == (*LOOPBACK_NAMES, "kithkin.lan")
    assert call["token_sha256"] == token_digest(TOKEN)
    assert "answering to 127.0.0.1, localhost, ::1, kithkin.lan, with the token" in result.err


def test_a_new_token_is_printed_once(run: Run, served: list[Any]) -> None:
    result = run("serve", "--host", "::", "--allow-host", "kithkin.lan", "--new-token")
    assert result.code == 0, result.err
    [line] = [x for x in result.err.splitlines() if x.startswith("token (shown once")]
    token = line.rsplit(" ", 1)[1]
    assert served[0]["token_sha256"] == token_digest(token)
    again = run("serve", "--host", "::", "--allow-host", "kithkin.lan")
    assert again.code == 0 and "token (shown once" not in again.err
    assert served[1]["token_sha256"] == token_digest(token)


def test_loopback_serves_as_before(run: Run, served: list[Any]) -> None:
    assert run("serve", "--port", "9").code == 0
    assert served[0]["allowed_hosts"] == LOOPBACK_NAMES
    assert served[0]["token_sha256"] is None
