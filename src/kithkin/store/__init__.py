"""The store: the only code that writes SQL. Everything else calls its named functions.

The tables of each part (schema_mail, schema_calendar, ...) are made when a module that
queries them is imported, not with the store: a command builds only the tables it reads."""

from __future__ import annotations

from kithkin.store.db import Database

__all__ = ["Database"]
