"""Numbered schema migrations, run by Alembic and recorded in the `alembic_version` table.

Each file in `versions/` is named `NNNN_what.py` and its revision id is `NNNN`; the newest
number is the head. `Database` compares the database against it before loading Alembic, so
an up-to-date database opens without importing the migration machinery.
"""

from __future__ import annotations

import re
from pathlib import Path

_NUMBERED = re.compile(r"^(\d{4})_\w+\.py$")


def _revisions() -> tuple[str, ...]:
    numbers = [
        m.group(1)
        for m in (_NUMBERED.match(p.name) for p in (Path(__file__).parent / "versions").iterdir())
        if m
    ]
    return tuple(sorted(numbers))


REVISIONS = _revisions()  # every revision id, oldest first
HEAD = REVISIONS[-1]
