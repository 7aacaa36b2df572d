"""The tables of inbox hygiene (migration 0005), on the shared `metadata`.

- `subscription_rule`: what the user (in team mode: each member) decided about a subscription
  (practice P11): "keep" (never proposed for unsubscribing again) or "digest" (read in a
  digest, not unsubscribed), by the subscription's key (`store.hygiene.group_key`:
  "list:<list-id>", "unsub:<target>", "from:<address>", "domain:<domain>").
- `outbox`: every outbound action taken on the user's behalf (an unsubscribe first), recorded
  before it is tried and finished with its outcome. The idempotency key (a hash of action,
  subscription, method and target) is unique, so recording the same action twice gives the
  same row and re-running never sends twice; a row left "trying" by a crash stays visible as
  such. A mailto unsubscribe gets its Message-ID when recorded, so a retry sends the same one.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text

from kithkin.store.schema import UTCDateTime, metadata

subscription_rule = Table(
    "subscription_rule",
    metadata,
    # whose rule it is (migration 0021): a member of a team; 0 the one user of a personal
    # database (`schema_circle.member_key`)
    Column("member_id", Integer, primary_key=True, server_default="0"),
    Column("subscription_key", Text, primary_key=True),
    Column("rule", String(8), nullable=False),  # keep, digest
    Column("set_at", UTCDateTime, nullable=False),
    Column("note", Text),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action", String(16), nullable=False),  # unsubscribe
    Column("subscription_key", Text, nullable=False),
    Column("method", String(16), nullable=False),  # one-click, mailto, web
    Column("target", Text, nullable=False),  # the URI acted on
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("status", String(8), nullable=False),  # pending, trying, done, failed, refused
    Column("created_at", UTCDateTime, nullable=False),
    Column("tried_at", UTCDateTime),  # the last attempt began then
    Column("finished_at", UTCDateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("outcome", Text),  # one line: "HTTP 200", "sent to list-request@...", why refused
    Column("message_id", Text),  # mailto: the Message-ID every attempt sends
    # whose outbound action it is (migration 0018; None: the one user of a personal database)
    Column("member_id", Integer),  # no foreign key: see migration 0018
)
Index("ix_outbox_member", outbox.c.member_id)
Index("ix_outbox_subscription", outbox.c.subscription_key)
Index("ix_outbox_status", outbox.c.status)
