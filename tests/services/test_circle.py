"""The circle's use cases: what they say past the cap."""

from __future__ import annotations

from kithkin.services import circle


def test_a_warning_past_the_cap() -> None:
    assert circle.cap_warning(10, 10) is None
    warning = circle.cap_warning(12, 10)
    assert warning is not None and "12 people, past its cap of 10" in warning
