"""Capture drafts in the store: kept from reading a card until the user saves or drops it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Connection, delete, insert, select

from kithkin import clock
from kithkin.errors import NotFound
from kithkin.model import Record, record
from kithkin.store.schema_capture import capture_draft

KEEP_DAYS: Final = 30  # a draft nobody saved is dropped after a month


@record
class StoredDraft(Record):
    id: int
    created_at: datetime
    file_name: str
    source: str
    media_type: str | None
    draft: str  # JSON


def add_draft(
    conn: Connection,
    *,
    file_name: str,
    source: str,
    draft: str,
    media_type: str | None = None,
    image: bytes | None = None,
) -> int:
    """Keep a draft (dropping those older than `KEEP_DAYS`); its id."""
    now = clock.now()
    conn.execute(
        delete(capture_draft).where(capture_draft.c.created_at < now - timedelta(days=KEEP_DAYS))
    )
    result = conn.execute(
        insert(capture_draft).values(
            created_at=now,
            file_name=file_name,
            source=source,
            media_type=media_type,
            image=image,
            draft=draft,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def get_draft(conn: Connection, draft_id: int) -> StoredDraft:
    c = capture_draft.c
    row = conn.execute(
        select(c.id, c.created_at, c.file_name, c.source, c.media_type, c.draft).where(
            c.id == draft_id
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"no capture draft #{draft_id} (saved, dropped, or older than a month)")
    return StoredDraft(*row)


def draft_image(conn: Connection, draft_id: int) -> tuple[str, bytes] | None:
    c = capture_draft.c
    row = conn.execute(select(c.media_type, c.image).where(c.id == draft_id)).one_or_none()
    if row is None or row.image is None:
        return None
    return str(row.media_type), bytes(row.image)


def remove_draft(conn: Connection, draft_id: int) -> bool:
    return bool(conn.execute(delete(capture_draft).where(capture_draft.c.id == draft_id)).rowcount)
