"""Team mode: each member's own data. Interactions, mailboxes and the outbox carry the member
they belong to (`member_id`, NULL: the one user of a personal database); each mailbox says
what the team sees of its mail (`team_sees`); relationship strength, the circle and muted
Today items are kept per member, keyed by (member_id, person_id) with 0 for the one user of a
personal database (a primary key stays simple and non-null). Every existing row is kept, as
the personal user's.

Revision ID: 0018
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_OWNED = ("interaction", "mail_source", "outbox")


def _fk(table: str, ondelete: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete=ondelete)


def _relationship_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("tier", sa.String(8), nullable=False),
        sa.Column("last_touch_at", sa.DateTime),
        sa.Column("last_inbound_at", sa.DateTime),
        sa.Column("last_mutual_at", sa.DateTime),
        sa.Column("waiting_since", sa.DateTime),
        sa.Column("waiting_last_at", sa.DateTime),
        sa.Column("waiting_kind", sa.String(8)),
        sa.Column("waiting_count", sa.Integer, nullable=False),
        sa.Column("waiting_interaction_id", sa.Integer, _fk("interaction", "SET NULL")),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("reciprocity", sa.Float, nullable=False),
        sa.Column("n_30", sa.Integer, nullable=False),
        sa.Column("n_90", sa.Integer, nullable=False),
        sa.Column("n_365", sa.Integer, nullable=False),
        sa.Column("n_all", sa.Integer, nullable=False),
        sa.Column("next_event_at", sa.DateTime),
        sa.Column("fading", sa.Float, nullable=False),
        sa.Column("fading_from", sa.DateTime),
        sa.Column("fading_last_at", sa.DateTime),
        sa.Column("unanswered_since", sa.DateTime),
        sa.Column("computed_at", sa.DateTime, nullable=False),
    ]


def _tables() -> dict[str, tuple[str, list[sa.Column[object]]]]:
    """The per-member tables: their key column besides member_id, and their other columns."""
    return {
        "relationship": ("person_id", _relationship_columns()),
        "relationship_inputs": ("person_id", [sa.Column("inputs", sa.Text, nullable=False)]),
        "circle_member": (
            "person_id",
            [
                sa.Column("cadence_days", sa.Integer),
                sa.Column("source", sa.String(16), nullable=False),
                sa.Column("added_at", sa.DateTime, nullable=False),
            ],
        ),
        "agenda_mute": (
            "item_key",
            [
                sa.Column("fingerprint", sa.String(64), nullable=False),
                sa.Column("action", sa.String(8), nullable=False),
                sa.Column("until", sa.DateTime),
                sa.Column("at", sa.DateTime, nullable=False),
            ],
        ),
    }


_INDEXES = {
    "relationship": (
        ("ix_relationship_score", ["score"]),
        ("ix_relationship_waiting", ["waiting_last_at"]),
        ("ix_relationship_fading", ["fading_last_at"]),
        ("ix_relationship_next_event", ["next_event_at"]),
    )
}


def _key(name: str) -> sa.Column[object]:
    if name == "person_id":
        return sa.Column("person_id", sa.Integer, _fk("person", "CASCADE"), primary_key=True)
    return sa.Column(name, sa.String(64), primary_key=True)


def _rebuild(table: str, *, per_member: bool) -> None:
    """The table made again with (or without) member_id in its key, its rows copied (going
    back, the personal user's rows only)."""
    key, columns = _tables()[table]
    names = [key, *(c.name for c in columns)]
    new = f"{table}_next"
    first = (
        [sa.Column("member_id", sa.Integer, primary_key=True, server_default="0")]
        if per_member
        else []
    )
    op.create_table(new, *first, _key(key), *columns)
    listed = ", ".join(names)  # names of this module's own tables and columns, no input
    if per_member:
        copy = f"INSERT INTO {new} (member_id, {listed}) SELECT 0, {listed} FROM {table}"  # noqa: S608
    else:
        copy = f"INSERT INTO {new} ({listed}) SELECT {listed} FROM {table} WHERE member_id = 0"  # noqa: S608
    op.execute(copy)
    for index, _ in _INDEXES.get(table, ()):
        op.drop_index(index, table_name=table)
    op.drop_table(table)
    op.rename_table(new, table)
    for index, cols in _INDEXES.get(table, ()):
        op.create_index(index, table, cols)


def _add_member(table: str) -> None:
    # No foreign key: a member removed leaves their rows as they were (theirs, seen by nobody
    # else), and the schema modules need not load `member` to read these tables.
    op.add_column(table, sa.Column("member_id", sa.Integer))
    op.create_index(f"ix_{table}_member", table, ["member_id"])


def upgrade() -> None:
    for table in _OWNED:
        _add_member(table)
    op.add_column(
        "mail_source",
        sa.Column("team_sees", sa.String(8), nullable=False, server_default="metadata"),
    )
    for table in _tables():
        _rebuild(table, per_member=True)


def downgrade() -> None:
    for table in _tables():
        _rebuild(table, per_member=False)
    _drop("mail_source", ["team_sees"])
    for table in _OWNED:
        op.drop_index(f"ix_{table}_member", table_name=table)
        _drop(table, ["member_id"])


def _drop(table: str, columns: Sequence[str]) -> None:
    # In place on both engines (SQLite >= 3.35): a batch rebuild would drop `interaction`,
    # and its participants with it (ON DELETE CASCADE).
    for column in columns:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
