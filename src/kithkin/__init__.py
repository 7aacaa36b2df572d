"""kithkin: keeps and coaches the networking practice of busy executives."""

from __future__ import annotations

__version__ = "0.1.0"
