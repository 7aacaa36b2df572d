"""Share histories in: `sources.social` reads exports, this stores their posts in batches.

Idempotent: a post already stored (same network, same id) is left as it is, so importing the
same export twice adds nothing. Each batch is one transaction: a crash loses at most the
batch it was in, which the next run adds. What the run did is one activity row, revised after
each batch.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING

from kithkin.model import Record, SocialPost, count_of, record
from kithkin.sources.records import SourceProblem

if TYPE_CHECKING:
    from kithkin.store import Database

BATCH = 1000


@record
class SocialSummary(Record):
    read: int  # shares read (direct messages not counted)
    added: int
    unchanged: int
    direct: int  # direct messages left out
    by_network: dict[str, dict[str, int]]  # network -> {"own": n, "amplify": n} read
    problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        parts = [
            f"{count_of(self.read, 'share')} read",
            f"{self.added:,} new",
            f"{self.unchanged:,} already there",
        ]
        if self.direct:
            parts.append(f"{count_of(self.direct, 'direct message')} left out")
        if self.problems:
            parts.append(count_of(len(self.problems), "problem"))
        return ", ".join(parts)


def import_social(
    db: Database, paths: Sequence[Path], *, member_id: int | None = None
) -> SocialSummary:
    """Read share histories into the store (in team mode, the member's shares)."""
    from kithkin.sources.social import read_social
    from kithkin.sources.social_common import Context
    from kithkin.store import activity
    from kithkin.store import amplify as store

    started = time.perf_counter()
    problems: list[str] = []
    ignored: list[str] = []
    by_network: dict[str, Counter[str]] = {}
    read = added = direct = 0
    batch: list[SocialPost] = []
    with db.write() as conn:
        run = activity.record(conn, "import.social", "importing shares")

    def flush() -> None:
        nonlocal added
        if not batch:
            return
        with db.write() as conn:
            added += store.add_posts(conn, batch, member_id=member_id)
            activity.revise(conn, run, f"imported shares: {added:,} new of {read:,} read")
        batch.clear()

    for path in paths:
        context = Context()
        for item in read_social(path, context):
            if isinstance(item, SourceProblem):
                problems.append(str(item))
                continue
            if item.kind == "direct":
                direct += 1
                continue
            read += 1
            by_network.setdefault(item.network, Counter())[item.kind] += 1
            batch.append(item)
            if len(batch) >= BATCH:
                flush()
        ignored.extend(context.ignored)
    flush()
    summary = SocialSummary(
        read=read,
        added=added,
        unchanged=read - added,
        direct=direct,
        by_network={n: {"own": c["own"], "amplify": c["amplify"]} for n, c in by_network.items()},
        problems=problems,
        ignored=ignored,
        seconds=time.perf_counter() - started,
    )
    with db.write() as conn:
        activity.revise(conn, run, f"imported shares: {summary.line()}")
    return summary
