"""model.Record: the frozen records' equality, hashing and repr, written once, behave as the
ones @dataclass would generate for each class; model.record makes the class @dataclass would."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.model import Contact, Record, record


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


# -- @record: the class @dataclass(frozen=True, eq=False, repr=False) makes, made cheaply ------


@record
class _Made(Record):
    name: str
    tags: list[str] = field(default_factory=list)
    size: int = 0
    shown: str = field(init=False, default="-")
    secret: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True, eq=False, repr=False)
class _Declared(Record):
    name: str
    tags: list[str] = field(default_factory=list)
    size: int = 0
    shown: str = field(init=False, default="-")
    secret: str = field(default="", repr=False, compare=False)


@record
class _Derived(_Made):
    extra: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "shown", f"{self.name}:{self.size}")


def _described(cls: type) -> list[tuple[object, ...]]:
    return [
        (f.name, f.type, f.default, made(), f.init, f.repr, f.compare, f.hash)
        for f in dataclasses.fields(cls)
        for made in [f.default_factory if callable(f.default_factory) else lambda: None]
    ]


def test_record_makes_the_class_dataclass_would() -> None:
    assert _described(_Made) == _described(_Declared)
    assert str(inspect.signature(_Made)) == str(inspect.signature(_Declared))
    assert _Made.__match_args__ == _Declared.__match_args__ == ("name", "tags", "size", "secret")
    assert _Made.size == 0 and _Made.shown == "-" and not hasattr(_Made, "tags")
    made, declared = _Made("a", ["x"], 2, "s"), _Declared("a", ["x"], 2, "s")
    assert repr(made) == repr(declared).replace("_Declared", "_Made")
    assert dataclasses.asdict(made) == dataclasses.asdict(declared)
    assert made == _Made("a", ["x"], 2, "other secret") and made != _Made("a", ["x"], 3)
    assert _Made("a").tags == [] and _Made("a").tags is not _Made("a").tags
    assert dataclasses.replace(made, size=5) == _Made("a", ["x"], 5)
    assert dataclasses.is_dataclass(made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.size = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del made.name  # type: ignore[misc]
    with pytest.raises(TypeError):
        _Made()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Made("a", [], 1, "s", "too many")  # type: ignore[call-arg]
    assert _Made(name="b", size=3).size == 3
    assert _Made.__init__.__qualname__ == "_Made.__init__"


def test_a_derived_record_takes_its_bases_fields_and_runs_post_init() -> None:
    derived = _Derived("n", size=4, extra=2.5)
    assert [f.name for f in dataclasses.fields(derived)] == [
        "name",
        "tags",
        "size",
        "shown",
        "secret",
        "extra",
    ]
    assert derived.shown == "n:4" and derived.extra == 2.5
    assert dataclasses.replace(derived, size=1).shown == "n:1"


def test_record_refuses_what_it_does_not_make() -> None:
    with pytest.raises(TypeError, match="no default after one with a default"):

        @record
        class _Late(Record):
            first: int = 0
            second: int

    with pytest.raises(TypeError, match="a record has no ClassVar"):

        @record
        class _Shared(Record):
            counter: ClassVar[int] = 0

    with pytest.raises(TypeError, match="keyword-only"):

        @record
        class _Keyword(Record):
            only: int = field(kw_only=True)


NAMES = st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), unique=True, max_size=8)


@given(
    names=NAMES,
    kinds=st.lists(st.sampled_from(["plain", "default", "factory", "hidden"]), min_size=8),
    values=st.lists(st.integers(), min_size=8),
)
def test_records_of_any_fields_are_made_as_dataclass_makes_them(
    names: list[str], kinds: list[str], values: list[int]
) -> None:
    kinds = kinds[: len(names)]
    # plain fields first: neither maker takes one without a default after one with it
    kinds.sort(key=lambda kind: kind != "plain")
    lines = []
    for name, kind, value in zip(names, kinds, values, strict=False):
        spec = {
            "plain": "",
            "default": f" = {value}",
            "factory": f" = field(default_factory=lambda: ({value},))",
            "hidden": f" = field(init=False, default={value})",
        }[kind]
        lines.append(f"    f_{name}: object{spec}\n")
    body = "".join(lines) or "    pass\n"
    made: dict[str, type] = {}
    for maker in ("record", "dataclass(frozen=True, eq=False, repr=False)"):
        scope = {"record": record, "dataclass": dataclass, "field": field, "Record": Record}
        exec(f"@{maker}\nclass R(Record):\n{body}", scope)  # noqa: S102 - the class under test
        made[maker] = scope["R"]
    ours, theirs = made.values()
    assert _described(ours) == _described(theirs)
    assert str(inspect.signature(ours)) == str(inspect.signature(theirs))
    given_args = [v for v, k in zip(values, kinds, strict=False) if k == "plain"]
    a, b = ours(*given_args), theirs(*given_args)
    assert repr(a) == repr(b)
    assert dataclasses.asdict(a) == dataclasses.asdict(b)
    assert a == ours(*given_args) and hash(a) == hash(b)
