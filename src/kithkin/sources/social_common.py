"""What the readers of social exports share: the context of one archive, the excerpt of a
post's text, times, and the item as read."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kithkin.model import SocialPost
from kithkin.sources.records import SourceProblem

TEXT_CHARS = 500  # an excerpt of a post's text is kept, not the whole


@dataclass
class Context:
    """What a reader may learn from the other files of one archive (my X user name)."""

    x_username: str | None = None
    ignored: list[str] = field(default_factory=list)


def excerpt(text: str | None) -> str | None:
    """At most `TEXT_CHARS` of a post's text, on one line."""
    if not text:
        return None
    flat = " ".join(text.split())
    return flat[: TEXT_CHARS - 1] + "…" if len(flat) > TEXT_CHARS else flat or None


def parse_time(text: object) -> datetime | None:
    """An ISO 8601 time ("2022-11-08T03:07:14Z"), as aware UTC; None if it is not one."""
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        found = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


def raw_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)[:8192]


Item = SocialPost | SourceProblem
Reader = Callable[[bytes, str, Context], Iterator[Item]]
