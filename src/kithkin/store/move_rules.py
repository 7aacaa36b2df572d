"""The rules of move-to (store/moving.py) for the kinds of rows whose values hold ids or are
personal: each takes a row as the target will hold it (ids mapped, member stamped) and gives it
back changed, or None for a row that is not moved. Store/moving.py's docstring says why each
rule is what it is."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol


class Ids(Protocol):
    def of(self, old: int) -> int | None:
        """The target's id of a source row's id (None: the row is not moved)."""


class Mover(Protocol):
    """What the rules read of a move (store/moving.Mover)."""

    @property
    def empty(self) -> bool:
        """Whether the target held no network: every id is kept."""

    @property
    def ids(self) -> Mapping[str, Ids]:
        """Each moved table's ids."""


NEVER_MOVED_SETTINGS: Final = frozenset({"web_token_sha256"})
CACHE_SETTINGS: Final = frozenset({"relationships.mark", "service.best"})
DERIVED_TABLES: Final = frozenset({"relationship", "relationship_inputs"})
# the rows Today's items are keys of ("waiting:12", "meeting:i40"): (table, prefix of the id)
_MUTE_PARENTS: Final = {
    "circle": ("person", ""),
    "waiting": ("person", ""),
    "fading": ("person", ""),
    "room": ("person", ""),
    "gathering": ("gathering", ""),
    "meeting": ("interaction", "i"),
    "reflect": ("interaction", "i"),
}


def _setting(mover: Mover, out: dict[str, Any]) -> dict[str, Any] | None:
    key = out["key"]
    if key in NEVER_MOVED_SETTINGS or (key in CACHE_SETTINGS and not mover.empty):
        return None
    if key == "me":
        value = json.loads(out["value"])
        if isinstance(value, dict) and isinstance(value.get("person_id"), int):
            value["person_id"] = mover.ids["person"].of(value["person_id"])
            out["value"] = json.dumps(value, sort_keys=True)
    return out


def _derived(mover: Mover, out: dict[str, Any]) -> dict[str, Any] | None:
    return out if mover.empty else None


def _endpoint(mover: Mover, value: str) -> str | None:
    if value.startswith("#") and value[1:].isdigit():
        mapped = mover.ids["person"].of(int(value[1:]))
        return None if mapped is None else f"#{mapped}"
    return value


def _knows_tie(mover: Mover, out: dict[str, Any]) -> dict[str, Any] | None:
    a, b = _endpoint(mover, out["a"]), _endpoint(mover, out["b"])
    if a is None or b is None or a == b:
        return None
    if a > b:
        a, b = b, a
        out["a_domain"], out["b_domain"] = out["b_domain"], out["a_domain"]
    out["a"], out["b"] = a, b
    return out


def _duplicate_decision(mover: Mover, out: dict[str, Any]) -> dict[str, Any] | None:
    a, b = out["person_a"], out["person_b"]
    if a == b:
        return None
    out["person_a"], out["person_b"] = min(a, b), max(a, b)
    return out


def _intro(mover: Mover, out: dict[str, Any]) -> dict[str, Any] | None:
    low, high = sorted((out["a_id"], out["b_id"]))
    out["pair_key"] = f"{low}-{high}"
    return out


def _agenda_mute(mover: Mover, out: dict[str, Any]) -> dict[str, Any] | None:
    kind, _, rest = out["item_key"].partition(":")
    ident, colon, tail = rest.partition(":")
    parent, prefix = _MUTE_PARENTS.get(kind, (None, ""))
    if parent is None or not ident.startswith(prefix) or not ident[len(prefix) :].isdigit():
        return out  # a key of no row: kept as it is
    mapped = mover.ids[parent].of(int(ident[len(prefix) :]))
    if mapped is None:
        return None
    out["item_key"] = f"{kind}:{prefix}{mapped}{colon}{tail}"
    return out


def _activity(mover: Mover, out: dict[str, Any]) -> dict[str, Any] | None:
    if not mover.empty:  # into an empty target the ids are the same: undo still works
        out["undoable"] = False
    return out


RULES: Final[dict[str, Callable[[Mover, dict[str, Any]], dict[str, Any] | None]]] = {
    "setting": _setting,
    **dict.fromkeys(DERIVED_TABLES, _derived),
    "knows_tie": _knows_tie,
    "duplicate_decision": _duplicate_decision,
    "intro": _intro,
    "agenda_mute": _agenda_mute,
    "activity": _activity,
}
RULE_PARENTS: Final = {
    "setting": ("person",),
    "knows_tie": ("person",),
    "agenda_mute": ("person", "gathering", "interaction"),
}
