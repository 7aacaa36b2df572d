"""When a stored relationship can take new interactions, and when it must be read again.

A refresh (`services.relationships.refresh`) recomputes only the people whose interactions
changed: it adds the new interactions to their stored tally (`practices.tally.fold`) when it
can, and reads their whole history again when it cannot — a tally folded `FULL_EVERY` times
is read again from scratch, so rounding and the bounded memories never drift for long.
"""

from __future__ import annotations

from typing import Any, Final

FULL_EVERY: Final = 50  # folds before a person's whole history is read again


def foldable(state: dict[str, Any] | None) -> bool:
    """Whether a stored tally (None: there is none) can take new interactions."""
    return state is not None and state.get("folds", 0) < FULL_EVERY
