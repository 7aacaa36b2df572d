"""What the parser notices reaches the import summary, with file and offset, and is counted
right: a header block over the limit, a guessed 8-bit charset, a message stored without a
date. Files that are not mail (a copy of /etc) are skipped and counted, never stored."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text

from kithkin.ingest.mail import import_mail
from kithkin.ingest.mail.batch import LISTED
from kithkin.store import Database
from tests.builders.mail import ME, as_me
from tests.ingest.mailbox import message

DANA = "Dana <dana@acme.example>"
ENVELOPE = b"From dana@acme.example Mon Mar  4 09:30:00 2024\n"
BIG = "header block over 1 MB; the rest unread"
CP1252 = "8-bit header bytes that are not UTF-8, read as Windows-1252"
UNDATED = "stored without a date: no interaction"


def noted_mbox(path: Path) -> tuple[Path, list[int]]:
    """A big header block, a raw Latin-1 subject, a list post with no date anywhere (its
    envelope line has a time but no date); the offset of each."""
    big = message("big@acme", DANA, [ME], "Big").replace(
        b"\n\n", b"\nX-Padding: " + b"a" * (1 << 20) + b"\n\n", 1
    )
    latin = message("latin@acme", DANA, [ME], "Café").replace("Café".encode(), b"Caf\xe9")
    undated = message(
        "undated@list", "Bot <bot@lists.example.org>", [ME], "Digest", date=False,
        List_Id="<dev.lists.example.org>",
    )  # fmt: skip
    parts = [
        ENVELOPE + big + b"\n",
        ENVELOPE + latin + b"\n",
        b"From bot@lists.example.org at 10:30 on no day\n" + undated + b"\n",
    ]
    offsets = [sum(len(p) for p in parts[:i]) for i in range(len(parts))]
    path.write_bytes(b"".join(parts))
    return path, offsets


def test_every_note_reaches_the_summary_with_file_and_offset(db: Database, tmp_path: Path) -> None:
    box, (big, latin, undated) = noted_mbox(tmp_path / "noted.mbox")
    summary = import_mail(as_me(db, ME), [str(box)], workers=0)
    assert (summary.read, summary.new, summary.problems) == (3, 3, [])
    notes = {(n.source_file, n.place, n.message) for n in summary.notes}
    assert (str(box), f"offset {big}", BIG) in notes
    assert (str(box), f"offset {latin}", CP1252) in notes
    assert (str(box), f"offset {undated}", UNDATED) in notes
    assert (str(box), f"offset {undated}", "no Date field") in notes
    assert summary.undated == 1  # a list post: it used to count person mail only
    assert (summary.note_counts[BIG], summary.note_counts[CP1252]) == (1, 1)
    assert summary.note_counts[UNDATED] == 1
    data = summary.as_json()
    assert data["undated"] == 1
    assert {"file": str(box), "place": f"offset {big}", "message": BIG} in data["notes"]
    assert data["note_counts"][BIG] == 1
    with db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM mail_message WHERE date IS NULL")).scalar()


def test_notes_of_one_kind_are_counted_together_and_listed_up_to_a_limit(
    db: Database, tmp_path: Path
) -> None:
    root = tmp_path / "files"
    root.mkdir()
    for n in range(LISTED + 5):
        data = message(f"{n}@acme", DANA, [ME], date=False, Date=f"day {n}")
        (root / f"{n}.eml").write_bytes(data)
    summary = import_mail(as_me(db, ME), [str(root)], workers=0)
    assert summary.new == LISTED + 5
    kind = "unreadable Date ...; date taken from the file's modification time"
    assert summary.note_counts == {kind: LISTED + 5}
    assert len(summary.notes) == LISTED
    assert summary.notes[0].place == "offset 0" and summary.notes[0].source_file.endswith(".eml")


def test_a_folder_of_files_that_are_not_mail_stores_nothing(db: Database, tmp_path: Path) -> None:
    etc = tmp_path / "etc"
    (etc / "ssh").mkdir(parents=True)
    files = {
        "passwd": b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n",
        "group": b"root:x:0:\nmail:x:8:\nusers:x:100:\n",
        "hosts": b"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n",
        "os-release": b'NAME="Debian GNU/Linux"\nVERSION_ID="12"\n',
        "ssh/sshd_config": b"# comment\nPort 22\n",
        "ld.so.cache": bytes(range(256)) * 4,
        "motd": b"",
        "apt.conf": b"APT::Default-Release: stable\nAcquire::Retries: 3\n\nmore\n",
        "note.eml": message("real@acme", DANA, [ME], "The one real message"),
    }
    for name, data in files.items():
        (etc / name).write_bytes(data)
    summary = import_mail(as_me(db, ME), [str(etc)], workers=0)
    assert (summary.read, summary.new, summary.problems) == (1, 1, [])
    assert summary.not_mail == len(files) - 1
    skipped = sorted(os.path.relpath(p.source_file, etc) for p in summary.not_mail_files)
    assert skipped == sorted(name for name in files if name != "note.eml")
    assert summary.as_json()["not_mail"] == len(files) - 1
    with db.read() as conn:
        stored = conn.execute(text("SELECT subject FROM mail_message")).scalars().all()
    assert stored == ["The one real message"]


def test_a_message_file_with_a_header_block_over_the_limit_is_noted(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "big.eml"
    path.write_bytes(
        message("big@acme", DANA, [ME], "Big").replace(
            b"\n\n", b"\nX-Padding: " + b"a" * (2 << 20) + b"\n\n", 1
        )
    )
    summary = import_mail(as_me(db, ME), [str(path)], workers=0)
    assert summary.new == 1
    assert [(n.source_file, n.place, n.message) for n in summary.notes] == [
        (str(path), "offset 0", BIG)
    ]
