"""The store: the only code that writes SQL. Everything else calls its named functions."""

from __future__ import annotations

from kithkin.store import schema_amplify as _schema_amplify  # noqa: F401
from kithkin.store import schema_calendar as _schema_calendar  # noqa: F401
from kithkin.store import schema_capture as _schema_capture  # noqa: F401
from kithkin.store import schema_circle as _schema_circle  # noqa: F401
from kithkin.store import schema_gathering as _schema_gathering  # noqa: F401
from kithkin.store import schema_hygiene as _schema_hygiene  # noqa: F401
from kithkin.store import schema_intro as _schema_intro  # noqa: F401
from kithkin.store import schema_knows as _schema_knows  # noqa: F401
from kithkin.store import schema_mail as _schema_mail  # noqa: F401
from kithkin.store import schema_service as _schema_service  # noqa: F401
from kithkin.store.db import Database

__all__ = ["Database"]
