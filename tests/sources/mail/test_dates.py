"""Date fields, from RFC 5322 to the broken, and mbox envelope dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.sources.mail.dates import envelope_date, parse_date


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "moment", "note"),
    [
        ("Mon, 14 May 2001 19:36:00 -0700 (PDT)", utc(2001, 5, 15, 2, 36), None),
        ("14 May 2001 19:36 +0530", utc(2001, 5, 14, 14, 6), None),
        ("Thu, 5 Sep 2002 23:42:38 GMT", utc(2002, 9, 5, 23, 42, 38), None),
        ("Thu, 5 Sep 2002 23:42:38 EDT", utc(2002, 9, 6, 3, 42, 38), None),
        ("Thu, 5 Sep 02 23:42:38 +0000", utc(2002, 9, 5, 23, 42, 38), None),  # two-digit year
        ("Wed, 31 Dec 97 23:00:00 -0100", utc(1998, 1, 1, 0, 0), None),
        ("Tue, 10 Jun 2003 09:41:01 CEST", utc(2003, 6, 10, 7, 41, 1), None),
        ("Fri, 25 Oct 2002 12:00:00", utc(2002, 10, 25, 12), "no time zone; taken as UTC"),
        ("2002/09/14 Sat 02:29:32 CDT", utc(2002, 9, 14, 7, 29, 32), None),
        ("2021-11-18T08:35:34+02:00", utc(2021, 11, 18, 6, 35, 34), None),
        ("01 Jan 2001 00:01+0000", utc(2001, 1, 1, 0, 1), None),
    ],
)
def test_dates(raw: str, moment: datetime, note: str | None) -> None:
    assert parse_date(raw) == (moment, note)


@pytest.mark.parametrize(
    "raw", ["", "garbage", "Thu Jan 01 00:00:10 +0000", "32 Jan 2001 00:00 +0000", "31 Feb 2001"]
)
def test_unreadable_dates_are_none_with_the_reason(raw: str) -> None:
    moment, note = parse_date(raw)
    assert moment is None
    assert note is not None and note.startswith("unreadable Date")


def test_envelope_dates() -> None:
    line = b"From ksummit+bounces@lists.linux.dev Mon Apr 19 15:28:51 2021"
    assert envelope_date(line) == utc(2021, 4, 19, 15, 28, 51)
    assert envelope_date(b"From x@y Mon Jan 01 00:00:00 +0000 2018") == utc(2018, 1, 1)
    assert envelope_date(b"From x@y sometime") is None


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2090, 1, 1)),
       st.integers(-14 * 60, 14 * 60))  # fmt: skip
def test_dates_written_by_the_stdlib_parse_back(moment: datetime, minutes: int) -> None:

    aware = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=minutes)))
    assert parse_date(format_datetime(aware)) == (aware.astimezone(UTC), None)
