"""model.Record: the frozen records' equality, hashing and repr, written once, behave as the
ones @dataclass would generate for each class."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from kithkin.model import Contact, Record


@dataclass(frozen=True, eq=False, repr=False)
class _Secret(Record):
    user: str
    password: str = field(repr=False)
    note: str = field(default="", compare=False)


@dataclass(frozen=True)
class _Generated:
    user: str
    password: str = field(repr=False)
    note: str = field(default="", compare=False)


@dataclass(frozen=True, eq=False, repr=False)
class _Empty(Record):
    pass


@dataclass(frozen=True, eq=False, repr=False)
class _One(Record):
    value: object


def test_records_compare_hash_and_show_as_dataclass_would() -> None:
    ours, theirs = _Secret("ann", "pw", note="a"), _Generated("ann", "pw", note="a")
    assert repr(ours) == repr(theirs).replace("_Generated", "_Secret")
    assert ours == _Secret("ann", "pw", note="b")  # note is not compared
    assert hash(ours) == hash(_Secret("ann", "pw", note="b"))
    assert ours != _Secret("ann", "other")
    assert ours != theirs  # another class is never equal, as with @dataclass
    assert (ours == ("ann", "pw")) is False
    assert _Empty() == _Empty() and hash(_Empty()) == hash(())
    assert _One(3) == _One(3) and _One(3) != _One(4) and hash(_One(3)) == hash((3,))
    assert repr(_One("x")) == "_One(value='x')"
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours.user = "bob"  # type: ignore[misc]


def test_a_record_holding_itself_shows_as_dataclass_would() -> None:
    box: list[object] = []
    loop = _One(box)
    box.append(loop)
    assert repr(loop) == "_One(value=[...])"


def test_model_records_keep_value_semantics() -> None:
    at = datetime(2024, 5, 1, 9)
    a = Contact(1, at, "email", "to_me")
    assert a == dataclasses.replace(a) and a is not dataclasses.replace(a)
    assert len({a, dataclasses.replace(a), dataclasses.replace(a, size=10)}) == 2
    assert dataclasses.asdict(a)["kind"] == "email"
    assert repr(a).startswith("Contact(interaction_id=1, at=datetime.datetime(2024, 5, 1, 9, 0)")
