"""Control characters out of stored text: databases written before kithkin refused them hold
NULs and escapes that mail headers carried into names and addresses.

Names, organisations, titles, notes and story facts lose their control characters (C0 but
TAB, LF and CR; DEL; C1), as they now do on their way in; a contact point that holds one is
removed, as it is now refused (the person keeps their other addresses); a record's raw text
keeps its shape with U+FFFD in their place. What was repaired is one activity row.

Revision ID: 0006
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PERSON = ("display_name", "given_name", "family_name", "organisation", "title")


def _one_line(text: str | None) -> str | None:
    if text is None:
        return None
    return " ".join(_CONTROL.sub("", text).split()) or None


def upgrade() -> None:
    conn = op.get_bind()
    touched: set[int] = set()
    names = _repair_people(conn, touched)
    removed = _remove_contact_points(conn, touched)
    texts = _repair_texts(conn, touched, "note", ("text",))
    texts += _repair_texts(conn, touched, "story_fact", ("text", "learned_where"))
    raws = 0
    for row in conn.execute(sa.text("SELECT id, raw FROM source_record")).all():
        if _CONTROL.search(row.raw):
            raws += 1
            conn.execute(
                sa.text("UPDATE source_record SET raw = :raw WHERE id = :id"),
                {"id": row.id, "raw": _CONTROL.sub("\ufffd", row.raw)},
            )
    if not touched and not raws:
        return
    if conn.dialect.name == "sqlite":
        _reindex(conn, sorted(touched))
    counts = {"people": names, "contact_points_removed": removed, "texts": texts, "raw": raws}
    summary = (
        f"repaired control characters: {names} people's names, {texts} notes and facts,"
        f" {removed} contact points removed"
    )
    conn.execute(
        sa.text(
            "INSERT INTO activity (at, action, summary, payload, undoable)"
            " VALUES (:at, 'repair.controls', :summary, :payload, :no)"
        ),
        {
            "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),  # naive UTC, as stored
            "summary": summary,
            "payload": json.dumps(counts, sort_keys=True),
            "no": False,
        },
    )


def _repair_people(conn: sa.Connection, touched: set[int]) -> int:
    person = sa.table("person", sa.column("id"), *(sa.column(c) for c in _PERSON))
    fixed = 0
    for row in conn.execute(sa.select(person)).all():
        values = dict(zip(_PERSON, row[1:], strict=True))
        if not any(v and _CONTROL.search(v) for v in values.values()):
            continue
        clean = {k: _one_line(v) for k, v in values.items()}
        clean["display_name"] = clean["display_name"] or "(no name)"
        conn.execute(sa.update(person).where(person.c.id == row.id).values(**clean))
        touched.add(row.id)
        fixed += 1
    return fixed


def _remove_contact_points(conn: sa.Connection, touched: set[int]) -> int:
    rows = conn.execute(sa.text("SELECT id, person_id, value, normalized FROM contact_point"))
    bad = [r for r in rows.all() if _CONTROL.search(r.value) or _CONTROL.search(r.normalized)]
    for row in bad:
        conn.execute(sa.text("DELETE FROM contact_point WHERE id = :id"), {"id": row.id})
        touched.add(row.person_id)
    return len(bad)


def _repair_texts(
    conn: sa.Connection, touched: set[int], name: str, columns: tuple[str, ...]
) -> int:
    table = sa.table(name, sa.column("id"), sa.column("person_id"), *map(sa.column, columns))
    fixed = 0
    for row in conn.execute(sa.select(table)).all():
        values = dict(zip(columns, row[2:], strict=True))
        if not any(v and _CONTROL.search(v) for v in values.values()):
            continue
        clean = {k: _CONTROL.sub("", v) if v else v for k, v in values.items()}
        conn.execute(sa.update(table).where(table.c.id == row.id).values(**clean))
        touched.add(row.person_id)
        fixed += 1
    return fixed


# The search index rows of the people repaired, as the index is built at this revision.
_INDEX = (
    "INSERT INTO person_fts(rowid, name, organisation, title, story, notes, tags, contacts) "
    "SELECT p.id, "
    "p.display_name || ' ' || coalesce(p.given_name, '') || ' ' || coalesce(p.family_name, ''), "
    "coalesce(p.organisation, ''), coalesce(p.title, ''), "
    "coalesce((SELECT group_concat(s.text, char(10)) FROM story_fact s "
    "WHERE s.person_id = p.id), ''), "
    "coalesce((SELECT group_concat(n.text, char(10)) FROM note n WHERE n.person_id = p.id), ''), "
    "coalesce((SELECT group_concat(t.name, ' ') FROM person_tag pt JOIN tag t "
    "ON t.id = pt.tag_id WHERE pt.person_id = p.id), ''), "
    "coalesce((SELECT group_concat(c.value, ' ') FROM contact_point c "
    "WHERE c.person_id = p.id), '') "
    "FROM person p WHERE p.deleted_at IS NULL AND p.id = :id"
)


def _reindex(conn: sa.Connection, people: list[int]) -> None:
    for person_id in people:
        conn.execute(sa.text("DELETE FROM person_fts WHERE rowid = :id"), {"id": person_id})
        conn.execute(sa.text(_INDEX), {"id": person_id})


def downgrade() -> None:
    pass  # the removed control characters are not put back
