"""Address fields: the tokenizer, its fast paths, groups, comments and broken forms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.sources.mail.addresses import _Parser, parse_addresses

_ADDR_SPEC = st.from_regex(
    r"[a-z0-9]{1,8}(\.[a-z0-9]{1,6}){0,2}@[a-z0-9]{1,10}\.(com|org|de)", fullmatch=True
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("kenneth.lay@enron.com", [("", "kenneth.lay@enron.com")]),
        ('"Lay, Kenneth" <kenneth.lay@enron.com>, Jeff <j@x.com>',
         [("Lay, Kenneth", "kenneth.lay@enron.com"), ("Jeff", "j@x.com")]),
        ("whisper@oz.net (David LeBlanc)", [("David LeBlanc", "whisper@oz.net")]),
        ("Team: a@x, B <b@x>;, c@x", [("", "a@x"), ("B", "b@x"), ("", "c@x")]),
        ("undisclosed-recipients:;", []),
        ("Joe Bloggs joe@x.com", [("Joe Bloggs", "joe@x.com")]),  # no angle brackets
        ("<@relay.example:joe@x.com>", [("", "joe@x.com")]),  # obsolete route
        ('"a \\"b\\" c" <q@x>', [('a "b" c', "q@x")]),
        ("Joe (the man (really)) <joe@x>", [("Joe", "joe@x")]),
        ("=?utf-8?q?Lay=2C_K=C3=A9n?= <k@x>", [("Lay, Kén", "k@x")]),
        ('"=?ISO-8859-1?Q?Fran=E7ois_Boulogne?=" <f@x>', [("François Boulogne", "f@x")]),
        ("Helmut =?UTF-8?B?S3LDtmdlcg==?= <hk@x>", [("Helmut Kröger", "hk@x")]),
        ("MAILER DAEMON <>", [("MAILER DAEMON", "")]),
        ("a@b,, ,c@d", [("", "a@b"), ("", "c@d")]),
        # Python's email package folds the separating comma into an encoded-word
        ("=?utf-8?b?w6k=?= <a@x>\n =?utf-8?q?=2C?= b@y", [("é", "a@x"), ("", "b@y")]),
        ("Kenneth  Lay  <k@e >", [("Kenneth Lay", "k@e")]),
        ("Joe", [("", "Joe")]),
        ('"unterminated <a@b>', [("", '"unterminated <a@b>')]),
    ],
)  # fmt: skip
def test_addresses(raw: str, expected: list[tuple[str, str]]) -> None:
    assert parse_addresses(raw.encode()) == tuple(expected)


_SIMPLE_NAME = st.text(alphabet="abcXYZ é.,-'()", max_size=12).map(lambda s: " ".join(s.split()))


@st.composite
def simple_list(draw: st.DrawFn) -> str:
    """Address lists in the shapes the fast paths take: plain, quoted names, comments."""
    items = []
    for _ in range(draw(st.integers(1, 5))):
        spec = draw(_ADDR_SPEC)
        name = draw(_SIMPLE_NAME)
        shape = draw(st.sampled_from(["bare", "angle", "quoted", "comment"]))
        if shape == "bare" or not name:
            items.append(spec)
        elif shape == "angle":
            items.append(f"{name.replace(',', '').replace('(', '').replace(')', '')} <{spec}>")
        elif shape == "quoted":
            items.append(f'"{name}" <{spec}>')
        else:
            items.append(f"{spec} ({name.replace('(', '').replace(')', '')})")
    return draw(st.sampled_from([", ", ",", ",\n "])).join(items)


@given(simple_list())
def test_the_fast_address_paths_agree_with_the_careful_parser(value: str) -> None:
    careful = tuple(_Parser(" ".join(value.split("\n"))).mailboxes())
    assert parse_addresses(value.encode()) == careful
