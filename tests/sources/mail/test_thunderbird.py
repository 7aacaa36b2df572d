"""Thunderbird's folders: mbox files without an extension, `.msf` indexes beside them,
sub-folders in `Name.sbd` directories, flags in X-Mozilla-Status, and the profile's own
state files (filters, POP state) among the mail. Written here as Thunderbird writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kithkin.ingest.mail_rules import classify
from kithkin.sources.mail import MessageRecord, SourceProblem, read_mail
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
    (folders / "msgFilterRules.dat").write_bytes(b'version="9"\nlogging="no"\n')
    (folders / "popstate.dat").write_bytes(b"# POP3 State File\n")
    (folders / "filterlog.html").write_bytes(b"<html></html>\n")
    return folders


def test_a_thunderbird_profile_reads_as_folders_with_flags(tmp_path: Path) -> None:
    found = list(read_mail(local_folders(tmp_path)))
    assert not [p for p in found if isinstance(p, SourceProblem)]
    records = {r.message_id: r for r in found if isinstance(r, MessageRecord)}
    assert {mid: (r.folder, r.flags) for mid, r in records.items()} == {
        "1@a": ("Local Folders/Inbox", "S"),
        "2@a": ("Local Folders/Inbox", ""),
        "3@a": ("Inbox/Clients", "RS"),
        "4@a": ("Inbox/Clients", "FPS"),
        "5@a": ("Local Folders/Junk", ""),
        "6@a": ("Local Folders/Junk", "ST"),
    }
    assert classify(records["5@a"]) == "spam" and classify(records["3@a"]) == "person"


@pytest.mark.parametrize(
    ("status", "flags"),
    [("0001", "S"), ("0000", ""), ("zz", ""), ("", ""), ("00000001 trailing", "S")],
)
def test_odd_mozilla_status_values(tmp_path: Path, status: str, flags: str) -> None:
    box = tmp_path / "Inbox"
    box.write_bytes(mozilla("1@a", status) + mozilla("2@a", "0000"))
    first = next(iter(read_mail(box)))
    assert isinstance(first, MessageRecord) and first.flags == flags
