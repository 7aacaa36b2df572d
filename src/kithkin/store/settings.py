"""Settings kept in the database, starting with who "me" is."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from kithkin.model import Me
from kithkin.store import activity
from kithkin.store.contacts import normalize
from kithkin.store.schema import setting


def get(conn: Connection, key: str, default: Any = None) -> Any:
    value = conn.scalar(select(setting.c.value).where(setting.c.key == key))
    return json.loads(value) if value is not None else default


def put(conn: Connection, key: str, value: Any) -> None:
    conn.execute(delete(setting).where(setting.c.key == key))
    conn.execute(insert(setting).values(key=key, value=json.dumps(value, sort_keys=True)))


def get_me(conn: Connection) -> Me:
    raw = get(conn, "me", {})
    return Me(
        name=raw.get("name"),
        addresses=tuple(raw.get("addresses", ())),
        person_id=raw.get("person_id"),
    )


def set_me(conn: Connection, *, name: str | None, addresses: list[str]) -> Me:
    """Who the user is: their name and every address they write from (normalised, unique)."""
    clean = list(dict.fromkeys(normalize("email", a) for a in addresses if a.strip()))
    me = Me(name=name.strip() if name else None, addresses=tuple(clean))
    put(conn, "me", {"name": me.name, "addresses": list(me.addresses)})
    activity.record(conn, "me.set", f"I am {me.name or '(no name)'}: {', '.join(clean) or '-'}")
    return me
