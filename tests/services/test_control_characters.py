"""NUL and other control characters from mail headers and contact files never reach the
store, and the vCard export never writes them (issue 12, item 6)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import select, text

from kithkin.ingest.contacts import import_contacts
from kithkin.services import contacts, mail
from kithkin.store import Database
from kithkin.store.schema import contact_point, note, person
from tests.builders.contacts import card
from tests.builders.mail import ME, as_me
from tests.ingest.mailbox import message, write_mbox

CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _stored_texts(db: Database) -> list[str]:
    with db.read() as conn:
        rows = [
            *conn.execute(
                select(
                    person.c.display_name,
                    person.c.given_name,
                    person.c.family_name,
                    person.c.organisation,
                    person.c.title,
                )
            ),
            *conn.execute(select(contact_point.c.value, contact_point.c.normalized)),
            *conn.execute(select(note.c.text)),
        ]
    return [value for row in rows for value in row if value]


def test_control_characters_in_mail_headers_are_never_stored(db: Database, tmp_path: Path) -> None:
    box = write_mbox(
        tmp_path / "in.mbox",
        [
            message("m1@x", '"Bo\x00b Smith" <bob@x.example>', ME, subject="Lunch\x00\x1b"),
            message("m2@x", '"Eve\x1b[31m" <eve\x00@x.example>', ME),
            message("m3@x", "Dana <dana@x.example>", ME),
        ],
    )
    summary = mail.import_mail(as_me(db), locations=[str(box)], workers=0).summary
    noted = [n for n in summary.notes if "control characters" in n.message]
    assert len(noted) == 3, noted  # a name, an address, a subject
    assert all(n.source_file == str(box) and n.place.startswith("offset") for n in noted), noted
    with db.read() as conn:
        headers = conn.execute(text("SELECT from_name, subject FROM mail_message")).all()
    assert not any(CONTROL_CHARS.search(v) for row in headers for v in row if v), headers
    texts = _stored_texts(db)
    assert "Bob Smith" in texts and "dana@x.example" in texts
    assert not any(CONTROL_CHARS.search(t) for t in texts), texts
    assert not any("eve" in t.lower() for t in texts)  # an address with a NUL is refused

    out = io.StringIO()
    contacts.export_vcard(db, to=out)
    exported = tmp_path / "all.vcf"
    exported.write_text(out.getvalue(), encoding="utf-8")
    fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    again = contacts.import_contacts(fresh, paths=[exported]).summary
    fresh.dispose()
    with db.read() as conn:
        stored = len(conn.execute(select(person.c.id)).all())
    assert stored >= 2
    assert (again.new, again.skipped, again.warnings) == (stored, 0, [])


def test_a_contact_loses_control_characters_from_its_name_and_they_are_reported(
    db: Database,
) -> None:
    record = card(
        "c1",
        display_name="Ana\x00 Lima",
        organisation="Acme\x07",
        emails=["ana\x00@x.example", "ana@x.example"],
        notes=("met\x00 at\nthe forum",),
    )
    summary = import_contacts(db, [record], label="c.vcf")
    assert summary.new == 1
    assert [w.message for w in summary.warnings] == [
        "control characters (U+0000) removed from the name",
        "control characters (U+0007) removed from the organisation",
        "control characters (U+0000) removed from a note",
        "email 'ana\\x00@x.example' holds a control character (U+0000); left out",
    ]
    assert sorted(_stored_texts(db)) == sorted(
        ["Ana Lima", "Acme", "ana@x.example", "ana@x.example", "met at\nthe forum"]
    )


def test_the_export_never_writes_a_control_character(db: Database) -> None:
    from kithkin.store import people

    with db.write() as conn:  # as a database written before this fix may hold it
        pid = people.add_person(conn, display_name="Ana")
        held = "A\x00na\x1b" if db.dialect == "sqlite" else "Ana\x1b"  # PostgreSQL holds no NUL
        conn.execute(person.update().where(person.c.id == pid).values(display_name=held))
    out = io.StringIO()
    contacts.export_vcard(db, to=out)
    assert "FN:Ana\r\n" in out.getvalue()
    assert not CONTROL_CHARS.search(out.getvalue())
