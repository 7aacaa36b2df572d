"""The table of capture drafts (migration 0010), on the shared `metadata`.

`capture_draft`: a person read from a card photo, a QR code, a vCard or pasted text, kept
until the user saves it (it then becomes a person, the photo with them) or drops it. The
draft itself is JSON (`Draft.as_json`'s fields); the photo is kept as uploaded.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, LargeBinary, String, Table, Text

from kithkin.store.schema import UTCDateTime, metadata

capture_draft = Table(
    "capture_draft",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("file_name", Text, nullable=False),  # as uploaded or given, for messages
    Column("source", String(8), nullable=False),  # qr, ocr, vcard, text
    Column("media_type", String(32)),  # of the image; NULL when there is none
    Column("image", LargeBinary),
    Column("draft", Text, nullable=False),  # JSON: fields with confidences, text, warnings
)
