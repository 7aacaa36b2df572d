"""The card and signature text parser: fields and confidences from lines of text."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.sources.card_text import DRAFT_KINDS, Line, parse_card, parse_text

SIGNATURE = """Dana Whitfield
Chief Operating Officer
Northwind Traders Inc.
dana.whitfield@northwind.example.com
Mobile: +1 415 555 0134
Tel. (212) 555-0188 | Fax (212) 555-0199
www.northwind-traders.com
120 Market Street, Suite 400
San Francisco, CA 94105
@danaw on Twitter
"""


def fields(text: str, region: str = "US") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in parse_text(text, region=region).fields:
        out.setdefault(f.kind, []).append(f.value)
    return out


def test_a_signature_gives_every_field() -> None:
    found = fields(SIGNATURE)
    assert found["name"] == ["Dana Whitfield"]
    assert found["title"] == ["Chief Operating Officer"]
    assert found["organisation"] == ["Northwind Traders Inc."]
    assert found["email"] == ["dana.whitfield@northwind.example.com"]
    assert found["phone"] == ["+1 415-555-0134", "+1 212-555-0188"]  # the fax left out
    assert found["url"] == ["www.northwind-traders.com"]
    assert found["handle"] == ["@danaw"]
    assert found["address"] == ["120 Market Street, Suite 400, San Francisco, CA 94105"]


def test_labels_and_confidences() -> None:
    draft = parse_text(SIGNATURE)
    phones = [(f.value, f.label) for f in draft.fields if f.kind == "phone"]
    assert phones == [("+1 415-555-0134", "mobile"), ("+1 212-555-0188", "work")]
    assert all(0 < f.confidence <= 1 for f in draft.fields)
    handle = draft.first("handle")
    assert handle is not None and handle.label == "twitter"


def test_accents_one_line_items_and_the_default_region() -> None:
    found = fields(
        "José Müller-Lüdenscheidt\nGeschäftsführer | Beispiel GmbH\n"
        "Friedrichstraße 12, 10117 Berlin\nT 030 1234567\njose@beispiel.de",
        region="DE",
    )
    assert found["name"] == ["José Müller-Lüdenscheidt"]
    assert found["title"] == ["Geschäftsführer"]
    assert found["organisation"] == ["Beispiel GmbH"]
    assert found["phone"] == ["+49 30 1234567"]  # read in the default region
    assert found["address"] == ["Friedrichstraße 12, 10117 Berlin"]


def test_the_biggest_line_that_reads_as_a_name_is_the_name() -> None:
    lines = [
        Line("Halcyon Studio", 0.9, 40),
        Line("Marcus Novak", 0.95, 80),
        Line("Lead Designer", 0.9, 30),
        Line("marcus.novak@halcyon.com", 0.9, 30),
    ]
    draft = parse_card(lines)
    name = draft.first("name")
    assert name is not None and name.value == "Marcus Novak"
    assert draft.values("organisation") == ["Halcyon Studio"]
    low = parse_card([Line("Marcus Novak", 0.3, 80)]).first("name")
    assert low is not None and low.low  # OCR unsure: marked for review


def test_mastodon_handles_and_social_urls() -> None:
    found = fields("Sam Okafor\n@sam@mastodon.example.org\nlinkedin.com/in/samokafor")
    assert found["handle"] == ["@sam@mastodon.example.org"]
    draft = parse_text("Sam Okafor\nlinkedin.com/in/samokafor")
    url = draft.first("url")
    assert url is not None and url.label == "linkedin"


LINE_TEXT = st.text(
    alphabet=st.sampled_from(string.ascii_letters + string.digits + " @.+-()|:,/ÉéüßØ\t·"),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(LINE_TEXT, st.floats(0, 1), st.floats(0, 200)), max_size=15))
def test_any_lines_give_a_well_formed_draft(rows: list[tuple[str, float, float]]) -> None:
    draft = parse_card([Line(t, c, h) for t, c, h in rows])
    singles = [f.kind for f in draft.fields if f.kind in {"name", "title", "organisation"}]
    assert len(singles) == len(set(singles))
    text = "\n".join(t for t, _, _ in rows)
    for f in draft.fields:
        assert f.kind in DRAFT_KINDS
        assert 0 <= f.confidence <= 1
        assert f.value.strip() == f.value and f.value
        if f.kind in {"email", "name", "title", "organisation"}:
            # taken from the text, not made up (spaces OCR put in an address are taken out)
            assert "".join(f.value.split()) in "".join(text.split())


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["Dana", "Zoë", "Bjørn", "Aurélie"]),
    st.sampled_from(["Whitfield", "Østergaard", "Sánchez"]),
    st.sampled_from(["dana", "x.y", "first.last"]),
    st.sampled_from(["example.com", "example.co.uk", "mail.example.org"]),
    st.integers(0, 9999),
)
def test_a_generated_signature_reads_back(
    first: str, last: str, local: str, domain: str, n: int
) -> None:
    email = f"{local}@{domain}"
    text = f"{first} {last}\nHead of Sales\n{email}\n+1 415 555 {n:04d}\n"
    found = fields(text)
    assert found["name"] == [f"{first} {last}"]
    assert found["email"] == [email]
    assert found["phone"] == [f"+1 415-555-{n:04d}"]
    assert found["title"] == ["Head of Sales"]


def test_a_huge_text_is_cut() -> None:
    draft = parse_text("Dana Whitfield\n" + "x" * 5_000_000)
    assert draft.name == "Dana Whitfield"
