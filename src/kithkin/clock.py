"""The one place kithkin asks what time it is, so tests and the demo can fix it."""

from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """The current time, timezone-aware UTC, at whole microseconds."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(at: datetime | None) -> None:
    """Fix `now()` to `at` (None thaws the clock)."""
    global _frozen
    _frozen = at.astimezone(UTC) if at is not None else None
