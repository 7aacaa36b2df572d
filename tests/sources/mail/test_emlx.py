"""Apple Mail's folders: `.emlx` message files (byte count, message, property list) in
`Name.mbox` directories, with attachments, Info.plist and Mail's own index beside them.
The files are made here with plistlib, as Mail writes them."""

from __future__ import annotations

import plistlib
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.ingest.mail import import_mail
from kithkin.ingest.mail.rules import classify
from kithkin.sources.mail import MessageRecord, SourceProblem, read_mail
from kithkin.sources.mail.raw import read_raw
from kithkin.store import Database
from kithkin.store import settings as store_settings
from tests.ingest.mailbox import mbox_bytes, message

READ, DELETED, ANSWERED, FLAGGED, DRAFT, FORWARDED, JUNK = (
    1 << 0, 1 << 1, 1 << 2, 1 << 4, 1 << 6, 1 << 8, 1 << 24,
)  # fmt: skip
ME = "ana@kithkin.example"


def emlx(data: bytes, flags: int | None = 0, *, trailer: bytes | None = None) -> bytes:
    """An .emlx file: the message's length, the message, Mail's property list."""
    if trailer is None:
        info: dict[str, object] = {"date-sent": 1709544600.0, "remote-id": "7"}
        if flags is not None:
            info["flags"] = flags
        trailer = plistlib.dumps(info)
    return b"%d\n" % len(data) + data + trailer


def put(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def apple_mail(root: Path) -> Path:
    """~/Library/Mail/V10 as Mail lays it out, with one account."""
    account = root / "V10" / "4F1C0A52-6B8E-4D8B-9C51-1D5E2B3A9F10"
    inbox = account / "INBOX.mbox" / "0B7E5E8C-21B1-4E7C-9E0F-6A3C1D2E4F50" / "Data"
    put(account / "INBOX.mbox" / "Info.plist", plistlib.dumps({"MailboxName": "INBOX"}))
    put(
        inbox / "1" / "Messages" / "11.emlx",
        emlx(message("1@acme", "Dana <dana@acme.example>", [ME], "Board pack"), READ | ANSWERED),
    )
    put(
        inbox / "1" / "Messages" / "12.partial.emlx",
        emlx(message("2@acme", "Bo <bo@beta.example>", [ME], "Contract", day=1), 0),
    )
    put(inbox / "1" / "Attachments" / "12" / "2" / "contract.pdf", b"%PDF-1.4\n\x00\x01binary")
    junk = account / "Junk.mbox" / "1D2E3F40-5A6B-4C7D-8E9F-0A1B2C3D4E5F" / "Data"
    put(
        junk / "Messages" / "21.emlx",
        emlx(message("3@scam", "Prince <prince@scam.example>", [ME], "Funds", day=2), JUNK),
    )
    clients = account / "Work.mbox" / "Clients.mbox" / "2A3B4C5D-6E7F-4081-92A3-B4C5D6E7F809"
    put(
        clients / "Data" / "Messages" / "31.emlx",
        emlx(message("4@acme", "Dana <dana@acme.example>", [ME], "Renewal", day=3), FLAGGED),
    )
    put(root / "V10" / "MailData" / "Envelope Index", b"SQLite format 3\x00" + bytes(100))
    put(root / "V10" / "MailData" / "Signatures" / "AllSignatures.plist", b"<plist/>")
    return root / "V10"


def test_apple_mail_folders_are_read_as_mailboxes(tmp_path: Path) -> None:
    found = list(read_mail(apple_mail(tmp_path)))
    assert all(isinstance(item, MessageRecord) for item in found), found  # nothing else read
    records = {r.message_id: r for r in found if isinstance(r, MessageRecord)}
    assert {mid: (r.folder, r.flags, r.labels) for mid, r in records.items()} == {
        "1@acme": ("INBOX", "RS", ()),
        "2@acme": ("INBOX", "", ()),
        "3@scam": ("Junk", "", ("Junk",)),
        "4@acme": ("Work/Clients", "F", ()),
    }
    first = records["1@acme"]
    assert (first.subject, first.from_) == ("Board pack", (("Dana", "dana@acme.example"),))
    size = len(message("1@acme", "Dana <dana@acme.example>", [ME], "Board pack"))
    assert first.size == size and first.length > size  # the message alone; the file is more
    assert classify(records["3@scam"]) == "spam"


def test_one_apple_mailbox_can_be_imported_alone(tmp_path: Path) -> None:
    root = apple_mail(tmp_path)
    (inbox,) = root.glob("*/INBOX.mbox")
    found = [r for r in read_mail(inbox) if isinstance(r, MessageRecord)]
    assert [(r.message_id, r.folder) for r in found] == [("1@acme", "INBOX"), ("2@acme", "INBOX")]


def test_every_flag_bit_mail_writes(tmp_path: Path) -> None:
    bits = READ | DELETED | ANSWERED | FLAGGED | DRAFT | FORWARDED | (5 << 10) | (1 << 23)
    path = put(tmp_path / "Messages" / "1.emlx", emlx(message("1@x", "a@b", [ME]), bits))
    (record,) = read_mail(path)
    assert isinstance(record, MessageRecord) and record.flags == "DFPRST"


def test_a_message_without_a_body_stops_at_its_byte_count(tmp_path: Path) -> None:
    data = b"From: Dana <dana@acme.example>\nSubject: no body\nMessage-ID: <nb@x>\n"
    path = put(tmp_path / "Messages" / "1.emlx", emlx(data, READ))
    (record,) = read_mail(path)
    assert isinstance(record, MessageRecord)
    assert (record.subject, record.message_id, record.flags) == ("no body", "nb@x", "S")
    assert record.problems == ()


def test_broken_apple_files(tmp_path: Path) -> None:
    no_count = put(tmp_path / "Messages" / "1.emlx", message("1@x", "a@b", [ME]))
    (problem,) = read_mail(no_count)
    assert isinstance(problem, SourceProblem)
    assert problem.message == "not an Apple Mail message: its first line is no byte count"
    broken = put(
        tmp_path / "Messages" / "2.emlx",
        emlx(message("2@x", "a@b", [ME]), trailer=b"<?xml version='1.0'?><plist><dict><key>"),
    )
    no_flags = put(tmp_path / "Messages" / "3.emlx", emlx(message("3@x", "a@b", [ME]), None))
    for path in (broken, no_flags):  # the message is read; its flags are unknown
        (record,) = read_mail(path)
        assert isinstance(record, MessageRecord) and record.flags == ""


def test_a_wrong_byte_count_is_said_and_the_file_read_whole(tmp_path: Path) -> None:
    data = message("w@x", "Dana <dana@acme.example>", [ME], "Counted wrong")
    for count in (8, 0):
        wrong = emlx(data, READ).replace(b"%d\n" % len(data), b"%d\n" % count, 1)
        (record,) = read_mail(put(tmp_path / f"{count}" / "1.emlx", wrong))
        assert isinstance(record, MessageRecord)
        assert (record.message_id, record.subject, record.flags) == ("w@x", "Counted wrong", "")
        assert record.problems == ("its byte count does not match the file; read to its end",)
    huge = put(tmp_path / "huge" / "1.emlx", b"1" * 5000 + b"\n" + data)
    (problem,) = read_mail(huge)
    assert isinstance(problem, SourceProblem) and "no byte count" in problem.message


def test_the_original_of_an_apple_message_is_the_message_alone(tmp_path: Path) -> None:
    data = message("o@x", "Dana <dana@acme.example>", [ME], "Original")
    path = put(tmp_path / "Messages" / "1.emlx", emlx(data, READ))
    assert read_raw(str(path), 0) == data  # what a DKIM check needs: no count, no plist
    (record,) = read_mail(path)
    assert isinstance(record, MessageRecord) and record.size == len(data)


def test_folders_named_mbox_that_are_not_apple_mailboxes(tmp_path: Path) -> None:
    """Mail's own export (a folder `Name.mbox` holding a file `mbox`) and a Maildir whose
    name ends in .mbox are read as what they are."""
    export = tmp_path / "export" / "INBOX.mbox"
    put(export / "table_of_contents", b"\x00\x01binary")
    (export / "mbox").write_bytes(
        mbox_bytes([message("e1@x", "a@b", [ME]), message("e2@x", "a@b", [ME], day=1)])
    )
    found = [r for r in read_mail(tmp_path / "export") if isinstance(r, MessageRecord)]
    assert [r.message_id for r in found] == ["e1@x", "e2@x"]
    maildir = tmp_path / "maildir" / ".Archive.mbox"
    put(maildir / "cur" / "1.x:2,S", message("m1@x", "a@b", [ME]))
    (maildir / "new").mkdir()
    (maildir / "tmp").mkdir()
    (record,) = [r for r in read_mail(maildir) if isinstance(r, MessageRecord)]
    assert (record.message_id, record.flags) == ("m1@x", "S")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, (1 << 32) - 1), st.binary(max_size=300))
def test_any_flags_and_any_trailer_never_stop_the_reader(flags: int, junk: bytes) -> None:
    data = message("p@x", "a@b", [ME])
    with tempfile.TemporaryDirectory() as folder:
        good = put(Path(folder) / "1.emlx", emlx(data, flags))
        (record,) = read_mail(good)
        assert isinstance(record, MessageRecord)
        letters = {"S": READ, "T": DELETED, "R": ANSWERED, "F": FLAGGED, "D": DRAFT}
        letters["P"] = FORWARDED
        assert record.flags == "".join(sorted(k for k, bit in letters.items() if flags & bit))
        assert record.labels == (("Junk",) if flags & JUNK else ())
        odd = put(Path(folder) / "2.emlx", emlx(data, trailer=junk))
        (other,) = read_mail(odd)
        assert isinstance(other, MessageRecord) and other.message_id == "p@x"


def test_an_apple_mail_import_keeps_junk_out_and_reads_flags(db: Database, tmp_path: Path) -> None:
    with db.write() as conn:
        store_settings.set_me(conn, name="Ana", addresses=[ME])
    root = apple_mail(tmp_path)
    summary = import_mail(db, [str(root)], workers=0)
    assert (summary.new, summary.problems) == (4, [])
    assert summary.by_category == {"person": 3, "spam": 1}
    assert summary.new_people == 2  # Dana and Bo; not the junk mail's sender
    again = import_mail(db, [str(root)], workers=0)
    assert (again.new, again.read) == (0, 0)
