"""Stage "read" for IMAP folders (read-only): the messages after the last UID read, one batch
per network round trip, and the flags of those read before (read, answered) brought up to
date. A new UIDVALIDITY means the folder was rebuilt: it is read again from its start.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable
from typing import Any, Final

from kithkin.ingest.mail.batch import MailRun, Progress, chunks, log_activity, store_batch
from kithkin.ingest.mail.prepare import Prepared, prepare
from kithkin.sources.mail import MessageRecord
from kithkin.store import Database
from kithkin.store import mail as store_mail

_UID: Final = re.compile(r";UID=(\d+)$")


def import_imap(
    db: Database,
    location: str,
    run: MailRun,
    password: Callable[[str], str],
    ssl_context: ssl.SSLContext | None,
    batch_size: int,
    progress: Progress | None,
) -> None:
    from kithkin.sources.mail.imap import ImapSession, parse_imap_url

    url = parse_imap_url(location)
    key = str(url)
    with db.read() as conn:
        known = store_mail.source_state(conn, key)
    since = known.last_uid or 0 if known is not None else 0
    validity = known.uidvalidity if known is not None else None
    source_id = known.id if known is not None else None
    with ImapSession(url, password=password(location), ssl_context=ssl_context) as session:
        read = session.read(since_uid=since, uidvalidity=validity)
        stream = (prepare(run.me, r) if isinstance(r, MessageRecord) else r for r in read)
        for chunk in chunks(stream, batch_size):
            with db.write() as conn:  # one batch per network round trip: no warm cache needed
                if source_id is None:
                    source_id = store_mail.open_source(
                        conn, key, "imap", member_id=run.member_id
                    ).id
                store_batch(conn, chunk, run, source_id, {})
                uids = [_uid(i) for i in chunk if isinstance(i, Prepared)]
                values: dict[str, Any] = {"messages": len(uids)}
                if session.state is not None:
                    values["uidvalidity"] = session.state.uidvalidity
                if uids:
                    values["last_uid"] = max(uids)
                store_mail.save_progress(conn, source_id, **values)
                log_activity(conn, run.summary)
            if progress is not None:
                progress(len(chunk))
        state = session.state
        changed = 0
        if state is not None and source_id is not None and since and not state.reset:
            changed = _refresh_imap_flags(db, run, source_id, session.flags(since))
    if state is None:
        return
    if known is None or not known.done or known.uidvalidity != state.uidvalidity:
        with db.write() as conn:
            if source_id is None:
                source_id = store_mail.open_source(conn, key, "imap", member_id=run.member_id).id
            store_mail.save_progress(
                conn, source_id, done=True, uidvalidity=state.uidvalidity, last_uid=state.last_uid
            )
    elif state.last_uid == since and not changed:
        run.summary.unchanged_sources.append(key)


def _refresh_imap_flags(db: Database, run: MailRun, source_id: int, now: dict[int, str]) -> int:
    """Messages read in earlier runs whose flags changed on the server since (read,
    answered...): hygiene's read rates and the waiting list follow them."""
    with db.read() as conn:
        stored = store_mail.flags_of_source(conn, source_id)
    changes = [
        (row_id, now[uid], source_file, 0)
        for row_id, source_file, flags in stored
        if (uid := _uid_of(source_file)) in now and now[uid] != flags
    ]
    if changes:
        with db.write() as conn:
            store_mail.set_flags(conn, changes)
        run.summary.flags_updated += len(changes)
    return len(changes)


def _uid_of(source_file: str) -> int:
    found = _UID.search(source_file)
    return int(found[1]) if found else 0


def _uid(record: Prepared) -> int:
    found = _UID.search(record.source_file)
    return int(found[1]) if found else 0
