"""Circle suggestions on a real list archive: ksummit imported as its most active member.

Steven Rostedt sent 206 of its 3,115 messages; the clock is set at the archive's last
message. Every relationship there is list mail (answers between him and someone, a quarter
of a private mail each): the people he exchanged most with must rank first and be suggested,
and an empty circle must get its ten places filled, each with how strong and why.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from kithkin import clock
from kithkin.services import circle, relationships, today
from kithkin.store import Database
from kithkin.store.schema import interaction, interaction_participant
from kithkin.store.schema_mail import mail_message
from tests.builders.inbox import mail_of
from tests.conftest import shared_data

pytestmark = pytest.mark.corpus
ME = "rostedt@goodmis.org"


def test_ksummit_as_its_most_active_member_suggests_whom_he_exchanged_most_with(
    db: Database,
) -> None:
    archive = shared_data("mail", "lists", "ksummit.lists.linux.dev.mbox")
    mail_of(db, archive, name="Steven Rostedt", addresses=[ME])
    with db.read() as conn:
        last = conn.execute(select(func.max(mail_message.c.date))).scalar_one()
        now = last.replace(tzinfo=UTC) if last.tzinfo is None else last.astimezone(UTC)
        # interactions with each person (answers between us on the list), the last year
        volume = dict(
            conn.execute(
                select(interaction_participant.c.person_id, func.count())
                .join(interaction, interaction.c.id == interaction_participant.c.interaction_id)
                .where(interaction.c.occurred_at >= now - timedelta(days=365))
                .group_by(interaction_participant.c.person_id)
            ).all()
        )
    clock.freeze(now)
    found = circle.suggestions(db, now=now)
    adds = [s for s in found if s.action == "add"]
    assert len(adds) == 10  # an empty circle, a cap of 10: every place offered
    assert [s.score for s in adds] == sorted((s.score for s in adds), reverse=True)
    busiest = sorted(volume, key=lambda pid: -volume[pid])[:2]
    assert [s.person_id for s in adds[:2]] == busiest
    top = adds[0]
    assert top.interactions_365 == volume[top.person_id] >= 15
    assert top.reason.startswith(f"strength {top.score:.0f}/100 ({top.tier}): ")
    assert "two-way, last two-way contact" in top.reason
    # his strength with the busiest correspondent beats everyone with a couple of messages
    report = relationships.strength(db, person=top.person_id).report
    few = [s for s in adds if s.interactions_365 <= 2]
    assert all(report["score"] > s.score for s in few)
    print("\n" + "\n".join(f"{s.display_name}: {s.reason}" for s in adds))
    # Today no longer says that nothing needs him: the circle's free places are there
    agenda = today.agenda(db, now=now)
    room = agenda.section("room")
    assert room and room[0].person_id == top.person_id and room[0].reason == top.reason
