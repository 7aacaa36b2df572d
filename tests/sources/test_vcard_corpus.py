"""Every real vCard in ../shared/data/contacts/vcards, read and checked field by field.

The files come from the test suites of ez-vcard (exports of real clients: iPhone, Android,
BlackBerry, Outlook 2003/2007, Lotus Notes, Evolution, Gmail, Mac Address Book, Thunderbird),
KDE kcontacts and Android's vCard library. Each expectation below was checked by reading the
file. Totals: 72 files, 88 cards: 86 records, 2 problems (two cards with nothing to import).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kithkin.sources.records import ContactRecord, Labelled, SourceProblem
from kithkin.sources.vcard import read_vcards
from kithkin.sources.vcard_lex import (
    Prop,
    card_props,
    finish,
    logical_lines,
    parse_line,
    simple_line,
    split_cards,
    vobject_line,
)
from tests.conftest import shared_data

pytestmark = pytest.mark.corpus

L = Labelled
PROBLEM = {"problem": True}

EXPECTED: dict[str, list[dict[str, Any]]] = {
    "android-vcard/v21_adr_multiple_line.vcf": [
        {"family_name": "bogus", "urls": (L("http://bogus.com/"),), "birthday": date(2008, 12, 3)}
    ],
    "android-vcard/v21_android_custom_prop.vcf": [PROBLEM],
    "android-vcard/v21_backslash.vcf": [{"display_name": "A;B\\C;D:E\\", "given_name": "A;B\\"}],
    "android-vcard/v21_base64_no_2_crlf.vcf": [
        {"display_name": "fullname", "photo": ("image/jpeg", 3888)}
    ],
    "android-vcard/v21_blackberry_photo.vcf": [
        {
            "display_name": "boogie",
            "emails": (L("forrestgump@walladalla.com"),),
            "phones": (L("+5555555", "work"), L("+5555556", "mobile")),
            "photo": ("image/png", 2056),
        }
    ],
    "android-vcard/v21_complicated.vcf": [
        {
            "display_name": "Joe Due",
            "given_name": "Forrest",
            "family_name": "Gump",
            "organisation": "Gump Shrimp Co.",
            "title": "Shrimp Man",
            "emails": (L("forrestgump@walladalla.com"), L("cell@example.com", "mobile")),
            "phones": (
                L("(111) 555-1212", "work"),
                L("(404) 555-1212", "home"),
                L("0311111111", "mobile"),
                L("0322222222", "video"),
                L("0333333333"),
            ),
            "notes": (
                "The following note is the example from RFC 2045.",
                "Now's the time for all folk to come to the aid of their country.",
            ),
            "photo": ("image/jpeg", 3888),
            "birthday": date(1980, 1, 1),
        }
    ],
    "android-vcard/v21_im.vcf": [{"nickname": "Nick", "handles": (L("hhh@gmail.com", "gtalk"),)}],
    "android-vcard/v21_invalid_comment_line.vcf": [
        {
            "source_id": "357",
            "display_name": "Conference Call",
            "notes": ("This is an (sharp ->#<- sharp) example. This message must NOT be ignored.",),
        }
    ],
    "android-vcard/v21_invalid_multiple_line.vcf": [
        {"display_name": "Omega", "emails": (L("omega@example.com"),)}
    ],
    "android-vcard/v21_japanese_1.vcf": [
        {"family_name": "安藤ロイド", "phones": (L("0300000000"),)}
    ],
    "android-vcard/v21_japanese_2.vcf": [
        {"display_name": "安藤 ロイド 1", "given_name": "ロイド1", "notes": ("メモ",)}
    ],
    "android-vcard/v21_japanese_3.vcf": [{"display_name": "伊能 圭一 伊予", "family_name": "伊能"}],
    "android-vcard/v21_malformed_photo.vcf": [{"display_name": "fullname", "photo": None}],
    "android-vcard/v21_multiple_entry.vcf": [
        {
            "family_name": "安藤ロイド3",
            "phones": (
                L("9", "X-NEC-SECRET"),
                L("10", "X-NEC-HOTEL"),
                L("11", "X-NEC-SCHOOL"),
                L("12", "home fax"),
            ),
        },
        {"family_name": "安藤ロイド4", "place": "card 2 (line 12)"},
        {"family_name": "安藤ロイド5", "place": "card 3 (line 23)"},
    ],
    "android-vcard/v21_nest.vcf": [
        {"family_name": "parent", "phones": (L("1"),)},
        {"family_name": "nest1"},
        {"family_name": "nest2"},
    ],
    "android-vcard/v21_org_before_title.vcf": [
        {"organisation": "Company", "title": "Excellent Janitor"}
    ],
    "android-vcard/v21_pref_handling.vcf": [
        {
            "organisation": "Company",
            "title": "Engineer",
            "emails": (L("test@example.com", "home"), L("test2@examination.com", "mobile")),
            "phones": (L("1", "home"), L("2", "work"), L("3", "isdn")),
        }
    ],
    "android-vcard/v21_simple_1.vcf": [{"display_name": "Roid Ando", "given_name": "Roid"}],
    "android-vcard/v21_simple_2.vcf": [{"display_name": "Ando Roid", "given_name": None}],
    "android-vcard/v21_simple_3.vcf": [{"display_name": "Ando Roid", "family_name": "Ando"}],
    "android-vcard/v21_sip.vcf": [{"handles": (L("888", "sip"), L("sip:90-180-360", "sip"))}],
    "android-vcard/v21_title_before_org.vcf": [
        {"organisation": "Marverous", "title": "Cool Title"}
    ],
    "android-vcard/v21_winmo_65.vcf": [{"display_name": "Example"}],
    "android-vcard/v21_x_android_custom_after_photo.vcf": [
        {"photo": ("image/png", 2056), "birthday": date(1975, 8, 20)}
    ],
    "android-vcard/v21_x_param.vcf": [
        {
            "emails": (
                L("email@example.com", "X-cUstomPrOperty"),
                L("email2@example.com", "CUSTOMPROPERTYWITHOUTX"),
            ),
            "phones": (L("1", "X-CuStoMpRop"), L("2", "custompropertywithoutx")),
        }
    ],
    "android-vcard/v30_comma_separated.vcf": [{"given_name": "G", "family_name": "F"}],
    "android-vcard/v30_ios_613_multiline.vcf": [
        {
            "display_name": "Bob Smith",
            "organisation": "Smith Auto Repair",
            "emails": (L("bob@smithauto.com"),),
            "phones": (L("(650) 555-1212", "mobile"),),
            "urls": (L("www.smithauto.com", "homepage"),),
            "photo": ("image/jpeg", 5165),
        }
    ],
    "android-vcard/v30_japanese.vcf": [{"given_name": "圭一", "family_name": "伊能"}],
    "android-vcard/v30_multibyte_param.vcf": [{"phones": (L("1", "费"),)}],
    "android-vcard/v30_pager.vcf": [{"phones": (L("6101231234@pagersample.com", "work pager"),)}],
    "android-vcard/v30_pause_wait.vcf": [{"phones": (L("p1234p5678w9"),)}],
    "android-vcard/v30_simple.vcf": [{"display_name": "And Roid", "organisation": "Open"}],
    "android-vcard/v30_sip.vcf": [{"handles": (L("sip:android@android.example.com"),)}],
    "android-vcard/v40_sip.vcf": [
        {"phones": (L("1", "home"),), "handles": (L("sip:example@example.com", "sip"),)}
    ],
    "android-vcard/v40_sort_as.vcf": [{"display_name": "安藤 ロイド", "organisation": "グーグル"}],
    "ez-vcard/John_Doe_ANDROID.vcf": [
        {"emails": (L("john.doe@company.com"),), "tags": ("My Contacts",)},
        {"emails": (L("jane.doe@company.com"),)},
        {"display_name": "Ñ Ñ Ñ Ñ Ñ", "phones": (L("123456789", "mobile"),)},
        {
            "family_name": "Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ",
            "notes": ("Ñ Ñ Ñ Ñ Ñ Ñ Ñ ÑÑ Ñ Ñ Ñ Ñ Ñ Ñ ÑÑ Ñ Ñ Ñ Ñ",) * 2,
        },
        {
            "organisation": "ÑÑÑÑÑÑÑÑÑÑÑÑ",
            "photo": None,
            "urls": (L("www.company.com"), L("http://www.company.com")),
        },
        {
            "display_name": "ÑÑÑÑ",
            "emails": (L("henry@company.com"),),
            "phones": (L("55556666", "mobile"),),
        },
    ],
    "ez-vcard/John_Doe_BLACK_BERRY.vcf": [
        {
            "display_name": "John Doe",
            "organisation": "Acme Solutions",
            "photo": ("image/jpeg", 1674),
        }
    ],
    "ez-vcard/John_Doe_EVOLUTION.vcf": [
        {
            "source_id": "477343c8e6bf375a9bac1f96a5000837",
            "display_name": "Mr. John Richter, James Doe Sr.",
            "nickname": "Johny",
            "organisation": "IBM",
            "title": "Money Counter",
            "emails": (L("john.doe@ibm.com", "work"),),
            "phones": (L("905-666-1234", "mobile"), L("905-555-1234", "work")),
            "handles": (L("johnny5@aol.com", "aim"),),
            "tags": ("VIP",),
            "birthday": date(1980, 3, 22),
        }
    ],
    "ez-vcard/John_Doe_GMAIL.vcf": [
        {
            "display_name": "Mr. John Richter, James Doe Sr.",
            "emails": (L("john.doe@ibm.com", "home"),),
            "urls": (L("http://www.ibm.com", "work"),),
            "birthday": date(1980, 3, 22),
        }
    ],
    "ez-vcard/John_Doe_IPHONE.vcf": [
        {
            "display_name": "Mr. John Richter James Doe Sr.",
            "given_name": "John",
            "family_name": "Doe",
            "organisation": "IBM",
            "emails": (L("john.doe@ibm.com"),),
            "phones": (
                L("905-555-1234", "mobile"),
                L("905-666-1234", "home"),
                L("905-777-1234", "work"),
                L("905-888-1234", "home fax"),
                L("905-999-1234", "work fax"),
                L("905-111-1234", "pager"),
                L("905-222-1234", "assistant"),
            ),
            "urls": (L("http://www.ibm.com", "homepage"),),
            "photo": ("image/jpeg", 32531),
            "birthday": date(2012, 6, 6),
        }
    ],
    "ez-vcard/John_Doe_LOTUS_NOTES.vcf": [
        {
            "source_id": "0e7602cc-443e-4b82-b4b1-90f62f99a199",
            "nickname": "Johny,JayJay",
            "organisation": "IBM",
            "title": "Generic Accountant",
            "emails": (L("john.doe@ibm.com", "work"), L("billy_bob@gmail.com", "work")),
            "urls": (L("http://www.sun.com", "homepage"),),
            "photo": ("image/jpeg", 7957),
        }
    ],
    "ez-vcard/John_Doe_MAC_ADDRESS_BOOK.vcf": [
        {"display_name": "Mr. John Richter,James Doe Sr.", "photo": ("image/jpeg", 18242)}
    ],
    "ez-vcard/John_Doe_MS_OUTLOOK.vcf": [
        {
            "emails": (L("john.doe@ibm.cm"),),
            "phones": (L("(905) 555-1234", "work"), L("(905) 666-1234", "home")),
            "handles": (L("johny5@aol.com", "im"),),
            "photo": ("image/jpeg", 860),
            "birthday": date(1980, 3, 22),
        }
    ],
    "ez-vcard/fullcontact.vcf": [
        {
            "nickname": "NickName",
            "organisation": "Organization1",
            "title": "Title1",
            "emails": (
                L("home@example.com", "home"),
                L("work@example.com", "work"),
                L("school@example.com", "school"),
                L("other@example.com", "other"),
                L("custom@example.com", "customtype"),
            ),
            "handles": (
                L("xmpp:gtalk", "GTalk"),
                L("skype:skype", "Skype"),
                L("ymsgr:yahoo", "Yahoo"),
                L("aim:aim", "AIM"),
                L("xmpp:jabber", "Jabber"),
                L("other:other", "Other"),
                L("customtype:custom", "CustomTYPE"),
            ),
            "tags": ("Tag",),
            "notes": ("Notes line 1\nNotes line 2",),
            "photo": ("text/uri", 78),
            "birthday": date(2016, 8, 1),
        }
    ],
    "ez-vcard/gmail-list.vcf": [
        {"display_name": "Arnold Smith", "emails": (L("asmithk@gmail.com"),)},
        {"display_name": "Chris Beatle", "emails": (L("chrisy55d@yahoo.com"),)},
        {"display_name": "Doug White", "emails": (L("dwhite@gmail.com"),)},
    ],
    "ez-vcard/gmail-single.vcf": [
        {
            "nickname": "Gman",
            "phones": (L("555 555 1111", "mobile"), L("555 555 2222", "GRAND_CENTRAL")),
            "urls": (L("http://TheProfile.com", "PROFILE"),),
            "handles": (L("123456789", "icq"),),
            "birthday": date(1960, 9, 10),
        }
    ],
    "ez-vcard/gmail-single2.vcf": [
        {
            "emails": (
                L("email@example.com"),
                L("homeemail@example.com", "home"),
                L("workemail@example.com", "work"),
                L("otheremail@example.com"),
                L("customcategory@example.com", "CustomEmailCategory"),
            ),
            "handles": (
                L("IM2", "gtalk"),
                L("IM3", "aim"),
                L("IM4", "yahoo"),
                L("IM5", "skype"),
                L("IM6", "qq"),
                L("IM7", "msn"),
                L("IM8", "icq"),
                L("IM9", "jabber"),
            ),
            "birthday": date(1912, 6, 23),
        }
    ],
    "ez-vcard/issue114.vcf": [
        {
            "source_id": "8b574c60-fd7f-4e99-b584-c5db131ae687",
            "display_name": "Dummy, Dummy",
            "phones": (L("+49 1234 56789", "mobile"), L("+49 9876 54321", "work")),
        }
    ],
    "ez-vcard/outlook-2003.vcf": [
        {
            "organisation": "Company, The",
            "notes": ("This is the note field!!\nSecond line\n\nThird line is empty",),
            "birthday": date(1980, 3, 21),
        }
    ],
    "ez-vcard/outlook-2007.vcf": [
        {
            "display_name": "Mr. Michael Angstadt Jr.",
            "emails": (L("mike.angstadt@gmail.com"),),
            "handles": (L("im@aim.com", "im"),),
        }
    ],
    "ez-vcard/rfc2426-example.vcf": [
        {
            "display_name": "Frank Dawson",
            "phones": (L("+1-919-676-9515", "work"), L("+1-919-676-9564", "work fax")),
        },
        {"display_name": "Tim Howes", "organisation": "Netscape Communications Corp."},
    ],
    "ez-vcard/rfc6350-example.vcf": [
        {
            "organisation": "Viagenie",
            "emails": (L("simon.perreault@viagenie.ca", "work"),),
            "phones": (L("+1-418-656-9254;ext=102", "work"), L("+1-418-262-6501", "work mobile")),
            "birthday": None,  # "--0203" has no year
        }
    ],
    "ez-vcard/thunderbird-MoreFunctionsForAddressBook-extension.vcf": [
        {"tags": ("category1", "category2", "category3"), "photo": ("image/jpeg", 8940)}
    ],
    "kde-kcontacts/testfullvcard.vcf": [
        {
            "source_id": "urn:uuid:b8767877-b4a1-4c70-9acc-505d3819e519",
            "tags": ("FICTION", "LITERATURE"),
            "handles": (L("xmpp:detective@sherlockholmes.com"),),
            "birthday": date(1953, 10, 15),
            "photo": None,
        }
    ],
    "kde-kcontacts/vcard1.vcf": [{"source_id": "gDVbA6LY3t", "display_name": "Frank Dawson"}],
    "kde-kcontacts/vcard10.vcf": [
        {"organisation": "Bike Shop", "display_name": None},
        {"display_name": "Field after Address broken", "urls": (L("http://some-webseite.com"),)},
        {
            "display_name": "Field after Address not broken",
            "urls": (L("http://some-webseite.com"),),
        },
        {"title": "Facharzt für Allgemeinmedizin"},
        {"title": "Dentist", "organisation": None},
    ],
    "kde-kcontacts/vcard11.vcf": [
        {"emails": (L("thejoe@abc.com", "home"), L("johndoe@abc.com", "work"))}
    ],
    "kde-kcontacts/vcard12.vcf": [{"photo": ("image/png", 159)}],
    "kde-kcontacts/vcard13.vcf": [{"urls": (L("test1.url"), L("test2.url"))}],
    "kde-kcontacts/vcard14.vcf": [{"source_id": "uJTkVqH5Qt"}],
    "kde-kcontacts/vcard15.vcf": [{"urls": (L("http://www.example.com", "random_label"),)}],
    "kde-kcontacts/vcard2.vcf": [{"display_name": "Tim Howes"}],
    "kde-kcontacts/vcard3.vcf": [{"display_name": "ian geiser", "organisation": "Source eXtreme"}],
    "kde-kcontacts/vcard4.vcf": [
        {"display_name": None, "organisation": "Ximian, Inc.", "emails": (L("hello@ximian.com"),)}
    ],
    "kde-kcontacts/vcard5.vcf": [
        {
            "display_name": "Mustermann, Heiko",
            "nickname": "clown",
            "title": "Developer",
            "tags": ("Friend",),
            "notes": ("I'm a friendly note text,\nplease copy me to your address book...",),
            "photo": ("image/png", 3732),
            "birthday": date(1955, 7, 19),
        }
    ],
    "kde-kcontacts/vcard6.vcf": [{"emails": (L("email1@abc.de"), L("email2@abc.de"))}],
    "kde-kcontacts/vcard7.vcf": [PROBLEM],
    "kde-kcontacts/vcard8.vcf": [{"notes": ("line one\nline two\nline three",)}],
    "kde-kcontacts/vcard9.vcf": [
        {
            "notes": (
                "Длинный комментарий на русском языке, чтобы в результате получилась строка более"
                " 70 символов.",
            )
        }
    ],
    "kde-kcontacts/vcard_extension_case_normalization.vcf": [
        {"urls": (L("https://my.blog/", "blog"),)}
    ],
    "kde-kcontacts/vcard_legacy_messaging_fields.vcf": [
        {
            "handles": (
                L("kdecommunity", "twitter"),
                L("konqui", "irc"),
                L("one@test.org", "xmpp"),
                L("two@test.org", "xmpp"),
            )
        }
    ],
    "kde-kcontacts/vcardwithitemasapplesupport.vcf": [
        {"organisation": "SOME COMPANY", "given_name": "SOMENAME", "notes": ("SOME NOTES",)}
    ],
}


def _corpus() -> Path:
    return shared_data("contacts", "vcards")


def _files() -> list[Path]:
    return sorted(_corpus().rglob("*.vcf"))


def test_every_file_is_checked() -> None:
    names = {str(p.relative_to(_corpus())) for p in _files()}
    assert len(names) == 72
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_file_reads_as_expected(name: str) -> None:
    path = shared_data("contacts", "vcards", *name.split("/"))
    results = list(read_vcards(path.read_bytes(), name))
    expected = EXPECTED[name]
    assert len(results) == len(expected)
    for result, facts in zip(results, expected, strict=True):
        if facts.get("problem"):
            assert isinstance(result, SourceProblem)
            assert result.source_file == name and result.place.startswith("card ")
            continue
        assert isinstance(result, ContactRecord), result
        assert result.source == "vcard" and result.source_file == name
        assert result.raw.upper().startswith("BEGIN:VCARD")
        for field, value in facts.items():
            actual = getattr(result, field)
            if field == "photo" and value is not None:
                assert actual is not None
                actual = (actual.media_type, len(actual.data))
            assert actual == value, field


def test_the_totals() -> None:
    records = problems = 0
    for path in _files():
        for result in read_vcards(path.read_bytes(), path.name):
            if isinstance(result, SourceProblem):
                problems += 1
            else:
                records += 1
    assert (records, problems) == (86, 2)


def test_vobject_reads_all_but_a_handful_of_lines() -> None:
    refused: dict[str, int] = {}
    for path in _files():
        for raw in split_cards(path.read_bytes()):
            _, count = card_props(logical_lines(raw))
            if count:
                refused[f"{path.name}#{raw.number}"] = count
    assert refused == {
        "v21_adr_multiple_line.vcf#1": 2,  # a street continued on lines of its own
        "v21_invalid_comment_line.vcf#1": 2,  # "# ..." comment lines
        "John_Doe_ANDROID.vcf#6": 1,  # an ORG whose quoted-printable is not valid UTF-8
        "vcard4.vcf#1": 1,  # "FN" without a colon
        "vcard_legacy_messaging_fields.vcf#1": 3,  # "X-messaging/xmpp-All"
    }


def test_the_lenient_parser_agrees_with_vobject_on_every_corpus_line() -> None:
    compared = 0
    for path in _files():
        for raw in split_cards(path.read_bytes()):
            for line in logical_lines(raw):
                by_vobject = vobject_line(line.text)
                if by_vobject is None:
                    continue
                lenient = parse_line(line.text)
                assert lenient is not None
                assert finish(Prop(1, *lenient)) == finish(Prop(1, *by_vobject)), path.name
                compared += 1
    assert compared > 900


def test_the_fast_reader_reads_most_corpus_lines_and_each_as_vobject_does() -> None:
    fast = slow = 0
    for path in _files():
        for raw in split_cards(path.read_bytes()):
            for line in logical_lines(raw):
                read = simple_line(line.text)
                if read is None:
                    slow += 1
                    continue
                fast += 1
                by_vobject = vobject_line(line.text)
                assert by_vobject is not None, (path.name, line.text)
                assert finish(Prop(1, *read)) == finish(Prop(1, *by_vobject)), path.name
    assert fast > 10 * slow
