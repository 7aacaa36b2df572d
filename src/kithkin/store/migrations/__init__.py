"""Numbered schema migrations, run by Alembic and recorded in the `alembic_version` table."""

from __future__ import annotations

# The newest revision; `Database` compares the database against it before loading Alembic,
# so an up-to-date database opens without importing the migration machinery.
HEAD = "0001"
