"""Team mode: each member's own subscription rules, offers, calendar meetings and shares.

A "keep" or "digest" rule is the deciding member's, keyed by (member_id, subscription_key)
with 0 for the one user of a personal database (as the circle tables are, migration 0018);
an offer ("what I can give") is its member's (`offer.member_id`, NULL: the personal user's;
no foreign key, as for the other owned rows of 0018); a calendar's meetings are its
importer's (`calendar_event.member_id`), as its interactions already are; a share is its
sharer's (`share.member_id`). Every existing row is kept, as the personal user's (the first
owner of a team adopts the rules, offers and shares). And a partial index of the spoken
interactions (meetings, calls...) by time: the meetings of the last days ("how did it go?"
on Today, the weekly review) are found without reading every message of those days.

Revision ID: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_RULE_COLUMNS = "subscription_key, rule, set_at, note"
# the kinds of a meeting as this revision knew them (model.SPOKEN), in the order queries
# state them (store.schema.spoken): SQLite uses a partial index only for the same condition
_SPOKEN = sa.text("kind IN ('call', 'coffee', 'event', 'meal', 'meeting')")


def _rules(*, per_member: bool) -> None:
    """subscription_rule made again with (or without) member_id in its key, its rows copied
    (going back, the personal user's only). No table refers to it: a rebuild is safe."""
    first = (
        [sa.Column("member_id", sa.Integer, primary_key=True, server_default="0")]
        if per_member
        else []
    )
    op.create_table(
        "subscription_rule_next",
        *first,
        sa.Column("subscription_key", sa.Text, primary_key=True),
        sa.Column("rule", sa.String(8), nullable=False),
        sa.Column("set_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
    )
    if per_member:
        copy = (
            f"INSERT INTO subscription_rule_next (member_id, {_RULE_COLUMNS}) "  # noqa: S608
            f"SELECT 0, {_RULE_COLUMNS} FROM subscription_rule"
        )
    else:
        copy = (
            f"INSERT INTO subscription_rule_next ({_RULE_COLUMNS}) "  # noqa: S608
            f"SELECT {_RULE_COLUMNS} FROM subscription_rule WHERE member_id = 0"
        )
    op.execute(copy)
    op.drop_table("subscription_rule")
    op.rename_table("subscription_rule_next", "subscription_rule")


def upgrade() -> None:
    _rules(per_member=True)
    op.add_column("offer", sa.Column("member_id", sa.Integer))
    op.create_index("ix_offer_member", "offer", ["member_id"])
    op.add_column("calendar_event", sa.Column("member_id", sa.Integer))
    op.add_column("share", sa.Column("member_id", sa.Integer))
    op.create_index("ix_share_member", "share", ["member_id"])
    op.create_index("ix_calendar_event_member", "calendar_event", ["member_id"])
    _owned_in_a_team()
    op.create_index(
        "ix_interaction_spoken", "interaction", ["occurred_at"], sqlite_where=_SPOKEN,
        postgresql_where=_SPOKEN,
    )  # fmt: skip


def _owned_in_a_team() -> None:
    """A database that is a team already: the rows from before are its first owner's (a
    calendar's meetings: the member whose interactions they became, else the first owner), as
    when the first owner is added (`store.privacy.adopt_personal_rows`)."""
    owner = "(SELECT min(id) FROM member WHERE role = 'owner')"  # none: a personal database
    op.execute(
        f"UPDATE subscription_rule SET member_id = {owner} "  # noqa: S608 (no input)
        f"WHERE member_id = 0 AND {owner} IS NOT NULL"
    )
    for table in ("offer", "share"):
        op.execute(f"UPDATE {table} SET member_id = {owner} WHERE member_id IS NULL")  # noqa: S608
    met = "(SELECT i.member_id FROM interaction i WHERE i.id = calendar_event.interaction_id)"
    op.execute(
        f"UPDATE calendar_event SET member_id = coalesce({met}, {owner}) "  # noqa: S608
        "WHERE member_id IS NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_interaction_spoken", "interaction")
    op.drop_index("ix_share_member", "share")
    op.execute("ALTER TABLE share DROP COLUMN member_id")
    op.drop_index("ix_calendar_event_member", "calendar_event")
    op.execute("ALTER TABLE calendar_event DROP COLUMN member_id")
    op.drop_index("ix_offer_member", "offer")
    op.execute("ALTER TABLE offer DROP COLUMN member_id")  # in place on both (SQLite >= 3.35)
    _rules(per_member=False)
