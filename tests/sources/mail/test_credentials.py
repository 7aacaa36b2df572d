"""Where the IMAP password comes from: environment, keyring, prompt, else a clear error."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from kithkin.errors import ImapError
from kithkin.sources.mail import credentials
from kithkin.sources.mail.credentials import ENV_VAR, KEYRING_SERVICE, imap_password

URL = "imaps://ana%40corp.example@mail.example/INBOX"


@pytest.fixture(autouse=True)
def _no_password_around(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setitem(sys.modules, "keyring", None)  # as if not installed


def _asked(monkeypatch: pytest.MonkeyPatch, answer: str) -> list[str]:
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return answer

    monkeypatch.setattr(credentials.getpass, "getpass", getpass)
    return prompts


def test_the_environment_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "from-env")
    keyring = SimpleNamespace(get_password=lambda service, account: "from-keyring")
    monkeypatch.setitem(sys.modules, "keyring", keyring)
    assert imap_password(URL, prompt=True) == "from-env"


def test_the_keyring_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, str]] = []

    def get_password(service: str, account: str) -> str:
        asked.append((service, account))
        return "from-keyring"

    monkeypatch.setitem(sys.modules, "keyring", SimpleNamespace(get_password=get_password))
    assert imap_password(URL, prompt=False) == "from-keyring"
    assert asked == [(KEYRING_SERVICE, "ana@corp.example@mail.example")]


def test_a_keyring_without_backend_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    def get_password(service: str, account: str) -> str:
        raise RuntimeError("No recommended backend was available")

    monkeypatch.setitem(sys.modules, "keyring", SimpleNamespace(get_password=get_password))
    prompts = _asked(monkeypatch, "typed")
    assert imap_password(URL, prompt=True) == "typed"
    assert prompts == ["IMAP password for ana@corp.example@mail.example: "]


def test_no_password_and_no_prompt_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    prompts = _asked(monkeypatch, "typed")
    with pytest.raises(
        ImapError, match=f"imaps://ana%40corp.example@mail.example/INBOX: .*{ENV_VAR}"
    ):
        imap_password(URL, prompt=False)
    assert prompts == []


def test_an_empty_answer_to_the_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    _asked(monkeypatch, "")
    with pytest.raises(ImapError, match="no password given"):
        imap_password(URL, prompt=True)
