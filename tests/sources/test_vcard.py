"""vCard reading: versions, encodings, broken cards; the lexer against vobject; never raising."""

from __future__ import annotations

import base64
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.sources.records import ContactRecord, Labelled, Photo, SourceProblem
from kithkin.sources.vcard import read_vcards
from kithkin.sources.vcard_lex import (
    LogicalLine,
    card_props,
    finish,
    logical_lines,
    parse_line,
    simple_line,
    split_cards,
    vobject_line,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(40))


def _read(text: str | bytes) -> list[ContactRecord | SourceProblem]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return list(read_vcards(data, "cards.vcf"))


def _one(text: str | bytes) -> ContactRecord:
    (record,) = _read(text)
    assert isinstance(record, ContactRecord), record
    return record


def card(*lines: str, end: str = "\r\n") -> str:
    return end.join(("BEGIN:VCARD", *lines, "END:VCARD")) + end


def test_a_vcard_4_card_gives_every_field() -> None:
    photo = base64.b64encode(PNG).decode()
    record = _one(
        card(
            "VERSION:4.0",
            "UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
            "FN:Dana Okafor",
            "N:Okafor;Dana;;;",
            "NICKNAME:Dee,DK",
            "ORG:Fabrikam\\, Ltd;Engineering",
            "TITLE:Chief Information Officer",
            "EMAIL;TYPE=work:dana@fabrikam.example",
            'TEL;VALUE=uri;TYPE="cell,voice":tel:+1-555-0100',
            "URL;TYPE=home:https://dana.example",
            "IMPP;X-SERVICE-TYPE=Jabber:xmpp:dana@chat.example",
            "X-SOCIALPROFILE;TYPE=mastodon:@dana@mastodon.example",
            "CATEGORIES:Board,Mentors",
            "NOTE:Met at the CIO summit\\, Lisbon.\\nLikes sailing.",
            f"PHOTO:data:image/png;base64,{photo}",
            "BDAY:19800322",
        )
    )
    assert record.source == "vcard"
    assert record.source_id == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert (record.display_name, record.given_name, record.family_name) == (
        "Dana Okafor",
        "Dana",
        "Okafor",
    )
    assert record.nickname == "Dee"
    assert (record.organisation, record.title) == ("Fabrikam, Ltd", "Chief Information Officer")
    assert record.emails == (Labelled("dana@fabrikam.example", "work"),)
    assert record.phones == (Labelled("+1-555-0100", "mobile"),)
    assert record.urls == (Labelled("https://dana.example", "home"),)
    assert record.handles == (
        Labelled("xmpp:dana@chat.example", "Jabber"),
        Labelled("@dana@mastodon.example", "mastodon"),
    )
    assert record.tags == ("Board", "Mentors")
    assert record.notes == ("Met at the CIO summit, Lisbon.\nLikes sailing.",)
    assert record.photo == Photo("image/png", PNG)
    assert record.birthday == date(1980, 3, 22)
    assert record.place == "card 1 (line 1)"
    assert record.raw.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")


def test_vcard_21_quoted_printable_charsets_and_bare_parameters() -> None:
    data = (
        card(
            "VERSION:2.1",
            "N;CHARSET=ISO-8859-1:Müller;Zoë;;;",
            "FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Zo=EB M=FCller",
            "TEL;WORK;FAX:+49 30 1234",
            "TEL;CELL;PREF:+49 170 1234",
            "EMAIL;PREF;INTERNET:zoe@example.com",
            "NOTE;ENCODING=QUOTED-PRINTABLE:First line=0D=0A=",
            "second line, with a comma",
            "TITLE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gesch=C3=A4ftsf=C3=BChrerin",
        )
    ).encode("latin-1", errors="strict")
    record = _one(data)
    assert (record.given_name, record.family_name) == ("Zoë", "Müller")
    assert record.display_name == "Zoë Müller"
    assert record.title == "Geschäftsführerin"
    assert record.phones == (
        Labelled("+49 30 1234", "work fax"),
        Labelled("+49 170 1234", "mobile"),
    )
    assert record.emails == (Labelled("zoe@example.com", None),)
    assert record.notes == ("First line\nsecond line, with a comma",)
    assert "Müller" in record.raw


def test_vcard_30_folding_groups_and_apple_labels() -> None:
    record = _one(
        card(
            "VERSION:3.0",
            "FN:Mustermann, Heiko",
            "N:Mustermann;Heiko;;;",
            "NOTE:A note folded over",
            "  three lines of the",
            "\tfile.",
            "item1.EMAIL;type=INTERNET;type=pref:heiko@example.org",
            "item1.X-ABLabel:_$!<Other>!$_",
            "ITEM2.URL:http\\://heiko.example",
            "item2.X-ABLabel:_$!<HomePage>!$_",
            "item3.TEL:+1 555 0101",
            "item3.X-ABLabel:Chauffeur",
            "X-TWITTER:@heiko",
            "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRg==",
            end="\n",
        )
    )
    assert (
        record.display_name == "Mustermann, Heiko"
    )  # vobject's value layer would say "Mustermann"
    assert record.notes == ("A note folded over three lines of thefile.",)
    assert record.emails == (Labelled("heiko@example.org", "other"),)
    assert record.urls == (Labelled("http://heiko.example", "homepage"),)
    assert record.phones == (Labelled("+1 555 0101", "Chauffeur"),)
    assert record.handles == (Labelled("@heiko", "twitter"),)
    assert record.photo is not None
    assert record.photo.media_type == "image/jpeg"
    assert record.photo.data.startswith(b"\xff\xd8\xff")


def test_a_linked_photo_is_kept_as_its_uri() -> None:
    record = _one(card("VERSION:3.0", "FN:A", "PHOTO;VALUE=uri:https://img.example/a.jpg"))
    assert record.photo == Photo("text/uri", b"https://img.example/a.jpg")


def test_a_base64_photo_without_encoding_parameter() -> None:
    photo = base64.b64encode(PNG).decode()
    record = _one(card("VERSION:3.0", "FN:A", f"PHOTO;TYPE=PNG:{photo}"))
    assert record.photo == Photo("image/png", PNG)
    assert _one(card("VERSION:3.0", "FN:A", "PHOTO:QUJD")).photo is None  # base64, not an image


def test_a_broken_photo_is_dropped_not_the_card() -> None:
    record = _one(card("VERSION:2.1", "FN:A", "PHOTO;ENCODING=BASE64;TYPE=JPEG:abc:def=="))
    assert record.photo is None
    assert record.display_name == "A"


def test_several_cards_each_with_its_place_and_id() -> None:
    text = card("VERSION:3.0", "FN:One") + "\r\n" + card("VERSION:3.0", "FN:Two", "UID:two")
    first, second = _read(text)
    assert isinstance(first, ContactRecord) and isinstance(second, ContactRecord)
    assert (first.display_name, first.place) == ("One", "card 1 (line 1)")
    assert (second.display_name, second.place, second.source_id) == (
        "Two",
        "card 2 (line 6)",
        "two",
    )
    assert len(first.source_id) == 32 and first.source_id != second.source_id


def test_the_hash_id_ignores_line_endings() -> None:
    crlf = _one(card("VERSION:3.0", "FN:Same Person", "EMAIL:same@example.com"))
    lf = _one(card("VERSION:3.0", "FN:Same Person", "EMAIL:same@example.com", end="\n"))
    other = _one(card("VERSION:3.0", "FN:Same Person", "EMAIL:other@example.com"))
    assert crlf.source_id == lf.source_id != other.source_id


def test_a_card_cut_off_is_a_problem_and_the_next_card_is_read() -> None:
    text = (
        card("VERSION:3.0", "FN:Before")
        + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut off\r\n"
        + card("VERSION:3.0", "FN:After")
    )
    results = _read(text)
    problems = [r for r in results if isinstance(r, SourceProblem)]
    names = [r.display_name for r in results if isinstance(r, ContactRecord)]
    assert names == ["Before", "After"]
    assert problems == [
        SourceProblem("cards.vcf", "card 2 (line 5)", "no END:VCARD: the card is cut off")
    ]


def test_an_empty_card_is_a_problem() -> None:
    (problem,) = _read(card("VERSION:3.0", "N:;;;;", "X-FOO:bar"))
    assert isinstance(problem, SourceProblem)
    assert problem.place == "card 1 (line 1)"
    assert "nothing to import" in problem.message


def test_a_file_without_cards_is_a_problem() -> None:
    (problem,) = _read("hello\n")
    assert isinstance(problem, SourceProblem)
    assert "not a vCard" in problem.message


def test_lines_vobject_refuses_are_read_leniently() -> None:
    text = card(
        "VERSION:2.1",
        "# a comment some phones write",
        "FN",
        "N:Roe;Jan",
        "X-messaging/xmpp-All:jan@chat.example\ue000jan@other.example",
        "ADR;HOME:;;Long street\\",
        "second line of the street;Town;;1234;Land",
        'EMAIL;INTERNET:"Jan Roe"',
        "  <jan@example.com>",
    )
    (raw,) = split_cards(text.encode())
    _, refused = card_props(logical_lines(raw))
    assert refused == 4
    record = _one(text)
    assert record.display_name == "Jan Roe"
    assert record.handles == (
        Labelled("jan@chat.example", "xmpp"),
        Labelled("jan@other.example", "xmpp"),
    )
    assert record.emails == (Labelled("jan@example.com", None),)


def test_utf16_with_a_byte_order_mark() -> None:
    text = card("VERSION:3.0", "FN:Åsa Öberg", "EMAIL:asa@example.se")
    record = _one(text.encode("utf-16"))
    assert record.display_name == "Åsa Öberg"


def test_nested_cards_are_cards_of_their_own() -> None:
    text = "BEGIN:VCARD\nN:parent\nBEGIN:VCARD\nN:child\nEND:VCARD\nTEL:1\nEND:VCARD\n"
    parent, child = _read(text)
    assert isinstance(parent, ContactRecord) and isinstance(child, ContactRecord)
    assert (parent.family_name, parent.phones) == ("parent", (Labelled("1", None),))
    assert (child.family_name, child.place) == ("child", "card 2 (line 3)")


# The lexer: vobject and the lenient parser agree on every line vobject reads.

_name = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,10}", fullmatch=True)
_param_value = st.one_of(
    st.text(
        st.characters(blacklist_characters='";:,\r\n', blacklist_categories=("Cs",)), max_size=8
    ),
    st.text(
        st.characters(blacklist_characters='"\r\n', blacklist_categories=("Cs",)), max_size=8
    ).map(lambda v: f'"{v}"'),
)
_param = st.one_of(
    _name,
    st.builds(
        lambda k, vs: f"{k}={','.join(vs)}", _name, st.lists(_param_value, min_size=1, max_size=3)
    ),
)
_value = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)


@given(
    group=st.one_of(st.none(), _name),
    name=_name,
    params=st.lists(_param, max_size=4),
    value=_value,
)
@settings(max_examples=1000)
def test_the_lenient_parser_agrees_with_vobject(
    group: str | None, name: str, params: list[str], value: str
) -> None:
    line = (f"{group}." if group else "") + name + "".join(f";{p}" for p in params) + ":" + value
    by_vobject = vobject_line(line)
    if by_vobject is None:
        return
    lenient = parse_line(line)
    assert lenient is not None
    assert _finished(lenient) == _finished(by_vobject)


@given(
    group=st.one_of(st.none(), _name),
    name=_name,
    params=st.lists(_param, max_size=4),
    value=_value,
    noise=st.text(max_size=40),
)
@settings(max_examples=1000)
def test_the_fast_reader_reads_every_plain_line_as_vobject_does(
    group: str | None, name: str, params: list[str], value: str, noise: str
) -> None:
    line = (f"{group}." if group else "") + name + "".join(f";{p}" for p in params) + ":" + value
    for text in (line, noise, noise + line, line + noise, f"{name}{noise}:{value}"):
        fast = simple_line(text)
        if fast is None:
            continue
        by_vobject = vobject_line(text)
        assert by_vobject is not None, text  # a plain line is one vobject reads
        assert _finished(fast) == _finished(by_vobject), text


def test_the_fast_reader_leaves_quotes_and_quoted_printable_to_vobject() -> None:
    assert simple_line('EMAIL;TYPE="work,home":a@b.example') is None
    assert simple_line("NOTE;ENCODING=QUOTED-PRINTABLE:Gr=C3=BC=C3=9Fe") is None
    assert simple_line("TEL;work;quoted-printable:1=32") is None
    assert simple_line("X-messaging/xmpp-All:a@b") is None  # not vobject's grammar
    assert simple_line("item1.EMAIL;type=INTERNET;type=pref:a@b.example") == (
        "item1",
        "EMAIL",
        {"TYPE": ("INTERNET", "pref")},
        "a@b.example",
    )


def _finished(parsed: tuple[str | None, str, dict[str, tuple[str, ...]], str]) -> object:
    from kithkin.sources.vcard_lex import Prop

    prop = finish(Prop(1, *parsed))
    return prop.group, prop.name, prop.params, prop.value


def test_qp_lines_read_the_same_both_ways() -> None:
    line = LogicalLine(1, "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gr=C3=BC=C3=9Fe")
    by_vobject = vobject_line(line.text)
    assert by_vobject is not None
    lenient = parse_line(line.text)
    assert lenient is not None
    assert _finished(by_vobject) == _finished(lenient)
    assert _finished(lenient)[3] == "Grüße"  # type: ignore[index]


# Never raising: any input gives records and problems.

_fragments = st.sampled_from(
    [
        "BEGIN:VCARD",
        "END:VCARD",
        "VERSION:2.1",
        "VERSION:4.0",
        "FN:A, B",
        "N:;;;;",
        "N:a\\;b;c\\",
        'EMAIL;TYPE="unclosed:x@y',
        "TEL;;=;:",
        "NOTE;ENCODING=QUOTED-PRINTABLE:=C3=",
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=NOPE:=FF=",
        "PHOTO;ENCODING=b:!!!",
        "PHOTO:data:;base64,====",
        "BDAY:99999999",
        "item1.X-ABLabel:_$!<>!$_",
        " folded",
        "\tfolded",
        "",
        ":",
        "=",
        "\\",
        "CATEGORIES:,,,",
    ]
)


@given(st.lists(st.one_of(_fragments, st.text(max_size=20)), max_size=30))
@settings(max_examples=300)
def test_vcardish_text_never_raises(lines: list[str]) -> None:
    for item in _read("\r\n".join(lines)):
        assert isinstance(item, ContactRecord | SourceProblem)


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    for item in _read(b"BEGIN:VCARD\r\n" + data + b"\r\nEND:VCARD\r\n"):
        assert isinstance(item, ContactRecord | SourceProblem)
    for item in _read(data):
        assert isinstance(item, ContactRecord | SourceProblem)


def test_a_card_with_a_control_byte_is_one_skipped_card_not_a_rejected_file() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ana Lima\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bo\x00b\r\nEMAIL:bob@x.example\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Eve\r\nEMAIL:eve\x1b@x.example\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Raj Patel\r\nEND:VCARD\r\n"
    )
    ana, bob, eve, raj = _read(text)
    assert isinstance(ana, ContactRecord) and isinstance(raj, ContactRecord)
    assert str(bob) == (
        "cards.vcf: card 2 (line 5): a control character (U+0000) on line 7: card skipped"
    )
    assert str(eve) == (
        "cards.vcf: card 3 (line 10): a control character (U+001B) on line 13: card skipped"
    )
