"""The one place kithkin asks what time it is, so tests and the demo can fix it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

_frozen: datetime | None = None


def now() -> datetime:
    """The current time, timezone-aware UTC, at whole microseconds."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(at: datetime | None) -> None:
    """Fix `now()` to `at` (None thaws the clock)."""
    global _frozen
    _frozen = at.astimezone(UTC) if at is not None else None


def days(delta: timedelta) -> str:
    """A duration as people say it: "moments", "20 minutes", "5 hours", "1 day", "3 weeks"."""
    d = delta.total_seconds() / 86_400.0
    if d * 24 * 60 < 1:
        return "moments"  # "logged moments ago", never "1 hour ago" for a second
    if d * 24 < 1:
        minutes = max(1, int(d * 24 * 60))
        return f"{minutes} minute{'s' * (minutes != 1)}"
    if d < 1:
        hours = max(1, round(d * 24))
        return f"{hours} hour{'s' * (hours != 1)}"
    if d < 21:
        n = round(d)
        return f"{n} day{'s' * (n != 1)}"
    if d < 120:
        return f"{round(d / 7)} weeks"
    return f"{round(d / 30.44)} months"


def day_window(now: datetime) -> tuple[datetime, datetime]:
    """From the start of today to the end of tomorrow, in local time."""
    local = now.astimezone()
    start = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
    return start, start + timedelta(days=2)
