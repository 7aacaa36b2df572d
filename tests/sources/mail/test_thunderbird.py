"""Thunderbird's folders: mbox files without an extension, `.msf` indexes beside them,
sub-folders in `Name.sbd` directories, flags in X-Mozilla-Status, and the profile's own
state files (filters, POP state) among the mail. A file with an index is an mbox, even one
holding a single message. Written here as Thunderbird writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kithkin.ingest.mail import import_mail
from kithkin.ingest.mail.rules import classify
from kithkin.sources.mail import MessageRecord, SourceProblem, read_mail, walk
from kithkin.store import Database
from tests.ingest.mailbox import message

ENVELOPE = b"From - Mon Mar  4 09:30:00 2024\n"
ME = "ana@kithkin.example"


def mozilla(mid: str, status: str, subject: str = "Hello") -> bytes:
    text = message(mid, "Dana <dana@acme.example>", [ME], subject)
    head = f"X-Mozilla-Status: {status}\nX-Mozilla-Status2: 00000000\n".encode()
    return ENVELOPE + head + text + b"\n"


def local_folders(root: Path) -> Path:
    folders = root / "Mail" / "Local Folders"
    (folders / "Inbox.sbd").mkdir(parents=True)
    (folders / "Inbox").write_bytes(mozilla("1@a", "0001") + mozilla("2@a", "0000"))
    (folders / "Inbox.msf").write_bytes(b'// <!-- <mdb:mork:z v="1.4"/> -->\n')
    (folders / "Inbox.sbd" / "Clients").write_bytes(
        mozilla("3@a", "0003", "Renewal") + mozilla("4@a", "1005", "Fwd: terms")
    )
    (folders / "Junk").write_bytes(mozilla("5@a", "0000", "Funds") + mozilla("6@a", "0009"))
    (folders / "Junk.msf").write_bytes(b'// <!-- <mdb:mork:z v="1.4"/> -->\n')
    (folders / "Drafts").write_bytes(mozilla("7@a", "0001", "A single message"))
    (folders / "Drafts.msf").write_bytes(b'// <!-- <mdb:mork:z v="1.4"/> -->\n')
    (folders / "msgFilterRules.dat").write_bytes(b'version="9"\nlogging="no"\n')
    (folders / "popstate.dat").write_bytes(b"# POP3 State File\n")
    (folders / "filterlog.html").write_bytes(b"<html></html>\n")
    return folders


def test_a_thunderbird_profile_reads_as_folders_with_flags(tmp_path: Path) -> None:
    found = list(read_mail(local_folders(tmp_path)))
    assert not [p for p in found if isinstance(p, SourceProblem)]
    records = {r.message_id: r for r in found if isinstance(r, MessageRecord)}
    assert {mid: (r.folder, r.flags) for mid, r in records.items()} == {
        "1@a": ("Inbox", "S"),
        "2@a": ("Inbox", ""),
        "3@a": ("Inbox/Clients", "RS"),
        "4@a": ("Inbox/Clients", "FPS"),
        "5@a": ("Junk", ""),
        "6@a": ("Junk", "ST"),
        "7@a": ("Drafts", "S"),  # one message, yet a folder: its .msf index says so
    }
    assert classify(records["5@a"]) == "spam" and classify(records["3@a"]) == "person"
    tasks = list(walk.plan(local_folders(tmp_path / "again"), part_bytes=64))
    assert {t.path.rsplit("/", 1)[1] for t in tasks if isinstance(t, walk.MboxPart)} == {
        "Inbox",
        "Junk",
        "Drafts",
    }  # fmt: skip  (indexed mbox files are read as mboxes: in parts, and resumed when grown)


@pytest.mark.parametrize(
    ("status", "flags"),
    [("0001", "S"), ("0000", ""), ("zz", ""), ("", ""), ("00000001 trailing", "S")],
)
def test_odd_mozilla_status_values(tmp_path: Path, status: str, flags: str) -> None:
    box = tmp_path / "Inbox"
    box.write_bytes(mozilla("1@a", status) + mozilla("2@a", "0000"))
    first = next(iter(read_mail(box)))
    assert isinstance(first, MessageRecord) and first.flags == flags


def test_a_grown_thunderbird_folder_is_read_from_where_it_ended(
    db: Database, tmp_path: Path
) -> None:
    folders = local_folders(tmp_path)
    first = import_mail(db, [str(folders)], workers=0)
    assert (first.new, first.problems) == (7, [])
    with (folders / "Inbox").open("ab") as inbox:
        inbox.write(mozilla("8@a", "0000", "Arrived later"))
    again = import_mail(db, [str(folders)], workers=0)
    assert (again.read, again.new) == (1, 1)  # only the new message was read
