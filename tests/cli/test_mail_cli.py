"""`kithkin import mail` and `kithkin import calendar` through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.ingest.mail.test_notes import BIG, CP1252, UNDATED, noted_mbox
from tests.ingest.mailbox import message, write_maildir, write_mbox

ME = "ana@kithkin.example"


def test_import_mail_prints_a_summary_and_json(run: Any, tmp_path: Path) -> None:
    assert run("init", "--email", ME).code == 0
    box = write_mbox(
        tmp_path / "in.mbox",
        [
            message("1@a", "Dana <dana@acme.example>", [ME], "Hi"),
            message("2@a", ME, ["Dana <dana@acme.example>"], "Re: Hi", day=1, reply_to="1@a"),
            message("3@n", "News <news@shop.example>", [ME], "Deals", Precedence="bulk"),
        ],
    )
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "broken.eml").write_bytes(b"no header here\n\nbody\n")
    result = run("import", "mail", str(box), str(folder))
    assert result.code == 0, result.err
    assert "messages read" in result.out and "new people             1" in result.out
    assert "interactions           2" in result.out and "bulk" in result.out
    assert f"{folder / 'broken.eml'}: file: not a mail message" in result.out
    assert "importing mail" not in result.err  # no progress bar off a terminal
    again = run("import", "mail", str(box), "--json")
    data = json.loads(again.out)
    assert (data["read"], data["new"], data["unchanged_sources"]) == (0, 0, [str(box)])
    assert data["me_known"] is True and data["seconds"] >= 0
    stats = json.loads(run("stats", "--json").out)
    assert (stats["people"], stats["interactions"], stats["threads"]) == (1, 2, 1)


def test_what_the_parser_noticed_and_files_that_are_not_mail_are_shown(
    run: Any, tmp_path: Path
) -> None:
    assert run("init", "--email", ME).code == 0
    box, (big, latin, undated) = noted_mbox(tmp_path / "noted.mbox")
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "passwd").write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    (etc / "ld.so.cache").write_bytes(bytes(range(256)))
    shown = run("import", "mail", str(box), str(etc))
    assert shown.code == 0, shown.err
    assert "1 message without a date: stored, no interaction" in shown.out
    assert "skipped 2 files that are not mail" in shown.out
    assert f"{etc / 'passwd'}: file: not a mail message" in shown.out
    assert f"{box}: offset {big}: {BIG}" in shown.out
    assert f"{box}: offset {latin}: {CP1252}" in shown.out
    assert f"{box}: offset {undated}: {UNDATED}" in shown.out
    assert f"       1  {BIG}" in shown.out  # counted by kind
    copy = tmp_path / "copy.mbox"
    copy.write_bytes(box.read_bytes())  # known messages, read again: noticed again
    data = json.loads(run("import", "mail", str(copy), "--json").out)
    assert {"file": str(copy), "place": f"offset {big}", "message": BIG} in data["notes"]
    assert data["note_counts"][CP1252] == 1 and data["not_mail"] == 0


def test_import_mail_warns_when_it_does_not_know_me(run: Any, tmp_path: Path) -> None:
    root = tmp_path / "md"
    write_maildir(root, [(message("x@a", "Dana <dana@acme.example>", [ME]), "S")])
    result = run("import", "mail", str(root))
    assert result.code == 0
    assert "kithkin init --email" in result.err


def test_import_mail_errors_name_the_place(run: Any, tmp_path: Path) -> None:
    missing = run("import", "mail", str(tmp_path / "nope.mbox"))
    assert missing.code == 2 and "nope.mbox: no such file or folder" in missing.err
    secret = run("import", "mail", "imaps://ana:hunter2@mail.example/INBOX")
    assert secret.code == 1 and "hunter2" not in secret.err
    assert "a password does not belong in the URL" in secret.err


def test_import_calendar(run: Any, tmp_path: Path) -> None:
    assert run("init", "--email", ME).code == 0
    cal = tmp_path / "work.ics"
    cal.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        "BEGIN:VEVENT\r\nUID:m1\r\nSUMMARY:Board prep\r\nDTSTART:20240304T090000Z\r\n"
        "DTEND:20240304T100000Z\r\nORGANIZER;CN=Ana:mailto:ana@kithkin.example\r\n"
        "ATTENDEE;CN=Dana;PARTSTAT=ACCEPTED:mailto:dana@acme.example\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        encoding="utf-8",
    )
    # March 2024 is more than two years before today's clock: the window is widened, and kept
    result = run("import", "calendar", str(cal), "--past-days", "36500", "--remember")
    assert result.code == 0, result.err
    assert "meetings            1" in result.out and "interactions        1" in result.out
    data = json.loads(run("import", "calendar", str(cal), "--json").out)
    assert data["window"]["start"] < "1930"
    assert (data["meetings"], data["unchanged"], data["interactions"]) == (0, 1, 0)
    bad = run("import", "calendar", str(cal), "--zone", "Mars/Olympus")
    assert bad.code == 2 and "unknown time zone" in bad.err
    notes = tmp_path / "notes.ics"
    notes.write_text("hello\n", encoding="utf-8")
    broken = json.loads(run("import", "calendar", str(notes), "--json").out)
    assert broken["problems"][0]["message"].startswith("not an iCalendar file")


def test_import_calendar_of_an_endless_rule_ends_in_seconds(run: Any, tmp_path: Path) -> None:
    # issue 12: a 300-byte file (MINUTELY, COUNT=100000000) ran for minutes and past 5 GB;
    # run as a process of its own, so that a hang fails the test after 60 s
    assert run("init", "--email", ME).code == 0
    storm = tmp_path / "storm.ics"
    storm.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:storm\r\n"
        "SUMMARY:Storm\r\nDTSTART:20250101T000000Z\r\nDURATION:PT1M\r\n"
        "RRULE:FREQ=MINUTELY;COUNT=100000000\r\nATTENDEE:mailto:dana@acme.example\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    assert storm.stat().st_size < 300
    kithkin = [sys.executable, "-m", "kithkin", "--db", str(tmp_path / "kithkin.db")]
    command = [*kithkin, "import", "calendar", str(storm), "--past-days", "36500"]
    done = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["events"] == 2000 and data["window"]["max_occurrences"] == 2000
    assert data["clipped"] == [
        {
            "file": str(storm),
            "place": "line 4 (event storm)",
            "uid": "storm",
            "summary": "Storm",
            "kept": 2000,
            "reason": "more than 2,000 occurrences in the window",
        }
    ]
    text = subprocess.run(
        [*command, "--max-occurrences", "100"], capture_output=True, text=True, timeout=60
    )
    assert text.returncode == 0, text.stderr
    assert "at most 100 occurrences of an event" in text.stdout
    assert (
        f"clipped 1:\n  {storm}: line 4 (event storm): 'Storm': "
        "more than 100 occurrences in the window; 100 kept\n" in text.stdout
    )


def test_the_progress_line(capsys: pytest.CaptureFixture[str]) -> None:
    from kithkin.cli.mail import _Progress

    progress = _Progress()
    progress(1500)
    progress(500)
    progress.close()
    err = capsys.readouterr().err
    assert err.startswith("\rimporting mail: 1,500 messages, ")
    assert "\rimporting mail: 2,000 messages, " in err and err.endswith("/s\n")
