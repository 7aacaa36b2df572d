"""The store: the only code that writes SQL. Everything else calls its named functions."""

from __future__ import annotations

from kithkin.store.db import Database

__all__ = ["Database"]
