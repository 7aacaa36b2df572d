"""The small network the Today, circle and brief tests share, written through the store.

Dana is in the circle (tagged `circle`) and overdue: our last coffee was 40 days ago. Sam and I
wrote back and forth three times, and Sam wrote to me yesterday: waiting for my reply. Lee and
I meet tomorrow. The clock is frozen at `now` afterwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kithkin import clock
from kithkin.store import Database, interactions, people


def dana_sam_lee(
    db: Database,
    now: datetime,
    *,
    sam: str = "Sam Okafor",
    subject: str = "Board seat?",
    lee_organisation: str | None = None,
    lee_title: str | None = None,
    threads: bool = False,
) -> dict[str, int]:
    """The three of them (ids by first name, lower case); `threads`: Sam's mails in threads
    (one per exchange, and a new one for the last message)."""
    clock.freeze(now - timedelta(days=60))
    with db.write() as conn:
        ids = {
            "dana": people.add_person(conn, display_name="Dana Whitfield", tags=["circle"]),
            "sam": people.add_person(conn, display_name=sam),
            "lee": people.add_person(
                conn, display_name="Lee Chen", organisation=lee_organisation, title=lee_title
            ),
        }
        log = interactions.log_interaction
        log(
            conn,
            kind="coffee",
            direction="both",
            participants=[ids["dana"]],
            occurred_at=now - timedelta(days=40),
        )
        for d in (30, 20, 10):
            for way, role, lag in (
                ("from_me", "to", 1.0),
                ("to_me", "from", 0),
                ("from_me", "to", -0.5),
            ):
                log(
                    conn,
                    kind="email",
                    direction=way,
                    participants=[(ids["sam"], role)],
                    occurred_at=now - timedelta(days=d + lag),
                    thread_key=f"s{d}" if threads else None,
                )
        log(
            conn,
            kind="email",
            direction="to_me",
            participants=[(ids["sam"], "from")],
            occurred_at=now - timedelta(days=1),
            subject=subject,
            thread_key="new" if threads else None,
        )
        log(
            conn,
            kind="meeting",
            direction="both",
            participants=[ids["lee"]],
            occurred_at=now + timedelta(days=1),
            subject="Catch-up with Lee",
        )
    clock.freeze(now)
    return ids
