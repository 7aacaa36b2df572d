"""The tables of team accounts (migration 0016), on the shared `metadata`.

- `member_password`: a member's password, as an argon2id hash (never the password).
- `web_session`: a browser logged in as a member: the SHA-256 of its random id (the cookie
  holds the id, signed), when it began, when it was last seen and when it ends at the latest.
  Kept in the database so that every server process (worker) knows every session.
- `api_token`: a member's API token (`Authorization: Bearer`), as its SHA-256, with a label
  and when it was last used.
- `login_failure`: failed logins of the last minutes, by user name and client address: the
  rate limit every worker shares.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from kithkin.store.schema import UTCDateTime, metadata

member_password = Table(
    "member_password",
    metadata,
    Column("member_id", Integer, ForeignKey("member.id", ondelete="CASCADE"), primary_key=True),
    Column("hash", Text, nullable=False),  # argon2id, with its parameters and salt
    Column("changed_at", UTCDateTime, nullable=False),
)

web_session = Table(
    "web_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, ForeignKey("member.id", ondelete="CASCADE"), nullable=False),
    Column("key_sha256", String(64), nullable=False, unique=True),
    Column("client", Text),  # the browser, as it named itself (to tell sessions apart)
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),  # the absolute limit
)
Index("ix_web_session_member", web_session.c.member_id)

api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", Integer, ForeignKey("member.id", ondelete="CASCADE"), nullable=False),
    Column("label", Text),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
)
Index("ix_api_token_member", api_token.c.member_id)

login_failure = Table(
    "login_failure",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("failed_at", UTCDateTime, nullable=False),
)
Index("ix_login_failure_username", login_failure.c.username, login_failure.c.failed_at)
Index("ix_login_failure_address", login_failure.c.address, login_failure.c.failed_at)
