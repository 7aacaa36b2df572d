"""vCard 4.0 export: the card written, and the round trip through the reader."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.model import ContactPoint, Note, Person, without_controls
from kithkin.sources.records import ContactRecord, Labelled
from kithkin.sources.vcard import read_vcards
from kithkin.sources.vcard_export import to_vcard, to_vcards
from kithkin.sources.vcard_lex import card_props, logical_lines, split_cards

WHEN = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)


def person(
    *,
    uid: str = "0123456789abcdef0123456789abcdef",
    display_name: str = "Dana Okafor",
    given_name: str | None = "Dana",
    family_name: str | None = "Okafor",
    organisation: str | None = "Fabrikam; Ltd",
    title: str | None = "CIO",
    points: tuple[tuple[str, str, str | None], ...] = (),
    tags: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> Person:
    return Person(
        id=1,
        uid=uid,
        display_name=display_name,
        given_name=given_name,
        family_name=family_name,
        organisation=organisation,
        title=title,
        created_at=WHEN,
        updated_at=WHEN,
        contact_points=tuple(
            ContactPoint(i, kind, value, label, "manual")
            for i, (kind, value, label) in enumerate(points, 1)
        ),
        tags=tags,
        notes=tuple(Note(i, text, WHEN) for i, text in enumerate(notes, 1)),
    )


def _read_back(text: str) -> ContactRecord:
    (record,) = read_vcards(text.encode("utf-8"), "export.vcf")
    assert isinstance(record, ContactRecord), record
    return record


def test_the_card_written() -> None:
    text = to_vcard(
        person(
            points=(
                ("email", "dana@fabrikam.example", "work"),
                ("phone", "+1 555 0100", "mobile"),
                ("phone", "+1 555 0199", "work fax"),
                ("url", "https://dana.example", None),
                ("handle", "@dana@mastodon.example", "mastodon"),
                ("email", "dana@home.example", "Sailing club"),
            ),
            tags=("Board", "Mentors"),
            notes=("Met in Lisbon, 2024;\nlikes sailing",),
        )
    )
    lines = text.split("\r\n")
    assert lines[:3] == ["BEGIN:VCARD", "VERSION:4.0", "PRODID:-//kithkin//kithkin//EN"]
    assert "UID:urn:uuid:01234567-89ab-cdef-0123-456789abcdef" in lines
    assert "FN:Dana Okafor" in lines
    assert "N:Okafor;Dana;;;" in lines
    assert "ORG:Fabrikam\\; Ltd" in lines
    assert "EMAIL;TYPE=work:dana@fabrikam.example" in lines
    assert "TEL;TYPE=cell:+1 555 0100" in lines
    assert "TEL;TYPE=work,fax:+1 555 0199" in lines
    assert "URL:https://dana.example" in lines
    assert "X-SOCIALPROFILE;TYPE=mastodon:@dana@mastodon.example" in lines
    assert "item1.EMAIL:dana@home.example" in lines
    assert "item1.X-ABLabel:Sailing club" in lines
    assert "CATEGORIES:Board,Mentors" in lines
    assert "NOTE:Met in Lisbon\\, 2024\\;\\nlikes sailing" in lines
    assert "REV:20250314T092653Z" in lines
    assert text.endswith("END:VCARD\r\n")


def test_a_uid_that_is_not_32_hex_is_kept() -> None:
    assert "UID:import-7\r\n" in to_vcard(person(uid="import-7"))


def test_long_lines_are_folded_at_75_octets_between_characters() -> None:
    text = to_vcard(person(notes=("é" * 100 + "x" * 100,)))
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert _read_back(text).notes == ("é" * 100 + "x" * 100,)


def test_several_people_in_one_file() -> None:
    text = to_vcards([person(display_name="One"), person(display_name="Two", uid="two")])
    records = list(read_vcards(text.encode(), "x.vcf"))
    assert [r.display_name for r in records if isinstance(r, ContactRecord)] == ["One", "Two"]


# The round trip: names, contact points, organisation, title, tags and notes come back.

_words = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ue000"),
    min_size=1,
    max_size=30,
).map(str.strip)
_label = st.one_of(
    st.none(),
    st.sampled_from(["work", "home", "mobile", "work fax", "pager", "other", "Work", "pref"]),
    st.from_regex(r"[A-Za-z][A-Za-z0-9 _.+-]{0,15}[A-Za-z0-9]", fullmatch=True),
)
_email = st.emails().filter(lambda e: len(e) < 80)
_phone = st.from_regex(r"\+?[0-9][0-9 ()./-]{2,18}[0-9]", fullmatch=True)
_url = st.from_regex(
    r"https://[a-z0-9-]{1,12}\.example(/[A-Za-z0-9_~%.-]{0,12}){0,3}", fullmatch=True
)
_handle = st.from_regex(r"@?[A-Za-z0-9_]{1,15}(@[a-z0-9]{1,10}\.example)?", fullmatch=True)
_tag = st.from_regex(r"[\w][\w .:/&+-]{0,20}", fullmatch=True).map(str.strip).filter(bool)
_points = st.tuples(
    st.lists(st.tuples(_email, _label), max_size=3, unique_by=lambda p: p[0]),
    st.lists(st.tuples(_phone, _label), max_size=3, unique_by=lambda p: p[0]),
    st.lists(st.tuples(_url, _label), max_size=2, unique_by=lambda p: p[0]),
    st.lists(st.tuples(_handle, _label), max_size=2, unique_by=lambda p: p[0]),
)


@given(
    uid=st.one_of(st.from_regex(r"[0-9a-f]{32}", fullmatch=True), _words.filter(bool)),
    display_name=_words.filter(bool),
    given_name=st.one_of(st.none(), _words),
    family_name=st.one_of(st.none(), _words),
    organisation=st.one_of(st.none(), _words),
    title=st.one_of(st.none(), _words),
    points=_points,
    tags=st.lists(_tag, max_size=4, unique=True),
    notes=st.lists(st.text(max_size=200), max_size=3),
)
@settings(max_examples=200, deadline=None)
def test_the_round_trip_keeps_everything(
    uid: str,
    display_name: str,
    given_name: str | None,
    family_name: str | None,
    organisation: str | None,
    title: str | None,
    points: tuple[list[tuple[str, str | None]], ...],
    tags: list[str],
    notes: list[str],
) -> None:
    emails, phones, urls, handles = points
    flat = tuple(
        (kind, value, label)
        for kind, values in zip(("email", "phone", "url", "handle"), points, strict=True)
        for value, label in values
    )
    source = person(
        uid=uid,
        display_name=display_name,
        given_name=given_name,
        family_name=family_name,
        organisation=organisation,
        title=title,
        points=flat,
        tags=tuple(tags),
        notes=tuple(notes),
    )
    text = to_vcard(source)
    (card,) = split_cards(text.encode())
    assert card_props(logical_lines(card))[1] == 0  # vobject reads every line we write
    back = _read_back(text)
    assert back.display_name == display_name
    assert back.given_name == (given_name or None)
    assert back.family_name == (family_name or None)
    assert back.organisation == (organisation or None)
    assert back.title == (title or None)
    assert back.emails == tuple(Labelled(v, label) for v, label in emails)
    assert back.phones == tuple(Labelled(v, label) for v, label in phones)
    assert back.urls == tuple(Labelled(v, label) for v, label in urls)
    assert back.handles == tuple(Labelled(v, label) for v, label in handles)
    assert back.tags == tuple(tags)
    kept = (without_controls(n) for n in notes)  # never stored, never exported
    assert back.notes == tuple(
        n.replace("\r\n", "\n").replace("\r", "\n").strip() for n in kept if n.strip()
    )
