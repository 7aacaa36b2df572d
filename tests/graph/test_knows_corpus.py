"""The "knows" graph on a real list archive (ksummit, in ../shared/data): every answer
between two people other than me is a tie, and nothing else is; intro paths reach people
I never wrote to."""

from __future__ import annotations

from kithkin import clock
from kithkin.ingest.correspondents import a_person, normal_address
from kithkin.ingest.mail import import_mail
from kithkin.ingest.mail.rules import classify
from kithkin.services import knows
from kithkin.sources.mail import MessageRecord, read_mail
from kithkin.store import Database, settings
from tests.conftest import shared_data

ROSTEDT = "rostedt@goodmis.org"


def test_ksummit_ties_are_the_answers_between_others(db: Database) -> None:
    with db.write() as conn:
        settings.set_me(conn, name="Steven", addresses=[ROSTEDT])
    box = shared_data("mail", "lists", "ksummit.lists.linux.dev.mbox")
    summary = import_mail(db, [str(box)], workers=0)
    first: dict[str, MessageRecord] = {}
    for record in read_mail(box):
        if isinstance(record, MessageRecord):
            first.setdefault(record.message_id, record)

    def sender(r: MessageRecord) -> str | None:
        return normal_address(r.from_[0][1]) if r.from_ else None

    expected: set[tuple[str, str]] = set()
    answers = 0
    for r in first.values():
        parent_id = (
            r.in_reply_to[0] if r.in_reply_to else (r.references[-1] if r.references else None)
        )
        p = first.get(parent_id or "")
        if p is None or r.date is None or "bulk" in (classify(r), classify(p)):
            continue
        x, y = sender(r), sender(p)
        if not x or not y or x == y or ROSTEDT in (x, y) or not (a_person(x) and a_person(y)):
            continue
        expected.add((min(x, y), max(x, y)))
        answers += 1
    with db.read() as conn:
        stored = {(a, b) for a, b in conn.exec_driver_sql("SELECT a, b FROM knows_tie")}
        pieces = conn.exec_driver_sql("SELECT count(*) FROM knows_evidence").scalar_one()
    assert stored == expected and len(stored) > 500
    assert pieces == answers == summary.ties
    assert not any("lists.linux.dev" in a or "lists.linux.dev" in b for a, b in stored)

    # someone Steven never wrote to, reached through people he did answer
    last = max(r.date for r in first.values() if r.date is not None)
    clock.freeze(last)
    found = knows.intro_paths(db, to="hpa@zytor.com")
    assert found.kind == "address" and found.paths
    for path in found.paths:
        mine, theirs = path.legs
        assert mine.person_id is not None and "last two-way contact" in mine.evidence
        assert theirs.name == "hpa@zytor.com" and theirs.evidence.startswith("a reply on")
        assert path.score == min(mine.score, theirs.score)
    assert [p.score for p in found.paths] == sorted((p.score for p in found.paths), reverse=True)
