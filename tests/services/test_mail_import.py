"""The use cases of mail and calendars in: checked before they start, what they report."""

from __future__ import annotations

from pathlib import Path

import pytest

from kithkin.errors import ImapError, InvalidInput, NoSuchLocation, UnknownTimeZone
from kithkin.services import calendar, mail
from kithkin.services.locations import without_passwords
from kithkin.store import Database
from tests.builders.mail import ME, as_me, event, ics
from tests.ingest.mailbox import message, write_mbox

DANA = "Dana <dana@acme.example>"


def test_import_mail_reports_its_summary_and_warnings(db: Database, tmp_path: Path) -> None:
    box = write_mbox(tmp_path / "in.mbox", [message("1@a", DANA, [ME], "Hi")])
    done = mail.import_mail(db, locations=[str(box)], workers=0)
    assert (done.summary.read, done.summary.new) == (1, 1)
    assert done.warnings and "kithkin init --email" in done.warnings[0]  # it does not know me
    data = done.as_json()
    assert list(data)[-2:] == ["seconds", "unsubscribe_ignored"]
    assert "seconds" not in done.as_json(timed=False)
    known = mail.import_mail(as_me(db), locations=[str(box)], workers=0)
    assert known.warnings == () and known.summary.unchanged_sources == [str(box)]


def test_locations_are_checked_before_an_import_starts(db: Database, tmp_path: Path) -> None:
    with pytest.raises(NoSuchLocation, match=r"nope\.mbox: no such file or folder"):
        mail.import_mail(db, locations=[str(tmp_path / "nope.mbox")])
    with pytest.raises(InvalidInput, match="give the path of a mailbox"):
        mail.check_locations(locations=["  ", ""])
    with pytest.raises(ImapError, match="a password does not belong in the URL"):
        mail.check_locations(locations=["imaps://ana:hunter2@mail.example/INBOX"])
    box = write_mbox(tmp_path / "in.mbox", [message("1@a", DANA, [ME])])
    checked = mail.check_locations(
        locations=[f" {box} ", "imaps://ana@mail.example/INBOX"], password="s3cret"
    )
    assert checked.places == (str(box), "imaps://ana@mail.example/INBOX")
    assert "s3cret" not in repr(checked)
    assert without_passwords("imaps://ana:s3cret@mail.example/INBOX") == (
        "imaps://ana@mail.example/INBOX"
    )


def test_import_calendar_parses_its_zone_and_paths(db: Database, tmp_path: Path) -> None:
    path = ics(tmp_path, event("m1", "20240304T090000Z", "Board prep", f"ATTENDEE:mailto:{ME}"))
    with pytest.raises(UnknownTimeZone, match="unknown time zone 'Mars/Olympus'"):
        calendar.import_calendar(db, paths=[path], zone="Mars/Olympus")
    with pytest.raises(NoSuchLocation, match="no such file on this computer"):
        calendar.import_calendar(db, paths=[str(tmp_path / "no.ics")])
    with pytest.raises(InvalidInput, match="give the path of one or more calendar files"):
        calendar.import_calendar(db, paths=[" "])
    summary = calendar.import_calendar(
        db, paths=[f" {path} "], zone="Europe/Berlin", past_days=36_500
    )  # March 2024 may be more than the two years back read by default
    assert summary.events == 1
    assert calendar.meetings(db) == []
