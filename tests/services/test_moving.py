"""`move-to` between SQLite files: the merge logic, all or nothing, verified row for row
(tests/pg/test_pg_move_to.py moves into PostgreSQL for real)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, ForeignKey, Integer, Table, Text, func, insert, select, text

from kithkin.errors import MoveRefused
from kithkin.services import knows, moving, today
from kithkin.store import Database, agenda, team
from kithkin.store.schema import (
    contact_point,
    interaction,
    interaction_participant,
    metadata,
    note,
    person,
    tag,
)
from kithkin.store.schema_circle import agenda_mute
from kithkin.store.schema_knows import knows_tie
from tests.builders.moving import demo_copy, personal, rows


def _target(tmp_path: Path, name: str = "team.db") -> str:
    return str(tmp_path / name)


def test_into_an_empty_file_every_row_is_the_same(tmp_path: Path) -> None:
    source = demo_copy(tmp_path)
    opened = Database(source)
    try:
        today.agenda(opened)  # the one user's strengths computed (member 0's rows)
    finally:
        opened.dispose()
    before = rows(source, leave=())
    report = moving.move_to(source=source, target=_target(tmp_path))
    assert report.into_empty and report.new_member and not report.dry_run
    assert report.member.username == "alex.morgan" and report.member.role == "owner"
    assert report.differing == 0 and report.merged == 0 and report.skipped == 0
    assert report.copied == report.rows == sum(len(v) for v in before.values())
    # an empty target keeps every id: it holds the source's rows exactly, and one member
    assert rows(f"sqlite:///{tmp_path / 'team.db'}", owner=report.member.id) == {
        k: v for k, v in before.items() if k != "member"
    }
    assert rows(source, leave=()) == before  # the source is not changed
    # the one user's rows are the member's now: their strengths, interactions, outbox
    moved = rows(f"sqlite:///{tmp_path / 'team.db'}")
    for table in ("relationship", "interaction", "outbox"):
        at = [c.name for c in metadata.tables[table].columns].index("member_id")
        assert moved[table], table
        assert {r[at] for r in moved[table]} == {report.member.id}, table


def test_a_second_personal_database_is_added_as_a_second_member(tmp_path: Path) -> None:
    target = _target(tmp_path)
    moving.move_to(source=demo_copy(tmp_path), target=target)
    url = f"sqlite:///{target}"
    db = Database(url)
    with db.read() as conn:
        demo_person, address = conn.execute(
            select(contact_point.c.person_id, contact_point.c.normalized).limit(1)
        ).one()
        people_before = conn.scalar(select(person.c.id).order_by(person.c.id.desc()).limit(1))
    db.dispose()
    second = personal(tmp_path / "robin.db", shared=address)
    report = moving.move_to(source=second, target=target)
    assert report.differing == 0 and not report.into_empty
    assert report.member.username == "robin.vale" and report.member.role == "editor"
    db = Database(url)
    with db.read() as conn:
        # "Known Already" shares an address with a demo person: they are that person now
        noted = conn.execute(
            select(note.c.person_id).where(note.c.text == "Robin's own note")
        ).scalar_one()
        assert noted == demo_person
        extra = conn.scalar(
            select(contact_point.c.person_id).where(
                contact_point.c.normalized == "second@vale.example"
            )
        )
        assert extra == demo_person
        # new people get ids after the team's
        robin = conn.scalar(
            select(contact_point.c.person_id).where(
                contact_point.c.normalized == "robin@vale.example"
            )
        )
        assert robin > people_before
        members = team.members(conn)
        assert [m.username for m in members] == ["alex.morgan", "robin.vale"]
        assert members[1].person_id == robin  # the member is their "me" in the network
        # the team's "me" setting is not overwritten
        me = conn.scalar(text("SELECT value FROM setting WHERE key = 'me'"))
        assert "Alex Morgan" in me
        # the merged duplicate points at the copy of the person it joined
        merged = conn.execute(
            select(person.c.id, person.c.merged_into_id).where(
                person.c.merged_into_id.is_not(None), person.c.id > people_before
            )
        ).one()
        assert merged.merged_into_id > people_before
        assert len(set(conn.scalars(select(tag.c.name)))) == len(
            list(conn.scalars(select(tag.c.name)))
        )
    db.dispose()
    by_table = {t.table: t for t in report.tables}
    assert by_table["person"].merged == 1 and by_table["setting"].merged == 1
    assert by_table["contact_point"].merged == 1


def test_moving_the_same_database_twice_merges_every_shared_row(tmp_path: Path) -> None:
    source = personal(tmp_path / "robin.db", shared="x@y.example")
    target = _target(tmp_path)
    moving.move_to(source=source, target=target)
    again = moving.move_to(source=source, target=target, username="robin2")
    by_table = {t.table: t for t in again.tables}
    assert by_table["person"].merged == by_table["person"].rows
    assert by_table["contact_point"].copied == 0 and again.differing == 0


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    source = personal(tmp_path / "robin.db")
    report = moving.move_to(source=source, target=_target(tmp_path), dry_run=True)
    assert report.dry_run and report.copied == report.rows
    assert not (tmp_path / "team.db").exists()


def test_a_refused_row_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = _target(tmp_path)
    moving.move_to(source=personal(tmp_path / "a.db", name="Ann Lee"), target=target)
    before = rows(f"sqlite:///{target}", leave=())
    bad = personal(tmp_path / "b.db", name="Bo Park")
    with sqlite3.connect(tmp_path / "b.db") as conn:  # a note about nobody, behind its back
        conn.execute(
            "INSERT INTO note (id, person_id, text, created_at)"
            " VALUES (9000, 4242, 'orphan', '2026-01-01 00:00:00.000000')"
        )
    conn.close()
    with pytest.raises(MoveRefused, match=r"table note row id 9000: refused by the target"):
        moving.move_to(source=bad, target=target)
    assert rows(f"sqlite:///{target}", leave=()) == before


def test_refusals(tmp_path: Path) -> None:
    source = personal(tmp_path / "a.db")
    with pytest.raises(MoveRefused, match="is the database being moved"):
        moving.move_to(source=source, target=str(tmp_path / "a.db"))
    target = _target(tmp_path)
    moving.move_to(source=source, target=target)
    other = personal(tmp_path / "b.db", name="Bo Park")
    with pytest.raises(MoveRefused, match=r"already a user 'robin.vale' \(owner\)"):
        moving.move_to(source=other, target=target, username="robin.vale", role="viewer")
    again = moving.move_to(source=other, target=target, username="robin.vale")
    assert not again.new_member and again.member.role == "owner"  # moved in as them
    with pytest.raises(MoveRefused, match="a team database already"):
        moving.move_to(source=f"sqlite:///{target}", target=str(tmp_path / "other.db"))
    with sqlite3.connect(tmp_path / "b.db") as conn:  # made by an older kithkin
        conn.execute("UPDATE alembic_version SET version_num = '0014'")
    conn.close()
    with pytest.raises(MoveRefused, match="its schema is 0014, this kithkin's is"):
        moving.move_to(source=other, target=str(tmp_path / "other.db"))
    nameless = Database(f"sqlite:///{tmp_path / 'n.db'}")
    nameless.dispose()
    with pytest.raises(MoveRefused, match="say --as USER"):
        moving.move_to(source=f"sqlite:///{tmp_path / 'n.db'}", target=str(tmp_path / "o.db"))


def test_a_killed_move_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    """A real `kithkin move-to`, SIGKILLed mid-copy: the target is what it was."""
    target = _target(tmp_path)
    moving.move_to(source=personal(tmp_path / "a.db", name="Ann Lee"), target=target)
    before = rows(f"sqlite:///{target}", leave=())
    env = {**os.environ, "KITHKIN_DB": demo_copy(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kithkin", "move-to", target],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert line.startswith("copy "), line
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert rows(f"sqlite:///{target}", leave=()) == before


def test_the_cli(tmp_path: Path, run: Any) -> None:
    src = personal(tmp_path / "a.db")
    target = str(tmp_path / "team.db")
    done = run("--db", src, "move-to", target, "--dry-run")
    assert done.code == 0, done.err
    assert "would move" in done.out and "nothing was written" in done.out
    assert not Path(target).exists()
    done = run("--db", src, "move-to", target, "--as", "robin", "--json")
    assert done.code == 0, done.err
    moved = json.loads(done.out)
    assert moved["member"]["username"] == "robin" and moved["member"]["role"] == "owner"
    assert all(t["differing"] == 0 for t in moved["tables"])
    done = run("--db", src, "move-to", target, "--as", "Bad Name!")
    assert done.code == 1 and "user name" in done.err


names = st.sampled_from(["Ann", "Bo", "Cy", "Di", "Ed"])
addresses = st.sampled_from([f"{n}@x.example" for n in "abcdefgh"])
people_st = st.lists(
    st.tuples(names, st.lists(addresses, max_size=2, unique=True), st.booleans()),
    max_size=6,
)


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=people_st, second=people_st)
def test_any_two_small_databases_copy_and_compare(
    tmp_path_factory: pytest.TempPathFactory,
    first: list[tuple[str, list[str], bool]],
    second: list[tuple[str, list[str], bool]],
) -> None:
    """Two generated personal databases moved into one file (tests/pg: into PostgreSQL)."""
    folder = tmp_path_factory.mktemp("prop")
    copy_and_compare(folder, str(folder / "team.db"), first, second)


def copy_and_compare(
    folder: Path,
    target: str,
    first: list[tuple[str, list[str], bool]],
    second: list[tuple[str, list[str], bool]],
) -> None:
    """Two personal databases made of `first` and `second` ((name, addresses, noted) each)
    moved into `target`: every address is there, each on one person, every note is there
    once, no person is lost, and the check finds no row differing."""
    from kithkin.config import to_url
    from kithkin.services import me

    for n, made in enumerate((first, second)):
        url = f"sqlite:///{folder / f'{n}.db'}"
        db = Database(url)
        me.set_me(db, name=f"member {n}", addresses=[])
        taken: set[str] = set()
        for name, emails, noted in made:
            own = [e for e in emails if e not in taken]
            taken.update(own)
            pid = _person(db, name, own)
            if noted:
                _note(db, pid, f"{n}:{name}")
        db.dispose()
        report = moving.move_to(source=url, target=target)
        assert report.differing == 0
        assert report.copied + report.merged + report.skipped == report.rows
    db = Database(to_url(target))
    with db.read() as conn:
        held = {
            normalized: pid
            for pid, normalized in conn.execute(
                select(contact_point.c.person_id, contact_point.c.normalized)
            )
        }
        notes = sorted(conn.scalars(select(note.c.text)))
        people_there = int(conn.scalar(select(func.count()).select_from(person)) or 0)
    db.dispose()
    want_notes = sorted(
        f"{n}:{name}" for n, made in enumerate((first, second)) for name, _, noted in made if noted
    )
    assert notes == want_notes
    addresses_of = [{e for _, emails, _ in made for e in emails} for made in (first, second)]
    assert set(held) == addresses_of[0] | addresses_of[1]
    # the first's are all copied; each of the second's is new or merged into one holding an
    # address of theirs (two of them may merge into the same one)
    assert people_there >= len(first)
    assert people_there <= len(first) + len(second)


def _person(db: Database, name: str, emails: list[str]) -> int:
    from tests.builders.people import person as make

    return make(db, name, emails=emails)


def _note(db: Database, pid: int, text_: str) -> None:
    from kithkin.services import story

    story.add_note(db, person=pid, text=text_)


@pytest.fixture
def private_table() -> Iterator[Table]:
    """A table like those team mode adds (a `member_id` saying whose a row is), on the shared
    metadata for this test only: move-to must stamp it with no change to its code."""
    made = Table(
        "scratch_private",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("person_id", Integer, ForeignKey("person.id", ondelete="CASCADE"), nullable=False),
        Column("member_id", Integer, ForeignKey("member.id", ondelete="CASCADE")),
        Column("text", Text, nullable=False),
    )
    yield made
    metadata.remove(made)


def test_ids_in_keys_and_member_columns_follow_the_rows(
    tmp_path: Path, private_table: Table
) -> None:
    target = tmp_path / "team.db"
    made = Database(f"sqlite:///{target}")
    with made.write() as conn:
        private_table.create(conn)
    made.dispose()
    first = personal(tmp_path / "a.db", name="Ann Lee")
    made = Database(first)
    with made.write() as conn:
        private_table.create(conn)
    made.dispose()
    moving.move_to(source=first, target=str(target))
    url = personal(tmp_path / "b.db", name="Bo Park")
    db = Database(url)
    with db.write() as conn:
        private_table.create(conn)
        bo = conn.scalar(select(contact_point.c.person_id).order_by(contact_point.c.id))
        sam = conn.scalar(select(person.c.id).where(person.c.display_name == "Sam"))
        iid = conn.scalar(select(interaction_participant.c.interaction_id).limit(1))
        origin = conn.execute(
            select(interaction.c.source, interaction.c.source_id).where(interaction.c.id == iid)
        ).one()
        conn.execute(insert(private_table).values(person_id=bo, text="mine"))
        agenda.mute(conn, f"waiting:{bo}", "f", "dismiss")
        agenda.mute(conn, f"meeting:i{iid}", "f", "dismiss")
    knows.state(db, a=bo, b=sam, tier="strong")
    db.dispose()
    report = moving.move_to(source=url, target=str(target))
    assert report.differing == 0
    db = Database(f"sqlite:///{target}")
    with db.read() as conn:
        member = team.by_username(conn, "bo.park")
        bo_now = conn.scalar(
            select(contact_point.c.person_id).where(
                contact_point.c.normalized == "robin@vale.example"
            )
        )  # Ann's Robin Vale holds it: Bo's Robin Vale is that person now
        sams = list(conn.scalars(select(person.c.id).where(person.c.display_name == "Sam")))
        assert len(sams) == 2  # no address: two Sams, one each
        mine = conn.execute(select(private_table)).one()
        assert (mine.person_id, mine.member_id, mine.text) == (bo_now, member.id, "mine")
        keys = set(conn.scalars(select(agenda_mute.c.item_key)))
        assert f"waiting:{bo_now}" in keys
        moved_i = conn.scalar(
            select(interaction.c.id).where(
                interaction.c.source == origin.source, interaction.c.source_id == origin.source_id
            )
        )
        assert moved_i != iid
        assert f"meeting:i{moved_i}" in keys
        ties = conn.execute(select(knows_tie.c.a, knows_tie.c.b)).all()
        assert (min(f"#{bo_now}", f"#{sams[1]}"), max(f"#{bo_now}", f"#{sams[1]}")) in ties
    db.dispose()
