"""Settings kept in the database, starting with who "me" is."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from kithkin.errors import InvalidInput
from kithkin.model import Me
from kithkin.store import activity
from kithkin.store.contacts import DEFAULT_REGION, normalize
from kithkin.store.schema import setting


def get(conn: Connection, key: str, default: Any = None) -> Any:
    value = conn.scalar(select(setting.c.value).where(setting.c.key == key))
    return json.loads(value) if value is not None else default


def put(conn: Connection, key: str, value: Any) -> None:
    conn.execute(delete(setting).where(setting.c.key == key))
    conn.execute(insert(setting).values(key=key, value=json.dumps(value, sort_keys=True)))


def default_region(conn: Connection) -> str:
    """The region (ISO 3166 code) phone numbers without a country code are read in."""
    return str(get(conn, "default_region", DEFAULT_REGION)).upper()


def check_region(region: str) -> str:
    """A region code as phonenumbers knows it (upper case); InvalidInput if it knows none."""
    import phonenumbers

    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidInput(f"unknown region {region!r}: use a two-letter code such as US or GB")
    return code


def set_default_region(conn: Connection, region: str) -> str:
    code = check_region(region)
    put(conn, "default_region", code)
    activity.record(conn, "setting.region", f"phone numbers default to region {code}")
    return code


def me_key(member_id: int | None) -> str:
    """The setting holding "me": the one user's of a personal database, or a member's."""
    return "me" if member_id is None else f"me.member.{member_id}"


def get_me(conn: Connection, member_id: int | None = None) -> Me:
    """Who "me" is: the one user of a personal database (`member_id` None), or a member of a
    team (their name falls back to the member's, their person is the member's)."""
    raw = get(conn, me_key(member_id), {})
    if member_id is None:
        return Me(
            name=raw.get("name"),
            addresses=tuple(raw.get("addresses", ())),
            person_id=raw.get("person_id"),
        )
    from kithkin.store.schema_team import member

    row = conn.execute(
        select(member.c.name, member.c.person_id).where(member.c.id == member_id)
    ).first()
    return Me(
        name=raw.get("name") or (row.name if row is not None else None),
        addresses=tuple(raw.get("addresses", ())),
        person_id=row.person_id if row is not None else None,
    )


def set_me(
    conn: Connection, *, name: str | None, addresses: list[str], member_id: int | None = None
) -> Me:
    """Who the user is: their name and every address they write from (normalised, unique)."""
    clean = list(dict.fromkeys(normalize("email", a) for a in addresses if a.strip()))
    me = Me(name=name.strip() if name else None, addresses=tuple(clean))
    put(conn, me_key(member_id), {"name": me.name, "addresses": list(me.addresses)})
    activity.record(conn, "me.set", f"I am {me.name or '(no name)'}: {', '.join(clean) or '-'}")
    return me if member_id is None else get_me(conn, member_id)
