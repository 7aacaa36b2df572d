"""Maildir: cur/new (never tmp), flags in file names, nested and Maildir++ folders, order; the
mu and notmuch test maildirs."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kithkin.sources.mail import MessageRecord, SourceProblem, read_mail, read_many
from kithkin.sources.mail.maildir import flags_of, folder_name
from tests.conftest import shared_data


def mail(subject: str, *, date: bool = True) -> bytes:
    dated = "Date: Tue, 14 Nov 2023 22:13:20 +0000\n" if date else ""
    return (
        f"From: Dana <dana@example.org>\nTo: me@example.org\nSubject: {subject}\n"
        f"Message-ID: <{subject.replace(' ', '-')}@example.org>\n{dated}\nbody\n"
    ).encode()


def maildir(base: Path, files: dict[str, bytes]) -> Path:
    for sub in ("cur", "new", "tmp"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (base / name).write_bytes(data)
    return base


def records(path: Path) -> list[MessageRecord]:
    out = list(read_mail(path))
    assert all(isinstance(item, MessageRecord) for item in out), out
    return out  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("name", "flags"),
    [
        ("1700000001.M1P2.host:2,FRS", "FRS"),
        ("1700000001.M1P2.host:2,SR", "RS"),
        ("1220863087.12663_7.mindcrime!2,RS", "RS"),  # mu writes "!" for ":"
        ("special!2,Sabc", "S"),  # lower-case letters are a server's keywords
        ("1700000001.M1P2.host:2,", ""),
        ("1700000001.M1P2.host", ""),  # in new/: not yet seen
        ("1700000001.M1P2.host,S=1234:2,T", "T"),
    ],
)
def test_flags_from_file_names(name: str, flags: str) -> None:
    assert flags_of(name) == flags


def test_maildir_plus_plus_folder_names() -> None:
    assert folder_name((".Sent",)) == "Sent"
    assert folder_name((".Lists.ksummit",)) == "Lists/ksummit"
    assert folder_name(("Archive", "2023")) == "Archive/2023"


def test_a_maildir_plus_plus_tree(tmp_path: Path) -> None:
    root = maildir(
        tmp_path / "Maildir",
        {
            "cur/1700000002.M2P1.host:2,S": mail("seen"),
            "cur/1700000010.M10P1.host:2,RS": mail("replied"),
            "new/1700000003.M3P1.host": mail("new one"),
            "tmp/1700000004.M4P1.host": mail("being delivered"),
            "dovecot-uidlist": b"3 V1 N4\n",
            "dovecot.index.log": b"\x00\x01binary",
            "maildirfolder": b"",
        },
    )
    maildir(root / ".Sent", {"cur/1700000005.M5P1.host:2,S": mail("sent")})
    maildir(root / ".Lists.ksummit", {"cur/1700000006.M6P1.host:2,": mail("list")})
    (root / ".notmuch" / "xapian").mkdir(parents=True)
    (root / ".notmuch" / "xapian" / "flintlock").write_bytes(b"")
    found = records(root)
    assert [(r.folder, r.subject, r.flags) for r in found] == [
        ("INBOX", "seen", "S"),
        ("INBOX", "replied", "RS"),  # natural order: 2 before 10
        ("INBOX", "new one", ""),
        ("Lists/ksummit", "list", ""),
        ("Sent", "sent", "S"),
    ]
    assert all(r.offset == 0 and r.length == r.size > 0 for r in found)


def test_nested_maildirs_and_loose_files(tmp_path: Path) -> None:
    root = tmp_path / "mail"
    maildir(root / "work", {"cur/1:2,S": mail("work")})
    maildir(root / "work" / "projects", {"new/2": mail("project")})
    (root / "loose").mkdir()
    (root / "loose" / "3.eml").write_bytes(mail("loose"))
    found = records(root)
    assert [(r.folder, r.subject) for r in found] == [
        ("loose", "loose"),
        ("work", "work"),
        ("work/projects", "project"),
    ]


def test_the_delivery_time_in_the_name_dates_an_undated_message(tmp_path: Path) -> None:
    root = maildir(tmp_path / "box", {"cur/1700000000.M1P1.host:2,S": mail("x", date=False)})
    (found,) = records(root)
    assert found.date == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert found.date_estimated
    assert found.date_problem == "no Date field; date taken from the Maildir file name"


def test_a_message_file_given_alone(tmp_path: Path) -> None:
    root = maildir(tmp_path / "box", {"cur/1700000000.M1P1.host:2,FS": mail("alone")})
    (found,) = records(root / "cur" / "1700000000.M1P1.host:2,FS")
    assert (found.folder, found.flags, found.subject) == ("box", "FS", "alone")


# --- the mu and notmuch test maildirs ----------------------------------------------------------


@pytest.mark.corpus
def test_mu_flags_nested_folders_and_skipped_files() -> None:
    root = shared_data("mail", "mu")
    items = list(read_mail(root))
    problems = [item for item in items if isinstance(item, SourceProblem)]
    assert [Path(p.source_file).name for p in problems] == ["SOURCE.txt"]
    found = [item for item in items if isinstance(item, MessageRecord)]
    assert Counter(r.folder for r in found) == {
        "testdir": 19,
        "testdir4": 14,
        "testdir2/bar": 8,
        "cjk": 4,
        "testdir2/Foo": 3,
        "testdir2/wom_bat": 3,
    }
    flags = {Path(r.source_file).name: r.flags for r in found if r.folder == "testdir"}
    assert flags["1220863087.12663_7.mindcrime!2,RS"] == "RS"
    assert flags["1220863087.12663_15.mindcrime!2,PS"] == "PS"
    assert flags["multimime!2,FS"] == "FS"
    assert flags["special!2,Sabc"] == "S"
    assert flags["1220863087.12663_9.mindcrime"] == ""  # in new/
    names = {Path(r.source_file).name for r in found}
    assert "1220863087.12663.ignore" not in names  # testdir/tmp
    assert not {".noindex", ".noupdate"} & names


@pytest.mark.corpus
def test_mu_encoded_and_cjk_headers() -> None:
    found = {
        Path(r.source_file).name: r
        for r in read_mail(shared_data("mail", "mu", "testdir"))
        if isinstance(r, MessageRecord)
    }
    motorhead = found["1305664394.2171_402.cthulhu!2,"]
    assert motorhead.subject == "Motörhead"
    assert motorhead.from_ == (("Mü", "testmu@testmu.xx"),)
    assert motorhead.to == (("Helmut Kröger", "hk@testmu.xxx"),)
    assert found["1283599333.1840_11.cthulhu!2,"].subject == "Greetings from Lothlórien"
    cjk = [r for r in read_mail(shared_data("mail", "mu", "cjk")) if isinstance(r, MessageRecord)]
    assert [r.subject for r in cjk] == ["CJK 1", "CJK 2", "CJK 3", "CJK 4"]
    assert cjk[0].message_id == "112342343e9dfo.fsf@builder.com"  # written without brackets
    assert cjk[0].x_mailer == "mu4e 1.7.5; emacs 29.0.50"  # User-Agent


@pytest.fixture(scope="module")
def notmuch() -> list[MessageRecord | SourceProblem]:
    return list(read_mail(shared_data("mail", "notmuch")))


@pytest.mark.corpus
def test_notmuch_every_message_and_nothing_else(
    notmuch: list[MessageRecord | SourceProblem],
) -> None:
    problems = [item for item in notmuch if isinstance(item, SourceProblem)]
    assert sorted(Path(p.source_file).name for p in problems) == ["README", "SOURCE.txt"]
    found = [item for item in notmuch if isinstance(item, MessageRecord)]
    folders = Counter(r.folder.split("/")[0] for r in found)
    assert folders["default"] == 53 and folders["lkml"] == 210
    assert sum(folders.values()) == 320  # every file but README and SOURCE.txt


@pytest.mark.corpus
def test_notmuch_duplicates_broken_and_threading(
    notmuch: list[MessageRecord | SourceProblem],
) -> None:
    found = {
        r.source_file.split("/notmuch/")[1]: r for r in notmuch if isinstance(r, MessageRecord)
    }
    duplicates = Counter(r.message_id for name, r in found.items() if name.startswith("duplicate/"))
    assert sorted(duplicates.values()) == [2, 2, 5]  # same Message-ID, different messages
    broken = found["broken/broken-cc"]
    assert broken.cc == (("Bob", "bob@example.org"), ("Charles", "charles@example.org"))
    assert broken.problems == ("more than one cc field; their addresses are merged",)
    assert found["broken/loop/loop-12"].in_reply_to == ("mid-loop-21@example.org",)
    assert found["broken/loop/loop-21"].in_reply_to == ("mid-loop-12@example.org",)
    fake = found["threading/ghost-root/fake-root"]
    assert fake.in_reply_to == ("nonexistent-message@example.org",)
    assert fake.references == (
        "000-real-root@example.org",
        "001-child@example.org",
        "nonexistent-message@example.org",
    )
    calendar = found["attachment/text-calendar.eml"]  # "Thu Jan 01 00:00:10 +0000": no year
    assert calendar.date_estimated
    assert calendar.date_problem is not None and "unreadable Date" in calendar.date_problem
    lkml = [r for name, r in found.items() if name.startswith("lkml/")]
    assert sum(bool(r.in_reply_to) for r in lkml) > 150
    assert sum(bool(r.list_id) for r in lkml) == 208  # as many files as `grep -il ^list-id`


@pytest.mark.corpus
def test_notmuch_read_in_parallel_is_the_same(
    notmuch: list[MessageRecord | SourceProblem],
) -> None:
    assert list(read_many([shared_data("mail", "notmuch")], workers=2)) == notmuch
