"""A mailbox still being written: a trailing message without its end is left for the next run
(not stored, the read position before it), so that an import of a cut mailbox followed by one
of the whole mailbox stores exactly what one import of the whole mailbox stores."""

from __future__ import annotations

import os
import re
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from kithkin.ingest.mail import MailSummary, import_mail
from kithkin.sources.mail.mbox import LEFT_FOR_NEXT_RUN
from kithkin.store import Database
from tests.builders.mail import ME, as_me
from tests.conftest import shared_data
from tests.ingest.mailbox import message
from tests.sources.mail.test_emlx import emlx

KSUMMIT = ("mail", "lists", "ksummit.lists.linux.dev.mbox")
WINDOW = 30  # messages of the real mailbox in one example


@cache
def _ksummit() -> tuple[bytes, tuple[int, ...]]:
    data = shared_data(*KSUMMIT).read_bytes()
    starts = (0, *(m.start() + 1 for m in re.finditer(rb"\nFrom [^\n]*\d:\d\d", data)))
    return data, starts


def real_mbox(first: int) -> bytes:
    """`WINDOW` whole messages of the ksummit list archive, from its `first`."""
    data, starts = _ksummit()
    return data[starts[first] : starts[first + WINDOW]]


def stored(db: Database) -> dict[str, Any]:
    """What an import left: the messages as stored, their threads, interactions, where the
    mailbox's reading ended."""
    with db.read() as conn:
        messages = sorted(
            tuple(row)
            for row in conn.execute(
                text(
                    "SELECT message_id, source_offset, subject, from_address, date, category, "
                    "in_reply_to FROM mail_message"
                )
            )
        )
        threads: dict[int, set[str]] = {}
        for mid, thread in conn.execute(text("SELECT message_id, thread_id FROM mail_message")):
            threads.setdefault(thread, set()).add(mid)
        interactions = sorted(
            tuple(row)
            for row in conn.execute(text("SELECT source_id, occurred_at FROM interaction"))
        )
        (end,) = conn.execute(text("SELECT end_offset FROM mail_source")).one()
    return {
        "messages": messages,
        "threads": sorted(sorted(group) for group in threads.values()),
        "interactions": interactions,
        "end": end,
    }


def imported(root: Path, name: str, *contents: bytes) -> tuple[dict[str, Any], list[MailSummary]]:
    """Write the mailbox as each of `contents` in turn, importing it after each."""
    db = as_me(Database(f"sqlite:///{root / name}.db"), ME)
    box = root / f"{name}.mbox"
    summaries = []
    try:
        for data in contents:
            box.write_bytes(data)
            summaries.append(import_mail(db, [str(box)], workers=0))
        return stored(db), summaries
    finally:
        db.dispose()


def test_a_message_cut_inside_its_header_block_is_imported_once_the_mailbox_is_whole(
    tmp_path: Path,
) -> None:
    whole = real_mbox(200)
    starts = [0, *(m.start() + 1 for m in re.finditer(rb"\nFrom [^\n]*\d:\d\d", whole))]
    last = starts[-1]
    cut = last + whole.index(b"\nSubject:", last) - last + 4  # inside its Subject field
    clean, _ = imported(tmp_path, "clean", whole)
    grown, (first, second) = imported(tmp_path, "grown", whole[:cut], whole)
    assert grown == clean
    assert first.read == len(starts) - 1  # the fragment was not stored...
    (left,) = first.problems
    assert left.place == f"offset {last}" and LEFT_FOR_NEXT_RUN in left.message
    assert "header block" in left.message
    assert (second.read, second.new, second.problems) == (1, 1, [])  # ...but read whole later


def test_a_last_line_without_its_line_break_waits_too(tmp_path: Path) -> None:
    whole = real_mbox(500)
    grown, (first, _) = imported(tmp_path, "grown", whole[:-3], whole)
    clean, _ = imported(tmp_path, "clean", whole)
    assert grown == clean
    assert [p.message.split(":")[0] for p in first.problems] == [
        "the last message ends inside a line"
    ]


def test_a_finished_mailbox_without_its_last_line_break_is_read_whole(tmp_path: Path) -> None:
    """A mailbox left alone for longer than a mail program takes to append a message is as
    whole as it will get: its last message, ending inside a line, is read (not held back for
    ever); one cut inside its header block is still no message."""
    whole = real_mbox(500)
    box = tmp_path / "old.mbox"
    box.write_bytes(whole[:-3])
    an_hour_ago = time.time() - 3600
    os.utime(box, (an_hour_ago, an_hour_ago))
    db = as_me(Database(f"sqlite:///{tmp_path / 'old.db'}"), ME)
    try:
        summary = import_mail(db, [str(box)], workers=0)
        assert (summary.read, summary.problems) == (WINDOW, [])
        assert stored(db)["end"] == len(whole) - 3
    finally:
        db.dispose()
    headers_cut = whole[: whole.rindex(b"\nSubject:") + 4]
    box.write_bytes(headers_cut)
    os.utime(box, (an_hour_ago, an_hour_ago))
    fresh = as_me(Database(f"sqlite:///{tmp_path / 'cut.db'}"), ME)
    try:
        summary = import_mail(fresh, [str(box)], workers=0)
        assert summary.read == WINDOW - 1
        assert "header block" in summary.problems[0].message
    finally:
        fresh.dispose()


def test_a_message_cut_right_after_its_from_line_is_not_lost(tmp_path: Path) -> None:
    """The file ends with the next message's whole "From " line and nothing after: that line
    could be the last line of the message before, which looks whole; it is left too."""
    whole = real_mbox(300)
    last = whole.rindex(b"\nFrom ") + 1
    cut = whole.index(b"\n", last) + 1
    clean, _ = imported(tmp_path, "clean", whole)
    grown, (first, second) = imported(tmp_path, "grown", whole[:cut], whole)
    assert grown == clean
    assert [p.message.split(":")[0] for p in first.problems] == [
        "the next message has begun after it, its 'From ' line but no field yet"
    ]
    assert (second.new, second.problems) == (2, [])


@st.composite
def cuts(draw: st.DrawFn) -> tuple[int, int]:
    """A window of the real mailbox and a byte to cut it at: anywhere, or (as often) inside
    one of its header blocks, where a cut used to lose a message."""
    _, starts = _ksummit()
    first = draw(st.integers(min_value=0, max_value=len(starts) - WINDOW - 1))
    size = starts[first + WINDOW] - starts[first]
    if draw(st.booleans()):
        return first, draw(st.integers(min_value=0, max_value=size))
    which = draw(st.integers(min_value=first, max_value=first + WINDOW - 1))
    at = starts[which] - starts[first]
    head = real_mbox(first)
    end = head.find(b"\n\n", at)
    return first, draw(st.integers(min_value=at, max_value=end + 1))


@settings(
    max_examples=int(os.environ.get("GROW_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(cuts())
@example((132, 246705))  # found by the property: the last blank line cut off, then restored
def test_any_cut_then_the_whole_mailbox_stores_what_one_import_stores(
    cut: tuple[int, int],
) -> None:
    first, at = cut
    whole = real_mbox(first)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        clean, _ = imported(root, "clean", whole)
        grown, summaries = imported(root, "grown", whole[:at], whole)
    assert sum(s.new for s in summaries) == len(clean["messages"])
    starts = sorted(m[1] for m in clean["messages"])
    cut_in = max((s for s in starts if s < at), default=-1)  # the message the cut lies in
    body = 0 <= whole.find(b"\n\n", cut_in) < at < len(whole) and whole[:at].endswith(b"\n")
    others = [p for s in summaries for p in s.problems if LEFT_FOR_NEXT_RUN not in p.message]
    if body:
        # cut after a whole line of a message's body: it looked whole (the last of what was
        # there) and was stored (its headers are all there is to store); the read position
        # recorded then lies inside it, and the next run may say so before it reads on from
        # the next message.
        assert all("not the start of a message" in p.message for p in others)
        if cut_in == starts[-1]:
            # the last message: nothing after it was left to move the position on, and the
            # next run says so, unless all it finds there is the blank line that ends it
            assert cut_in < grown.pop("end") < clean.pop("end")
            assert [p.place for p in others] == (
                [f"offset {at}"] if whole[at:].strip(b"\n") else []
            )
        else:
            assert [p.place for p in others] in ([], [f"offset {at}"])
    else:
        assert others == []
    assert grown == clean  # the messages where they are, their threads and interactions


def test_an_apple_mail_message_shorter_than_its_count_waits_for_the_rest(
    tmp_path: Path,
) -> None:
    db = as_me(Database(f"sqlite:///{tmp_path / 'k.db'}"), ME)
    whole = emlx(message("e@acme", "Dana <dana@acme.example>", [ME], "Board pack"))
    box = tmp_path / "Inbox.mbox" / "Messages"
    box.mkdir(parents=True)
    (box.parent / "Info.plist").write_bytes(b"")
    (box / "1.emlx").write_bytes(whole[:40])
    for directory in (box, box.parent, tmp_path):
        os.utime(directory, ns=(0, 0))  # an old folder: one that could be taken as unchanged
    try:
        cut = import_mail(db, [str(box.parent)], workers=0)
        assert (cut.read, len(cut.problems)) == (0, 1)
        assert LEFT_FOR_NEXT_RUN in cut.problems[0].message
        (box / "1.emlx").write_bytes(whole)  # written in place: its folder's time stays
        os.utime(box, ns=(0, 0))
        again = import_mail(db, [str(box.parent)], workers=0)
        assert (again.read, again.new, again.problems) == (1, 1, [])
    finally:
        db.dispose()
