"""Circle suggestions on a real list archive, for each of its most active members as "me".

    uv run python benchmarks/list_suggestions.py [MAILBOX...] [--members 5] [--limit 10]

MAILBOX: mbox files, Maildirs or folders of messages (default: the ksummit archive in
../shared/data). Each is read once to find the addresses that sent the most messages; then,
for each of the `--members` busiest, it is imported into a fresh database (in a temporary
folder) with that address as mine, the clock is set at the archive's last message, and the
circle's suggestions are printed as `kithkin circle suggest` makes them: name, score, tier,
interactions in the last year, and the messages each way between us (all answers between two
people on the list: theirs to mine, mine to theirs).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from kithkin import clock
from kithkin.ingest.mail import import_mail
from kithkin.services import circle
from kithkin.store import Database, settings

KSUMMIT = (
    Path(__file__).resolve().parents[2] / "shared/data/mail/lists/ksummit.lists.linux.dev.mbox"
)
EACH_WAY = text(
    "SELECT ip.person_id, sum(i.direction = 'to_me'), sum(i.direction = 'from_me') "
    "FROM interaction_participant ip JOIN interaction i ON i.id = ip.interaction_id GROUP BY 1"
)


def busiest(mailbox: Path, folder: Path, count: int) -> tuple[list[tuple[str, str, int]], datetime]:
    """The `count` addresses that sent the most messages (address, name, messages), and the
    date of the last message."""
    db = Database(f"sqlite:///{folder / 'senders.db'}")
    with db.write() as conn:
        settings.set_me(conn, name="Nobody", addresses=["nobody@invalid.example"])
    import_mail(db, [str(mailbox)], workers=0)
    with db.read() as conn:
        rows = conn.execute(
            text(
                "SELECT lower(from_address), max(from_name), count(*) FROM mail_message "
                "WHERE from_address IS NOT NULL GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT :n"
            ),
            {"n": count},
        ).all()
        last = conn.execute(text("SELECT max(date) FROM mail_message")).scalar_one()
    db.dispose()
    when = datetime.fromisoformat(str(last)).replace(tzinfo=UTC)
    return [(str(a), str(n or a), int(c)) for a, n, c in rows], when


def suggestions_of(
    mailbox: Path, folder: Path, address: str, name: str, now: datetime, limit: int
) -> tuple[list[tuple[str, float, str, int, int, int]], float]:
    path = folder / f"{address}.db"
    db = Database(f"sqlite:///{path}")
    with db.write() as conn:
        settings.set_me(conn, name=name, addresses=[address])
    started = time.perf_counter()
    import_mail(db, [str(mailbox)], workers=0)
    clock.freeze(now)
    try:
        found = [s for s in circle.suggestions(db, now=now, limit=limit) if s.action == "add"]
    finally:
        clock.freeze(None)
    took = time.perf_counter() - started
    with db.read() as conn:
        ways = {int(p): (int(i or 0), int(o or 0)) for p, i, o in conn.execute(EACH_WAY)}
    db.dispose()
    rows = [
        (s.display_name, s.score, s.tier, s.interactions_365, *ways.get(s.person_id, (0, 0)))
        for s in found
    ]
    return rows, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mailboxes", nargs="*", type=Path, default=[KSUMMIT])
    parser.add_argument("--members", type=int, default=5, help="the busiest senders to try")
    parser.add_argument("--limit", type=int, default=10, help="suggestions each (cap: 10)")
    args = parser.parse_args()
    for mailbox in args.mailboxes:
        if not mailbox.exists():
            raise SystemExit(f"{mailbox} not found (the shared corpora live in ../shared/data)")
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            members, now = busiest(mailbox, folder, args.members)
            print(f"\n{mailbox.name}: clock at its last message, {now:%Y-%m-%d %H:%M} UTC")
            for address, name, sent in members:
                rows, took = suggestions_of(mailbox, folder, address, name, now, args.limit)
                print(f"\nme = {name} <{address}>, {sent} messages sent ({took:.1f} s)")
                print(f"  {'#':>2}  {'suggested':<28} {'score':>5}  {'tier':<8} {'last year':>9}"
                      f"  {'theirs':>6} {'mine':>5}")  # fmt: skip
                if not rows:
                    print("  (nothing to suggest)")
                for rank, (who, score, tier, year, theirs, mine) in enumerate(rows, 1):
                    print(f"  {rank:>2}  {who[:28]:<28} {score:>5.1f}  {tier:<8} {year:>9}"
                          f"  {theirs:>6} {mine:>5}")  # fmt: skip


if __name__ == "__main__":
    main()
