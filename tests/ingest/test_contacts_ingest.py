"""Contacts ingest: new, merged, updated (user edits win), unchanged, skipped; provenance;
batches that a crash cannot tear."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from kithkin.ingest import contact_batch
from kithkin.ingest.contacts import import_contacts
from kithkin.sources.records import ContactRecord, Labelled, Photo, SourceProblem
from kithkin.store import (
    Database,
    activity,
    backup,
    duplicates,
    interactions,
    people,
    sources,
)
from kithkin.store import settings as store_settings
from kithkin.store import trash as store_trash
from kithkin.store.schema import contact_point, note, person, source_record, story_fact
from tests.builders.contacts import card

PNG = b"\x89PNG\r\n\x1a\n"  # an image is told by its first bytes; the rest is left as it is


def rows(db: Database) -> dict[str, Any]:
    """Every table's rows but the activity log."""
    out = io.StringIO()
    with db.read() as conn:
        backup.export(conn, out)
    tables = json.loads(out.getvalue())["tables"]
    return {name: t["rows"] for name, t in tables.items() if name != "activity"}


DANA = card(
    "dana-1",
    display_name="Dana Whitfield",
    given_name="Dana",
    family_name="Whitfield",
    organisation="Acme",
    title="CIO",
    emails=[Labelled("Dana@Acme.example", "work")],
    phones=["(415) 555-0123"],
    urls=["https://www.linkedin.com/in/DanaW/"],
    tags=("cio", "board"),
    notes=("met at the CIO forum",),
    photo=Photo("image/jpeg", b"\xff\xd8\xff photo"),
    birthday=date(1975, 3, 14),
)


def test_a_new_record_becomes_a_person_with_every_fact_and_its_provenance(db: Database) -> None:
    summary = import_contacts(db, [DANA], label="contacts.vcf")
    assert summary.counts() == {"new": 1, "updated": 0, "merged": 0, "unchanged": 0, "skipped": 0}
    with db.read() as conn:
        dana = people.get_person(conn, summary.person_ids[0])
        assert (dana.display_name, dana.organisation, dana.title) == (
            "Dana Whitfield",
            "Acme",
            "CIO",
        )
        assert {(c.kind, c.value, c.label) for c in dana.contact_points} == {
            ("email", "Dana@Acme.example", "work"),
            ("phone", "(415) 555-0123", None),
            ("url", "https://www.linkedin.com/in/DanaW/", None),
        }
        assert (
            conn.scalar(select(contact_point.c.normalized).where(contact_point.c.kind == "phone"))
            == "+14155550123"
        )
        assert dana.tags == ("board", "cio")
        assert [n.text for n in dana.notes] == ["met at the CIO forum"]
        assert [(f.field, f.text) for f in dana.story] == [("other", "birthday 1975-03-14")]
        assert sources.photo(conn, dana.id) == ("image/jpeg", b"\xff\xd8\xff photo")
        [origin] = sources.provenance(conn, dana.id)
        assert (origin.source, origin.source_id, origin.source_file) == (
            "vcard",
            "dana-1",
            "contacts.vcf",
        )
        raw = conn.scalar(select(source_record.c.raw))
        assert raw == DANA.raw
        for table in (contact_point, note, story_fact):
            linked = conn.scalars(select(table.c.source_record_id)).all()
            assert linked and set(linked) == {origin.id}, table.name
        # one activity row for the run, none per record
        log = activity.recent(conn)
        assert [a.action for a in log] == ["import.contacts"]
        assert log[0].summary == (
            "imported contacts from contacts.vcf: "
            "1 new, 0 updated, 0 merged, 0 unchanged, 0 skipped"
        )
        assert [h.person.id for h in people.search_people(conn, "forum")] == [dana.id]


def test_importing_the_same_records_twice_changes_nothing(db: Database) -> None:
    others = [
        card(f"p{n}", display_name=f"Person {n}", emails=[f"p{n}@x.example"]) for n in range(5)
    ]
    first = import_contacts(db, [DANA, *others], label="a", batch_size=2)
    assert first.new == 6
    before = rows(db)
    again = import_contacts(db, [DANA, *others], label="a", batch_size=2)
    assert again.counts()["unchanged"] == 6 and again.new == again.updated == 0
    assert rows(db) == before


def test_a_newer_export_updates_what_changed_and_keeps_the_users_edits(db: Database) -> None:
    first = import_contacts(db, [DANA], label="v1")
    pid = first.person_ids[0]
    with db.write() as conn:
        people.edit_person(conn, pid, title="Chief Digital Officer")  # by hand
    newer = card(
        "dana-1",
        display_name="Dana Whitfield",
        given_name="Dana",
        family_name="Whitfield",
        organisation="Northwind",  # changed in the source, untouched here: updated
        title="CTO",  # changed in the source, but the user edited it: theirs wins
        emails=["dana@acme.example", "dana@northwind.example"],
        tags=("cio",),
        notes=("met at the CIO forum, 2025",),
        birthday=date(1975, 3, 15),
    )
    summary = import_contacts(db, [newer], label="v2")
    assert summary.counts()["updated"] == 1
    with db.read() as conn:
        dana = people.get_person(conn, pid)
        assert dana.organisation == "Northwind"
        assert dana.title == "Chief Digital Officer"
        emails = {c.value for c in dana.contact_points if c.kind == "email"}
        assert emails == {"Dana@Acme.example", "dana@northwind.example"}
        assert len(dana.contact_points) == 4  # nothing removed: phone and URL stay
        assert dana.tags == ("board", "cio")
        assert [n.text for n in dana.notes] == ["met at the CIO forum, 2025"]  # rewritten
        assert [f.text for f in dana.story] == ["birthday 1975-03-15"]
        assert conn.scalar(select(func.count()).select_from(source_record)) == 1


@pytest.mark.parametrize(
    ("existing", "incoming"),
    [
        (("email", "dana@acme.example"), {"emails": ["DANA@ACME.EXAMPLE"]}),
        (("url", "http://linkedin.com/in/danaw"), {"urls": ["https://www.linkedin.com/in/DanaW/"]}),
        (("phone", "+1 415-555-0123"), {"phones": ["(415) 555 0123"]}),
        (("handle", "@dana@mastodon.example"), {"handles": ["Dana@Mastodon.example"]}),
    ],
)
def test_an_address_already_known_is_the_same_person(
    db: Database, existing: tuple[str, str], incoming: dict[str, Any]
) -> None:
    with db.write() as conn:
        pid = people.add_person(
            conn, display_name="Dana W.", organisation="Acme", contacts=[existing]
        )
    summary = import_contacts(
        db,
        [card("x", display_name="Dana Whitfield", organisation="Other", title="CIO", **incoming)],
        label="x",
    )
    assert summary.counts()["merged"] == 1 and summary.person_ids == [pid]
    with db.read() as conn:
        dana = people.get_person(conn, pid)
        assert people.count_people(conn) == 1
        # the person's own values stay; empty ones are filled
        assert (dana.display_name, dana.organisation, dana.title) == ("Dana W.", "Acme", "CIO")
        assert len(dana.contact_points) == 1


def test_records_of_one_file_that_share_an_address_are_one_person(db: Database) -> None:
    summary = import_contacts(
        db,
        [
            card("a", display_name="Sam Lee", emails=["sam@x.example"]),
            card("b", display_name="Samuel Lee", emails=["SAM@x.example", "sam@home.example"]),
        ],
        label="x",
    )
    assert (summary.new, summary.merged) == (1, 1)
    with db.read() as conn:
        [sam] = people.list_people(conn)
        assert len(people.get_person(conn, sam.id).contact_points) == 2


def test_a_record_of_someone_in_the_trash_is_skipped_with_the_reason(db: Database) -> None:
    summary = import_contacts(db, [DANA], label="v1")
    with db.write() as conn:
        store_trash.delete_person(conn, summary.person_ids[0])
    other_source = card("other", display_name="Dana", emails=["dana@acme.example"])
    changed = card("dana-1", display_name="Dana Whitfield", organisation="Beta")
    again = import_contacts(db, [other_source, changed], label="v2")
    assert again.new == 0 and again.skipped == 2
    messages = [p.message for p in again.problems]
    assert "in the trash" in messages[0] and "in the trash" in messages[1]
    with db.read() as conn:
        assert people.count_people(conn) == 0


def test_one_id_with_two_contents_in_one_import_keeps_the_first_on_every_run(
    db: Database,
) -> None:
    first = card("same-uid", display_name="Kim Park", source_file="a.vcf", place="card 1")
    second = card("same-uid", display_name="Kim Park", title="CTO", source_file="b.vcf")
    copy = card("same-uid", display_name="Kim Park", source_file="c.vcf")  # same content
    summary = import_contacts(db, [first, second, copy], label="x")
    assert (summary.new, summary.unchanged, summary.skipped) == (1, 1, 1)
    assert str(summary.problems[0]) == (
        "b.vcf: card same-uid: same record id (same-uid) as a.vcf: card 1, read first; skipped"
    )
    before = rows(db)
    again = import_contacts(db, [first, second, copy], label="x")
    assert (again.unchanged, again.skipped) == (2, 1)
    assert rows(db) == before


def test_linkedin_connected_on_is_the_first_interaction(db: Database) -> None:
    row = card(
        "li-1",
        source="linkedin",
        source_file="Connections.csv",
        place="line 5",
        given_name="Bob",
        family_name="Smith",
        organisation="Acme",
        urls=["https://www.linkedin.com/in/bobsmith"],
        connected_on=date(2021, 6, 1),
    )
    import_contacts(db, [row], label="Connections.csv")
    import_contacts(db, [row], label="Connections.csv")
    with db.read() as conn:
        [bob] = people.list_people(conn)
        [event] = interactions.interactions_of(conn, bob.id)
        assert (event.kind, event.direction, event.subject, event.source) == (
            "event",
            "both",
            "Connected on LinkedIn",
            "linkedin",
        )
        assert event.occurred_at.date() == date(2021, 6, 1)
        assert event.source_id == "connected:linkedin.com/in/bobsmith"
        assert [a.action for a in activity.recent(conn)] == ["import.contacts"] * 2
        timeline = interactions.timeline(conn, bob.id)
        assert any("Connected on LinkedIn" in entry.summary for entry in timeline)


def test_bad_input_is_reported_with_file_and_place_and_the_rest_goes_on(db: Database) -> None:
    items: list[ContactRecord | SourceProblem] = [
        card("1", display_name="Ana Lima", emails=["ana@x.example"]),
        SourceProblem("contacts.vcf", "card 2 (line 9)", "no END:VCARD before the next card"),
        card("3", emails=["not an address"]),
        card("4", display_name="Raj Patel", emails=["raj@x.example", "broken@"], tags=("*bad*",)),
    ]
    summary = import_contacts(db, items, label="contacts.vcf")
    assert summary.counts() == {"new": 2, "updated": 0, "merged": 0, "unchanged": 0, "skipped": 2}
    assert [str(p) for p in summary.problems] == [
        "contacts.vcf: card 2 (line 9): no END:VCARD before the next card",
        "contacts.vcf: card 3: no name and no usable address "
        "(not an email address: 'not an address')",
    ]
    warnings = [str(w) for w in summary.warnings]
    assert not any("card 3" in w for w in warnings)
    assert any("card 4: not an email address: 'broken@'" in w for w in warnings)
    assert any("card 4: not a usable tag" in w for w in warnings)


def test_an_address_that_belongs_to_someone_else_stays_with_them(db: Database) -> None:
    with db.write() as conn:
        a = people.add_person(conn, display_name="A", contacts=[("email", "a@x.example")])
        b = people.add_person(conn, display_name="B", contacts=[("email", "b@x.example")])
    summary = import_contacts(
        db, [card("r", display_name="A", emails=["a@x.example", "b@x.example"])], label="r"
    )
    assert summary.person_ids == [a]
    assert "also matches #2" in summary.warnings[0].message
    with db.read() as conn:
        assert len(people.get_person(conn, b).contact_points) == 1


def test_the_default_region_reads_numbers_without_a_country_code(db: Database) -> None:
    with db.write() as conn:
        store_settings.set_default_region(conn, "gb")
    import_contacts(db, [card("uk", display_name="Olu", phones=["020 7946 0018"])], label="uk")
    with db.read() as conn:
        key = conn.scalar(select(contact_point.c.normalized))
    assert key == "+442079460018"


def test_a_crash_mid_import_keeps_whole_batches_and_no_half_record(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [
        card(f"r{n}", display_name=f"Person {n}", emails=[f"p{n}@x.example"], notes=(f"note {n}",))
        for n in range(10)
    ]
    calls = 0
    real = contact_batch.source_writes.add_notes

    def failing(*args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # the notes of the third batch
            raise RuntimeError("disk on fire")
        real(*args, **kwargs)

    monkeypatch.setattr(contact_batch.source_writes, "add_notes", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        import_contacts(db, records, label="x", batch_size=3)
    with db.read() as conn:
        # batches 1 and 2 (records 0-5) are in; batch 3 (6-8) rolled back whole
        assert conn.scalar(select(func.count()).select_from(person)) == 6
        assert conn.scalar(select(func.count()).select_from(source_record)) == 6
        assert conn.scalar(select(func.count()).select_from(contact_point)) == 6
        assert conn.scalar(select(func.count()).select_from(note)) == 6
        [log] = activity.recent(conn)
        assert "6 new" in log.summary
    monkeypatch.setattr(contact_batch.source_writes, "add_notes", real)
    summary = import_contacts(db, records, label="x", batch_size=3)
    assert (summary.unchanged, summary.new) == (6, 4)
    with db.read() as conn:
        assert conn.scalar(select(func.count()).select_from(note)) == 10


def test_merge_after_import_moves_provenance_and_undo_restores_every_row(db: Database) -> None:
    bob = card(
        "b1",
        display_name="Bob Smith",
        organisation="Acme",
        emails=["bob@acme.example"],
        photo=Photo("image/png", PNG + b"bob"),
        notes=("n1",),
    )
    robert = card(
        "r1",
        display_name="Robert Smith",
        title="CFO",
        emails=["robert@home.example"],
        photo=Photo("image/png", PNG + b"robert"),
        notes=("n2",),
        birthday=date(1970, 1, 2),
    )
    keep, other = import_contacts(db, [bob, robert], label="x").person_ids
    with db.write() as conn:
        third = people.add_person(conn, display_name="Third")
        duplicates.dismiss(conn, other, third)
    before = _without_updated_at(rows(db))
    with db.write() as conn:
        activity_id = store_trash.merge_people(conn, keep, other)
    with db.read() as conn:
        assert {p.source_id for p in sources.provenance(conn, keep)} == {"b1", "r1"}
        assert sources.photo(conn, keep) == ("image/png", PNG + b"robert")
        assert duplicates.dismissed(conn) == {(keep, third)}
        merged = people.get_person(conn, keep)
        assert {n.text for n in merged.notes} == {"n1", "n2"}
        assert merged.title == "CFO"
    with db.write() as conn:
        store_trash.undo(conn, activity_id)
    assert _without_updated_at(rows(db)) == before


def test_a_record_reimported_after_a_merge_updates_the_person_it_joined(db: Database) -> None:
    keep, other = import_contacts(
        db,
        [
            card("b1", display_name="Bob Smith", emails=["bob@acme.example"]),
            card("r1", display_name="Robert Smith", emails=["robert@home.example"]),
        ],
        label="x",
    ).person_ids
    with db.write() as conn:
        store_trash.merge_people(conn, keep, other)
    changed = card("r1", display_name="Robert Smith", emails=["robert@home.example"], title="CFO")
    summary = import_contacts(db, [changed], label="x")
    assert (summary.updated, summary.person_ids) == (1, [keep])
    with db.read() as conn:
        assert people.get_person(conn, keep).title == "CFO"
        assert people.count_people(conn) == 1


def _without_updated_at(tables: dict[str, Any]) -> dict[str, Any]:
    for row in tables["person"]:
        row[8] = None  # the kept person's updated_at moves with a merge
    return tables


_texts = st.text(alphabet="abcdé ✓,;", min_size=1, max_size=12).filter(lambda t: t.strip())


@st.composite
def _network(draw: st.DrawFn) -> tuple[list[ContactRecord], list[tuple[int, int]], int, int]:
    records = []
    for n in range(draw(st.integers(2, 4))):
        records.append(
            card(
                f"r{n}",
                display_name=f"Person {n}",
                organisation=draw(st.none() | st.sampled_from(["Acme", "Globex"])),
                title=draw(st.none() | st.just("CIO")),
                emails=[f"p{n}.{k}@x.example" for k in range(draw(st.integers(0, 2)))],
                phones=[f"+1 415 555 01{n}{k}" for k in range(draw(st.integers(0, 1)))],
                tags=tuple(draw(st.lists(st.sampled_from(["a", "b", "c"]), max_size=2))),
                notes=tuple(draw(st.lists(_texts, max_size=2))),
                photo=draw(st.none() | st.just(Photo("image/png", PNG + bytes([n])))),
                birthday=draw(st.none() | st.dates(date(1950, 1, 1), date(2000, 1, 1))),
            )
        )
    ids = range(1, len(records) + 1)
    pairs = [(a, b) for a in ids for b in ids if a < b]
    dismissed = draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True))
    keep, other = draw(st.sampled_from([(a, b) for a in ids for b in ids if a != b]))
    return records, dismissed, keep, other


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(network=_network())
def test_merge_then_undo_restores_every_row_whatever_was_imported(
    tmp_path_factory: pytest.TempPathFactory,
    network: tuple[list[ContactRecord], list[tuple[int, int]], int, int],
) -> None:
    records, dismissed, keep, other = network
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('merge') / 'k.db'}")
    try:
        assert import_contacts(db, records, label="x").new == len(records)
        with db.write() as conn:
            for a, b in dismissed:
                duplicates.dismiss(conn, a, b)
        before = _without_updated_at(rows(db))
        with db.write() as conn:
            activity_id = store_trash.merge_people(conn, keep, other)
        with db.read() as conn:
            assert people.count_people(conn) == len(records) - 1
            assert all(pid != other for pair in duplicates.dismissed(conn) for pid in pair)
        with db.write() as conn:
            store_trash.undo(conn, activity_id)
        assert _without_updated_at(rows(db)) == before
    finally:
        db.dispose()


def test_a_linkedin_row_with_a_bad_connected_on_is_kept_and_reported(db: Database) -> None:
    from kithkin.sources.linkedin import read_connections

    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Ana,Lima,https://www.linkedin.com/in/ana-lima,,Acme,CTO,yesterday\n"
    )
    for _ in range(2):  # reported on every run, the unchanged one too
        summary = import_contacts(db, read_connections(data, "Connections.csv"), label="c")
        assert [str(w) for w in summary.warnings] == [
            "Connections.csv: line 2: Connected On 'yesterday' is not a date (like 26 Dec 2025);"
            " the connection is kept without its first interaction"
        ]
    with db.read() as conn:
        [ana] = people.list_people(conn)
        assert ana.display_name == "Ana Lima"
        assert interactions.interactions_of(conn, ana.id) == []
