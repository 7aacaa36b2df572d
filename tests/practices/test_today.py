"""Today: assembling the agenda, muting items until their reason changes, on a small network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kithkin import clock
from kithkin.errors import NotFound
from kithkin.model import Mute
from kithkin.practices import today
from kithkin.practices.today import Item
from kithkin.services import today as service
from kithkin.store import Database, interactions
from tests.builders.circle import dana_sam_lee

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def item(key: str, section: str, pid: int, fp: str = "x") -> Item:
    return Item(key, section, section, "why", fp, ((pid, f"P{pid}"),))


def test_each_person_once_outside_meetings_and_sections_in_order() -> None:
    agenda = today.assemble(
        NOW,
        [item("meeting:i1", "meetings", 1)],
        [item("waiting:1", "waiting", 1), item("waiting:2", "waiting", 2)],
        [item("circle:2", "circle", 2), item("circle:3", "circle", 3)],
        [item("fading:3", "fading", 3), item("fading:4", "fading", 4)],
        {},
    )
    assert [i.key for i in agenda.items] == [
        "meeting:i1",
        "waiting:1",
        "waiting:2",
        "circle:3",
        "fading:4",
    ]


def test_muted_items_stay_away_until_their_reason_changes() -> None:
    waiting = item("waiting:1", "waiting", 1, fp="mail-40")
    dismissed = {"waiting:1": Mute("waiting:1", "mail-40", "dismiss", None, NOW)}
    assert today.assemble(NOW, [], [waiting], [], [], dismissed).hidden == 1
    changed = item("waiting:1", "waiting", 1, fp="mail-41")  # a new message of theirs
    assert today.assemble(NOW, [], [changed], [], [], dismissed).items == [changed]
    snoozed = {"waiting:1": Mute("waiting:1", "mail-40", "snooze", NOW + timedelta(days=3), NOW)}
    assert today.assemble(NOW, [], [waiting], [], [], snoozed).hidden == 1
    later = NOW + timedelta(days=4)
    assert today.assemble(later, [], [waiting], [], [], snoozed).items == [waiting]


def network(db: Database) -> dict[str, int]:
    """Dana (circle, overdue), Sam (wrote to me yesterday), Lee (met tomorrow)."""
    return dana_sam_lee(
        db,
        NOW,
        sam="Sam <b>Okafor</b>",
        subject="Board <seat>?",
        lee_organisation="Globex",
        threads=True,
    )


def test_today_on_a_small_network(db: Database) -> None:
    ids = network(db)
    agenda = service.agenda(db, now=NOW)
    keys = [i.key for i in agenda.items]
    meeting = agenda.section("meetings")[0]
    assert meeting.reason.startswith("tomorrow ") and "Catch-up with Lee" in meeting.reason
    assert meeting.briefs[0]["display_name"] == "Lee Chen"
    assert meeting.briefs[0]["last"] == "never met"
    waiting = agenda.section("waiting")[0]
    assert waiting.key == f"waiting:{ids['sam']}"
    assert waiting.reason == "wrote to you 1 day ago: “Board <seat>?”"
    circle = agenda.section("circle")[0]
    assert circle.key == f"circle:{ids['dana']}" and circle.kind == "overdue"
    assert "last touch 6 weeks ago" in circle.reason
    assert keys.index(waiting.key) < keys.index(circle.key)
    data = service.to_json(agenda)
    assert [s["name"] for s in data["sections"]] == [
        "meetings",
        "waiting",
        "intros",
        "circle",
        "fading",
        "share",
        "room",
        "reflect",
        "service",
    ]
    assert data["sections"][1]["items"][0]["actions"]["dismiss"] == (
        f"kithkin today dismiss waiting:{ids['sam']}"
    )


def test_dismissed_until_the_reason_changes_then_back(db: Database) -> None:
    ids = network(db)
    key = f"waiting:{ids['sam']}"
    service.dismiss(db, key=key, now=NOW)
    agenda = service.agenda(db, now=NOW)
    assert key not in [i.key for i in agenda.items] and agenda.hidden == 1
    with db.write() as conn:  # Sam writes again: a new reason
        interactions.log_interaction(
            conn,
            kind="email",
            direction="to_me",
            participants=[(ids["sam"], "from")],
            occurred_at=NOW - timedelta(hours=1),
            subject="Following up",
            thread_key="new",
        )
    again = service.agenda(db, now=NOW)
    assert key in [i.key for i in again.items]
    assert "wrote twice" in today.find(again, key).reason  # type: ignore[union-attr]


def test_snoozed_for_some_days_and_logging_a_touch_clears_an_item(db: Database) -> None:
    ids = network(db)
    key = f"circle:{ids['dana']}"
    service.snooze(db, key=key, days=3, now=NOW)
    assert key not in [i.key for i in service.agenda(db, now=NOW).items]
    assert key in [i.key for i in service.agenda(db, now=NOW + timedelta(days=3, hours=1)).items]
    with db.write() as conn:
        interactions.log_interaction(
            conn, kind="call", direction="from_me", participants=[ids["dana"]], occurred_at=NOW
        )
    assert key not in [i.key for i in service.agenda(db, now=NOW + timedelta(hours=1)).items]
    with pytest.raises(NotFound, match="no item 'circle:999'"):
        service.dismiss(db, key="circle:999", now=NOW)


def test_an_inbox_imported_without_sent_mail_still_shows_who_waits(
    db: Database, tmp_path: Path
) -> None:
    """Like an Enron inbox: none of my sent mail. Today says so, and lists as waiting the
    colleague and the outsider who answered me before — not the newsletter that writes to me
    alone, nor the one-off sender."""
    from kithkin.ingest.mail import import_mail
    from kithkin.store import settings
    from tests.ingest.mailbox import BASE, message, write_mbox

    me = "ana@corp.example"
    with db.write() as conn:
        settings.set_me(conn, name="Ana", addresses=[me])
    mails = [
        message(f"n{k}@news", "Risk News <editor@risknews.example>", [me], f"Update {k}", day=k)
        for k in range(18)
    ]
    mails += [
        message("c1@corp", "Cole Park <cole@corp.example>", [me], "Budget", day=5),
        message("c2@corp", "Cole Park <cole@corp.example>", [me], "Budget, again", day=16),
        message("o1@out", "Omar Diaz <omar@out.example>", [me], "RE: your talk", day=3),
        message("o2@out", "Omar Diaz <omar@out.example>", [me], "slides", day=17),
        message("x1@once", "Xu Li <xu@once.example>", [me], "Hello", day=17),
    ]
    import_mail(db, [str(write_mbox(tmp_path / "inbox.mbox", mails))], workers=0)
    clock.freeze(BASE + timedelta(days=18))
    agenda = service.agenda(db)
    waiting = [i.people[0][1] for i in agenda.section("waiting")]
    assert waiting == ["Omar Diaz", "Cole Park"]  # as many messages: the latest first
    assert "wrote to you directly 2 times" in agenda.section("waiting")[0].reason
    assert any("import your Sent folder" in w for w in agenda.warnings)
    # once my sent mail is there, kithkin knows whom I answer and says nothing of the kind
    sent = [
        message(f"s{k}@corp", f"Ana <{me}>", ["Cole Park <cole@corp.example>"], "Hi", day=k)
        for k in range(2)
    ]
    import_mail(db, [str(write_mbox(tmp_path / "sent.mbox", sent))], workers=0)
    agenda = service.agenda(db)
    assert not any("import your Sent folder" in w for w in agenda.warnings)


def test_the_style_orders_the_sections() -> None:
    from kithkin.practices.today import SECTIONS, Agenda, ordered

    names = [name for name, _ in SECTIONS]
    assert ordered("connector")[0] == "intros"
    assert ordered("gatherer")[-1] == "intros"
    assert list(ordered("both")) == names
    for style in ("connector", "gatherer", "both"):
        assert sorted(ordered(style)) == sorted(names)
    agenda = Agenda(NOW, [], 0, order=ordered("connector"))
    assert agenda.sections[0] == ("intros", "Introductions waiting for you")
