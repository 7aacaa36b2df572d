"""The words of a draft file: text, HTML, or a whole message."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.sources.draft import is_message, plain, text_of

MESSAGE = b"""From: Sam <sam@example.org>
To: Dana <dana@example.org>
Subject: hello
Content-Type: text/plain; charset=utf-8

Hi Dana, how was the trip?

> an older message
--\x20
Sam, sent from a phone
"""


def test_a_message_gives_its_body_without_the_signature() -> None:
    assert is_message(MESSAGE)
    text = text_of(MESSAGE)
    assert "how was the trip" in text
    assert "Subject" not in text and "sent from a phone" not in text


def test_header_names_beyond_letters_and_empty_values() -> None:
    raw = b"Return-Path: <a@b>\nX_Scanner: clean\nX-Empty:\nSubject: hi\n\nthe body\n"
    assert is_message(raw) and text_of(raw).strip() == "the body"


def test_an_mbox_from_line_is_skipped() -> None:
    assert "how was the trip" in text_of(
        b"From sam@example.org Mon Jan  1 00:00:00 2024\n" + MESSAGE
    )


def test_html_is_made_plain() -> None:
    page = b"<html><head><style>p{}</style></head><body><p>Hello&nbsp;there</p><br>Bye</body>"
    assert text_of(page).split() == ["Hello", "there", "Bye"]
    assert plain("<script>alert(1)</script>Hi") == "Hi"
    assert not is_message(b"Dana: lunch?\nSam: yes\n\nok")


def test_plain_text_is_itself() -> None:
    assert text_of("Dana: déjeuner vendredi?".encode()) == "Dana: déjeuner vendredi?"


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=800))
def test_any_bytes_give_text(raw: bytes) -> None:
    assert isinstance(text_of(raw), str)
