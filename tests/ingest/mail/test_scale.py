"""A mail import's memory does not grow with the mailbox: the folder is listed as it is read
(not gathered whole first), and what was read before is asked of the store a batch of files
at a time (not loaded whole). Structure only: benchmarks/mail_memory.py measures the bytes."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from kithkin.ingest.mail import import_mail
from kithkin.sources.mail import walk
from kithkin.store import Database
from kithkin.store import mail as store_mail
from tests.builders.mail import ME, as_me
from tests.ingest.mailbox import message, write_maildir

DANA = "Dana <dana@acme.example>"


def three_folders(root: Path, each: int) -> None:
    for index, name in enumerate(("A", "B", "C")):
        mails = [(message(f"{name}{n}@acme", DANA, [ME], f"{name} {n}"), "S") for n in range(each)]
        write_maildir(root / name, mails, start=index * each)


def test_the_first_messages_are_stored_before_the_last_folder_is_listed(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_me(db)
    three_folders(tmp_path / "Mail", 300)
    events: list[str] = []
    listing = walk._Walk._list

    def spy_list(self: walk._Walk, directory: str) -> walk._Listing:
        events.append(f"list {os.path.basename(os.path.dirname(directory))}")
        return listing(self, directory)

    stored = store_mail.add_messages

    def spy_store(conn: Connection, rows: Any) -> None:
        events.append(f"store {len(rows)}")
        stored(conn, rows)

    monkeypatch.setattr(walk._Walk, "_list", spy_list)
    monkeypatch.setattr(store_mail, "add_messages", spy_store)
    summary = import_mail(db, [str(tmp_path / "Mail")], workers=0, batch_size=100)
    assert summary.new == 900
    first_store = events.index("store 100")
    assert first_store < events.index("list C")  # C/cur is listed once A's mail is stored


def test_a_reimport_asks_the_store_about_files_a_batch_at_a_time(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, every file row of the folder was loaded into one dict (some 900 bytes a
    file: 450 MB for 500,000 files) before anything was compared."""
    as_me(db)
    root = tmp_path / "Mail"
    three_folders(root, 300)
    import_mail(db, [str(root)], workers=0)
    write_maildir(root / "C", [(message("new@acme", DANA, [ME], "new"), "")], start=5000)
    asked: list[int] = []
    known = store_mail.files_by_key

    def spy(conn: Connection, source_id: int, keys: Iterable[str]) -> Any:
        keys = list(keys)
        asked.append(len(keys))
        return known(conn, source_id, keys)

    monkeypatch.setattr(store_mail, "files_by_key", spy)
    again = import_mail(db, [str(root)], workers=0)
    assert (again.read, again.new, again.files_skipped) == (1, 1, 900)
    assert sum(asked) == 901 and max(asked) <= walk.BATCH
