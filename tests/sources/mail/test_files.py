"""Message files, alone or in folders of any layout; the Enron, SpamAssassin, cip and CPython
corpora (the last compared with the stdlib `email` package, differences explained)."""

from __future__ import annotations

import email
import os
from collections import Counter
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path

import pytest

from kithkin.sources.mail import MessageRecord, SourceProblem, read_mail, read_many, walk
from kithkin.sources.mail.files import READ_SIZE, read_message_file
from tests.conftest import shared_data

MESSAGE = b"From: Dana <dana@example.org>\nSubject: hello\nMessage-ID: <1@x>\n\nbody\n"


def one(path: Path) -> MessageRecord | SourceProblem:
    (item,) = list(read_mail(path))
    return item


def test_a_single_message_file(tmp_path: Path) -> None:
    path = tmp_path / "note.eml"
    path.write_bytes(MESSAGE)
    found = one(path)
    assert isinstance(found, MessageRecord)
    assert (found.source_file, found.offset, found.length) == (str(path), 0, len(MESSAGE))
    assert (found.folder, found.subject, found.message_id) == (tmp_path.name, "hello", "1@x")


def test_a_file_with_an_mbox_envelope_is_one_message(tmp_path: Path) -> None:
    path = tmp_path / "00001.txt"
    envelope = b"From dana@example.org  Thu Aug 22 12:36:23 2002\n"
    path.write_bytes(envelope + MESSAGE.replace(b"Message-ID: <1@x>\n", b""))
    found = one(path)
    assert isinstance(found, MessageRecord)
    assert found.folder == tmp_path.name  # a message file, not an mbox folder of its own
    assert found.size == len(MESSAGE) - len(b"Message-ID: <1@x>\n")
    assert found.date == datetime(2002, 8, 22, 12, 36, 23, tzinfo=UTC) and found.date_estimated


def test_an_eml_file_that_holds_a_patch_mbox_is_still_one_message(tmp_path: Path) -> None:
    inner = b"From 0123abc Mon Sep 17 00:00:00 2001\nFrom: a@b\nSubject: [PATCH] x\n\ndiff\n"
    path = tmp_path / "with-patch.eml"
    path.write_bytes(b"From dana@x Sat Feb  5 09:19:10 2022\n" + MESSAGE + b"\n" + inner)
    assert [r.subject for r in read_mail(path)] == ["hello"]  # type: ignore[union-attr]
    (tmp_path / "box").write_bytes(path.read_bytes())  # no .eml: read as the mbox it is
    assert [r.subject for r in read_mail(tmp_path / "box")] == ["hello", "[PATCH] x"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"Just some notes, no header\n\nmore\n", "not a mail message"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a mail message"),
        (b"\nFrom: a@b\n", "not a mail message"),
    ],
)
def test_files_that_are_not_messages_are_problems(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "x"
    path.write_bytes(data)
    problem = one(path)
    assert isinstance(problem, SourceProblem)
    assert problem.source_file == str(path) and problem.place == "file"
    assert problem.message.startswith(message)


def test_unopenable_files_are_problems(tmp_path: Path) -> None:
    problem = read_message_file(str(tmp_path / "gone"), folder="x")
    assert isinstance(problem, SourceProblem) and problem.message.startswith("cannot be opened")


def test_a_header_longer_than_the_first_read_and_one_without_a_body(tmp_path: Path) -> None:
    long = tmp_path / "long"
    pad = b"X-Pad: " + b"y" * (READ_SIZE * 2) + b"\n"
    long.write_bytes(pad + MESSAGE)
    found = one(long)
    assert isinstance(found, MessageRecord) and found.subject == "hello"
    assert found.length == found.size == len(pad + MESSAGE)
    bare = tmp_path / "bare"
    bare.write_bytes(b"From: a@b\r\nSubject: no body")
    found = one(bare)
    assert isinstance(found, MessageRecord) and found.subject == "no body"


def test_an_undated_file_takes_its_modification_time(tmp_path: Path) -> None:
    path = tmp_path / "msg"
    path.write_bytes(MESSAGE)
    os.utime(path, (1_600_000_000, 1_600_000_000))
    found = one(path)
    assert isinstance(found, MessageRecord)
    assert found.date == datetime.fromtimestamp(1_600_000_000, UTC)
    assert found.date_problem == "no Date field; date taken from the file's modification time"


def test_a_folder_of_files_in_any_layout(tmp_path: Path) -> None:
    for user, numbers in (("lay-k", (1, 2, 10)), ("beck-s", (3,))):
        for number in numbers:
            folder = tmp_path / "maildir" / user / "inbox"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{number}.").write_bytes(MESSAGE.replace(b"1@x", b"%d@x" % number))
    (tmp_path / "maildir" / "README").write_bytes(b"A corpus.\n")
    (tmp_path / "maildir" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    items = list(read_mail(tmp_path / "maildir"))
    assert [(getattr(i, "folder", None), getattr(i, "message_id", None)) for i in items] == [
        (None, None),  # README: a problem, named
        ("beck-s/inbox", "3@x"),
        ("lay-k/inbox", "1@x"),
        ("lay-k/inbox", "2@x"),
        ("lay-k/inbox", "10@x"),
    ]
    assert isinstance(items[0], SourceProblem) and items[0].source_file.endswith("README")


def test_an_unlistable_folder_is_a_problem_and_the_rest_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "1").write_bytes(MESSAGE)
    listing = walk._Walk._list

    def refuse(self: walk._Walk, directory: str) -> walk._Listing:
        if directory.endswith("a"):
            raise PermissionError(13, "Permission denied")
        return listing(self, directory)

    monkeypatch.setattr(walk._Walk, "_list", refuse)
    problem, found = list(read_mail(tmp_path))
    assert isinstance(problem, SourceProblem) and problem.place == "folder"
    assert "Permission denied" in problem.message
    assert isinstance(found, MessageRecord) and found.folder == "b"


def test_a_missing_path_is_a_problem(tmp_path: Path) -> None:
    problem = one(tmp_path / "nothing here")
    assert isinstance(problem, SourceProblem) and "cannot be read" in problem.message


# --- Enron ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def enron() -> list[MessageRecord | SourceProblem]:
    return list(read_mail(shared_data("mail", "enron-inbox")))


@pytest.mark.corpus
def test_enron_every_message_read(enron: list[MessageRecord | SourceProblem]) -> None:
    problems = [item for item in enron if isinstance(item, SourceProblem)]
    assert [Path(p.source_file).name for p in problems] == ["SOURCE.txt"]
    found = [item for item in enron if isinstance(item, MessageRecord)]
    assert len(found) == 5340
    assert Counter(r.folder for r in found) == {  # as `find user/inbox -type f` counts them
        "beck-s/inbox": 751,
        "beck-s/inbox/ncl": 1,
        "dasovich-j/inbox": 1387,
        "dasovich-j/inbox/direct_access_battle": 6,
        "kaminski-v/inbox": 560,
        "lay-k/inbox": 1373,
        "skilling-j/inbox": 1252,
        "skilling-j/inbox/genie": 10,
    }
    assert not any(r.in_reply_to or r.references for r in found)  # stripped from the corpus
    assert all(r.date is not None and not r.date_estimated for r in found)
    assert len({r.message_id for r in found}) == 5340


def by_name(items: list[MessageRecord | SourceProblem], suffix: str) -> MessageRecord:
    (found,) = [r for r in items if isinstance(r, MessageRecord) and r.source_file.endswith(suffix)]
    return found


@pytest.mark.corpus
def test_enron_known_messages(enron: list[MessageRecord | SourceProblem]) -> None:
    lay = by_name(enron, "/lay-k/inbox/1")
    assert lay.message_id == "4102090.1075845189404.JavaMail.evans@thyme"
    assert lay.from_ == (("", "vmartinez@winstead.com"),)
    assert lay.to == (("", "kenneth.lay@enron.com"),)
    assert lay.subject == (
        "Request for meeting -- Subject: short speech to US Olympic Commit\ttee 7.16-19.01"
    )
    assert lay.date == datetime(2001, 5, 15, 2, 36, tzinfo=UTC)  # 19:36 PDT
    skilling = by_name(enron, "/skilling-j/inbox/1")
    assert skilling.from_ == (("", "dorsey@enron.com"),)
    assert skilling.to[0] == ("", "jeremy.blachman@enron.com")
    assert ("", "a..bibi@enron.com") in skilling.to and ("", "kenneth.lay@enron.com") in skilling.to
    assert ("", "g.g..garcia@enron.com") in skilling.cc
    assert skilling.subject == ""
    kaminski = by_name(enron, "/kaminski-v/inbox/10")
    assert (kaminski.subject, kaminski.from_) == (
        "Banks face insurance woes",
        (("", "euromoney@euromoney.com"),),
    )
    assert kaminski.date == datetime(2002, 1, 30, 18, 58, 48, tzinfo=UTC)
    beck = by_name(enron, "/beck-s/inbox/100")  # a raw 0xA0 in an address: Windows-1252
    assert ("", "matthews.patricia\xa0@enron.com") in beck.to
    assert beck.problems == ("8-bit header bytes that are not UTF-8, read as Windows-1252",)


@pytest.mark.corpus
def test_enron_in_parallel_is_the_same(enron: list[MessageRecord | SourceProblem]) -> None:
    assert list(read_many([shared_data("mail", "enron-inbox")], workers=2)) == enron


# --- SpamAssassin and cip: list and bulk mail -------------------------------------------------


@pytest.mark.corpus
def test_spamassassin_files_with_envelopes_and_list_headers() -> None:
    root = shared_data("mail", "spamassassin")
    items = list(read_mail(root))
    problems = sorted(Path(p.source_file).name for p in items if isinstance(p, SourceProblem))
    assert problems == ["SOURCE.txt", "stdlib-LICENSE.txt"]
    found = [r for r in items if isinstance(r, MessageRecord)]
    assert Counter(r.folder for r in found) == {"easy-ham-1": 2500, "spam-1": 500}
    # the same figures from the stdlib's header parser, file by file
    parser = BytesHeaderParser()
    expected: Counter[str] = Counter()
    for record in found:
        with open(record.source_file, "rb") as handle:
            header = parser.parse(handle)
        expected["list-id"] += header["List-Id"] is not None
        expected["unsubscribe"] += "<" in str(header.get("List-Unsubscribe", ""))
        expected["in-reply-to"] += "@" in str(header.get("In-Reply-To", ""))
    assert sum(bool(r.list_id) for r in found) == expected["list-id"] == 1495 + 72
    assert sum(bool(r.list_unsubscribe) for r in found) == expected["unsubscribe"] == 1572 + 42
    assert sum(bool(r.in_reply_to) for r in found) == expected["in-reply-to"] == 1012
    ham = [r for r in found if r.folder == "easy-ham-1"]
    assert sum(bool(r.list_id and r.list_unsubscribe) for r in ham) == 1426  # list mail
    korean = by_name(items, "00035.7ce3307b56dd90453027a6630179282e.txt")  # raw EUC-KR
    assert korean.subject == "[광고] 요즘 뜨는 직종 Best 5 & 자격증 따기 열풍"


@pytest.mark.corpus
def test_cip_bulk_mail_with_one_click_unsubscribe() -> None:
    found = list(read_mail(shared_data("mail", "lists", "cip-testing-results.eml")))
    assert len(found) == 1000 and all(isinstance(r, MessageRecord) for r in found)
    records = [r for r in found if isinstance(r, MessageRecord)]
    assert all(r.list_unsubscribe_post == "List-Unsubscribe=One-Click" for r in records)
    assert all(any(u.startswith("https://") for u in r.list_unsubscribe) for r in records)
    assert all(r.precedence == "bulk" for r in records)
    assert {r.from_ for r in records} == {(("Neal Caidin", "noreply@ciplatform.org"),)}
    assert all(r.has_dkim and r.folder == "cip-testing-results.eml" for r in records)


# --- CPython's email test messages, against the stdlib ----------------------------------------

# Where kithkin reads a header differently from `email` with policy=default, and why.
KNOWN_DIFFERENCES = {
    # `bbb@ddd.com (John X. Doe)`: the comment is the only name there is. The stdlib's modern
    # parser drops it (display_name ""); kithkin keeps it, as `getaddresses` does.
    **dict.fromkeys(
        (
            "msg_01.txt",
            "msg_03.txt",
            "msg_04.txt",
            "msg_06.txt",
            "msg_14.txt",
            "msg_20.txt",
            "msg_27.txt",
            "msg_29.txt",
            "msg_44.txt",
        ),
        "comment as name",
    ),
    # `MAILER DAEMON <>`: the null sender; the stdlib gives the address "<>", kithkin "".
    "msg_43.txt": "null address",
}


def stdlib_view(path: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    with open(path, "rb") as handle:
        message = email.message_from_binary_file(handle, policy=default_policy)
    subject = message["subject"]
    sender = message["from"]
    addresses = tuple(
        (" ".join(a.display_name.split()), a.addr_spec)
        for a in (sender.addresses if sender else ())
    )
    return (None if subject is None else str(subject).strip()), addresses


@pytest.mark.corpus
def test_cpython_messages_read_as_the_stdlib_reads_them() -> None:
    items = list(read_mail(shared_data("mail", "cpython")))
    problems = sorted(Path(p.source_file).name for p in items if isinstance(p, SourceProblem))
    # msg_19.txt is a digest's body part with no header at all
    assert problems == ["SOURCE.txt", "msg_19.txt"]
    differing = {}
    for record in items:
        if isinstance(record, MessageRecord):
            subject, sender = stdlib_view(record.source_file)
            assert record.subject == subject, record.source_file
            if record.from_ != sender:
                differing[Path(record.source_file).name] = (record.from_, sender)
    assert differing.keys() == KNOWN_DIFFERENCES.keys()
    for name, (ours, theirs) in differing.items():
        if KNOWN_DIFFERENCES[name] == "comment as name":
            assert [a for _, a in ours] == [a for _, a in theirs] and theirs[0][0] == ""
        else:
            assert ours == (("MAILER DAEMON", ""),) and theirs == (("MAILER DAEMON", "<>"),)


def test_start_offsets_apply_to_mailboxes_only(tmp_path: Path) -> None:
    (tmp_path / "msg").write_bytes(MESSAGE)
    with pytest.raises(ValueError, match="mbox"):
        list(read_mail(tmp_path / "msg", start_offset=10))
    with pytest.raises(ValueError, match="folder"):
        list(read_mail(tmp_path, start_offset=10))


def test_what_is_neither_file_nor_folder_is_a_problem(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    problem = one(fifo)
    assert isinstance(problem, SourceProblem) and problem.message == "not a file or a folder"


def test_a_header_block_over_the_limit_is_cut_and_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kithkin.sources.mail import files

    monkeypatch.setattr(files, "HEADER_LIMIT", READ_SIZE)
    path = tmp_path / "huge"
    path.write_bytes(b"Subject: first\n" + b"X-Pad: " + b"z" * (READ_SIZE * 3) + b"\n\nbody\n")
    found = one(path)
    assert isinstance(found, MessageRecord) and found.subject == "first"
    assert found.problems == ("header block over 1 MB; the rest unread",)
