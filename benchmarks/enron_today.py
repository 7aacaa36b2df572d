"""What Today shows for a real mailbox: an Enron user's inbox, that user set as "me".

    uv run python benchmarks/enron_today.py kaminski-v vkamins@enron.com j.kaminski@enron.com
    uv run python benchmarks/enron_today.py lay-k kenneth.lay@enron.com klay@enron.com

Imports ../shared/data/mail/enron-inbox/USER into a fresh database in a temporary folder with
the given addresses as mine, then prints Today as it would have read the morning after the
last message (the clock is fixed there: in 2026 every one of these conversations is decades
old), the people strongest with the user, and how long the import and Today took.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from kithkin import clock
from kithkin.ingest.mail import import_mail
from kithkin.services import today
from kithkin.store import Database, settings

ENRON = Path(__file__).resolve().parents[2] / "shared/data/mail/enron-inbox"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("user", help="a folder of enron-inbox, e.g. kaminski-v")
    parser.add_argument("addresses", nargs="+", help="the user's own addresses")
    args = parser.parse_args()
    mailbox = ENRON / args.user
    if not mailbox.is_dir():
        raise SystemExit(f"{mailbox} not found (the shared corpora live in ../shared/data)")
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'kithkin.db'}")
        with db.write() as conn:
            settings.set_me(conn, name=args.user, addresses=args.addresses)
        started = time.perf_counter()
        summary = import_mail(db, [str(mailbox)], workers=0)
        imported = time.perf_counter() - started
        with db.read() as conn:
            last = conn.execute(text("SELECT max(date) FROM mail_message")).scalar_one()
            kinds = conn.execute(
                text("SELECT category, direction, count(*) FROM mail_message GROUP BY 1, 2")
            ).all()
        now = datetime.fromisoformat(str(last)).replace(tzinfo=UTC) + timedelta(days=1)
        clock.freeze(now)
        started = time.perf_counter()
        agenda = today.agenda(db)
        took = time.perf_counter() - started
        print(
            f"{args.user}: {summary.read} messages imported in {imported:.1f} s "
            f"({', '.join(f'{c}/{d} {n}' for c, d, n in kinds)}); Today as of {now:%d %b %Y}, "
            f"computed in {took * 1000:.0f} ms (relationships refreshed first)"
        )
        for warning in agenda.warnings:
            print(f"! {warning}")
        for name, title in today.SECTIONS:
            items = agenda.section(name)
            print(f"\n{title}: {len(items)}")
            for item in items:
                who = ", ".join(n for _, n in item.people[:3])
                print(f"  {who} — {item.reason}")
        with db.read() as conn:
            strongest = conn.execute(
                text(
                    "SELECT p.display_name, round(r.score), r.n_all FROM relationship r "
                    "JOIN person p ON p.id = r.person_id "
                    "ORDER BY r.score DESC, r.n_all DESC LIMIT 8"
                )
            ).all()
        print(
            "\nStrongest relationships: " + "; ".join(f"{n} {s:.0f} ({k})" for n, s, k in strongest)
        )
        db.dispose()


if __name__ == "__main__":
    main()
