"""Reading answers to consent requests on every mail import: what it costs, on real mail.

    uv run python benchmarks/intro_replies.py [--pending N]

Input: ../shared/data/mail/lists/ksummit.lists.linux.dev.mbox (real people answering each
other, quoting and signing), imported as its most active member. Then N intros are made
whose consent requests are N real messages of the archive that someone else answered (so
each request has a real reply, found by In-Reply-To / References exactly as a consent
reply would be), and the reading of answers (`services.intros.recognise_replies`: the query,
the raw message read again from the mbox, quotes stripped by mail-parser-reply, the rules)
is timed, against the import itself as the baseline, and with nothing pending (what every
import pays when I have no intros waiting). Below the table: how the real replies read.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT.parent / "shared" / "data" / "mail" / "lists" / "ksummit.lists.linux.dev.mbox"
ME = "rostedt@goodmis.org"


def main() -> None:
    from kithkin.services import intros, mail, me
    from kithkin.store import Database, hygiene
    from kithkin.store import intros as store
    from kithkin.store.schema import contact_point
    from kithkin.store.schema_mail import mail_message

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pending", type=int, default=200, help="intros waiting for answers")
    opts = parser.parse_args()
    if not ARCHIVE.exists():
        sys.exit(f"{ARCHIVE}: not here (the shared corpora are needed)")
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'k.db'}")
        me.init(db, name="Steven Rostedt", addresses=[ME])
        started = time.perf_counter()
        mail.import_mail(db, locations=[str(ARCHIVE)], workers=0)
        imported = time.perf_counter() - started

        started = time.perf_counter()
        none = intros.recognise_replies(db)
        idle = time.perf_counter() - started
        assert none == []

        m, parent = mail_message.c, mail_message.alias("parent")
        with db.write() as conn:
            people = {
                str(r.normalized): int(r.person_id)
                for r in conn.execute(
                    select(contact_point.c.normalized, contact_point.c.person_id).where(
                        contact_point.c.kind == "email"
                    )
                )
            }
            pairs = conn.execute(
                select(m.from_address, parent.c.message_id, parent.c.from_address)
                .join(parent, parent.c.message_id == m.in_reply_to)
                .where(m.from_address != parent.c.from_address, m.from_address != ME)
                .order_by(m.id)
            ).all()
            made = 0
            used: set[tuple[int, int]] = set()
            for replier, asked_mid, other in pairs:
                a, b = people.get(str(replier)), people.get(str(other))
                if a is None or b is None or a == b or (min(a, b), max(a, b)) in used:
                    continue
                used.add((min(a, b), max(a, b)))
                found = store.create(
                    conn, a_id=a, b_id=b, why="benchmark",
                    parties=[("a", a, str(replier), "s", "b"), ("b", b, str(other), "s", "b")],
                )  # fmt: skip
                party = found.party("a")
                entry = hygiene.record_action(
                    conn, action="intro-ask", subscription_key=f"intro:{found.id}:a",
                    method="mailto", target=f"mailto:{replier}", message_id=f"<{asked_mid}>",
                )  # fmt: skip
                store.queue_request(conn, party.id, entry.id, f"<{asked_mid}>")
                store.mark_asked(conn, party.id)
                store.set_status(conn, found.id, "asked")
                made += 1
                if made == opts.pending:
                    break
        started = time.perf_counter()
        read = intros.recognise_replies(db)
        busy = time.perf_counter() - started
        db.dispose()

    rows = [
        ("mail import of ksummit (baseline)", imported, "-"),
        ("reading answers, nothing pending", idle, "0 answers"),
        (f"reading answers, {made} pending", busy, f"{len(read)} answers"),
    ]
    print(f"{'step':<40} {'seconds':>9} {'x import':>9}  result")
    for name, seconds, result in rows:
        print(f"{name:<40} {seconds:>9.3f} {seconds / imported:>9.4f}  {result}")
    if read:
        print(f"\nper answer read: {busy / len(read) * 1000:.1f} ms")
    print("how the real replies read:", dict(Counter(r.answer for r in read)))
    for r in read[:5]:
        print(f"  {r.answer:<8} {r.person}: {' '.join(r.text.split())[:90]!r}")


if __name__ == "__main__":
    main()
