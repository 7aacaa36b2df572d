"""A mail folder with symbolic link loops, dangling links and links out of it: imported, each
link left out one line of the summary."""

from __future__ import annotations

import os
from pathlib import Path

from kithkin.ingest.mail import import_mail
from kithkin.store import Database
from tests.builders.mail import ME, as_me
from tests.ingest.mailbox import message, write_maildir

DANA = "Dana <dana@acme.example>"


def test_a_folder_with_a_link_loop_is_imported_and_the_loop_reported(
    db: Database, tmp_path: Path
) -> None:
    as_me(db)
    root = tmp_path / "Mail"
    write_maildir(root, [(message(f"{n}@acme", DANA, [ME], f"m{n}"), "S") for n in range(3)])
    os.symlink("loop", root / "loop")
    write_maildir(root / ".Sent", [(message("s@acme", ME, [DANA], "sent"), "S")])
    os.symlink("..", root / ".Sent" / "up")
    os.symlink("/nowhere/at/all", root / "cur" / "gone:2,S")
    summary = import_mail(db, [str(root)], workers=0)
    assert (summary.read, summary.new) == (4, 4)
    found = summary.problems
    problems = sorted(f"{os.path.relpath(p.source_file, root)}: {p.message}" for p in found)
    assert problems == [
        f".Sent/up: a folder met before, as {root}: read once",
        "cur/gone:2,S: a symbolic link to nothing (/nowhere/at/all): skipped",
        "loop: a symbolic link loop: skipped",
    ]
    again = import_mail(db, [str(root)], workers=0)
    assert (again.read, again.files_skipped) == (0, 4)
