"""Team accounts: passwords, web sessions, API tokens and the login rate limit.

Revision ID: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _member_id(*, primary_key: bool = False) -> sa.Column[int]:
    return sa.Column(
        "member_id",
        sa.Integer,
        sa.ForeignKey("member.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    op.create_table(
        "member_password",
        _member_id(primary_key=True),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("changed_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer, primary_key=True),
        _member_id(),
        sa.Column("key_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("client", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_web_session_member", "web_session", ["member_id"])
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer, primary_key=True),
        _member_id(),
        sa.Column("label", sa.Text),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_used_at", sa.DateTime),
    )
    op.create_index("ix_api_token_member", "api_token", ["member_id"])
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failed_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_login_failure_username", "login_failure", ["username", "failed_at"])
    op.create_index("ix_login_failure_address", "login_failure", ["address", "failed_at"])


def downgrade() -> None:
    op.drop_table("login_failure")
    op.drop_table("api_token")
    op.drop_table("web_session")
    op.drop_table("member_password")
