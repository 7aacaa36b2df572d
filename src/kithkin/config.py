"""Where the database lives and how it is named.

The order is: an explicit `--db PATH|URL`, then the `KITHKIN_DB` environment variable, then
`kithkin.db` in the platform's user data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "kithkin"
ENV_DB = "KITHKIN_DB"


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "kithkin.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def database_url(db: str | None = None) -> str:
    """Turn a `--db` value (a path or a URL), the environment or the default into a URL."""
    value = db or os.environ.get(ENV_DB) or str(default_db_path())
    return to_url(value)


def to_url(value: str) -> str:
    if "://" in value:
        return value
    path = Path(value).expanduser()
    return f"sqlite:///{path.resolve()}"
