"""IMAP reading against a real Dovecot: headers, flags, read-only access, incremental reads,
UIDVALIDITY changes, TLS and errors; plus the URL parser and folder-name encoding."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.errors import ImapError, KithkinError
from kithkin.sources.mail.imap import (
    ImapSession,
    ImapUrl,
    _fetched,
    decode_folder,
    encode_folder,
    list_folders,
    parse_imap_url,
    read_imap,
)
from kithkin.sources.mail.records import MessageRecord
from kithkin.sources.records import SourceProblem
from tests.sources.mail import dovecot
from tests.sources.mail.dovecot import PASSWORD, Dovecot

ANA = "Ana Lima <ana@kithkin.example>"


def _message(message_id: str, sender: str, subject: str, **fields: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ANA
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2024, 3, 4, 9, 30, tzinfo=UTC))
    message["Message-ID"] = f"<{message_id}>"
    for name, value in fields.items():
        message[name.replace("_", "-")] = value
    message.set_content("A body the reader never fetches.\n")
    return message


INBOX: list[dovecot.Seeded] = [
    (
        _message("intro@acme.example", "Jürgen Müller <juergen@acme.example>", "Lunch next week?"),
        "",
    ),
    (
        _message("cjk@tokyo.example", "田中 愛子 <aiko@tokyo.example>", "来週の打ち合わせについて"),
        "S",
    ),
    (
        _message(
            "reply@kithkin.example",
            ANA,
            "Re: Lunch next week?",
            In_Reply_To="<intro@acme.example>",
            References="<intro@acme.example>",
        ),
        "RS",
    ),
    (
        _message(
            "digest-42@digest.example",
            "Weekly Digest <news@digest.example>",
            "This week in venture",
            List_Id="Weekly Digest <digest.lists.example>",
            List_Unsubscribe="<mailto:leave@digest.example>, <https://digest.example/u/42>",
            List_Unsubscribe_Post="List-Unsubscribe=One-Click",
            Precedence="bulk",
        ),
        "",
    ),
    (_message("board@ventures.example", "Beatriz Sá <bea@ventures.example>", "Board seat"), "F"),
]
FOLDERS: dict[str, list[dovecot.Seeded]] = {
    "INBOX": INBOX,
    "Sent Items": [(_message("sent@kithkin.example", ANA, "Thanks!"), "S")],
    "Drafts": [(_message("draft@kithkin.example", ANA, "Intro: Bea ↔ Jürgen"), "D")],
    "Broken": [
        (_message("before@acme.example", ANA, "before"), "S"),
        (b"this first line is no header field\r\n\r\nbody\r\n", ""),
        (_message("after@acme.example", ANA, "after"), "S"),
    ],
}
UNSEEN = {"intro@acme.example": "", "digest-42@digest.example": "", "board@ventures.example": "F"}


@pytest.fixture(scope="module")
def server() -> Iterator[Dovecot]:
    dovecot.require()
    with dovecot.running(FOLDERS) as running:
        yield running


@pytest.fixture
def own_server() -> Iterator[Dovecot]:
    """A server for one test: Dovecot delays every login from an address that failed one."""
    dovecot.require()
    with dovecot.running({"INBOX": INBOX[:1]}) as running:
        yield running


def _records(items: list[MessageRecord | SourceProblem]) -> dict[str, MessageRecord]:
    assert all(isinstance(item, MessageRecord) for item in items), items
    return {item.message_id: item for item in items if isinstance(item, MessageRecord)}


def _append(admin: object, folder: str, message: EmailMessage, flags: str | None = None) -> None:
    typ, data = admin.append(f'"{folder}"', flags, None, message.as_bytes())  # type: ignore[attr-defined]
    assert typ == "OK", data


# --- reading ---------------------------------------------------------------------------------


def test_reads_every_message_with_its_headers_flags_and_folder(server: Dovecot) -> None:
    url = server.url("INBOX")
    records = _records(list(read_imap(url, password=PASSWORD)))
    assert set(records) == {
        "intro@acme.example",
        "cjk@tokyo.example",
        "reply@kithkin.example",
        "digest-42@digest.example",
        "board@ventures.example",
    }
    intro = records["intro@acme.example"]
    assert intro.from_ == (("Jürgen Müller", "juergen@acme.example"),)
    assert intro.to == (("Ana Lima", "ana@kithkin.example"),)
    assert intro.subject == "Lunch next week?"
    assert intro.date == datetime(2024, 3, 4, 9, 30, tzinfo=UTC)
    assert intro.folder == "INBOX"
    assert intro.size > 0
    assert intro.source_file.startswith(f"{url};UIDVALIDITY=")
    assert ";UID=" in intro.source_file
    cjk = records["cjk@tokyo.example"]
    assert cjk.subject == "来週の打ち合わせについて"
    assert cjk.from_ == (("田中 愛子", "aiko@tokyo.example"),)
    reply = records["reply@kithkin.example"]
    assert reply.in_reply_to == ("intro@acme.example",)
    assert reply.references == ("intro@acme.example",)
    digest = records["digest-42@digest.example"]
    assert (digest.list_id, digest.list_name) == ("digest.lists.example", "Weekly Digest")
    assert digest.list_unsubscribe == ("mailto:leave@digest.example", "https://digest.example/u/42")
    assert digest.list_unsubscribe_post == "List-Unsubscribe=One-Click"
    assert digest.precedence == "bulk"
    assert {mid: r.flags for mid, r in records.items()} == {
        **UNSEEN,
        "cjk@tokyo.example": "S",
        "reply@kithkin.example": "RS",
    }


def test_folders_with_spaces_and_drafts(server: Dovecot) -> None:
    (sent,) = read_imap(server.url("Sent%20Items"), password=PASSWORD)
    assert isinstance(sent, MessageRecord)
    assert (sent.folder, sent.flags, sent.subject) == ("Sent Items", "S", "Thanks!")
    (draft,) = read_imap(server.url("Drafts"), password=PASSWORD)
    assert isinstance(draft, MessageRecord)
    assert (draft.flags, draft.subject) == ("D", "Intro: Bea ↔ Jürgen")


def test_reading_marks_nothing_as_read(server: Dovecot) -> None:
    for _ in read_imap(server.url("INBOX"), password=PASSWORD, batch=2):
        pass
    with server.admin() as admin:
        admin.select("INBOX", readonly=True)
        typ, data = admin.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    assert typ == "OK"
    flags = {}
    for item in data:
        if isinstance(item, tuple):
            message_id = item[1].decode().split("<")[1].split(">")[0]
            flags[message_id] = item[0].decode()
    assert set(UNSEEN) <= set(flags)
    for message_id in UNSEEN:
        assert "\\Seen" not in flags[message_id], message_id


def test_batches_give_the_same_records_in_uid_order(server: Dovecot) -> None:
    whole = list(read_imap(server.url(), password=PASSWORD))
    assert list(read_imap(server.url(), password=PASSWORD, batch=2)) == whole
    uids = [int(r.source_file.rsplit("=", 1)[1]) for r in whole if isinstance(r, MessageRecord)]
    assert uids == sorted(uids)


def test_an_unreadable_message_is_a_problem_and_the_rest_is_read(server: Dovecot) -> None:
    url = server.url("Broken")
    out = list(read_imap(url, password=PASSWORD))
    problems = [item for item in out if isinstance(item, SourceProblem)]
    assert [r.subject for r in out if isinstance(r, MessageRecord)] == ["before", "after"]
    assert len(problems) == 1
    assert problems[0].source_file == url
    assert problems[0].place.startswith("uid ")
    assert "header" in problems[0].message


def test_incremental_reads_return_only_new_messages(server: Dovecot) -> None:
    with server.admin() as admin:
        admin.create('"Incremental"')
        _append(admin, "Incremental", _message("one@acme.example", ANA, "one"))
        _append(admin, "Incremental", _message("two@acme.example", ANA, "two"), "(\\Seen)")
    with ImapSession(server.url("Incremental"), password=PASSWORD) as session:
        first = _records(list(session.read()))
        state = session.state
    assert set(first) == {"one@acme.example", "two@acme.example"}
    assert first["two@acme.example"].flags == "S"
    assert state is not None
    assert (state.folder, state.reset) == ("Incremental", False)

    with server.admin() as admin:
        _append(admin, "Incremental", _message("three@acme.example", ANA, "three"))
    with ImapSession(server.url("Incremental"), password=PASSWORD) as session:
        new = session.read(since_uid=state.last_uid, uidvalidity=state.uidvalidity)
        assert set(_records(list(new))) == {"three@acme.example"}
        later = session.state
    assert later is not None
    assert later.uidvalidity == state.uidvalidity
    assert later.last_uid > state.last_uid
    assert not later.reset
    # Nothing new: nothing read, and the state stays where it was.
    with ImapSession(server.url("Incremental"), password=PASSWORD) as session:
        assert list(session.read(since_uid=later.last_uid, uidvalidity=later.uidvalidity)) == []
        assert session.state == later
    # read_imap takes the same two values
    url = server.url("Incremental")
    new = read_imap(url, password=PASSWORD, since_uid=state.last_uid, uidvalidity=state.uidvalidity)
    assert set(_records(list(new))) == {"three@acme.example"}


def test_a_new_uidvalidity_means_everything_is_read_again(server: Dovecot) -> None:
    with server.admin() as admin:
        admin.create('"Recreated"')
        _append(admin, "Recreated", _message("old@acme.example", ANA, "old"))
    with ImapSession(server.url("Recreated"), password=PASSWORD) as session:
        assert set(_records(list(session.read()))) == {"old@acme.example"}
        state = session.state
    assert state is not None
    with server.admin() as admin:
        admin.delete('"Recreated"')
        admin.create('"Recreated"')
        _append(admin, "Recreated", _message("new@acme.example", ANA, "new"))
        _append(admin, "Recreated", _message("newer@acme.example", ANA, "newer"))
    with ImapSession(server.url("Recreated"), password=PASSWORD) as session:
        again = session.read(since_uid=state.last_uid, uidvalidity=state.uidvalidity)
        assert set(_records(list(again))) == {
            "new@acme.example",
            "newer@acme.example",
        }
        fresh = session.state
    assert fresh is not None
    assert fresh.reset
    assert fresh.uidvalidity != state.uidvalidity


def test_folder_names_travel_in_modified_utf7(server: Dovecot) -> None:
    with server.admin() as admin:
        admin.create('"Gesch&AOQ-ft"')
        _append(admin, "Gesch&AOQ-ft", _message("deal@acme.example", ANA, "Deal"))
    folders = list_folders(server.url(), PASSWORD)
    assert {"INBOX", "Sent Items", "Drafts", "Broken", "Geschäft"} <= set(folders)
    (deal,) = read_imap(server.url("Gesch%C3%A4ft"), password=PASSWORD)
    assert isinstance(deal, MessageRecord)
    assert deal.folder == "Geschäft"


# --- TLS -------------------------------------------------------------------------------------


def test_imaps_with_the_test_ca(server: Dovecot) -> None:
    records = list(
        read_imap(server.url(tls=True), password=PASSWORD, ssl_context=server.ssl_context())
    )
    assert len(_records(records)) == len(INBOX)


def test_imaps_without_the_test_ca_is_refused(server: Dovecot) -> None:
    with pytest.raises(ImapError) as caught:
        list(read_imap(server.url(tls=True), password=PASSWORD))
    message = str(caught.value)
    assert message.startswith(server.url(tls=True))
    assert "certificate" in message
    assert "\n" not in message


def test_starttls_on_plain_imap(server: Dovecot) -> None:
    with ImapSession(
        server.url(), password=PASSWORD, ssl_context=server.ssl_context(), starttls=True
    ) as session:
        assert len(_records(list(session.read()))) == len(INBOX)
    with (
        pytest.raises(ImapError, match="certificate"),
        ImapSession(
            server.url(), password=PASSWORD, ssl_context=ssl.create_default_context(), starttls=True
        ),
    ):
        pass


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("user", [dovecot.USER, "mallory"])
def test_a_refused_login_is_one_line_without_the_password(own_server: Dovecot, user: str) -> None:
    server = own_server
    wrong = PASSWORD + "-wrong"
    with pytest.raises(ImapError) as caught:
        list(read_imap(server.url(user=user), password=wrong))
    message = str(caught.value)
    assert isinstance(caught.value, KithkinError)
    assert message.startswith(server.url(user=user))
    assert "login refused" in message
    assert "\n" not in message
    assert PASSWORD not in message


def test_a_missing_folder(server: Dovecot) -> None:
    with pytest.raises(ImapError, match=r"/Nowhere: cannot open the folder"):
        list(read_imap(server.url("Nowhere"), password=PASSWORD))


def test_nothing_listening() -> None:
    port = dovecot._free_port()
    with pytest.raises(ImapError, match=r"cannot connect: Connection refused"):
        list(read_imap(f"imap://ana@127.0.0.1:{port}/", password="x"))


# --- URLs and folder names -------------------------------------------------------------------


def test_parse_imap_url() -> None:
    assert parse_imap_url("imaps://ana@mail.example") == ImapUrl(
        tls=True, user="ana", host="mail.example", port=993, folder="INBOX"
    )
    assert parse_imap_url("IMAP://ana%40corp.example@[::1]:1143/Archive/2023") == ImapUrl(
        tls=False, user="ana@corp.example", host="::1", port=1143, folder="Archive/2023"
    )
    assert parse_imap_url("imaps://a@b@Mail.Example/Sent%20Items").user == "a@b"
    assert str(parse_imap_url("imaps://ana@mail.example:993/")) == "imaps://ana@mail.example/INBOX"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("https://ana@mail.example/", "not an IMAP URL"),
        ("imaps://mail.example/", "names no user"),
        ("imaps://ana@/INBOX", "names no host"),
        ("imaps://ana@mail.example:99999/", "bad port"),
        ("imaps://ana@mail.example:x/", "bad port"),
        ("imaps://ana@[::1/", "malformed host"),
        ("imaps://ana@mail.example/%FF", "not UTF-8"),
        ("imaps://ana@mail.example/a%0Ab", "control characters"),
    ],
)
def test_bad_urls(url: str, error: str) -> None:
    with pytest.raises(ImapError, match=error):
        parse_imap_url(url)


def test_a_password_in_the_url_is_refused_and_not_repeated() -> None:
    with pytest.raises(ImapError) as caught:
        parse_imap_url("imaps://ana:hunter2@mail.example/INBOX")
    assert "hunter2" not in str(caught.value)
    assert "imaps://ana:***@mail.example/INBOX" in str(caught.value)


_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_hosts = st.one_of(
    st.lists(_label, min_size=1, max_size=4).map(".".join),
    st.ip_addresses().map(str),
)
_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20)


@given(
    tls=st.booleans(),
    user=_text,
    host=_hosts,
    port=st.integers(1, 65535),
    folder=_text.filter(lambda f: not f.endswith("/")),
)
def test_urls_round_trip(tls: bool, user: str, host: str, port: int, folder: str) -> None:
    url = ImapUrl(tls=tls, user=user, host=host, port=port, folder=folder)
    assert parse_imap_url(str(url)) == url


@pytest.mark.parametrize(
    ("name", "encoded"),
    [("INBOX", "INBOX"), ("Geschäft", "Gesch&AOQ-ft"), ("R&D", "R&-D"), ("日本語", "&ZeVnLIqe-")],
)
def test_folder_encoding_examples(name: str, encoded: str) -> None:
    assert encode_folder(name) == encoded
    assert decode_folder(encoded) == name


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_folder_encoding_round_trips(name: str) -> None:
    encoded = encode_folder(name)
    assert encoded.isascii()
    assert decode_folder(encoded) == name


def test_plain_imap_port_with_imaps(server: Dovecot) -> None:
    url = f"imaps://ana@127.0.0.1:{server.imap_port}/"
    with pytest.raises(ImapError, match="does not speak TLS on this port"):
        list(read_imap(url, password=PASSWORD))


def test_a_message_without_date_gets_the_servers_arrival_time(server: Dovecot) -> None:
    message = _message("undated@acme.example", ANA, "undated")
    del message["Date"]
    arrived = datetime(2023, 11, 5, 8, 15, 30, tzinfo=UTC)
    with server.admin() as admin:
        admin.create('"Undated"')
        typ, data = admin.append('"Undated"', None, arrived, message.as_bytes())
        assert typ == "OK", data
    (record,) = read_imap(server.url("Undated"), password=PASSWORD)
    assert isinstance(record, MessageRecord)
    assert (record.date, record.date_estimated) == (arrived, True)
    assert record.date_problem is not None
    assert "INTERNALDATE" in record.date_problem


# --- FETCH answers as other servers shape them -----------------------------------------------


def test_fetch_answers_in_other_orders() -> None:
    header = b"From: a@b.example\r\nSubject: hi\r\n\r\n"
    data = [
        # flags and size after the literal, as some servers send them
        (b"1 (UID 7 BODY[HEADER] {34}", header),
        b' INTERNALDATE "05-Nov-2023 09:15:30 +0100"'
        b" FLAGS (\\Seen \\Answered $Label1) RFC822.SIZE 90)",
        # an unsolicited flag update without a header
        b"2 (UID 8 FLAGS (\\Flagged))",
        # a header sent as a quoted string
        b'3 (UID 9 FLAGS (\\Draft) BODY[HEADER] "Subject: \\"q\\"\r\n\r\n")',
        None,
    ]
    fetched = {f.uid: f for f in _fetched(data)}
    assert fetched[7].header == header
    assert (fetched[7].flags, fetched[7].size) == ("RS", 90)
    assert fetched[7].internal_date == datetime(2023, 11, 5, 8, 15, 30, tzinfo=UTC)
    assert (fetched[8].flags, fetched[8].header) == ("F", None)
    assert (fetched[9].flags, fetched[9].header) == ("D", b'Subject: "q"\r\n\r\n')
