"""The store: the only code that writes SQL. Everything else calls its named functions."""

from __future__ import annotations

from kithkin.store import schema_calendar as _schema_calendar  # noqa: F401
from kithkin.store import schema_circle as _schema_circle  # noqa: F401
from kithkin.store import schema_hygiene as _schema_hygiene  # noqa: F401
from kithkin.store import schema_mail as _schema_mail  # noqa: F401
from kithkin.store import schema_service as _schema_service  # noqa: F401
from kithkin.store.db import Database

__all__ = ["Database"]
